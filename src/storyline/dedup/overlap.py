"""Stages 3-5: exact groups, LSH candidates and exact shingle overlap (Jaccard and containment)
of candidate pairs; LSH only proposes, the overlap decides."""

from __future__ import annotations

import numpy as np

from storyline.dedup.shingle_store import ShingleStore
from storyline.features.shingles import count_shared
from storyline.index.lsh import candidate_pairs, optimal_params
from storyline.kernels import kernel


def exact_groups(exact: np.ndarray) -> np.ndarray:
    """For each document, the index of the first document with the same exact key."""
    n = exact.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    idx = np.arange(n, dtype=np.int64)
    order = np.lexsort((idx, exact[:, 1], exact[:, 0]))
    sk = exact[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (sk[1:, 0] != sk[:-1, 0]) | (sk[1:, 1] != sk[:-1, 1])
    first = order[np.flatnonzero(new)]
    group = np.cumsum(new) - 1
    rep = np.empty(n, dtype=np.int64)
    rep[order] = first[group]
    return rep


def candidates(
    sigs: np.ndarray, threshold: float, max_bucket: int = 500, seed: int = 1
) -> np.ndarray:
    """LSH candidate pairs ``(p, 2)`` (row indices into ``sigs``, i < j), sorted unique.

    Same pairs as :func:`storyline.index.lsh.pairs_from_band_hashes` on the band hashes.
    """
    bands, rows = optimal_params(threshold, sigs.shape[1])
    return candidate_pairs(sigs, bands, rows, max_bucket=max_bucket, seed=seed)


@kernel(nogil=True)
def _overlap_kernel(flat: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """``(p, 2)`` float64: Jaccard and containment (in the smaller set) of each pair."""
    out = np.zeros((pairs.shape[0], 2), dtype=np.float64)
    for q in range(pairs.shape[0]):
        a0, a1 = offsets[pairs[q, 0]], offsets[pairs[q, 0] + 1]
        b0, b1 = offsets[pairs[q, 1]], offsets[pairs[q, 1] + 1]
        na, nb_ = a1 - a0, b1 - b0
        if na == 0 or nb_ == 0:
            continue
        inter = count_shared(flat, a0, a1, flat, b0, b1)
        out[q, 0] = inter / (na + nb_ - inter)
        out[q, 1] = inter / min(na, nb_)
    return out


def pair_overlaps(flat: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Pure form of :func:`overlaps`: ``(p, 2)`` Jaccard and containment of pairs of sets
    ``flat[offsets[i]:offsets[i+1]]`` (sorted unique uint32 ids, as :func:`featurize` gives)."""
    if pairs.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.float64)
    return _overlap_kernel(flat, offsets, np.ascontiguousarray(pairs, dtype=np.int64))


def set_overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Jaccard and containment (in the smaller set) of two sorted unique uint32 id sets: one
    pair of :func:`pair_overlaps`, for callers that verify one candidate at a time."""
    flat = np.concatenate([a, b]).astype(np.uint32, copy=False)
    offsets = np.array([0, a.size, a.size + b.size], dtype=np.int64)
    jac, cont = pair_overlaps(flat, offsets, np.array([[0, 1]], dtype=np.int64))[0]
    return float(jac), float(cont)


def overlaps(store: ShingleStore, pairs: np.ndarray) -> np.ndarray:
    """Exact (Jaccard, containment) of document pairs ``(p, 2)`` from the shingle store."""
    if pairs.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.float64)
    docs, local = np.unique(pairs, return_inverse=True)
    flat, offsets = store.gather(docs)
    return _overlap_kernel(flat, offsets, local.reshape(pairs.shape).astype(np.int64))


def verify(
    store: ShingleStore, pairs: np.ndarray, threshold: float, containment: float | None
) -> np.ndarray:
    """Boolean mask of candidate pairs that are duplicates by exact shingle overlap."""
    ov = overlaps(store, pairs)
    ok = ov[:, 0] >= threshold
    if containment is not None:
        ok |= ov[:, 1] >= containment
    return np.asarray(ok)
