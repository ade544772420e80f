"""Pair-level evaluation: Pearson correlation, binary same-story F1, SemEval record parsing,
and labelled pairs drawn from the synthetic corpus. Pure functions, no I/O."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.data import DIMENSIONS, SAME_STORY_RELATIONS

__all__ = [
    "SEMEVAL_DIMENSIONS",
    "BinaryScores",
    "LabelledPair",
    "binary_scores",
    "gold_ratings",
    "pair_metrics",
    "pearson",
    "synthetic_pairs",
]

SEMEVAL_DIMENSIONS = DIMENSIONS


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation; NaN when fewer than two points or a constant side."""
    n = len(x)
    if n != len(y):
        raise ValueError(f"length mismatch: {n} vs {len(y)}")
    if n < 2:
        return math.nan
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return math.nan
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return sxy / math.sqrt(sxx * syy)


@dataclass(frozen=True, slots=True)
class BinaryScores:
    precision: float
    recall: float
    f1: float
    accuracy: float
    positives: int
    predicted_positives: int
    n: int


def binary_scores(pred: Sequence[bool], gold: Sequence[bool]) -> BinaryScores:
    """Precision/recall/F1/accuracy of binary decisions (1.0 where nothing was claimed/missed)."""
    if len(pred) != len(gold):
        raise ValueError(f"length mismatch: {len(pred)} vs {len(gold)}")
    tp = sum(1 for p, g in zip(pred, gold, strict=True) if p and g)
    pp, gp = sum(pred), sum(gold)
    precision = tp / pp if pp else 1.0
    recall = tp / gp if gp else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    acc = sum(1 for p, g in zip(pred, gold, strict=True) if p == g) / len(pred) if pred else math.nan
    return BinaryScores(precision, recall, f1, acc, gp, pp, len(pred))


def gold_ratings(record: Mapping[str, Any]) -> dict[str, float]:
    """SemEval dimension ratings of a record: top-level fields or nested under 'scores'.

    Only numeric values of the known dimensions are returned (missing ones are absent).
    """
    out: dict[str, float] = {}
    nested = record.get("scores")
    sources = [record, nested] if isinstance(nested, Mapping) else [record]
    for src in sources:
        for dim in SEMEVAL_DIMENSIONS:
            v = src.get(dim)
            if isinstance(v, int | float) and not isinstance(v, bool) and dim not in out:
                out[dim] = float(v)
    return out


# ---------------------------------------------------------------- synthetic pairs


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """Two synthetic records and the relation their labels imply."""

    a: Mapping[str, Any]
    b: Mapping[str, Any]
    relation: str


def synthetic_pairs(
    records: Iterable[Mapping[str, Any]], seed: int = 0, per_kind: int = 200
) -> list[LabelledPair]:
    """Pairs with known relations from a synthetic corpus (``storyline.synth`` labels).

    near_duplicate: a copy and the article it copies; revision: a revision and its parent;
    revision also: two versions from the agency (original/revision) further apart;
    same_story: a rewrite and the original, or any two other non-copy members of one story;
    related: two different stories on the same topic (incl. distractors, which reuse the
    previous story's topic and often its place); unrelated: different topics.
    Up to ``per_kind`` pairs of each relation, chosen with a seeded RNG.
    """
    recs = list(records)
    by_id = {r["id"]: r for r in recs}
    stories: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in recs:
        stories[r["story_id"]].append(r)
    rng = random.Random(seed)
    groups: dict[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]] = defaultdict(list)
    for r in recs:
        parent = by_id.get(r.get("parent_id") or "")
        if parent is None:
            continue
        rel = {"copy": "near_duplicate", "revision": "revision", "rewrite": "same_story"}.get(
            r["kind"]
        )
        if rel:
            groups[rel].append((parent, r))
    for members in stories.values():
        non_copy = [m for m in members if m["kind"] != "copy"]
        for i in range(len(non_copy)):
            for j in range(i + 1, len(non_copy)):
                x, y = non_copy[i], non_copy[j]
                if x["id"] == y.get("parent_id") or y["id"] == x.get("parent_id"):
                    continue  # already labelled above
                agency = {"original", "revision"}
                rel = "revision" if {x["kind"], y["kind"]} <= agency else "same_story"
                groups[rel].append((x, y))
    heads = [m[0] for m in stories.values()]
    by_topic: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for h in heads:
        by_topic[h["topic"]].append(h)
    for hs in by_topic.values():
        for i in range(len(hs)):
            for j in range(i + 1, len(hs)):
                groups["related"].append((hs[i], hs[j]))
    for _ in range(per_kind * 3 if len(heads) >= 2 else 0):
        x, y = rng.sample(heads, 2)
        if x["topic"] != y["topic"]:
            groups["unrelated"].append((x, y))
    out: list[LabelledPair] = []
    for rel in ("near_duplicate", "revision", "same_story", "related", "unrelated"):
        cand = groups.get(rel, [])
        if len(cand) > per_kind:
            cand = rng.sample(cand, per_kind)
        out.extend(LabelledPair(x, y, rel) for x, y in cand)
    return out


def pair_metrics(
    predictions: Sequence[Mapping[str, Any]],
    golds: Sequence[Mapping[str, float]],
    same_threshold: float = 0.5,
) -> list[dict[str, Any]]:
    """Metric rows comparing predicted pairs with SemEval gold ratings.

    Each prediction has ``similarity`` (higher = more similar), optionally ``relation``,
    ``same_story`` (a probability) and ``dimensions`` (SemEval scale, 1 = same). Rows:
    Pearson of similarity vs -overall; Pearson of each predicted dimension vs gold; binary
    same-story precision/recall/F1 with gold = overall <= 2 and predicted = a same-story
    relation when given, else ``same_story`` >= ``same_threshold``, else similarity >= it.
    Pairs missing a gold value are left out of that metric (``n`` says how many counted).
    """
    if len(predictions) != len(golds):
        raise ValueError(f"length mismatch: {len(predictions)} vs {len(golds)}")
    rows: list[dict[str, Any]] = []
    sims, neg_overall, pred_same, gold_same = [], [], [], []
    for p, g in zip(predictions, golds, strict=True):
        if "overall" not in g:
            continue
        sims.append(float(p["similarity"]))
        neg_overall.append(-g["overall"])
        gold_same.append(g["overall"] <= 2.0)
        pred_same.append(_predicted_same(p, same_threshold))
    rows.append({"metric": "pearson(similarity, -overall)", "value": pearson(sims, neg_overall), "n": len(sims)})
    for dim in SEMEVAL_DIMENSIONS:
        xs, ys = [], []
        for p, g in zip(predictions, golds, strict=True):
            pd = p.get("dimensions") or {}
            if dim in g and isinstance(pd.get(dim), int | float):
                xs.append(float(pd[dim]))
                ys.append(g[dim])
        if xs:
            rows.append({"metric": f"pearson({dim})", "value": pearson(xs, ys), "n": len(xs)})
    if sims:
        b = binary_scores(pred_same, gold_same)
        for name in ("precision", "recall", "f1", "accuracy"):
            rows.append({"metric": f"same-story {name} (overall <= 2)", "value": getattr(b, name), "n": b.n})
    return rows


def _predicted_same(p: Mapping[str, Any], threshold: float) -> bool:
    rel = p.get("relation")
    if isinstance(rel, str) and rel:
        return rel in SAME_STORY_RELATIONS
    prob = p.get("same_story")
    if isinstance(prob, int | float) and not isinstance(prob, bool):
        return float(prob) >= threshold
    return float(p["similarity"]) >= threshold
