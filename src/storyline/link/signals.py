"""Pair signals: each a number roughly in [0, 1] comparing two :class:`ArticleFeatures`.

They are the inputs of the fitted models (designs.py); every one is cheap (set overlaps and
cosines of precomputed features), so clustering can score many candidate pairs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from storyline.features.entities import KINDS
from storyline.features.sentences import shared_sentence_fraction
from storyline.features.shingles import sorted_overlap
from storyline.features.tfidf import cosine
from storyline.link.features import ArticleFeatures


def _set_cos(a: frozenset[Any] | set[Any], b: frozenset[Any] | set[Any]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


# ---------------------------------------------------------------- signals

SIGNALS = (
    "tfidf",
    "tfidf_lead",
    "title",
    "has_titles",
    "ent_all",
    "ent_person",
    "ent_place",
    "ent_org",
    "ent_misc",
    "num_agree",
    "num_conflict",
    "date_agree",
    "weekday_conflict",
    "year_agree",
    "year_conflict",
    "quote",
    "dateline_same",
    "dateline_diff",
    "same_source",
    "pub_gap",
    "jaccard",
    "containment",
    "len_ratio",
    "sent_match",
    "num_update",
    "pub_hours",
    "embedding",
)


def compute_signals(a: ArticleFeatures, b: ArticleFeatures) -> dict[str, float]:
    """All pair signals, each roughly in [0, 1]; 'embedding' is 0 when either side lacks one."""
    s: dict[str, float] = {}
    s["tfidf"] = cosine(a.terms, b.terms)
    s["tfidf_lead"] = cosine(a.lead_terms, b.lead_terms)
    has_titles = bool(a.title_terms and b.title_terms)
    s["title"] = cosine(a.title_terms, b.title_terms) if has_titles else 0.0
    s["has_titles"] = float(has_titles)
    s["ent_all"] = _set_cos(a.entity_keys, b.entity_keys)
    for kind in KINDS:
        s[f"ent_{kind.lower()}"] = _set_cos(a.entities.get(kind, frozenset()), b.entities.get(kind, frozenset()))
    s["num_agree"] = _set_cos(a.number_set, b.number_set)
    shared_units = a.number_units.keys() & b.number_units.keys()
    if shared_units:
        conflicts = sum(1 for u in shared_units if not (a.number_units[u] & b.number_units[u]))
        s["num_conflict"] = conflicts / len(shared_units)
    else:
        s["num_conflict"] = 0.0
    s["date_agree"] = _set_cos(a.date_set, b.date_set)
    s["weekday_conflict"] = float(bool(a.weekdays and b.weekdays and not (a.weekdays & b.weekdays)))
    s["year_agree"] = _set_cos(a.years, b.years)
    s["year_conflict"] = float(bool(a.years and b.years and not (a.years & b.years)))
    s["quote"] = _quote_overlap(a.quote_tokens, b.quote_tokens)
    if a.dateline and b.dateline:
        same = a.dateline.lower() == b.dateline.lower()
        s["dateline_same"], s["dateline_diff"] = float(same), float(not same)
    else:
        s["dateline_same"] = s["dateline_diff"] = 0.0
    s["same_source"] = float(bool(a.source and b.source and a.source.lower() == b.source.lower()))
    if a.published and b.published:
        s["pub_gap"] = min(abs((a.published - b.published).days), 30) / 30.0
    else:
        s["pub_gap"] = 0.0
    inter = sorted_overlap(a.shingles, b.shingles)
    na, nb = a.shingles.size, b.shingles.size
    s["jaccard"] = inter / (na + nb - inter) if na + nb - inter > 0 else 0.0
    s["containment"] = inter / min(na, nb) if min(na, nb) > 0 else 0.0
    s["len_ratio"] = min(a.n_words, b.n_words) / max(a.n_words, b.n_words, 1)
    s["sent_match"] = shared_sentence_fraction(a.sentences, b.sentences)
    s["num_update"] = _number_updates(a, b, shared_units)
    if a.published_hours is not None and b.published_hours is not None:
        gap = min(abs(a.published_hours - b.published_hours), _GAP_CAP_HOURS)
        s["pub_hours"] = math.log1p(gap) / math.log1p(_GAP_CAP_HOURS)
    else:
        s["pub_hours"] = 0.0
    if a.embedding is not None and b.embedding is not None:
        s["embedding"] = float(np.dot(a.embedding, b.embedding))
    else:
        s["embedding"] = 0.0
    return s


_GAP_CAP_HOURS = 30 * 24.0


def _plausible_update(old: float, new: float) -> bool:
    """A count that a later version of the same report could carry: it rose, by at most
    double (or 5), as tolls, arrests and injured counts do between updates hours apart."""
    return 0 < new - old <= max(old, 5.0)


def _number_updates(a: ArticleFeatures, b: ArticleFeatures, shared_units: Iterable[str]) -> float:
    """Share of the units both articles quantify whose values differ as an update would:
    the later article's largest value is a plausible rise of the earlier one's. Without both
    publication times either direction counts."""
    units = list(shared_units)
    if not units:
        return 0.0
    ta, tb = a.published_hours, b.published_hours
    order = 0 if ta is None or tb is None or ta == tb else (1 if tb > ta else -1)
    ups = 0
    for u in units:
        va, vb = a.number_units[u], b.number_units[u]
        if va & vb:
            continue
        x, y = max(va), max(vb)
        if order > 0:
            ups += _plausible_update(x, y)
        elif order < 0:
            ups += _plausible_update(y, x)
        else:
            ups += _plausible_update(x, y) or _plausible_update(y, x)
    return ups / len(units)


def _quote_overlap(qa: list[frozenset[str]], qb: list[frozenset[str]]) -> float:
    """Share of the smaller side's quotes that appear (>= 60% of words) on the other side."""
    if not qa or not qb:
        return 0.0
    if len(qa) > len(qb):
        qa, qb = qb, qa
    hit = 0
    for q in qa:
        for r in qb:
            if len(q & r) >= 0.6 * min(len(q), len(r)):
                hit += 1
                break
    return hit / len(qa)

