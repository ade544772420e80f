"""MinHash LSH: banding parameters, an incremental index and a bulk candidate-pair finder.

Band hashes are computed vectorized (dot product of each band with seeded 64-bit odd
multipliers, then a mixer). LSH only proposes candidates; callers must verify them.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

import numpy as np

from storyline.errors import ConfigError
from storyline.features.minhash import is_empty_signature
from storyline.features.shingles import _mix64
from storyline.kernels import kernel

K = TypeVar("K", bound=Hashable)


def _s_curve(s: np.ndarray, bands: int, rows: int) -> np.ndarray:
    return 1.0 - (1.0 - s**rows) ** bands


def optimal_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) minimizing weighted false-positive + false-negative area (as datasketch).

    False positives: probability mass of becoming candidates below ``threshold``; false
    negatives: mass of not becoming candidates above it. Integrated numerically.
    """
    if not 0.0 < threshold < 1.0:
        raise ConfigError(f"threshold must be in (0, 1), got {threshold}", hint="use e.g. 0.8")
    if num_perm < 1:
        raise ConfigError(f"num_perm must be >= 1, got {num_perm}")
    lo = np.linspace(0.0, threshold, 512)
    hi = np.linspace(threshold, 1.0, 512)
    best: tuple[float, int, int] | None = None
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = float(np.trapezoid(_s_curve(lo, b, r), lo))
            fn = float(np.trapezoid(1.0 - _s_curve(hi, b, r), hi))
            err = fp_weight * fp + fn_weight * fn
            if best is None or err < best[0]:
                best = (err, b, r)
    assert best is not None
    return best[1], best[2]


@functools.lru_cache(maxsize=64)
def _band_multipliers(rows: int, seed: int) -> np.ndarray:
    """Cached (a RandomState costs about a millisecond; one-article calls are common): the
    array is read-only because callers share it."""
    rng = np.random.RandomState(seed)
    out = rng.randint(0, np.iinfo(np.int64).max, size=rows, dtype=np.int64).astype(
        np.uint64
    ) | np.uint64(1)
    out.setflags(write=False)
    return out


def band_hashes(sigs: np.ndarray, bands: int, rows: int, seed: int = 0) -> np.ndarray:
    """``(n, bands)`` uint64 hashes of each band of each signature (vectorized)."""
    sigs = np.atleast_2d(sigs)
    if bands * rows > sigs.shape[1]:
        raise ConfigError(
            f"bands*rows = {bands * rows} exceeds signature length {sigs.shape[1]}",
            hint="use more permutations or fewer bands/rows",
        )
    x = sigs[:, : bands * rows].reshape(sigs.shape[0], bands, rows).astype(np.uint64)
    mult = _band_multipliers(rows, seed)
    with np.errstate(over="ignore"):
        acc = (x * mult).sum(axis=2, dtype=np.uint64)
        acc += np.arange(bands, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
        return _mix64(acc)


@kernel(nogil=True)
def _bucket_pairs(keys: np.ndarray, order: np.ndarray, ids: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs (as ``lo * 2^32 + hi``) of ids sharing a key; ``order`` sorts ``keys`` stably.

    Members of a bucket come out in increasing id order (stable sort over ascending ids).
    """
    n = order.shape[0]
    total = 0
    i = 0
    while i < n:  # first pass: count, so the output is allocated once
        j = i + 1
        while j < n and keys[order[j]] == keys[order[i]]:
            j += 1
        m = j - i
        total += m * (m - 1) // 2 if m <= max_bucket else m - 1
        i = j
    out = np.empty(total, dtype=np.int64)
    w = 0
    i = 0
    while i < n:
        j = i + 1
        while j < n and keys[order[j]] == keys[order[i]]:
            j += 1
        m = j - i
        if m > 1:
            if m <= max_bucket:
                for x in range(i, j):
                    a = ids[order[x]]
                    for y in range(x + 1, j):
                        out[w] = (a << 32) | ids[order[y]]
                        w += 1
            else:  # chain star from the smallest member: connectivity with O(m) pairs
                a = ids[order[i]]
                for y in range(i + 1, j):
                    out[w] = (a << 32) | ids[order[y]]
                    w += 1
        i = j
    return out


def candidate_pairs(
    sigs: np.ndarray, bands: int, rows: int, max_bucket: int = 500, seed: int = 0
) -> np.ndarray:
    """All (i, j), i < j, sharing at least one band, found by sorting band hashes.

    A bucket larger than ``max_bucket`` links each member only to its first member (a chain
    star) instead of all O(m^2) pairs: enough for connectivity in clustering, bounded work.
    Empty-text signatures are never paired. Returns a sorted unique ``(p, 2)`` int64 array.
    """
    sigs = np.atleast_2d(sigs)
    n = sigs.shape[0]
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    valid = np.flatnonzero(~np.asarray(is_empty_signature(sigs))).astype(np.int64)
    if valid.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    return pairs_from_band_hashes(band_hashes(sigs[valid], bands, rows, seed), valid, max_bucket)


def pairs_from_band_hashes(bh: np.ndarray, ids: np.ndarray, max_bucket: int = 500) -> np.ndarray:
    """Candidate pairs from precomputed ``(n, bands)`` band hashes of documents ``ids``.

    ``ids`` (ascending int64) name the rows; band hashes are all LSH needs, so a streaming
    caller can keep them (8 bytes x bands per document) instead of whole signatures.
    """
    if ids.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    if int(ids[-1]) >= 1 << 31:
        raise ConfigError(f"too many documents for one candidate pass: {int(ids[-1]) + 1}")
    chunks = []
    for band in range(bh.shape[1]):
        col = np.ascontiguousarray(bh[:, band])
        order = np.argsort(col, kind="stable")
        chunks.append(_bucket_pairs(col, order, ids, max_bucket))
    codes = np.unique(np.concatenate(chunks))
    return np.stack([codes >> 32, codes & 0xFFFFFFFF], axis=1).astype(np.int64)


class LSHIndex(Generic[K]):
    """Incremental MinHash LSH index: ``insert`` / ``insert_many`` / ``query`` / ``remove``.

    Buckets map ``(band, band_hash)`` to keys. Empty-text signatures are stored (so
    ``remove`` and ``in`` work) but never returned by ``query``.
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 128,
        params: tuple[int, int] | None = None,
        seed: int = 0,
    ):
        if params is None:
            params = optimal_params(threshold, num_perm)
        bands, rows = params
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise ConfigError(
                f"invalid LSH params bands={bands}, rows={rows} for num_perm={num_perm}",
                hint="bands and rows must be >= 1 with bands*rows <= num_perm",
            )
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands, self.rows = bands, rows
        self.seed = seed
        self._buckets: dict[tuple[int, int], list[K]] = {}
        self._keys: dict[K, np.ndarray | None] = {}

    def _check(self, sigs: np.ndarray) -> None:
        if sigs.shape[-1] != self.num_perm:
            raise ConfigError(
                f"signature length {sigs.shape[-1]} != index num_perm {self.num_perm}",
                hint="use a MinHasher with the same num_perm as the index",
            )

    def insert(self, key: K, sig: np.ndarray) -> None:
        """Add one signature under a new key."""
        self.insert_many([key], np.atleast_2d(sig))

    def insert_many(self, keys: Sequence[K], sigs: np.ndarray) -> None:
        """Add many signatures at once (band hashes computed in one vectorized pass)."""
        sigs = np.atleast_2d(sigs)
        self._check(sigs)
        if len(keys) != sigs.shape[0]:
            raise ConfigError(f"{len(keys)} keys but {sigs.shape[0]} signatures")
        for key in keys:
            if key in self._keys:
                raise ConfigError(f"key {key!r} is already in the index", hint="remove it first")
        bh = band_hashes(sigs, self.bands, self.rows, self.seed)
        empty = np.asarray(is_empty_signature(sigs))
        for i, key in enumerate(keys):
            if empty[i]:
                self._keys[key] = None
                continue
            row = bh[i]
            self._keys[key] = row
            for band in range(self.bands):
                self._buckets.setdefault((band, int(row[band])), []).append(key)

    def query(self, sig: np.ndarray) -> list[K]:
        """Keys sharing at least one band with ``sig`` (unverified candidates), in insert order."""
        sig = np.atleast_2d(sig)
        self._check(sig)
        if is_empty_signature(sig[0]):
            return []
        row = band_hashes(sig, self.bands, self.rows, self.seed)[0]
        seen: dict[K, None] = {}
        for band in range(self.bands):
            for key in self._buckets.get((band, int(row[band])), ()):
                seen[key] = None
        return list(seen)

    def remove(self, key: K) -> None:
        """Remove a key; raises KeyError if it is not in the index."""
        row = self._keys.pop(key)
        if row is None:
            return
        for band in range(self.bands):
            bk = (band, int(row[band]))
            bucket = self._buckets[bk]
            bucket.remove(key)
            if not bucket:
                del self._buckets[bk]

    def keys(self) -> Iterable[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys
