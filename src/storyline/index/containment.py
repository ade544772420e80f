"""Containment candidates: pairs where a short text may lie inside a much longer one.

MinHash LSH proposes pairs with a high Jaccard; a text A inside a page B that is k times
longer has Jaccard ~1/k and is never proposed. Here every document keeps a *content-defined*
sample of its shingle ids (those whose seeded mixed hash is 0 mod ``rate``), so if A's
shingles lie inside B's, A's samples lie inside B's samples (the idea of MOSS/winnowing,
without windows). Documents sharing at least ``min_share`` of the smaller one's samples are
proposed; callers must verify them on the exact shingle sets, as with LSH.
"""

from __future__ import annotations

import numpy as np

from storyline.errors import ConfigError
from storyline.kernels import kernel

_SALT = np.uint64(0xD6E8FEB86659FD93)


@kernel(nogil=True)
def _sample_kernel(
    flat: np.ndarray, offsets: np.ndarray, rate: np.uint64, salt: np.uint64
) -> tuple[np.ndarray, np.ndarray]:
    n = offsets.shape[0] - 1
    total = 0
    for i in range(flat.shape[0]):
        x = np.uint64(flat[i]) ^ salt
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
        if x % rate == 0:
            total += 1
    vals = np.empty(total, dtype=np.uint32)
    docs = np.empty(total, dtype=np.int64)
    w = 0
    for d in range(n):
        for i in range(offsets[d], offsets[d + 1]):
            x = np.uint64(flat[i]) ^ salt
            x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            x = x ^ (x >> np.uint64(31))
            if x % rate == 0:
                vals[w] = flat[i]
                docs[w] = d
                w += 1
    return vals, docs


def sample_shingles(
    flat: np.ndarray, offsets: np.ndarray, rate: int = 16, seed: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Content-defined sample (about 1 in ``rate``) of each shingle set.

    ``flat``/``offsets``: shingle ids per document (as :func:`storyline.dedup.featurize`
    gives). Returns ``(values uint32, docs int64)``: sampled ids and their document index,
    grouped by document. A shingle is sampled or not by its id alone (and the seed), so the
    sample of a subset is the subset of the sample.
    """
    if rate < 1:
        raise ConfigError(f"sampling rate must be >= 1, got {rate}")
    salt = np.uint64((seed * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) ^ _SALT
    return _sample_kernel(
        np.ascontiguousarray(flat, dtype=np.uint32),
        np.ascontiguousarray(offsets, dtype=np.int64),
        np.uint64(rate),
        salt,
    )


@kernel(nogil=True)
def _unequal(sizes: np.ndarray, a: np.int64, b: np.int64, max_ratio: float) -> bool:
    sa, sb = sizes[a], sizes[b]
    return min(sa, sb) <= max_ratio * max(sa, sb)


@kernel(nogil=True)
def _group_pairs(
    keys: np.ndarray, sizes: np.ndarray, max_group: int, max_ratio: float
) -> np.ndarray:
    """Pairs (``lo << 32 | hi``) of documents of unequal size sharing a sample, one entry per
    shared sample; ``keys`` sorted ``val << 32 | doc``. Groups larger than ``max_group``
    (boilerplate shared by many pages) are skipped. Similar sizes are filtered here, before
    any pair is stored, so near-duplicate clusters cost no memory."""
    n = keys.shape[0]
    mask = np.uint64(0xFFFFFFFF)
    out = np.empty(0, dtype=np.int64)
    for rnd in range(2):  # count, then fill: the output is allocated once
        w = 0
        i = 0
        while i < n:
            j = i + 1
            while j < n and (keys[j] >> np.uint64(32)) == (keys[i] >> np.uint64(32)):
                j += 1
            if 1 < j - i <= max_group:
                for x in range(i, j):
                    a = np.int64(keys[x] & mask)
                    for y in range(x + 1, j):
                        b = np.int64(keys[y] & mask)
                        if _unequal(sizes, a, b, max_ratio):
                            if rnd == 1:
                                out[w] = (a << 32) | b
                            w += 1
            i = j
        if rnd == 0:
            out = np.empty(w, dtype=np.int64)
    return out


@kernel(nogil=True)
def _shared_enough(codes: np.ndarray, count: np.ndarray, min_share: float) -> np.ndarray:
    """Pairs of sorted ``codes`` occurring at least ``max(2, min_share x samples of the
    smaller document)`` times, as ``(p, 2)`` int64."""
    n = codes.shape[0]
    out = np.empty((0, 2), dtype=np.int64)
    for rnd in range(2):
        w = 0
        i = 0
        while i < n:
            j = i + 1
            while j < n and codes[j] == codes[i]:
                j += 1
            a, b = codes[i] >> 32, codes[i] & 0xFFFFFFFF
            need = max(2.0, np.ceil(min_share * min(count[a], count[b])))
            if j - i >= need:
                if rnd == 1:
                    out[w, 0] = a
                    out[w, 1] = b
                w += 1
            i = j
        if rnd == 0:
            out = np.empty((w, 2), dtype=np.int64)
    return out


def containment_pairs(
    values: np.ndarray,
    docs: np.ndarray,
    sizes: np.ndarray,
    min_share: float = 0.6,
    max_group: int = 100,
    max_ratio: float = 0.9,
) -> np.ndarray:
    """Candidate pairs ``(p, 2)`` (i < j, sorted unique) where one text may contain the other.

    ``values``/``docs``: samples from :func:`sample_shingles` (global document indices);
    ``sizes``: shingle-set size of every document. Samples shared by more than ``max_group``
    documents (boilerplate, stock phrases) are ignored. A pair is proposed when it shares at
    least ``max(2, min_share x the smaller one's remaining samples)`` samples and the smaller
    set has at most ``max_ratio`` x the larger one's shingles (similar lengths are LSH's
    job). Documents with fewer than 2 remaining samples are never proposed here.
    Independent of input batching.
    """
    if values.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    docs = np.asarray(docs, dtype=np.int64)
    if int(docs.max()) >= 1 << 31:
        raise ConfigError(f"too many documents for one candidate pass: {int(docs.max()) + 1}")
    keys = np.sort((values.astype(np.uint64) << np.uint64(32)) | docs.astype(np.uint64))
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    codes = _group_pairs(keys, sizes, max_group, float(max_ratio))
    if codes.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    codes.sort()
    # samples in skipped groups (boilerplate, template phrases) count for neither side
    vs = keys >> np.uint64(32)
    new = np.ones(vs.shape[0], dtype=bool)
    new[1:] = vs[1:] != vs[:-1]
    gid = np.cumsum(new) - 1
    usable = np.bincount(gid)[gid] <= max_group
    ds = (keys[usable] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    count = np.bincount(ds, minlength=sizes.shape[0]).astype(np.int64)
    return _shared_enough(codes, count, float(min_share))


__all__ = ["containment_pairs", "sample_shingles"]
