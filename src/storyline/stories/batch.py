"""Batch story clustering: time-ordered assignment by the tracker, then the merge pass.

Articles are processed by published time (undated ones last, ties by input order), so the first
member of a story is its first report. With ``workers`` > 1, featurization runs ahead in forked
processes and each chunk's candidate pairs are scored in parallel; the sequential assignment
sees exactly the candidates and scores the one-by-one run sees, so the result is the same.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from storyline.data import Article
from storyline.errors import InputError
from storyline.parallel import Executor, fork_context, worker_state
from storyline.stories.config import ClusterConfig
from storyline.stories.idf import with_corpus_idf
from storyline.stories.merge import finish, merge_stories
from storyline.stories.tracker import StoryTracker, default_scorer
from storyline.stories.types import Assignment, LightScore, Node, PairScoreLike, Scorer, StoryResult
from storyline.stories.window import parse_time


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
    scorer = linker if linker is not None else default_scorer()
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
            raw[a.id] = tracker.add_featurized(a, feats)
            if progress is not None:
                progress(1)
    story_of = {aid: asg.story_id for aid, asg in raw.items()}
    if cfg.merge:
        story_of = merge_stories(story_of, tracker.edges, cfg, [articles[i].id for i in order])
    return finish(articles, raw, story_of, tracker.book, cfg, tracker.pairs_scored,
                  tracker.candidates_examined)


def _score_slice(pairs: list[tuple[str, str]]) -> list[tuple[float, str, float]]:
    scorer, features = worker_state()
    out = []
    for a, b in pairs:
        sc = LightScore.of(scorer.score(features[a], features[b]))
        out.append((sc.similarity, sc.relation, sc.same_story))  # plain tuples: cheap to send
    return out


def _assign_chunk_parallel(tracker: StoryTracker, chunk: list[Article], feats: list[Any]) -> list[Assignment]:
    """Same result as adding one by one: candidates (index only) first, then every candidate
    pair scored in forked workers, then the sequential assignment. Features evicted from the
    window meanwhile are kept until the chunk is done."""
    index = tracker.index
    staged: list[tuple[Node, Any, list[str], int]] = []
    deferred: list[str] = []
    for a, f in zip(chunk, feats, strict=True):
        node = tracker.prepare(a, f)
        # plain eviction, no per-story hold (the stories of this chunk are not decided yet):
        # in time order a held article is never a candidate or supporter (TermIndex.evict_before)
        deferred.extend(index.evict(tracker.clock.observe(node.time), drop=False))
        cands = tracker.query(node, f)
        index.insert(node, f)
        staged.append((node, f, cands, index.last_examined))
    pairs = [(c, node.id) for node, _, cands, _ in staged for c in cands]
    workers = tracker.config.workers
    step = max(1, math.ceil(len(pairs) / (workers * 4)))
    parts = [pairs[i : i + step] for i in range(0, len(pairs), step)]
    with warnings.catch_warnings():
        # the featurization pool's manager thread is running; these children only score
        warnings.simplefilter("ignore", DeprecationWarning)
        with Executor(workers, "fork").pool((tracker.scorer, index.features)) as ex:
            results = [r for part in ex.map(_score_slice, parts) for r in part]
    scores = {p: LightScore(*r) for p, r in zip(pairs, results, strict=True)}
    tracker.pairs_scored += len(pairs)
    out: list[Assignment] = []
    for node, f, cands, examined in staged:
        given: dict[str, PairScoreLike] = {c: scores[(c, node.id)] for c in cands}
        out.append(tracker.assign(node, tracker.scores_for(f, given), examined))
    for key in deferred:
        index.drop(key)
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
    ctx = fork_context() if cfg.workers > 1 and len(order) > 1 else None
    if ctx is None:
        many = getattr(scorer, "featurize_many", None)
        for start in starts:
            idx = order[start : start + cfg.chunk]
            chunk = [articles[i] for i in idx]
            feats = list(many(chunk)) if many is not None else [scorer.featurize(a) for a in chunk]
            yield feats, idx
        return
    from concurrent.futures import Future

    pending: deque[tuple[list[int], list[Future[list[Any]]]]] = deque()
    with Executor(cfg.workers).pool(scorer) as ex:

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


def _featurize_slice(chunk: list[Article]) -> list[Any]:
    scorer = worker_state()
    return [scorer.featurize(a) for a in chunk]
