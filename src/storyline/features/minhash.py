"""MinHash signatures, vectorized over shingles x permutations.

Uses the datasketch 32-bit scheme: ``((a * h + b) mod (2^61 - 1)) & (2^32 - 1)`` with a, b
drawn from a seeded generator, so signatures are reproducible for a given seed anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.errors import ConfigError
from storyline.features.shingles import char_shingle_hashes, shingle_hashes

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint32(0xFFFFFFFF)
_CHUNK = 1 << 14  # shingles processed per step, bounds the (chunk, num_perm) temporary


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
        rng = np.random.RandomState(seed)
        self._a = rng.randint(1, int(MERSENNE_PRIME), size=num_perm, dtype=np.uint64)
        self._b = rng.randint(0, int(MERSENNE_PRIME), size=num_perm, dtype=np.uint64)

    def shingles(self, text: str) -> np.ndarray:
        """Sorted unique uint64 shingle hashes of ``text`` under this hasher's settings."""
        if self.char:
            return char_shingle_hashes(text, self.k, self.seed)
        return shingle_hashes(text, self.k, self.seed)

    def signature_from_shingles(self, shingles: np.ndarray) -> np.ndarray:
        """MinHash signature (uint32, length num_perm) of a uint64 shingle-hash array."""
        sig = np.full(self.num_perm, MAX_HASH, dtype=np.uint32)
        if shingles.size == 0:
            return sig
        hv = (shingles & np.uint64(0xFFFFFFFF))[:, None]
        with np.errstate(over="ignore"):
            for start in range(0, hv.shape[0], _CHUNK):
                part = hv[start : start + _CHUNK]
                ph = ((part * self._a + self._b) % MERSENNE_PRIME) & np.uint64(0xFFFFFFFF)
                np.minimum(sig, ph.min(axis=0).astype(np.uint32), out=sig)
        return sig

    def signature(self, text: str) -> np.ndarray:
        """MinHash signature of one text."""
        return self.signature_from_shingles(self.shingles(text))

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """Signatures of many texts as one compact ``(n, num_perm)`` uint32 array."""
        out = np.empty((len(texts), self.num_perm), dtype=np.uint32)
        for i, t in enumerate(texts):
            out[i] = self.signature(t)
        return out


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
