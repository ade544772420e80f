"""Story clustering: candidates -> scored pairs -> stories, first reports, streaming updates.

One engine serves batch and streaming. Each article (in time order for batch, arrival order
for a stream) is featurized, its candidates are found in a bounded index (salient terms with
capped postings + MinHash bands, inside a time window), scored by the pair scorer (by default
:class:`storyline.link.Linker`), and assigned to a story:

* a story is a *candidate* when one of its members is among the article's candidates;
* the article joins the candidate story with the highest **average** similarity over the
  members it was scored against, if that average is >= ``threshold`` and at least
  ``min(min_support, members in window)`` of those members score >= ``threshold`` (the
  story's earliest and latest members are scored too when fewer were candidates). One similar
  member is not enough to pull an article into a large story, so a chain A~B~C of pairwise
  look-alikes does not glue two stories together (single-link would);
* otherwise it starts a new story, whose id is derived from its first article's id.

Batch mode (:func:`cluster_stories`) then runs a merge pass: sparse average-linkage over all
scored pairs, merging two stories when their mean cross similarity is >= ``threshold`` with the
same support rule. A stream never re-arranges stories it already reported, so batch and stream
can differ: a stream keeps a story split when an early article was ambiguous and sees articles in
arrival order, not publication order. The per-article cost of a stream depends on the window's
density and the caps, not on how many stories were seen.
"""

from __future__ import annotations

import heapq
import math
import warnings
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np

from storyline.data import Article
from storyline.errors import ConfigError, InputError
from storyline.index.terms import TermIndex, top_terms

SAME_STORY_RELATIONS = ("duplicate", "near_duplicate", "revision", "same_story")
_COPY_RELATIONS = frozenset(("duplicate", "near_duplicate"))


class PairScoreLike(Protocol):
    """What clustering needs from a pair score (:class:`storyline.link.PairScore` has it)."""

    @property
    def similarity(self) -> float: ...

    @property
    def relation(self) -> str: ...


class Scorer(Protocol):
    """A pair scorer: :class:`storyline.link.Linker` or any stand-in with the same two verbs."""

    def featurize(self, article: Article) -> Any: ...

    def score(self, a: Any, b: Any) -> PairScoreLike: ...


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Settings for story clustering (batch and stream), validated on construction.

    ``threshold``: average pair score an article needs to a story to join it. The defaults
    (0.7 average, 0.8 support, on the Linker's same-story probability) were fitted on a
    synthetic corpus (benchmarks/story_clusters.py, seed 5), never on the reported test data.
    ``support_threshold``: score at which a member counts as supporting (default: ``threshold``);
    set it above ``threshold`` to let a story absorb a member that is close to most of it
    (average) and very close to a few (support), e.g. an update that reworded the original.
    ``score_field``: which pair score decides: ``same_story`` (the Linker's same-event
    probability; falls back to ``similarity`` for scorers without it) or ``similarity`` (graded,
    topic-like relatedness: the setting for topic-level clustering such as WikiRef).
    ``corpus_idf``: refine the scorer's IDF on the articles being clustered (batch: all of them
    first; stream: each article as it arrives), so a corpus's own stock phrases stop counting as
    shared evidence. Needs a scorer with an ``idf`` model (the Linker has one).
    ``window_days``: only articles published within this many days of each other are compared
    (None: no window; articles without a date are always comparable).
    ``k``: candidates scored per article. ``max_terms`` / ``max_postings``: per-article indexed
    terms and the posting length beyond which a term is skipped as too common.
    ``min_term_score``: shared term weight below which a pair is not worth scoring.
    ``min_support``: members of a story that must each score >= support_threshold to join or
    merge it (fewer when the story has fewer members in the window).
    ``use_minhash``: add MinHash-band candidates (catches copies whose terms are all common).
    ``ann_k``: when the features carry an ``embedding`` (a scorer with an embedder), also add
    the article's ``ann_k`` nearest embedded neighbours in the window from an approximate
    nearest-neighbour index (usearch, the ``[embeddings]`` extra); 0 (default) turns it off:
    its effect on clustering quality has not been measured yet. Without embeddings it does
    nothing.
    ``max_items``: cap on articles kept in a stream's index (oldest dropped), None = window only.
    ``merge``: batch only, run the average-linkage merge pass after assignment.
    ``merge_support``: a merge also needs supporting pairs for at least this fraction of the
    smaller story's members, so two big groups touching through a few look-alike members (the
    usual way two topics or two stories chain) stay apart.
    ``merge_agree``: a merge also needs at least this share of the scored cross pairs to
    support it: two concurrent same-topic, same-place events have many cross pairs, a few of
    them look-alikes; two halves of one story agree on most of theirs. (``max_postings`` 400
    and ``merge_agree`` 0.5 were chosen on a 5,000-article synthetic corpus of seed 5, whose
    7-day window is as dense as the test corpus's; see docs/stories.md.)
    ``chunk``: batch articles featurized and scored per step (with ``workers`` processes).
    """

    threshold: float = 0.7
    support_threshold: float | None = 0.8
    score_field: str = "same_story"
    corpus_idf: bool = True
    window_days: float | None = 7.0
    k: int = 20
    max_terms: int = 32
    max_postings: int = 400
    min_term_score: float = 0.02
    min_support: int = 2
    use_minhash: bool = True
    ann_k: int = 0
    num_perm: int = 64
    lsh_threshold: float = 0.5
    max_items: int | None = None
    merge: bool = True
    merge_support: float = 0.5
    merge_agree: float = 0.5
    label_terms: int = 4
    workers: int = 1
    chunk: int = 2000

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in [0, 1], got {self.threshold}", hint="use e.g. 0.5")
        if self.window_days is not None and self.window_days <= 0:
            raise ConfigError(
                f"window_days must be > 0 or None, got {self.window_days}",
                hint="use e.g. --window-days 7, or 0 for no window on the command line",
            )
        for name in ("k", "max_terms", "max_postings", "min_support", "label_terms", "workers", "chunk"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.support_threshold is not None and not 0.0 <= self.support_threshold <= 1.0:
            raise ConfigError(f"support_threshold must be in [0, 1], got {self.support_threshold}")
        if self.score_field not in ("same_story", "similarity"):
            raise ConfigError(
                f"score_field must be 'same_story' or 'similarity', got {self.score_field!r}"
            )
        if not 0.0 <= self.merge_support <= 1.0:
            raise ConfigError(f"merge_support must be in [0, 1], got {self.merge_support}")
        if not 0.0 <= self.merge_agree <= 1.0:
            raise ConfigError(f"merge_agree must be in [0, 1], got {self.merge_agree}")
        if self.ann_k < 0:
            raise ConfigError(f"ann_k must be >= 0, got {self.ann_k}", hint="0 turns ANN candidates off")
        if self.num_perm < 2:
            raise ConfigError(f"num_perm must be >= 2, got {self.num_perm}")

    @property
    def support_at(self) -> float:
        return self.threshold if self.support_threshold is None else self.support_threshold

    @property
    def window_s(self) -> float | None:
        return None if self.window_days is None else self.window_days * 86400.0


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one article went. ``relation``/``nearest_id``/``similarity``/``score`` describe its
    nearest scored member of its own story (or its nearest candidate at all for a new story;
    None when nothing was comparable). ``score`` is the deciding pair score (``score_field``);
    ``novelty`` = 1 - the best score to anything seen before (1.0: nothing like it)."""

    article_id: str
    story_id: str
    relation: str | None
    nearest_id: str | None
    similarity: float
    is_new_story: bool
    novelty: float
    candidates: int = 0
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "story_id": self.story_id,
            "relation": self.relation,
            "nearest_id": self.nearest_id,
            "similarity": round(self.similarity, 6),
            "score": round(self.score, 6),
            "is_new_story": self.is_new_story,
            "novelty": round(self.novelty, 6),
        }


@dataclass(slots=True)
class Story:
    """One story: members in time order (ties: input order), its first report and a label."""

    id: str
    members: list[str]
    first_report: str
    label: str
    first_seen: str | None
    last_seen: str | None
    sources: list[str]

    @property
    def size(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "story_id": self.id,
            "label": self.label,
            "size": self.size,
            "first_report": self.first_report,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "members": list(self.members),
            "sources": list(self.sources),
        }


@dataclass(slots=True)
class StoryResult:
    """Batch output: one assignment per article (input order) and the stories, largest first."""

    assignments: list[Assignment]
    stories: list[Story]
    pairs_scored: int = 0
    candidates_examined: int = 0

    @property
    def story_of(self) -> dict[str, str]:
        return {a.article_id: a.story_id for a in self.assignments}

    def first_reports(self) -> dict[str, str]:
        return {s.id: s.first_report for s in self.stories}

    def assignment_records(self) -> list[dict[str, Any]]:
        first = self.first_reports()
        return [a.to_dict() | {"first_report": first[a.story_id]} for a in self.assignments]


def story_id_for(first_article_id: str) -> str:
    """Stable story id: derived from (and readable as) the id of the story's first article."""
    return f"story:{first_article_id}"


def parse_time(value: str | None) -> float | None:
    """Epoch seconds of an ISO-8601 date/time (naive means UTC); None when absent or unparseable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


# --- what the engine reads from a scorer's features -----------------------------------------


def index_terms(features: Any, entity_weight: float = 0.5) -> dict[str, float]:
    """Weighted salient keys of an article: TF-IDF terms plus entity keys (prefixed ``e:``).

    Reads the :class:`storyline.link.ArticleFeatures` fields ``terms`` (TF-IDF weights) and
    ``entity_keys``; a stand-in may use ``tfidf`` / ``entities`` (an iterable of keys) instead.
    A scorer may define ``index_terms(features)`` to override this altogether.
    """
    terms: dict[str, float] = {}
    tf = getattr(features, "terms", None)
    if not isinstance(tf, Mapping):
        tf = getattr(features, "tfidf", None)
    if isinstance(tf, Mapping):
        terms.update({str(t): float(w) for t, w in tf.items()})
    ents = getattr(features, "entity_keys", None)
    if ents is None:
        ents = getattr(features, "entities", None)
    if isinstance(ents, Mapping):  # kind -> keys
        ents = [k for keys in ents.values() for k in keys]
    keys = sorted({str(e) for e in ents or ()})
    if keys:
        w = entity_weight / math.sqrt(len(keys))
        for e in keys:
            terms[f"e:{e}"] = w
    return terms


def _embedding(features: Any) -> np.ndarray | None:
    emb = getattr(features, "embedding", None)
    return emb if isinstance(emb, np.ndarray) and emb.size else None


def _shingles(features: Any) -> np.ndarray | None:
    sh = getattr(features, "shingles", None)
    return sh if isinstance(sh, np.ndarray) else None


# --- the engine ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    id: str
    order: int
    time: float | None
    published: str | None
    source: str | None
    terms: dict[str, float]
    sig: np.ndarray | None = None


@dataclass(slots=True)
class _StoryState:
    id: str
    seq: int
    members: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)

    def add_terms(self, terms: Mapping[str, float], keep: int = 64) -> None:
        """Accumulate member terms for the label, pruned to the ``keep`` heaviest (bounded)."""
        acc = self.terms
        for t, w in terms.items():
            acc[t] = acc.get(t, 0.0) + w
        if len(acc) > 2 * keep:
            self.terms = dict(top_terms(acc, keep))


@dataclass(slots=True)
class _Meta:
    order: int
    time: float | None
    published: str | None
    source: str | None


def with_corpus_idf(scorer: Scorer, texts: Iterable[str] | None = None, workers: int = 1) -> Scorer:
    """A shallow copy of ``scorer`` with its own IDF model, fitted on ``texts`` when given
    (counted in ``workers`` forked processes when > 1 and the model can take counts).

    The caller's scorer is never modified. Scorers without an ``idf`` model come back as is.
    """
    import copy

    idf = getattr(scorer, "idf", None)
    if idf is None or not hasattr(idf, "fit") or not hasattr(idf, "background"):
        return scorer
    fresh = type(idf)(idf.background, prior_docs=idf.prior_docs, min_prob=idf.min_prob, source=idf.source)
    if texts is not None:
        counts = None
        if workers > 1 and hasattr(fresh, "fit_counts"):
            texts = list(texts)
            counts = _parallel_doc_frequencies(texts, workers)
        if counts is not None:
            fresh.fit_counts(*counts)
        else:
            fresh.fit(texts)
    out = copy.copy(scorer)
    out.idf = fresh  # type: ignore[attr-defined]
    return out


def _parallel_doc_frequencies(texts: list[str], workers: int) -> tuple[Counter[str], int] | None:
    """Document frequencies of ``texts`` counted in forked processes (None: no fork here)."""
    from concurrent.futures import ProcessPoolExecutor

    from storyline.features.tfidf import document_frequencies

    ctx = _fork_context()
    if ctx is None or len(texts) < 2:
        return None
    step = max(1, math.ceil(len(texts) / (workers * 4)))
    parts = [texts[i : i + step] for i in range(0, len(texts), step)]
    df: Counter[str] = Counter()
    n = 0
    with ProcessPoolExecutor(workers, mp_context=ctx) as ex:
        for part_df, part_n in ex.map(document_frequencies, parts):
            df.update(part_df)
            n += part_n
    return df, n


def _default_scorer() -> Scorer:
    from storyline.link import Linker  # imported lazily: cluster works with any Scorer

    linker: Scorer = Linker.load()
    return linker


class StoryTracker:
    """Streaming story clustering: ``add(article) -> Assignment``.

    Keeps only what the time window (and ``max_items``) needs: features and index entries of
    older articles are dropped, so memory and per-article work stay bounded on an endless stream.
    """

    def __init__(self, linker: Scorer | None = None, config: ClusterConfig | None = None):
        self.config = config or ClusterConfig()
        self.scorer: Scorer = linker if linker is not None else _default_scorer()
        c = self.config
        self._idf: Any = None
        if c.corpus_idf:
            self.scorer = with_corpus_idf(self.scorer)
            self._idf = getattr(self.scorer, "idf", None)
        self._terms_of: Callable[[Any], dict[str, float]] = getattr(
            self.scorer, "index_terms", index_terms
        )
        self.index: TermIndex[str] = TermIndex(c.max_terms, c.max_postings, c.max_items)
        self._postings = True  # False: the index only keeps the window (candidates come given)
        self._lsh: Any = None
        self._hasher: Any = None
        if c.use_minhash:
            from storyline.features.minhash import MinHasher
            from storyline.index.lsh import LSHIndex

            self._hasher = MinHasher(num_perm=c.num_perm, seed=1)
            self._lsh = LSHIndex(threshold=c.lsh_threshold, num_perm=c.num_perm)
        self._ann: Any = None  # storyline.index.ann.VectorIndex, made on the first embedding
        self._features: dict[str, Any] = {}
        self._nodes: dict[str, _Node] = {}
        self._story_of: dict[str, str] = {}
        self._meta: dict[str, _Meta] = {}  # small per-article record for story summaries
        self._stories: dict[str, _StoryState] = {}
        self._order = 0
        self._recent: deque[float] = deque(maxlen=101)
        self.edges: list[tuple[str, str, float]] = []  # every scored pair (for the batch merge)
        self.record_edges = False  # batch: keep every scored pair for the merge pass
        self._last_examined = 0
        self.pairs_scored = 0
        self.candidates_examined = 0
        self.on_drop: Callable[[str], None] | None = None  # told when an article's features go

    # public API ---------------------------------------------------------------------------

    def add(self, article: Article, features: Any = None) -> Assignment:
        """Assign one article to a story (a new one if nothing in the window is close enough).
        ``features``: ``scorer.featurize(article)`` when already computed (e.g. in a worker)."""
        if self._idf is not None:
            self._idf.update(article.text)
        feats = self.scorer.featurize(article) if features is None else features
        return self._add_featurized(article, feats)

    def peek(self, article: Article, features: Any = None) -> Assignment:
        """What ``add`` would decide now, leaving the stories and index as they are."""
        feats = self.scorer.featurize(article) if features is None else features
        node = _Node(article.id, self._order, parse_time(article.published), article.published,
                     article.source, dict(top_terms(self._terms_of(feats), self.config.max_terms)))
        cache: dict[str, PairScoreLike] = {}
        for key in self._candidates(node, feats):
            self._score(feats, key, cache)
        return self._assign(node, feats, cache, commit=False)

    def restore(self, article: Article, features: Any, story_id: str) -> None:
        """Put back an article seen before (e.g. loaded from a store) under its known story,
        unscored; windowing and caps behave as when it was first added."""
        node = self._prepare(article, features)
        self._evict(node.time)
        self._insert(node, features)
        self.move(node.id, story_id)
        self._stories[story_id].add_terms(node.terms)

    def move(self, article_id: str, story_id: str) -> None:
        """Make ``article_id`` (already added) a member of ``story_id``, created if new."""
        old = self._story_of.get(article_id)
        state = self._stories.get(old) if old is not None else None
        if state is not None:
            state.members.remove(article_id)
            if not state.members:
                del self._stories[state.id]
        target = self._stories.get(story_id)
        if target is None:
            target = self._stories[story_id] = _StoryState(story_id, len(self._stories))
        target.members.append(article_id)
        self._story_of[article_id] = story_id

    def add_many(self, articles: Iterable[Article]) -> Iterator[Assignment]:
        """Assignments for many articles in order (same result as calling ``add`` on each)."""
        for a in articles:
            yield self.add(a)

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)

    def stories(self) -> list[Story]:
        """The stories so far, largest first. A stream keeps the id its story got when it
        started (from the first article *seen*); ``first_report`` is the earliest published."""
        return build_stories(self._meta, self._story_of, self._stories, self.config.label_terms)

    def __len__(self) -> int:
        return len(self._story_of)

    # internals ----------------------------------------------------------------------------

    def _prepare(self, article: Article, feats: Any) -> _Node:
        if article.id in self._story_of:
            raise InputError(
                f"article id {article.id!r} was already seen",
                where=article.where,
                hint="give every article a unique id (e.g. --id-field)",
            )
        node = _Node(
            article.id,
            self._order,
            parse_time(article.published),
            article.published,
            article.source,
            dict(top_terms(self._terms_of(feats), self.config.max_terms)),
        )
        self._order += 1
        self._meta[node.id] = _Meta(node.order, node.time, article.published, article.source)
        return node

    def _evict(self, now: float | None, drop: bool = True) -> list[str]:
        """Forget articles older than the window; with ``drop=False`` their features stay
        (returned keys: drop them later with ``_drop``).

        The window's clock is the median publication time of the last 101 dated articles, not
        the latest one: a feed's misdated article (a year ahead) must not evict everything.
        """
        w = self.config.window_s
        if now is None or w is None:
            return []
        self._recent.append(now)
        clock = sorted(self._recent)[(len(self._recent) - 1) // 2]
        gone = self.index.evict_before(clock - w)
        for key in gone:
            self._forget(key, drop)
        return gone

    def _forget(self, key: str, drop: bool = True) -> None:
        if drop:
            self._drop(key)
        if self._lsh is not None and key in self._lsh:
            self._lsh.remove(key)
        if self._ann is not None and key in self._ann:
            self._ann.remove(key)

    def _drop(self, key: str) -> None:
        self._features.pop(key, None)
        self._nodes.pop(key, None)
        if self.on_drop is not None:
            self.on_drop(key)

    def _candidates(self, node: _Node, feats: Any) -> list[str]:
        c = self.config
        found = self.index.query(node.terms, c.k, node.time, c.window_s, c.min_term_score)
        examined = self.index.last_examined
        out = [key for key, _ in found]
        if self._lsh is not None:
            sig = node.sig = self._signature(feats)
            if sig is not None:
                extra = [
                    key
                    for key in self._lsh.query(sig)
                    if key in self._features and self._in_window(node, key)
                ]
                examined += len(extra)
                have = set(out)
                out.extend(key for key in extra[: c.k] if key not in have)
        emb = _embedding(feats) if c.ann_k > 0 else None
        if emb is not None and self._ann is not None:
            near = [
                key
                for key, _ in self._ann.query(emb, c.ann_k)
                if key in self._features and self._in_window(node, key)
            ]
            examined += len(near)
            have = set(out)
            out.extend(key for key in near if key not in have)
        self.candidates_examined += examined
        self._last_examined = examined
        return out

    def _in_window(self, node: _Node, key: str) -> bool:
        w = self.config.window_s
        other = self._nodes[key].time if key in self._nodes else None
        return w is None or node.time is None or other is None or abs(other - node.time) <= w

    def _signature(self, feats: Any) -> np.ndarray | None:
        sh = _shingles(feats)
        if sh is None or self._hasher is None:
            return None
        return np.asarray(self._hasher.signature_from_shingles(sh))

    def _insert(self, node: _Node, feats: Any) -> None:
        terms = node.terms if self._postings else {}
        for key in self.index.insert(node.id, terms, node.time):
            self._forget(key)
        self._features[node.id] = feats
        self._nodes[node.id] = node
        if self._lsh is not None and node.sig is not None:
            self._lsh.insert(node.id, node.sig)
        emb = _embedding(feats) if self.config.ann_k > 0 else None
        if emb is not None:
            if self._ann is None:
                from storyline.index.ann import VectorIndex

                self._ann = VectorIndex()
            self._ann.insert(node.id, emb)

    def _score(self, feats: Any, key: str, cache: dict[str, PairScoreLike]) -> PairScoreLike:
        got = cache.get(key)
        if got is None:
            got = self.scorer.score(self._features[key], feats)
            cache[key] = got
            self.pairs_scored += 1
        return got

    def _add_featurized(
        self, article: Article, feats: Any, cache: dict[str, PairScoreLike] | None = None
    ) -> Assignment:
        node = self._prepare(article, feats)
        self._evict(node.time)
        cands = self._candidates(node, feats)
        cache = {} if cache is None else cache
        for key in cands:
            self._score(feats, key, cache)
        assignment = self._assign(node, feats, cache)
        self._insert(node, feats)
        return assignment

    def _assign(
        self, node: _Node, feats: Any, cache: dict[str, PairScoreLike], commit: bool = True
    ) -> Assignment:
        c = self.config
        val = self._value
        by_story: dict[str, list[str]] = defaultdict(list)
        for key in cache:
            if key in self._story_of:
                by_story[self._story_of[key]].append(key)
        best_story: str | None = None
        best_avg = -1.0
        for sid in sorted(by_story, key=lambda s: self._stories[s].seq):
            members = self._live_members(sid, node)
            need = min(c.min_support, len(members))
            scored = by_story[sid]
            if len(scored) < need:  # verify against the story's first and latest members
                for key in self._support_members(members, scored, need):
                    self._score(feats, key, cache)
                    scored.append(key)
            sims = [val(cache[k]) for k in scored]
            avg = sum(sims) / len(sims)
            support = sum(1 for s in sims if s >= c.support_at)
            if avg >= c.threshold and support >= need and avg > best_avg:
                best_story, best_avg = sid, avg
        nearest_all = self._nearest(list(cache), cache)
        best = val(cache[nearest_all]) if nearest_all is not None else 0.0
        novelty = 1.0 - best
        if self.record_edges and commit:
            self.edges.extend((k, node.id, val(cache[k])) for k in cache)
        if best_story is None:
            sid = story_id_for(node.id)
            if commit:
                state = self._stories[sid] = _StoryState(sid, len(self._stories), [node.id])
                state.add_terms(node.terms)
                self._story_of[node.id] = sid
            near = cache[nearest_all] if nearest_all is not None else None
            return Assignment(
                node.id,
                sid,
                near.relation if near else None,
                nearest_all,
                near.similarity if near else 0.0,
                True,
                novelty,
                self._last_examined,
                best,
            )
        own = self._nearest(by_story[best_story], cache)
        assert own is not None
        if commit:
            self._stories[best_story].members.append(node.id)
            self._stories[best_story].add_terms(node.terms)
            self._story_of[node.id] = best_story
        return Assignment(
            node.id,
            best_story,
            cache[own].relation,
            own,
            cache[own].similarity,
            False,
            novelty,
            self._last_examined,
            val(cache[own]),
        )

    def _live_members(self, sid: str, node: _Node) -> list[str]:
        """Members still held (inside the window), oldest first."""
        return [
            m
            for m in self._stories[sid].members
            if m in self._features and self._in_window(node, m)
        ]

    @staticmethod
    def _support_members(members: list[str], scored: list[str], need: int) -> list[str]:
        have = set(scored)
        picks: list[str] = []
        for m in (members[0], members[-1], *members[1:-1]):
            if len(scored) + len(picks) >= need:
                break
            if m not in have and m not in picks:
                picks.append(m)
        return picks

    def _nearest(self, keys: Sequence[str], cache: Mapping[str, PairScoreLike]) -> str | None:
        if not keys:
            return None
        val = self._value
        return min(keys, key=lambda k: (-val(cache[k]), self._nodes[k].order))

    def _value(self, score: PairScoreLike) -> float:
        """The deciding score of a pair (``score_field``, else ``similarity``); a pair the scorer
        calls a duplicate or near duplicate is certain evidence (1.0) whatever the score."""
        if score.relation in _COPY_RELATIONS:
            return 1.0
        return float(getattr(score, self.config.score_field, score.similarity))


# --- batch ------------------------------------------------------------------------------


def _order_key(a: Article, i: int) -> tuple[float, int]:
    t = parse_time(a.published)
    return (t if t is not None else math.inf, i)


def cluster_stories(
    articles: Sequence[Article],
    config: ClusterConfig | None = None,
    linker: Scorer | None = None,
    progress: Callable[[int], None] | None = None,
) -> StoryResult:
    """Group ``articles`` into stories (batch): time-ordered assignment, then a merge pass.

    Articles are processed by published time (undated ones last, ties by input order), so the
    first member of a story is its first report. ``progress(n)`` is called as articles finish.
    Same input and config give the same result.
    """
    cfg = config or ClusterConfig()
    ids = [a.id for a in articles]
    dup = [i for i, n in Counter(ids).items() if n > 1]
    if dup:
        first = next(a for a in articles if a.id == dup[0])
        raise InputError(
            f"{len(dup)} article ids occur more than once, e.g. {dup[0]!r}",
            where=first.where,
            hint="ids must be unique: dedup the input or choose another --id-field",
        )
    scorer = linker if linker is not None else _default_scorer()
    if cfg.corpus_idf:
        scorer = with_corpus_idf(scorer, [a.text for a in articles], cfg.workers)
    tracker = StoryTracker(scorer, replace(cfg, corpus_idf=False))
    tracker.record_edges = cfg.merge
    order = sorted(range(len(articles)), key=lambda i: _order_key(articles[i], i))
    raw: dict[str, Assignment] = {}
    for feats_chunk, idx_chunk in _featurized_chunks(tracker.scorer, articles, order, cfg):
        chunk = [articles[i] for i in idx_chunk]
        if cfg.workers > 1:
            for a, asg in zip(chunk, _assign_chunk_parallel(tracker, chunk, feats_chunk), strict=True):
                raw[a.id] = asg
            if progress is not None:
                progress(len(chunk))
            continue
        for feats, a in zip(feats_chunk, chunk, strict=True):
            raw[a.id] = tracker._add_featurized(a, feats)
            if progress is not None:
                progress(1)
    story_of = {aid: asg.story_id for aid, asg in raw.items()}
    if cfg.merge:
        story_of = _merge_stories(story_of, tracker.edges, cfg, [articles[i].id for i in order])
    return _finish(articles, raw, story_of, tracker, cfg)


@dataclass(frozen=True, slots=True)
class _LightScore:
    """What clustering keeps of a pair score computed in a worker (cheap to send back)."""

    similarity: float
    relation: str
    same_story: float


_WORKER_FEATURES: dict[str, Any] = {}


def _score_slice(pairs: list[tuple[str, str]]) -> list[tuple[float, str, float]]:
    out = []
    for a, b in pairs:
        sc = _WORKER_SCORER.score(_WORKER_FEATURES[a], _WORKER_FEATURES[b])
        out.append((float(sc.similarity), str(sc.relation), float(getattr(sc, "same_story", sc.similarity))))
    return out


def _assign_chunk_parallel(tracker: StoryTracker, chunk: list[Article], feats: list[Any]) -> list[Assignment]:
    """Same result as adding one by one: candidates (index only) first, then every candidate
    pair scored in forked workers, then the sequential assignment. Features evicted from the
    window meanwhile are kept until the chunk is done."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER_SCORER, _WORKER_FEATURES
    staged: list[tuple[_Node, Any, list[str], int]] = []
    deferred: list[str] = []
    for a, f in zip(chunk, feats, strict=True):
        node = tracker._prepare(a, f)
        deferred.extend(tracker._evict(node.time, drop=False))
        cands = tracker._candidates(node, f)
        tracker._insert(node, f)
        staged.append((node, f, cands, tracker._last_examined))
    pairs = [(c, node.id) for node, _, cands, _ in staged for c in cands]
    _WORKER_SCORER, _WORKER_FEATURES = tracker.scorer, tracker._features
    workers = tracker.config.workers
    step = max(1, math.ceil(len(pairs) / (workers * 4)))
    parts = [pairs[i : i + step] for i in range(0, len(pairs), step)]
    with warnings.catch_warnings():
        # the featurization pool's manager thread is running; these children only score
        warnings.simplefilter("ignore", DeprecationWarning)
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as ex:
            results = [r for part in ex.map(_score_slice, parts) for r in part]
    _WORKER_FEATURES = {}
    scores = {p: _LightScore(*r) for p, r in zip(pairs, results, strict=True)}
    tracker.pairs_scored += len(pairs)
    out: list[Assignment] = []
    for node, f, cands, examined in staged:
        cache: dict[str, PairScoreLike] = {c: scores[(c, node.id)] for c in cands}
        tracker._last_examined = examined
        out.append(tracker._assign(node, f, cache))
    for key in deferred:
        tracker._drop(key)
    return out


def _featurized_chunks(
    scorer: Scorer, articles: Sequence[Article], order: list[int], cfg: ClusterConfig
) -> Iterator[tuple[list[Any], list[int]]]:
    """Features in processing order, a chunk at a time.

    With ``workers`` > 1, one pool of forked processes (the scorer is inherited, not pickled)
    featurizes up to two chunks ahead while the caller assigns the current one, so the
    sequential part of clustering overlaps with featurization instead of waiting for it.
    """
    starts = list(range(0, len(order), cfg.chunk))
    ctx = _fork_context() if cfg.workers > 1 and len(order) > 1 else None
    if ctx is None:
        many = getattr(scorer, "featurize_many", None)
        for start in starts:
            idx = order[start : start + cfg.chunk]
            chunk = [articles[i] for i in idx]
            feats = list(many(chunk)) if many is not None else [scorer.featurize(a) for a in chunk]
            yield feats, idx
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    global _WORKER_SCORER
    _WORKER_SCORER = scorer
    pending: deque[tuple[list[int], list[Future[list[Any]]]]] = deque()
    with ProcessPoolExecutor(cfg.workers, mp_context=ctx) as ex:

        def submit(start: int) -> None:
            idx = order[start : start + cfg.chunk]
            chunk = [articles[i] for i in idx]
            step = max(1, math.ceil(len(chunk) / (cfg.workers * 4)))
            futs = [ex.submit(_featurize_slice, chunk[i : i + step]) for i in range(0, len(chunk), step)]
            pending.append((idx, futs))

        ahead = 2
        for start in starts[:ahead]:
            submit(start)
        nxt = ahead
        while pending:
            idx, futs = pending.popleft()
            feats = [f for fu in futs for f in fu.result()]
            if nxt < len(starts):
                submit(starts[nxt])
                nxt += 1
            yield feats, idx


_WORKER_SCORER: Any = None


def _fork_context() -> Any:
    import multiprocessing as mp

    try:
        return mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork: run serially
        return None


def _featurize_slice(chunk: list[Article]) -> list[Any]:
    return [_WORKER_SCORER.featurize(a) for a in chunk]


def _merge_stories(
    story_of: dict[str, str],
    edges: list[tuple[str, str, float]],
    cfg: ClusterConfig,
    time_order: list[str],
) -> dict[str, str]:
    """Sparse average-linkage merge of stories over the scored pairs.

    Linkage of two stories = mean score of their scored cross pairs; they merge when it is
    >= threshold and the cross pairs scoring >= support_threshold number at least
    ``min(min_support, cross pairs)``, ``merge_support`` x the smaller story's size and
    ``merge_agree`` x the number of scored cross pairs.
    Greedy, highest linkage first (ties by story ids); a merged story keeps the id of its
    earlier first member.
    """
    thr = cfg.threshold
    sup = cfg.support_at
    rank = {aid: i for i, aid in enumerate(time_order)}
    first_rank: dict[str, int] = {}
    size: dict[str, int] = defaultdict(int)
    for aid, sid in story_of.items():
        size[sid] += 1
        r = rank[aid]
        if r < first_rank.get(sid, 1 << 62):
            first_rank[sid] = r
    # cross-story accumulators: (sum, count, support)
    link: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for a, b, s in edges:
        sa, sb = story_of[a], story_of[b]
        if sa == sb:
            continue
        for x, y in ((sa, sb), (sb, sa)):
            acc = link[x].setdefault(y, [0.0, 0.0, 0.0])
            acc[0] += s
            acc[1] += 1
            acc[2] += s >= sup
    heap: list[tuple[float, str, str]] = []

    def push(x: str, y: str) -> None:
        acc = link[x][y]
        avg = acc[0] / acc[1]
        need = max(min(cfg.min_support, acc[1]), cfg.merge_support * min(size[x], size[y]))
        if avg >= thr and acc[2] >= need and acc[2] >= cfg.merge_agree * acc[1]:
            heapq.heappush(heap, (-avg, min(x, y), max(x, y)))

    for x in sorted(link):
        for y in sorted(link[x]):
            if x < y:
                push(x, y)
    alias: dict[str, str] = {}
    while heap:
        neg, x, y = heapq.heappop(heap)
        if x in alias or y in alias or y not in link.get(x, {}):
            continue
        acc = link[x][y]
        if acc[0] / acc[1] != -neg:
            continue  # stale entry; the current value was pushed again
        keep, gone = (x, y) if first_rank[x] <= first_rank[y] else (y, x)
        alias[gone] = keep
        size[keep] += size[gone]
        for z, accz in link.pop(gone).items():
            link[z].pop(gone, None)
            if z == keep:
                continue
            tgt = link[keep].setdefault(z, [0.0, 0.0, 0.0])
            for j in range(3):
                tgt[j] += accz[j]
            link[z][keep] = tgt
        link[keep].pop(gone, None)
        for z in sorted(link[keep]):
            push(keep, z)

    def root(s: str) -> str:
        while s in alias:
            s = alias[s]
        return s

    return {aid: root(sid) for aid, sid in story_of.items()}


def build_stories(
    meta: Mapping[str, _Meta],
    story_of: Mapping[str, str],
    states: Mapping[str, _StoryState],
    label_terms: int,
    rename: bool = False,
) -> list[Story]:
    """Stories from per-article records: members by (time, input order), undated last.

    ``rename``: give each story the id derived from its first report (batch); otherwise keep
    the tracker's id (stream). Labels come from ``states`` (empty when a story has none).
    """
    members: dict[str, list[str]] = defaultdict(list)
    for aid, sid in story_of.items():
        members[sid].append(aid)
    inf = math.inf

    def key(aid: str) -> tuple[float, int]:
        m = meta[aid]
        return (m.time if m.time is not None else inf, m.order)

    out: list[Story] = []
    for sid, ids in members.items():
        ids.sort(key=key)
        dated = [meta[i] for i in ids if meta[i].time is not None]
        state = states.get(sid)
        out.append(
            Story(
                story_id_for(ids[0]) if rename else sid,
                ids,
                ids[0],
                _label(state.terms if state else {}, label_terms),
                dated[0].published if dated else None,
                dated[-1].published if dated else None,
                sorted({src for i in ids if (src := meta[i].source)}),
            )
        )
    out.sort(key=lambda s: (-s.size, s.id))
    return out


def _finish(
    articles: Sequence[Article],
    raw: dict[str, Assignment],
    story_of: dict[str, str],
    tracker: StoryTracker,
    cfg: ClusterConfig,
) -> StoryResult:
    stories = build_stories(tracker._meta, story_of, {}, cfg.label_terms, rename=True)
    # labels: sum the term accumulators of every raw story merged into a final one
    parts: dict[str, list[str]] = defaultdict(list)
    for aid, asg in raw.items():
        if asg.is_new_story:
            parts[story_of[aid]].append(asg.story_id)
    final_of: dict[str, Story] = {}
    for st in stories:
        final_of[story_of[st.first_report]] = st
    for merged, raw_ids in parts.items():
        terms: dict[str, float] = defaultdict(float)
        for rid in raw_ids:
            for t, w in tracker._stories[rid].terms.items():
                terms[t] += w
        final_of[merged].label = _label(terms, cfg.label_terms)
    out: list[Assignment] = []
    for a in articles:
        asg = raw[a.id]
        st = final_of[story_of[a.id]]
        out.append(
            Assignment(
                a.id,
                st.id,
                asg.relation,
                asg.nearest_id,
                asg.similarity,
                st.first_report == a.id,
                asg.novelty,
                asg.candidates,
                asg.score,
            )
        )
    return StoryResult(out, stories, tracker.pairs_scored, tracker.candidates_examined)


def _label(terms: Mapping[str, float], n: int) -> str:
    """Top entities of a story (then top terms when there are fewer than ``n`` entities)."""
    ents = {t: w for t, w in terms.items() if t.startswith("e:")}
    picked = [t[2:] for t, _ in top_terms(ents, n)]
    if len(picked) < n:
        words = [t for t, _ in top_terms(terms, 2 * n) if not t.startswith("e:")]
        picked += [w for w in words if w not in picked][: n - len(picked)]
    return ", ".join(picked)
