"""Per-partition work of ``cluster --engine spark``: plain functions over Arrow record batches.

They import no pyspark (testable without a JVM) and run the local engine's own code:
:class:`storyline.cluster.StoryTracker` for candidates and for the sequential assignment,
``_merge_stories`` and ``_finish`` for the merge pass, stories and labels, and the scorer's
``featurize`` / ``score``. That is what makes the Spark result identical to
:func:`storyline.cluster.cluster_stories`.

Why the local algorithm splits this way:

* candidates of article *x* depend only on the articles before *x* (time order) that are still
  in the window, plus the window's clock (median time of the last 101 dated articles). A block of
  consecutive articles therefore gets exactly the local candidates when the tracker's index is
  replayed from a *context* start that covers the 100 articles before the block and everything
  the clock keeps in the window (:func:`block_candidates`);
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

from storyline.cluster import (
    Assignment,
    ClusterConfig,
    Scorer,
    StoryTracker,
    _finish,
    _merge_stories,
    _Node,
    index_terms,
    parse_time,
)
from storyline.data import Article
from storyline.distributed.partition import IDX, _items
from storyline.features.tfidf import content_tokens
from storyline.index.terms import top_terms
from storyline.io.base import Bad

PARSED_SCHEMA = (
    "idx long, id string, t double, line string, "
    "err_type string, err_message string, err_where string, err_hint string, err_snippet string"
)
DF_SCHEMA = "term string, n long"
FEATURE_SCHEMA = "rank long, id string, published string, source string, ix binary, blob binary"
CAND_SCHEMA = "rank long, cut double, cands array<long>"
OUT_SCHEMA = "kind byte, k1 long, k2 string, line string"
ASSIGNMENT, STORY, STAT = 0, 1, 2


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


class _IndexOnly:
    """A stand-in scorer for the replay: terms are precomputed, nothing is scored."""

    def featurize(self, article: Article) -> Any:  # pragma: no cover - never called
        raise NotImplementedError

    def score(self, a: Any, b: Any) -> Any:  # pragma: no cover - never called
        raise NotImplementedError

    @staticmethod
    def index_terms(features: _Pre) -> dict[str, float]:
        return features.terms


class _ReplayTracker(StoryTracker):
    """The local tracker's index (terms + MinHash bands + window), fed precomputed features."""

    def _signature(self, feats: Any) -> np.ndarray | None:
        sig: np.ndarray | None = feats.sig
        return sig


def featurize_articles(
    batches: Iterator[pa.RecordBatch], scorer: Any, cfg: ClusterConfig
) -> Iterator[pa.RecordBatch]:
    """(rank, article line) -> (rank, index features, pickled scorer features).

    ``scorer`` is a Spark broadcast (or the scorer itself); features come from the scorer's
    own ``featurize_many`` and the index terms / signature from the local tracker's code.
    """
    sc = scorer.value if hasattr(scorer, "value") else scorer
    terms_of = getattr(sc, "index_terms", index_terms)
    hasher = None
    if cfg.use_minhash:
        from storyline.features.minhash import MinHasher

        hasher = MinHasher(num_perm=cfg.num_perm, seed=1)
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
    batches: Iterator[pa.RecordBatch], cfg: ClusterConfig
) -> Iterator[pa.RecordBatch]:
    """Rows (block, start, rank, id, published, source, ix) sorted by (block, rank) -> for each
    article of the block (rank >= start): its candidates, in the local order, and the eviction
    cut-off applied when it was processed (null: none)."""
    rcfg = replace(cfg, corpus_idf=False, workers=1, max_items=None)
    w = cfg.window_s
    for _, rows in _groups(batches, "block"):
        start = rows[0]["start"]
        tracker = _ReplayTracker(_IndexOnly(), rcfg)
        rank_of: dict[str, int] = {}
        out_rank: list[int] = []
        out_cut: list[float | None] = []
        out_cands: list[list[int]] = []
        for row in rows:
            art = Article(row["id"], "", published=row["published"], source=row["source"])
            pre: _Pre = pickle.loads(row["ix"])
            rank_of[art.id] = row["rank"]
            node = tracker._prepare(art, pre)
            tracker._evict(node.time)
            if row["rank"] < start:
                node.sig = tracker._signature(pre) if tracker._lsh is not None else None
                tracker._insert(node, pre)
                continue
            cut = None
            if node.time is not None and w is not None:
                recent = sorted(tracker._recent)
                cut = recent[(len(recent) - 1) // 2] - w
            cands = tracker._candidates(node, pre)
            tracker._insert(node, pre)
            out_rank.append(row["rank"])
            out_cut.append(cut)
            out_cands.append([rank_of[c] for c in cands])
        yield pa.RecordBatch.from_pydict(
            {"rank": pa.array(out_rank, pa.int64()), "cut": pa.array(out_cut, pa.float64()),
             "cands": pa.array(out_cands, pa.list_(pa.int64()))}
        )


class _ComponentTracker(StoryTracker):
    """The local tracker run on one component: global order, precomputed candidates and the
    global window's eviction cut-offs (the component alone would have another clock)."""

    def __init__(self, scorer: Scorer, config: ClusterConfig, rank: dict[str, int],
                 cands: dict[str, list[str]], cut: dict[str, float | None]):
        super().__init__(scorer, config)
        self._rank, self._cands, self._cut = rank, cands, cut
        self._pending_cut: float | None = None

    def _prepare(self, article: Article, feats: Any) -> _Node:
        node = super()._prepare(article, feats)
        node.order = self._meta[node.id].order = self._rank[node.id]
        self._pending_cut = self._cut[node.id]
        return node

    def _evict(self, now: float | None, drop: bool = True) -> list[str]:
        cut, self._pending_cut = self._pending_cut, None
        if cut is None:
            return []
        gone = self.index.evict_before(cut)
        for key in gone:
            self._forget(key, drop)
        return gone

    def _candidates(self, node: _Node, feats: Any) -> list[str]:
        self._last_examined = 0
        return list(self._cands[node.id])


def cluster_components(
    batches: Iterator[pa.RecordBatch], scorer: Any, cfg: ClusterConfig
) -> Iterator[pa.RecordBatch]:
    """Rows (comp, rank, idx, line, blob, cut, cands) sorted by (comp, rank) -> assignment
    lines (k1 = input idx), story lines (k1 = -size, k2 = story id) and pairs scored."""
    sc = scorer.value if hasattr(scorer, "value") else scorer
    ccfg = replace(cfg, corpus_idf=False, use_minhash=False, workers=1, max_items=None)
    for _, rows in _groups(batches, "comp"):
        yield _one_component(rows, sc, ccfg, cfg)


def _one_component(rows: Sequence[dict[str, Any]], sc: Any, ccfg: ClusterConfig,
                   cfg: ClusterConfig) -> pa.RecordBatch:
    arts = [article_from_line(r["line"]) for r in rows]
    id_of = {r["rank"]: a.id for r, a in zip(rows, arts, strict=True)}
    rank = {a.id: r["rank"] for r, a in zip(rows, arts, strict=True)}
    cands = {a.id: [str(id_of[c]) for c in (r["cands"] or [])] for r, a in zip(rows, arts, strict=True)}
    cut = {a.id: r["cut"] for r, a in zip(rows, arts, strict=True)}
    tracker = _ComponentTracker(sc, ccfg, rank, cands, cut)
    tracker.record_edges = cfg.merge
    raw: dict[str, Assignment] = {}
    for r, a in zip(rows, arts, strict=True):
        raw[a.id] = tracker._add_featurized(a, pickle.loads(r["blob"]))
    story_of = {aid: asg.story_id for aid, asg in raw.items()}
    if cfg.merge:
        story_of = _merge_stories(story_of, tracker.edges, cfg, [a.id for a in arts])
    result = _finish(arts, raw, story_of, tracker, cfg)
    kinds: list[int] = []
    k1: list[int] = []
    k2: list[str | None] = []
    lines: list[str | None] = []
    for r, rec in zip(rows, result.assignment_records(), strict=True):
        kinds.append(ASSIGNMENT)
        k1.append(r["idx"])
        k2.append(None)
        lines.append(_json(rec))
    for st in result.stories:
        kinds.append(STORY)
        k1.append(-st.size)
        k2.append(st.id)
        lines.append(_json(st.to_dict()))
    kinds.append(STAT)
    k1.append(tracker.pairs_scored)
    k2.append(None)
    lines.append(None)
    return pa.RecordBatch.from_pydict(
        {"kind": pa.array(kinds, pa.int8()), "k1": pa.array(k1, pa.int64()),
         "k2": pa.array(k2, pa.string()), "line": pa.array(lines, pa.string())}
    )


__all__ = ["IDX", "block_candidates", "cluster_components", "document_frequencies",
           "featurize_articles", "parse_articles"]
