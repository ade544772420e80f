"""Stage 2: texts -> compact :class:`Features` (exact keys, shingle sets, MinHash signatures)
in one numba pass per batch; pure and top-level, so process pools and Spark run it as is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.dedup.texts import match_texts
from storyline.features.minhash import minhash_kernel, permutations
from storyline.features.shingles import (
    _basis,
    _multipliers,
    _shingle_kernel,
    _token_kernel,
    encode_texts,
    word_char_table,
)
from storyline.index.containment import sample_shingles
from storyline.kernels import kernel


@dataclass(slots=True)
class Features:
    """Compact features of a batch: exact keys ``(n, 2)`` uint64, shingle sets as
    ``flat`` uint32 ids with ``offsets`` (n+1), signatures ``(n, num_perm)`` uint32, and the
    matching-text length in characters (for the ``longest`` policy); ``samples``: the
    containment samples ``(values, local doc index)`` when asked for (``sample_rate``)."""

    exact: np.ndarray
    flat: np.ndarray
    offsets: np.ndarray
    sigs: np.ndarray
    lengths: np.ndarray
    samples: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return int(self.sigs.shape[0])


@kernel(nogil=True)
def _exact_kernel(th: np.ndarray, toff: np.ndarray) -> np.ndarray:
    """Two independent 64-bit polynomial hashes of each document's token-hash sequence."""
    n = toff.shape[0] - 1
    out = np.empty((n, 2), dtype=np.uint64)
    for d in range(n):
        h1 = np.uint64(0x243F6A8885A308D3)
        h2 = np.uint64(0x13198A2E03707344)
        for i in range(toff[d], toff[d + 1]):
            h1 = (h1 ^ th[i]) * np.uint64(0x100000001B3)
            h2 = (h2 + th[i]) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        out[d, 0] = h1 ^ (h1 >> np.uint64(29))
        out[d, 1] = h2 ^ (h2 >> np.uint64(31))
    return out


def featurize(
    texts: Sequence[str],
    num_perm: int = 128,
    seed: int = 1,
    k: int = 5,
    normalize: str = "match",
    sample_rate: int = 0,
) -> Features:
    """Pure batch stage: raw texts -> features. Top-level, so process pools can pickle it.
    ``sample_rate`` > 0 adds containment samples (1 in ``sample_rate`` shingles, see
    :func:`storyline.index.containment.sample_shingles`), computed in the worker.

    Exact key = the sequence of lower-cased word tokens after matching normalization, so
    copies differing only in case, whitespace, punctuation or stripped noise are exact.
    """
    norm = match_texts(texts, normalize)
    buf, offsets = encode_texts(norm)
    table = word_char_table() if buf.size and int(buf.max()) >= 0x80 else np.zeros(1, np.bool_)
    th, toff = _token_kernel(buf, offsets, table, _basis(seed))
    exact = _exact_kernel(th, toff)
    flat, soff = _shingle_kernel(th, toff, k, _multipliers(k, seed))
    a, b = permutations(num_perm, seed)
    sigs = minhash_kernel(flat, soff, a, b)
    lengths = np.fromiter((len(t) for t in norm), dtype=np.int64, count=len(norm))
    samples = sample_shingles(flat, soff, sample_rate, seed) if sample_rate > 0 else None
    return Features(exact, flat, soff, sigs, lengths, samples)


def _featurize_args(args: tuple[Sequence[str], int, int, int, str, int]) -> Features:
    return featurize(*args)
