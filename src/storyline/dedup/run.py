"""The local driver: stream articles in batches through the stages (in worker processes when
asked), then decide on the whole corpus with :func:`dedup_arrays`, which Spark calls too."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from storyline.data import Article
from storyline.dedup.config import _KEEP_BUILTIN, DedupConfig
from storyline.dedup.features import Features, _exact_kernel, _featurize_args, featurize
from storyline.dedup.grouping import _uf_roots, clusters, decide, keep_rank
from storyline.dedup.overlap import exact_groups, verify
from storyline.dedup.result import DedupResult
from storyline.dedup.shingle_store import ShingleStore
from storyline.dedup.texts import article_text
from storyline.features.minhash import is_empty_signature, minhash_kernel
from storyline.features.shingles import _shingle_kernel, _token_kernel
from storyline.index.containment import containment_pairs
from storyline.index.lsh import band_hashes, pairs_from_band_hashes
from storyline.kernels import note_compile
from storyline.parallel import Executor


@dataclass(slots=True)
class _Meta:
    ids: list[str]
    published: list[str | None]
    keep_values: list[float]


def _batches(
    articles: Iterable[Article], cfg: DedupConfig, meta: _Meta
) -> Iterator[list[str]]:
    batch: list[str] = []
    want_pub = cfg.keep == "earliest"
    want_val = cfg.keep not in _KEEP_BUILTIN
    for art in articles:
        meta.ids.append(art.id)
        if want_pub:
            meta.published.append(art.published)
        if want_val:
            v = art.meta.get(cfg.keep)
            if isinstance(v, int | float) and not isinstance(v, bool):
                meta.keep_values.append(float(v))
            else:
                meta.keep_values.append(float("nan"))
        batch.append(article_text(art, cfg.use_title))
        if len(batch) >= cfg.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _feature_stream(
    batches: Iterator[list[str]], cfg: DedupConfig
) -> Iterator[tuple[int, Features]]:
    """Features per batch in input order; in worker processes when ``workers > 1``."""
    rate = cfg.containment_sampling if cfg.samples_containment else 0
    args = cfg.feature_args(rate)
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if cfg.workers == 1 or second is None:  # one batch: a pool would only add start-up time
        yield len(first), featurize(first, *args)
        if second is not None:
            yield len(second), featurize(second, *args)
            for b in batches:
                yield len(b), featurize(b, *args)
        return
    with Executor(cfg.workers, _start_method()).pool() as pool:
        pending: list[tuple[int, Future[Features]]] = []

        def submit(b: list[str]) -> None:
            pending.append((len(b), pool.submit(_featurize_args, (b, *args))))

        submit(first)
        submit(second)
        for b in batches:
            submit(b)
            while len(pending) > 2 * cfg.workers:  # bounded in-flight work and memory
                size, fut = pending.pop(0)
                yield size, fut.result()
        for size, fut in pending:
            yield size, fut.result()


def _start_method() -> str:
    """Worker start method: ``fork`` on Linux after loading the compiled kernels once here
    (workers start in milliseconds, nothing to re-import or re-load); ``spawn`` elsewhere
    (``featurize`` is a top-level pure function, so spawned workers work the same).
    Set STORYLINE_START_METHOD=spawn to force spawn (e.g. in a threaded host process).
    """
    method = os.environ.get("STORYLINE_START_METHOD") or (
        "fork" if sys.platform.startswith("linux") else "spawn"
    )
    if method == "fork":
        featurize(["warm up the kernels"], sample_rate=16)  # loaded once, inherited by every worker
    return method


def dedup(
    articles: Iterable[Article],
    config: DedupConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> DedupResult:
    """Find exact and near duplicates and decide which article of each cluster to keep.

    Streams ``articles`` in batches (only ids, keep-policy fields and compact feature arrays
    are kept); ``progress(n)`` is called after each batch with the articles featurized so far.
    """
    cfg = config or DedupConfig()
    note_compile((_token_kernel, _exact_kernel, _shingle_kernel, minhash_kernel, _uf_roots))
    meta = _Meta([], [], [])
    store = ShingleStore(cfg.max_memory_mb << 20)
    bands, rows = lsh_params(cfg)
    exact_parts: list[np.ndarray] = []
    band_parts: list[np.ndarray] = []  # LSH needs band hashes only, not whole signatures
    empty_parts: list[np.ndarray] = []
    len_parts: list[np.ndarray] = []
    sample_vals: list[np.ndarray] = []  # containment samples (about 1/16 of the shingles)
    sample_docs: list[np.ndarray] = []
    done = 0
    try:
        for size, feats in _feature_stream(_batches(articles, cfg, meta), cfg):
            store.add(feats.flat, feats.offsets)
            exact_parts.append(feats.exact)
            band_parts.append(band_hashes(feats.sigs, bands, rows, cfg.minhash.seed))
            empty_parts.append(np.asarray(is_empty_signature(feats.sigs)).reshape(-1))
            len_parts.append(feats.lengths)
            if feats.samples is not None:
                vals, docs = feats.samples
                sample_vals.append(vals)
                sample_docs.append((docs + done).astype(np.int32))
            done += size
            if progress is not None:
                progress(done)
        n = len(meta.ids)
        if n == 0:
            return DedupResult()
        store.finish()
        keeper, code, score = dedup_arrays(
            np.concatenate(exact_parts),
            np.concatenate(band_parts),
            np.concatenate(empty_parts),
            store,
            np.concatenate(len_parts),
            meta.published or None,
            np.array(meta.keep_values) if meta.keep_values else None,
            cfg,
            samples=(
                (np.concatenate(sample_vals), np.concatenate(sample_docs))
                if sample_vals
                else None
            ),
        )
    finally:
        store.close()
    return DedupResult(meta.ids, keeper, code, score)


def lsh_params(cfg: DedupConfig) -> tuple[int, int]:
    """(bands, rows) of the configured banding (tuned for the match threshold by default)."""
    return cfg.minhash.banding(cfg.threshold)


def dedup_arrays(
    exact: np.ndarray,
    bands: np.ndarray,
    empty: np.ndarray,
    store: ShingleStore,
    lengths: np.ndarray,
    published: Sequence[str | None] | None,
    keep_values: np.ndarray | None,
    cfg: DedupConfig,
    samples: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stages 3-7 on a whole corpus: exact keys, band hashes (``band_hashes`` of the
    signatures with :func:`lsh_params`), empty-text mask and shingle sets ->
    ``(keeper, code, score)`` per document. ``samples``: ``(values, docs)`` of
    :func:`storyline.index.containment.sample_shingles` with global document indices, for
    the containment candidate path (``cfg.samples_containment``)."""
    n = exact.shape[0]
    exact_rep = exact_groups(exact)
    is_rep = (exact_rep == np.arange(n)) & ~empty
    reps = np.flatnonzero(is_rep)
    pairs = pairs_from_band_hashes(bands[reps], reps, cfg.max_bucket)
    if samples is not None and cfg.samples_containment:
        vals, docs = samples
        sel = is_rep[docs]
        cpairs = containment_pairs(
            vals[sel], docs[sel], np.diff(store.starts), max_group=cfg.containment_max_group
        )
        if cpairs.shape[0]:
            codes = np.union1d(pairs[:, 0] << 32 | pairs[:, 1], cpairs[:, 0] << 32 | cpairs[:, 1])
            pairs = np.stack([codes >> 32, codes & 0xFFFFFFFF], axis=1).astype(np.int64)
    ok = verify(store, pairs, cfg.threshold, cfg.containment)
    edges = np.concatenate([np.stack([exact_rep, np.arange(n)], axis=1), pairs[ok]])
    roots = clusters(n, edges)
    rank = keep_rank(cfg.keep, n, published, lengths, keep_values)
    return decide(roots, rank, exact_rep, store, cfg.threshold, cfg.containment)
