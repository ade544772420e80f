"""What the pair scorer knows about one article (:class:`ArticleFeatures`), computed once.

Featurizing is the expensive half of linking (normalization, TF-IDF, entities, numbers, dates,
quotes, shingles); :func:`featurize_article` does it once per article so scoring a pair stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import xxhash

from storyline.data import Article
from storyline.features.entities import KINDS, extract_entities
from storyline.features.facts import (
    DateFact,
    NumberFact,
    Quote,
    extract_dates,
    extract_numbers,
    extract_quotes,
)
from storyline.features.sentences import sentence_fingerprints
from storyline.features.shingles import shingle_hashes, tokenize
from storyline.features.tfidf import IdfModel, content_tokens, tfidf_weights

_LEAD_WORDS = 60
_SHINGLE_K = 5
_FACT_UNITS_SKIP = frozenset({"year", "time", "day", "age"})
_HAS_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


@dataclass
class ArticleFeatures:
    """Everything the scorer needs about one article, computed once."""

    id: str
    published: date | None
    dateline: str | None
    source: str | None
    title: str | None
    text: str
    text_hash: int
    n_words: int
    terms: dict[str, float]
    lead_terms: dict[str, float]
    title_terms: dict[str, float]
    entities: dict[str, frozenset[str]]
    entity_keys: frozenset[str]
    numbers: list[NumberFact]
    dates: list[DateFact]
    quotes: list[Quote]
    shingles: np.ndarray
    embedding: np.ndarray | None = None
    # derived sets for cheap comparison
    number_set: frozenset[tuple[str, float]] = field(default=frozenset())
    number_units: dict[str, frozenset[float]] = field(default_factory=dict)
    date_set: frozenset[date] = field(default=frozenset())
    weekdays: frozenset[str] = field(default=frozenset())
    years: frozenset[int] = field(default=frozenset())
    quote_tokens: list[frozenset[str]] = field(default_factory=list)
    # publication time in hours since the epoch (None when unknown) and sentence fingerprints
    published_hours: float | None = None
    sentences: frozenset[int] = field(default=frozenset())


def _parse_published(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _parse_hours(value: str | date | None) -> float | None:
    """Publication time in hours since the epoch; a bare date counts as its midnight (UTC)."""
    if value is None:
        return None
    try:
        if isinstance(value, datetime):
            dt = value
        elif isinstance(value, date):
            dt = datetime(value.year, value.month, value.day)
        else:
            dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() / 3600.0


def featurize_article(art: Article, idf: IdfModel, entity_backend: str = "rules") -> ArticleFeatures:
    """Features of one (already normalized) article: pure, so any process computes the same."""
    text = art.text
    published = _parse_published(art.published)
    tokens = content_tokens(text)
    words = tokenize(text)
    lead = " ".join(text.split()[:_LEAD_WORDS])
    ents = extract_entities(text, backend=entity_backend)  # type: ignore[arg-type]
    if art.title:
        ents = ents + extract_entities(art.title, backend=entity_backend)  # type: ignore[arg-type]
    by_kind: dict[str, set[str]] = {k: set() for k in KINDS}
    for e in ents:
        by_kind[e.kind].add(e.key)
    numbers = extract_numbers(text)
    dates = extract_dates(text, published)
    quotes = extract_quotes(text)
    num_units: dict[str, set[float]] = {}
    for n in numbers:
        if n.unit and n.unit not in _FACT_UNITS_SKIP:
            num_units.setdefault(n.unit, set()).add(n.value)
    return ArticleFeatures(
        id=art.id,
        published=published,
        dateline=art.dateline,
        source=art.source,
        title=art.title,
        text=text,
        text_hash=xxhash.xxh3_64_intdigest(" ".join(words).encode("utf-8")),
        n_words=len(words),
        terms=tfidf_weights(tokens, idf),
        lead_terms=tfidf_weights(content_tokens(lead), idf),
        title_terms=tfidf_weights(content_tokens(art.title or ""), idf),
        entities={k: frozenset(v) for k, v in by_kind.items()},
        entity_keys=frozenset(e.key for e in ents),
        numbers=numbers,
        dates=dates,
        quotes=quotes,
        shingles=shingle_hashes(text, _SHINGLE_K),
        number_set=frozenset(
            (n.unit, n.value) for n in numbers if n.unit not in _FACT_UNITS_SKIP
        ),
        number_units={u: frozenset(v) for u, v in num_units.items()},
        date_set=frozenset(d.resolved for d in dates if d.resolved is not None and d.kind != "month"),
        weekdays=frozenset(d.text.lower() for d in dates if d.kind == "weekday"),
        years=frozenset(
            [int(n.value) for n in numbers if n.unit == "year"]
            + [d.resolved.year for d in dates if d.resolved is not None and _HAS_YEAR.search(d.text)]
        ),
        quote_tokens=[frozenset(q.key.split()) for q in quotes],
        published_hours=_parse_hours(art.published),
        sentences=sentence_fingerprints(text),
    )


def embed_text(f: ArticleFeatures) -> str:
    """The text an encoder embeds: the title (when there is one) and the body."""
    return f"{f.title}. {f.text}" if f.title else f.text
