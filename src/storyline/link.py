"""Pair scoring and relation decision: do two articles tell the same story?

``Linker.featurize`` turns an article into :class:`ArticleFeatures` once (normalization, TF-IDF,
entities, numbers, dates, quotes, shingles, optional embedding); ``Linker.score`` compares two
feature sets cheaply (well under a millisecond without embeddings) so clustering can score many
candidate pairs. Signals are combined by small linear models fitted by ``benchmarks/fit_link.py``
on the SemEval-2022 Task 8 English training pairs and on labelled synthetic pairs; their
coefficients live in ``storyline/resources/link-model.json`` and inference is plain numpy.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xxhash

from storyline.data import DIMENSIONS, RELATIONS, SAME_STORY_RELATIONS, Article
from storyline.errors import ConfigError
from storyline.features.entities import KINDS, extract_entities
from storyline.features.facts import (
    DateFact,
    NumberFact,
    Quote,
    extract_dates,
    extract_numbers,
    extract_quotes,
)
from storyline.features.sentences import sentence_fingerprints, shared_sentence_fraction
from storyline.features.shingles import shingle_hashes, sorted_overlap, tokenize
from storyline.features.tfidf import IdfModel, content_tokens, cosine, tfidf_weights
from storyline.normalize import normalize_article

if TYPE_CHECKING:
    from storyline.features.embeddings import Embedder

__all__ = [
    "DIMENSIONS",
    "RELATIONS",
    "SAME_STORY_RELATIONS",
    "ArticleFeatures",
    "Linker",
    "PairScore",
    "compute_signals",
    "design_row",
    "is_revision",
    "model_variant",
    "variant_kind",
]

_MODEL_FILE = "link-model.json"
_LEAD_WORDS = 60
_SHINGLE_K = 5
_FACT_UNITS_SKIP = frozenset({"year", "time", "day", "age"})
_HAS_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


@dataclass(frozen=True)
class PairScore:
    """Similarity in [0, 1], the relation, the raw signals and SemEval-scale dimensions.

    ``similarity`` is graded like a human judge (fitted to SemEval 'overall'); ``same_story``
    is the probability that both report the same event (a classifier that also learned from
    same-topic/different-event pairs), which drives the relation and is what clustering wants.

    ``dimensions`` maps geography, entities, time, narrative, style, tone and overall to the
    SemEval-2022 Task 8 scale: 1 = same ... 4 = different.
    """

    similarity: float
    relation: str
    signals: dict[str, float]
    dimensions: dict[str, float]
    same_story: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "similarity": self.similarity,
            "relation": self.relation,
            "same_story": self.same_story,
            "dimensions": dict(self.dimensions),
            "signals": dict(self.signals),
        }


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


# Model inputs. "Ramp" transforms clip((x - knot) / width, 0, 1) at a few knots let a linear
# model bend its response to the main overlap signals (most pairs sit at low overlap).
_KNOTS = (0.0, 0.15, 0.3, 0.45, 0.6, 0.8)
_RAMPED = ("tfidf", "tfidf_lead", "ent_all", "containment")


def _ramps(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{n}@{k:g}" for n in names for k in _KNOTS)


# Plain signals (the default design) ...
# Every signal but the title flag and the embedding cosine, in signal order.
LEXICAL_FEATURES = tuple(s for s in SIGNALS if s not in ("has_titles", "embedding"))
EMBEDDING_FEATURES = (*LEXICAL_FEATURES, "embedding", "emb_x_ent")
# ... and a design with ramps of the main overlap signals (the fit picks one by CV).
LEXICAL_RAMP_FEATURES = (
    *_ramps(_RAMPED),
    *(f for f in LEXICAL_FEATURES if f not in _RAMPED),
    "tfidf_x_ent",
)
# A few robust signals: the two overlap cosines, shared names, figures, quotes, wording kept,
# and the conflicts. Listed first, so that the fit prefers it unless a richer design is clearly
# better in CV (benchmarks/fit_link.py, MARGIN).
FEW_LEXICAL_FEATURES = (
    "tfidf",
    "tfidf_lead",
    "ent_all",
    "num_agree",
    "num_conflict",
    "weekday_conflict",
    "year_conflict",
    "quote",
    "containment",
)
# With an encoder: its cosine alone (a calibrated cosine), the cosine with the lexical overlap
# and shared names, or every signal.
DESIGNS: dict[str, dict[str, tuple[str, ...]]] = {
    "lexical": {"few": FEW_LEXICAL_FEATURES, "plain": LEXICAL_FEATURES, "ramps": LEXICAL_RAMP_FEATURES},
    "embeddings": {
        "cosine": ("embedding",),
        "cosine+few": ("embedding", "tfidf", "tfidf_lead", "ent_all"),
        "plain": EMBEDDING_FEATURES,
    },
}
# Encoders with their own fitted variant (cosines of different encoders are on different scales);
# any other encoder uses the "embeddings" variant (fitted on all-MiniLM-L6-v2).
ENCODER_VARIANTS = {"all-mpnet-base-v2": "embeddings:all-mpnet-base-v2"}


def model_variant(encoder: str | None) -> str:
    """The link-model variant for an encoder name (``None``: no embeddings, the lexical model)."""
    if encoder is None:
        return "lexical"
    return ENCODER_VARIANTS.get(encoder, "embeddings")


def variant_kind(variant: str) -> str:
    """'lexical' or 'embeddings': which family of designs a variant is fitted with."""
    return "embeddings" if variant.startswith("embeddings") else "lexical"


# Conflicts may only lower similarity (fits constrain these coefficients to <= 0). Overlap
# signals are left free: they are correlated, and SemEval CV is clearly better without
# forcing each one positive; sane behaviour far from SemEval comes from the synthetic pairs
# that are always part of the training set.
FEATURE_SIGNS = {
    "num_conflict": -1,
    "weekday_conflict": -1,
    "year_conflict": -1,
    "dateline_diff": -1,
    "pub_gap": -1,
    "pub_hours": -1,
}


# (signal, [(ramp name, knot, width)]): the ramp names and widths, computed once
_RAMP_PLAN = tuple(
    (n, tuple((f"{n}@{k:g}", k, (_KNOTS[i + 1] if i + 1 < len(_KNOTS) else 1.0) - k) for i, k in enumerate(_KNOTS)))
    for n in _RAMPED
)


def design_row(s: Mapping[str, float], names: Sequence[str]) -> np.ndarray:
    """Model input vector for signals ``s`` in the order of ``names``."""
    d = dict(s)
    for n, ramps in _RAMP_PLAN:
        x = d[n]
        for name, k, width in ramps:
            d[name] = min(max((x - k) / width, 0.0), 1.0)
    d["tfidf_x_ent"] = d["tfidf"] * d["ent_all"]
    d["emb_x_ent"] = d["embedding"] * d["ent_all"]
    return np.array([d[n] for n in names], dtype=np.float64)


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class LinearModel:
    """Standardized linear model: ``y = intercept + coef . ((x - mean) / scale)``, clipped;
    ``link='logistic'`` applies the logistic function first."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    lo: float
    hi: float
    link: str = "identity"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LinearModel:
        return cls(
            tuple(d["features"]),
            np.asarray(d["mean"], dtype=np.float64),
            np.asarray(d["scale"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            float(d["intercept"]),
            float(d["lo"]),
            float(d["hi"]),
            str(d.get("link", "identity")),
        )

    @property
    def weights(self) -> tuple[np.ndarray, float]:
        """Coefficients folded onto raw inputs: ``y = w . x + b`` (before link and clipping)."""
        w = self.coef / self.scale
        return w, self.intercept - float(np.dot(w, self.mean))

    def finish(self, y: float) -> float:
        if self.link == "logistic":
            y = 1.0 / (1.0 + math.exp(-max(min(y, 50.0), -50.0)))
        return min(max(y, self.lo), self.hi)

    def predict(self, x: np.ndarray) -> float:
        return self.finish(self.intercept + float(np.dot(self.coef, (x - self.mean) / self.scale)))

    def predict_many(self, X: np.ndarray) -> np.ndarray:
        """:meth:`predict` for every row of ``X`` at once (used when fitting and in CV)."""
        y = self.intercept + ((X - self.mean) / self.scale) @ self.coef
        if self.link == "logistic":
            y = 1.0 / (1.0 + np.exp(-np.clip(y, -50.0, 50.0)))
        return np.clip(y, self.lo, self.hi)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form :meth:`from_dict` reads (what ``benchmarks/fit_link.py`` ships)."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(self.intercept, 8),
            "lo": self.lo,
            "hi": self.hi,
            "link": self.link,
        }


@dataclass(frozen=True)
class RelationThresholds:
    """Cut-offs of the relation decision (fitted on labelled synthetic pairs; see README)."""

    near_duplicate_jaccard: float = 0.8
    near_duplicate_containment: float = 0.9
    same_story: float = 0.5  # on the same_story probability
    related: float = 0.2  # on similarity
    revision_containment: float = 0.15
    # without a known source on both sides: share of verbatim sentences a revision must keep
    revision_sentences: float = 0.3


@dataclass(frozen=True)
class LinkModel:
    version: int
    similarity: LinearModel
    same_story: LinearModel
    dimensions: dict[str, LinearModel]
    thresholds: RelationThresholds
    info: dict[str, Any]

    def __post_init__(self) -> None:
        models = [self.similarity, self.same_story, *self.dimensions.values()]
        feats = self.similarity.features
        if any(m.features != feats for m in models):
            raise ConfigError("link model parts use different feature lists", hint="refit the model")
        ws = [m.weights for m in models]
        object.__setattr__(self, "_W", np.vstack([w for w, _ in ws]))
        object.__setattr__(self, "_b", np.array([b for _, b in ws]))
        object.__setattr__(self, "_parts", models)

    def predict_all(self, x: np.ndarray) -> tuple[float, float, dict[str, float]]:
        """(similarity, same-story probability, dimensions) from one design vector."""
        raw = self._W @ x + self._b  # type: ignore[attr-defined]
        parts: list[LinearModel] = self._parts  # type: ignore[attr-defined]
        sim = parts[0].finish(float(raw[0]))
        p_same = parts[1].finish(float(raw[1]))
        dims = {
            name: parts[2 + i].finish(float(raw[2 + i])) for i, name in enumerate(self.dimensions)
        }
        return sim, p_same, dims


# Words that name what kind of outlet a source is rather than which one: "Nordpress" and
# "Nordpress News Agency" are one origin.
_GENERIC_SOURCE_WORDS = frozenset(
    ["the", "news", "agency", "press", "service", "wire", "wires", "staff", "reporters", "reporter", "inc", "ltd", "corp", "co", "group", "media", "newspaper", "online", "digital", "com", "net", "org"]
)


def _source_tokens(name: str) -> list[str]:
    words = re.findall(r"[^\W_]+", name.lower())
    return [w for w in words if w not in _GENERIC_SOURCE_WORDS] or words


def _same_name(a: str, b: str) -> bool:
    """Whether two parsed source names denote one origin: equal up to case, punctuation and
    generic words ("Nordpress" / "Nordpress News Agency"), one name's words all inside the
    other's ("Reuters" / "Thomson Reuters"), or an acronym of the other ("AFP" /
    "Agence France-Presse")."""
    ta, tb = _source_tokens(a), _source_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if set(short) <= set(long_):
        return True
    return _acronym_of(ta, b) or _acronym_of(tb, a)


def _acronym_of(tokens: list[str], name: str) -> bool:
    full = [w for w in re.findall(r"[^\W_]+", name.lower()) if w not in ("the", "of", "and")]
    return len(tokens) == 1 and len(full) >= 2 and tokens[0] == "".join(w[0] for w in full)


def is_revision(
    source_a: str | None, source_b: str | None, s: Mapping[str, float], t: RelationThresholds
) -> bool:
    """Whether a same-story pair is one origin's update of its own report, from signals that
    hold in real wire copy rather than on layout: the origin (source or agency as parsed) must
    be the same, and the later text must keep the earlier one's wording (shared 5-shingles or
    verbatim sentences), its quotes, or carry counts that moved as an update's do.

    Two different known origins are never a revision (one outlet does not update another's
    story: that is ``same_story``). With an origin unknown on either side the bar is higher:
    the same dateline and verbatim sentences kept.
    """
    kept = max(s["containment"], s["sent_match"])
    if source_a and source_b:
        if not _same_name(source_a, source_b):
            return False
        return kept >= t.revision_containment or s["quote"] >= 0.5 or s["num_update"] > 0
    return s["dateline_same"] > 0 and s["sent_match"] >= t.revision_sentences


def _load_model_file(path: Path | None) -> dict[str, Any]:
    if path is None:
        return _packaged_model()
    try:
        data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read link model {path}: {exc}",
            hint="pass a file written by benchmarks/fit_link.py, or omit it for the packaged model",
        ) from exc
    return data


@lru_cache(maxsize=1)
def _packaged_model() -> dict[str, Any]:
    path = resources.files("storyline.resources").joinpath(_MODEL_FILE)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _parse_model(data: Mapping[str, Any], variant: str) -> LinkModel:
    if data.get("version") != 1:
        raise ConfigError(
            f"unsupported link model version {data.get('version')!r}", hint="refit with benchmarks/fit_link.py"
        )
    if variant not in data["models"]:
        raise ConfigError(f"link model has no {variant!r} variant", hint="refit with benchmarks/fit_link.py")
    m = data["models"][variant]
    dims = {k: LinearModel.from_dict(v) for k, v in m["dimensions"].items()}
    return LinkModel(
        version=1,
        similarity=LinearModel.from_dict(m["similarity"]),
        same_story=LinearModel.from_dict(m["same_story"]),
        dimensions=dims,
        thresholds=RelationThresholds(**m.get("relation", {})),
        info={k: data[k] for k in ("created_by", "trained_on", "cv") if k in data},
    )


# ---------------------------------------------------------------- linker


class Linker:
    """Featurize articles and score pairs with the fitted model.

    ``Linker.load()`` uses the packaged model; with an ``embedder`` it uses that encoder's
    variant (:func:`model_variant`: embedding cosine as a signal), otherwise the lexical one.
    """

    def __init__(
        self,
        model: LinkModel | None,
        embedder: Embedder | None = None,
        idf: IdfModel | None = None,
        entity_backend: str = "rules",
    ):
        self.model = model
        self.embedder = embedder
        self.idf = idf if idf is not None else IdfModel.default()
        self.entity_backend = entity_backend

    def _model(self) -> LinkModel:
        if self.model is None:
            raise ConfigError("this Linker has no model (featurize only)", hint="use Linker.load()")
        return self.model

    @classmethod
    def load(
        cls,
        model_path: str | Path | None = None,
        embedder: Embedder | None = None,
        idf: IdfModel | None = None,
        entity_backend: str = "rules",
    ) -> Linker:
        data = _load_model_file(Path(model_path) if model_path is not None else None)
        variant = model_variant(embedder.name if embedder is not None else None)
        return cls(_parse_model(data, variant), embedder, idf, entity_backend)

    @property
    def uses_embeddings(self) -> bool:
        return self.embedder is not None

    # ------------------------------------------------------------ features

    def featurize(self, article: Article, *, normalized: bool = False) -> ArticleFeatures:
        """Features of one article (normalizes it first unless ``normalized``)."""
        f = self._featurize(article if normalized else normalize_article(article))
        if self.embedder is not None:
            f.embedding = self.embedder.encode([_embed_text(f)])[0]
        return f

    def featurize_many(
        self, articles: Iterable[Article], *, normalized: bool = False
    ) -> list[ArticleFeatures]:
        """Features of many articles; embeddings (when used) are encoded in batches."""
        feats = [self._featurize(a if normalized else normalize_article(a)) for a in articles]
        if self.embedder is not None and feats:
            vecs = self.embedder.encode([_embed_text(f) for f in feats])
            for f, v in zip(feats, vecs, strict=True):
                f.embedding = v
        return feats

    def _featurize(self, art: Article) -> ArticleFeatures:
        text = art.text
        published = _parse_published(art.published)
        tokens = content_tokens(text)
        words = tokenize(text)
        lead = " ".join(text.split()[:_LEAD_WORDS])
        ents = extract_entities(text, backend=self.entity_backend)  # type: ignore[arg-type]
        if art.title:
            ents = ents + extract_entities(art.title, backend=self.entity_backend)  # type: ignore[arg-type]
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
            terms=tfidf_weights(tokens, self.idf),
            lead_terms=tfidf_weights(content_tokens(lead), self.idf),
            title_terms=tfidf_weights(content_tokens(art.title or ""), self.idf),
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

    # ------------------------------------------------------------ scoring

    def score(self, a: ArticleFeatures, b: ArticleFeatures) -> PairScore:
        """Similarity, relation, signals and dimensions of one pair."""
        model = self._model()
        s = compute_signals(a, b)
        sim, p_same, dims = model.predict_all(design_row(s, model.similarity.features))
        dims = {k: round(v, 4) for k, v in dims.items()}
        dims["overall"] = round(4.0 - 3.0 * sim, 4)
        relation = self.decide(a, b, s, sim, p_same)
        return PairScore(
            round(sim, 6), relation, {k: round(v, 6) for k, v in s.items()}, dims, round(p_same, 6)
        )

    def similarity(self, a: ArticleFeatures, b: ArticleFeatures) -> float:
        """Just the similarity (skips dimensions and relation: for candidate ranking)."""
        m = self._model().similarity
        return m.predict(design_row(compute_signals(a, b), m.features))

    def same_story_probability(self, a: ArticleFeatures, b: ArticleFeatures) -> float:
        """Just the same-story probability (the cheapest call for clustering)."""
        m = self._model().same_story
        return m.predict(design_row(compute_signals(a, b), m.features))

    def decide(
        self,
        a: ArticleFeatures,
        b: ArticleFeatures,
        s: Mapping[str, float],
        sim: float,
        p_same: float,
    ) -> str:
        """The relation from the scores and signals (thresholds in the model file).

        duplicate: same normalized words; near_duplicate: 5-shingle Jaccard (or containment of
        a similar-length text) above threshold; revision: same story (``p_same``) that one origin
        rewrote (see :func:`is_revision`); same_story by ``p_same``; otherwise related or
        unrelated by ``sim``.
        """
        t = self._model().thresholds
        if a.text_hash == b.text_hash and a.n_words > 0:
            return "duplicate"
        if s["jaccard"] >= t.near_duplicate_jaccard or (
            s["containment"] >= t.near_duplicate_containment and s["len_ratio"] >= 0.5
        ):
            return "near_duplicate"
        if p_same >= t.same_story:
            return "revision" if is_revision(a.source, b.source, s, t) else "same_story"
        if sim >= t.related:
            return "related"
        return "unrelated"

    def score_texts(
        self,
        text_a: str,
        text_b: str,
        *,
        title_a: str | None = None,
        title_b: str | None = None,
        published_a: str | None = None,
        published_b: str | None = None,
    ) -> PairScore:
        """Score two raw texts (normalized here)."""
        fa, fb = self.featurize_many(
            [
                Article(id="a", text=text_a, title=title_a, published=published_a),
                Article(id="b", text=text_b, title=title_b, published=published_b),
            ]
        )
        return self.score(fa, fb)


def _embed_text(f: ArticleFeatures) -> str:
    return f"{f.title}. {f.text}" if f.title else f.text
