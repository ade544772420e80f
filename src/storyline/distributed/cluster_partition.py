"""Per-partition work of ``cluster --engine spark``: plain functions over Arrow record batches.

They import no pyspark (testable without a JVM) and compose the local engine's own public
parts (:mod:`storyline.stories`): a :class:`CandidateIndex` driven by a :class:`WindowClock`
replays the candidates, a :class:`StoryBook` makes the sequential assignment of each component,
:func:`merge_stories` and :func:`finish` the merge pass, stories and labels, and the scorer's
``featurize`` / ``score`` the features and scores. That is what makes the Spark result
identical to :func:`storyline.stories.cluster_stories`.

Why the local algorithm splits this way:

* candidates of article *x* depend only on the articles before *x* (time order) that are still
  in the window, plus the window's clock (order statistics of the last 1,001 dated articles). A
  block of consecutive articles therefore gets exactly the local candidates when the tracker's
  index is replayed from a *context* start that covers the clock's memory before the block and
  everything the clock keeps in the window (:func:`block_candidates`). The local tracker also
  holds articles past the window's edge while their story is open (for late articles of that
  story); in time order no later article is within the window of a held one, and held articles
  neither count toward the posting cap nor meet undated articles, so the replay evicts plainly
  and still finds exactly the local candidates (it does not know the stories yet);
* the assignment and merge pass only ever look at an article's candidates, members of the
  stories of those candidates (support checks) and pairs scored among them. Every member of a
  story reached its story through a candidate pair, so all of that lies inside one connected
  component of the candidate graph, and the local run restricted to one component, in the same
  global order and with the same eviction cut-offs, makes the same decisions
  (:func:`cluster_components`).
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pyarrow as pa

from storyline.data import Article
from storyline.distributed.partition import _items
from storyline.features.tfidf import content_tokens
from storyline.index.terms import top_terms
from storyline.io.base import Bad
from storyline.stories import (
    Assignment,
    CandidateIndex,
    ClusterConfig,
    LightScore,
    Node,
    PairScoreLike,
    PairScores,
    Scorer,
    StoryBook,
    WindowClock,
    deciding_score,
    finish,
    index_terms,
    merge_stories,
    parse_time,
)

PARSED_SCHEMA = (
    "idx long, id string, t double, line string, "
    "err_type string, err_message string, err_where string, err_hint string, err_snippet string"
)
DF_SCHEMA = "term string, n long"
FEATURE_SCHEMA = "rank long, id string, published string, source string, ix binary, blob binary"
CAND_SCHEMA = (
    "rank long, cut double, cands array<long>, sims array<double>, rels array<string>, "
    "sss array<double>, vals array<double>"
)
RAW_SCHEMA = "rank long, rs string"
OUT_SCHEMA = "kind byte, k1 long, k2 string, line string"
ASSIGNMENT, STORY, STAT, CONFLICT = 0, 1, 2, 3


def _json(rec: dict[str, Any]) -> str:
    """One record as the local ``write_records`` prints it."""
    return json.dumps(rec, ensure_ascii=False, default=str)


def article_from_line(line: str) -> Article:
    return Article(**json.loads(line))


def parse_articles(batches: Iterator[pa.RecordBatch], kind: str, rc: Any) -> Iterator[pa.RecordBatch]:
    """Raw rows -> (idx, id, published time, the article as JSON) or the reader's error."""
    for batch in batches:
        rows: dict[str, list[Any]] = {k: [] for k in (
            "idx", "id", "t", "line", "err_type", "err_message", "err_where", "err_hint",
            "err_snippet")}
        for idx, item in _items(batch, kind, rc):
            rows["idx"].append(idx)
            if isinstance(item, Bad):
                e = item.error
                for k, v in (("id", None), ("t", None), ("line", None),
                             ("err_type", type(e).__name__), ("err_message", e.message),
                             ("err_where", e.where), ("err_hint", e.hint),
                             ("err_snippet", item.snippet)):
                    rows[k].append(v)
                continue
            assert isinstance(item, Article)
            d = item.to_dict()
            d["where"] = item.where
            vals: tuple[tuple[str, Any], ...] = (
                ("id", item.id), ("t", parse_time(item.published)), ("line", _json(d)),
                ("err_type", None), ("err_message", None), ("err_where", None),
                ("err_hint", None), ("err_snippet", None))
            for k, v in vals:
                rows[k].append(v)
        if rows["idx"]:
            yield pa.RecordBatch.from_pydict(
                rows,
                schema=pa.schema([("idx", pa.int64()), ("id", pa.string()), ("t", pa.float64()),
                                  ("line", pa.string())] + [
                    (k, pa.string()) for k in ("err_type", "err_message", "err_where",
                                                "err_hint", "err_snippet")]),
            )


def document_frequencies(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Article JSON lines -> (term, documents containing it) for this partition, exactly what
    ``IdfModel.fit`` counts (``n_docs`` comes as the empty term)."""
    df: Counter[str] = Counter()
    n = 0
    for batch in batches:
        for line in batch.column("line").to_pylist():
            df.update(set(content_tokens(json.loads(line)["text"])))
            n += 1
    df[""] = n
    terms = sorted(df)
    yield pa.RecordBatch.from_pydict(
        {"term": pa.array(terms, pa.string()), "n": pa.array([df[t] for t in terms], pa.int64())}
    )


@dataclass(slots=True)
class _Pre:
    """What the candidate replay needs of an article: its indexed terms and MinHash signature."""

    terms: dict[str, float]
    sig: np.ndarray | None


def featurize_articles(
    batches: Iterator[pa.RecordBatch], scorer: Any, cfg: ClusterConfig
) -> Iterator[pa.RecordBatch]:
    """(rank, article line) -> (rank, index features, pickled scorer features).

    ``scorer`` is a Spark broadcast (or the scorer itself); features come from the scorer's
    own ``featurize_many`` and the index terms / signature from the local engine's code.
    """
    sc = scorer.value if hasattr(scorer, "value") else scorer
    terms_of = getattr(sc, "index_keys", index_terms)
    hasher = None
    if cfg.use_minhash:
        hasher = cfg.minhash.hasher()
    for batch in batches:
        arts = [article_from_line(s) for s in batch.column("line").to_pylist()]
        many = getattr(sc, "featurize_many", None)
        feats = list(many(arts)) if many is not None else [sc.featurize(a) for a in arts]
        ix, blobs = [], []
        for f in feats:
            sig = None
            sh = getattr(f, "shingles", None)
            if hasher is not None and isinstance(sh, np.ndarray):
                sig = np.asarray(hasher.signature_from_shingles(sh))
            pre = _Pre(dict(top_terms(terms_of(f), cfg.max_terms)), sig)
            ix.append(pickle.dumps(pre, protocol=5))
            blobs.append(pickle.dumps(f, protocol=5))
        yield pa.RecordBatch.from_pydict(
            {"rank": batch.column("rank"),
             "id": pa.array([a.id for a in arts], pa.string()),
             "published": pa.array([a.published for a in arts], pa.string()),
             "source": pa.array([a.source for a in arts], pa.string()),
             "ix": pa.array(ix, pa.binary()), "blob": pa.array(blobs, pa.binary())}
        )


def _groups(batches: Iterator[pa.RecordBatch], key: str) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Rows of a partition sorted by (key, rank), grouped by ``key``."""
    cur: int | None = None
    rows: list[dict[str, Any]] = []
    for batch in batches:
        for row in batch.to_pylist():
            k = row[key]
            if cur is not None and k != cur:
                yield cur, rows
                rows = []
            cur = k
            rows.append(row)
    if cur is not None:
        yield cur, rows


def block_candidates(
    batches: Iterator[pa.RecordBatch], scorer: Any, cfg: ClusterConfig
) -> Iterator[pa.RecordBatch]:
    """Rows (block, start, rank, id, published, source, ix, blob) sorted by (block, rank) ->
    for each article of the block (rank >= start): its candidates in the local order, their
    pair scores (the scorer's, candidate first as locally) and the eviction cut-off in force
    when it was processed (null: no window)."""
    sc = scorer.value if hasattr(scorer, "value") else scorer
    rcfg = replace(cfg, corpus_idf=False, workers=1, max_items=None)
    for _, rows in _groups(batches, "block"):
        start = rows[0]["start"]
        index = CandidateIndex(rcfg, _pre_terms, _pre_signature)
        clock = WindowClock(rcfg.window_s)
        rank_of: dict[str, int] = {}
        blob_of: dict[str, bytes] = {}
        feats: dict[str, Any] = {}

        out: dict[str, list[Any]] = {k: [] for k in ("rank", "cut", "cands", "sims", "rels",
                                                      "sss", "vals")}
        for order, row in enumerate(rows):
            art = Article(row["id"], "", published=row["published"], source=row["source"])
            pre: _Pre = pickle.loads(row["ix"])
            rank_of[art.id] = row["rank"]
            blob_of[art.id] = row["blob"]
            node = index.prepare(art, pre, order)
            gone = index.evict(clock.observe(node.time))
            for key in gone:
                feats.pop(key, None)
                blob_of.pop(key, None)
            if row["rank"] < start:
                node.sig = index.signature(pre)
                index.insert(node, pre)
                continue
            cut = clock.cut
            cands = index.query(node, pre)
            index.insert(node, pre)
            mine = _features(art.id, feats, blob_of)
            light = [LightScore.of(sc.score(_features(c, feats, blob_of), mine)) for c in cands]
            out["rank"].append(row["rank"])
            out["cut"].append(cut)
            out["cands"].append([rank_of[c] for c in cands])
            out["sims"].append([x.similarity for x in light])
            out["rels"].append([x.relation for x in light])
            out["sss"].append([x.same_story for x in light])
            out["vals"].append([deciding_score(x, cfg.score_field) for x in light])
        yield pa.RecordBatch.from_pydict(
            out,
            schema=pa.schema([("rank", pa.int64()), ("cut", pa.float64()),
                              ("cands", pa.list_(pa.int64())), ("sims", pa.list_(pa.float64())),
                              ("rels", pa.list_(pa.string())), ("sss", pa.list_(pa.float64())),
                              ("vals", pa.list_(pa.float64()))]),
        )


def _pre_terms(pre: _Pre) -> dict[str, float]:
    return pre.terms


def _pre_signature(pre: _Pre) -> np.ndarray | None:
    return pre.sig


def _features(key: str, feats: dict[str, Any], blobs: dict[str, bytes]) -> Any:
    """Unpickled scorer features of ``key`` (once; only candidates ever need them)."""
    f = feats.get(key)
    if f is None:
        f = feats[key] = pickle.loads(blobs[key])
    return f


class _Pickled:
    """A ghost's scorer features, unpickled only if a support check scores against it (most
    ghosts are never scored: their pairs come with the candidates)."""

    __slots__ = ("blob", "value")

    def __init__(self, blob: bytes):
        self.blob = blob
        self.value: Any = None

    def get(self) -> Any:
        if self.value is None:
            self.value = pickle.loads(self.blob)
        return self.value


class _Unpickling:
    """The scorer, given features that may still be :class:`_Pickled`."""

    def __init__(self, scorer: Scorer):
        self.scorer = scorer
        self._terms = getattr(scorer, "index_keys", index_terms)

    def index_terms(self, feats: Any) -> dict[str, float]:
        """A ghost's terms are never read (it only answers support checks; labels come from
        the component's own articles), so they are not computed."""
        return {} if isinstance(feats, _Pickled) else self._terms(feats)

    def featurize(self, article: Article) -> Any:  # pragma: no cover - never called
        raise NotImplementedError

    def score(self, a: Any, b: Any) -> Any:
        return self.scorer.score(a.get() if isinstance(a, _Pickled) else a,
                                 b.get() if isinstance(b, _Pickled) else b)


class _Component:
    """The local engine run on one component: global order, precomputed candidates (and their
    scores) and the global window's eviction cut-offs (the component alone would have another
    clock). *Ghosts* are members of other components' stories that this component's articles
    have candidates in: they are placed in their known story (never assigned, never scored as
    new articles), so support checks against those stories see what the global run saw."""

    def __init__(self, scorer: Scorer, config: ClusterConfig, rank: dict[str, int],
                 cands: dict[str, list[str]], cut: dict[str, float | None]):
        self.scorer = _Unpickling(scorer)
        # candidates are given: the index only keeps the window (and the features)
        self.index = CandidateIndex(config, self.scorer.index_terms, postings=False)
        self.book = StoryBook(config)
        self.rank, self.cands, self.cut = rank, cands, cut
        self.edges: list[tuple[str, str, float]] = []
        self.record_edges = False
        self.pairs_scored = 0

    def _prepare(self, article: Article, feats: Any) -> Node:
        self.book.check_new(article)
        node = self.index.prepare(article, feats, self.rank[article.id])
        self.book.record(node)
        return node

    def add(self, article: Article, feats: Any, given: dict[str, PairScoreLike]) -> Assignment:
        node = self._prepare(article, feats)
        self.index.evict(self.cut.get(node.id))
        held = self.index.features
        scores = PairScores(lambda key: self.scorer.score(held[key], feats), given)
        for key in self.cands[node.id]:
            scores.get(key)
        edges = self.edges if self.record_edges else None
        assignment = self.book.settle(node, scores, lambda m: self.index.live(node, m), 0, edges)
        self.pairs_scored += scores.scored
        self.index.insert(node, feats)
        return assignment

    def add_ghost(self, article: Article, feats: Any, story: str) -> None:
        node = self._prepare(article, feats)
        self.book.place(node.id, story)
        self.index.insert(node, feats)


def _light_cache(row: dict[str, Any], id_of: dict[int, str]) -> dict[str, PairScoreLike]:
    return {
        id_of[c]: LightScore(sim, rel, ss)
        for c, sim, rel, ss in zip(row["cands"] or [], row["sims"] or [], row["rels"] or [],
                                   row["sss"] or [], strict=True)
    }


def _run(rows: Sequence[dict[str, Any]], sc: Any, ccfg: ClusterConfig, cfg: ClusterConfig,
         ) -> tuple[_Component, list[Article], dict[str, Assignment], dict[int, str]]:
    """The tracker over one component's rows (and ghosts, rows with ``rs`` set), in rank order."""
    id_of = {r["rank"]: r["id"] for r in rows}
    rank = {r["id"]: r["rank"] for r in rows}
    own = [r for r in rows if r.get("rs") is None]
    cands = {r["id"]: [id_of[c] for c in (r["cands"] or [])] for r in own}
    cut = {r["id"]: r["cut"] for r in own}
    tracker = _Component(sc, ccfg, rank, cands, cut)
    tracker.record_edges = cfg.merge
    arts: list[Article] = []
    raw: dict[str, Assignment] = {}
    for r in rows:
        a = Article(r["id"], "", published=r["published"], source=r["source"])
        if r.get("rs") is not None:
            tracker.add_ghost(a, _Pickled(r["blob"]), r["rs"])
            continue
        feats = pickle.loads(r["blob"])
        arts.append(a)
        cache = {k: v for k, v in _light_cache(r, id_of).items() if k in rank}
        raw[a.id] = tracker.add(a, feats, cache)
    return tracker, arts, raw, id_of


def raw_stories(
    batches: Iterator[pa.RecordBatch], scorer: Any, cfg: ClusterConfig
) -> Iterator[pa.RecordBatch]:
    """Round 1, rows sorted by (comp, rank) -> (rank, raw story) before the merge pass.

    Candidates outside the component are left out: a story can only be joined through a
    candidate scoring >= support_threshold, and those pairs are the component's edges.
    """
    sc = scorer.value if hasattr(scorer, "value") else scorer
    ccfg = replace(cfg, corpus_idf=False, use_minhash=False, workers=1, max_items=None)
    for _, rows in _groups(batches, "comp"):
        inside = {r["rank"] for r in rows}
        trimmed = []
        for r in rows:
            keep = [i for i, c in enumerate(r["cands"] or []) if c in inside]
            trimmed.append(r | {k: [r[k][i] for i in keep] for k in ("cands", "sims", "rels", "sss")})
        _, _, raw, _ = _run(trimmed, sc, ccfg, cfg)
        ranks = [r["rank"] for r in rows]
        yield pa.RecordBatch.from_pydict(
            {"rank": pa.array(ranks, pa.int64()),
             "rs": pa.array([raw[r["id"]].story_id for r in rows], pa.string())}
        )


def cluster_components(
    batches: Iterator[pa.RecordBatch], scorer: Any, cfg: ClusterConfig
) -> Iterator[pa.RecordBatch]:
    """Round 2, rows (comp, rank, id, published, source, blob, cut, scored candidates; ``rs``
    set on ghosts) sorted by (comp, rank) -> assignment lines (k1 = input idx), story lines
    (k1 = -size, k2 = story id), pairs scored, and *conflicts*: pairs scoring >= the support
    threshold into another component (k1, k2 = the two ranks), after which the driver joins
    the two components and runs them again."""
    sc = scorer.value if hasattr(scorer, "value") else scorer
    ccfg = replace(cfg, corpus_idf=False, use_minhash=False, workers=1, max_items=None)
    for _, rows in _groups(batches, "comp"):
        yield _one_component(rows, sc, ccfg, cfg)


def _one_component(rows: Sequence[dict[str, Any]], sc: Any, ccfg: ClusterConfig,
                   cfg: ClusterConfig) -> pa.RecordBatch:
    tracker, arts, raw, _ = _run(rows, sc, ccfg, cfg)
    ghosts = {r["id"]: r["rank"] for r in rows if r.get("rs") is not None}
    kinds: list[int] = []
    k1: list[int] = []
    k2: list[str | None] = []
    lines: list[str | None] = []
    sup = cfg.support_at
    for ea, eb, v in tracker.edges:
        if v >= sup and (ea in ghosts) != (eb in ghosts):
            g, x = (ea, eb) if ea in ghosts else (eb, ea)
            kinds.append(CONFLICT)
            k1.append(tracker.rank[x])
            k2.append(str(ghosts[g]))
            lines.append(None)
    if not kinds:
        mine = {a.id for a in arts}
        edges = [e for e in tracker.edges if e[0] in mine and e[1] in mine]
        story_of = {aid: asg.story_id for aid, asg in raw.items()}
        if cfg.merge:
            story_of = merge_stories(story_of, edges, cfg, [a.id for a in arts])
        result = finish(arts, raw, story_of, tracker.book, cfg, tracker.pairs_scored)
        idx = {r["id"]: r["idx"] for r in rows if r.get("rs") is None}
        for a, rec in zip(arts, result.assignment_records(), strict=True):
            kinds.append(ASSIGNMENT)
            k1.append(idx[a.id])
            k2.append(None)
            lines.append(_json(rec))
        for st in result.stories:
            kinds.append(STORY)
            k1.append(-st.size)
            k2.append(st.id)
            lines.append(_json(st.to_dict()))
        kinds.append(STAT)
        k1.append(tracker.pairs_scored + sum(len(r["cands"] or []) for r in rows
                                             if r.get("rs") is None))
        k2.append(None)
        lines.append(None)
    return pa.RecordBatch.from_pydict(
        {"kind": pa.array(kinds, pa.int8()), "k1": pa.array(k1, pa.int64()),
         "k2": pa.array(k2, pa.string()), "line": pa.array(lines, pa.string())}
    )
