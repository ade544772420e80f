"""MinHash signatures over shingle-id sets, computed by one numba kernel per batch.

Permutation p is the multiply-add-shift hash ``((a_p * x + b_p) mod 2^64) >> 32`` of a 32-bit
shingle id x, with 64-bit a_p (odd) and b_p drawn from a seeded generator (Dietzfelbinger's
strongly universal scheme: one multiply and add per shingle and permutation, no modulo by a
prime). Parameters depend only on the seed, so signatures are identical in every process and
on every machine; :meth:`MinHasher.signatures` is a pure batch function texts -> uint32 array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.errors import ConfigError
from storyline.features.shingles import (
    char_shingle_batch,
    char_shingle_hashes,
    shingle_hashes,
    word_shingle_batch,
)
from storyline.kernels import kernel

MAX_HASH = np.uint32(0xFFFFFFFF)


@kernel(nogil=True)
def minhash_kernel(flat: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(n, num_perm)`` uint32 signatures of the shingle-id sets ``flat[offsets[i]:offsets[i+1]]``.

    An empty set gets the all-``MAX_HASH`` signature.
    """
    n = offsets.shape[0] - 1
    num_perm = a.shape[0]
    sigs = np.empty((n, num_perm), dtype=np.uint32)
    acc = np.empty(num_perm, dtype=np.uint64)
    for d in range(n):
        acc[:] = np.uint64(0xFFFFFFFFFFFFFFFF)
        for i in range(offsets[d], offsets[d + 1]):
            x = np.uint64(flat[i])
            for p in range(num_perm):
                v = a[p] * x + b[p]
                if v < acc[p]:
                    acc[p] = v
        for p in range(num_perm):
            sigs[d, p] = np.uint32(acc[p] >> np.uint64(32))
    return sigs


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The seeded (a, b) uint64 parameters of the num_perm hash functions."""
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False) | np.uint64(1)
    b = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False)
    return a, b


class MinHasher:
    """Seeded MinHash over word (or character) k-shingles.

    An empty text gets the all-``MAX_HASH`` signature, which :func:`is_empty_signature`
    recognizes so indexes never match it with anything.
    """

    def __init__(self, num_perm: int = 128, seed: int = 1, k: int = 5, char: bool = False):
        if num_perm < 1:
            raise ConfigError(f"num_perm must be >= 1, got {num_perm}", hint="use e.g. 128")
        if k < 1:
            raise ConfigError(f"shingle size k must be >= 1, got {k}", hint="use e.g. 5")
        self.num_perm = num_perm
        self.seed = seed
        self.k = k
        self.char = char
        self._a, self._b = permutations(num_perm, seed)

    def shingles(self, text: str) -> np.ndarray:
        """Sorted unique uint32 shingle ids of ``text`` under this hasher's settings."""
        if self.char:
            return char_shingle_hashes(text, self.k, self.seed)
        return shingle_hashes(text, self.k, self.seed)

    def shingle_batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets of many texts as ``(flat uint32 ids, offsets)``."""
        if self.char:
            return char_shingle_batch(texts, self.k, self.seed)
        return word_shingle_batch(texts, self.k, self.seed)

    def signatures_from_batch(self, flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of the sets in a ``(flat, offsets)`` shingle batch."""
        return minhash_kernel(flat, offsets, self._a, self._b)

    def signature_from_shingles(self, shingles: np.ndarray) -> np.ndarray:
        """MinHash signature (uint32, length num_perm) of one shingle-id array."""
        flat = np.ascontiguousarray(shingles, dtype=np.uint32)
        offsets = np.array([0, flat.shape[0]], dtype=np.int64)
        return self.signatures_from_batch(flat, offsets)[0]

    def signature(self, text: str) -> np.ndarray:
        """MinHash signature of one text."""
        return self.signatures([text])[0]

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """Signatures of many texts as one compact ``(n, num_perm)`` uint32 array."""
        return self.signatures_from_batch(*self.shingle_batch(texts))


def is_empty_signature(sig: np.ndarray) -> np.ndarray | bool:
    """True where a signature (or each row of a 2-D array) is the empty-text signature."""
    if sig.ndim == 1:
        return bool((sig == MAX_HASH).all())
    return np.asarray((sig == MAX_HASH).all(axis=1))


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of Jaccard similarity between two signatures."""
    if is_empty_signature(a) or is_empty_signature(b):
        return 0.0
    return float(np.mean(a == b))
