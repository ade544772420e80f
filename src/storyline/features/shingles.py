"""Seeded, vectorized shingle hashing.

Tokens are found with one regex pass and hashed once each with xxh3; k-shingle hashes are then
built in numpy by combining the k token hashes with fixed odd multipliers and a final mixer, so
there is no per-shingle Python string work. Everything depends only on the seed (never on
Python's randomized ``hash()``), so results are identical across processes and machines.
"""

from __future__ import annotations

import re

import numpy as np
import xxhash

TOKEN_RE = re.compile(r"\w+", re.UNICODE)

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads combined hashes so low bits are as good as high bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


def _multipliers(k: int, seed: int) -> np.ndarray:
    """k odd 64-bit multipliers derived from the seed (position-dependent, so order matters)."""
    vals = [xxhash.xxh3_64_intdigest(f"mult:{i}".encode(), seed=seed) | 1 for i in range(k)]
    return np.array(vals, dtype=np.uint64)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters/digits/underscore runs, any script)."""
    return TOKEN_RE.findall(text.lower())


def token_hashes(tokens: list[str], seed: int = 1) -> np.ndarray:
    """One seeded 64-bit hash per token (uint64 array)."""
    h = xxhash.xxh3_64_intdigest
    return np.fromiter(
        (h(t.encode("utf-8"), seed=seed) for t in tokens), dtype=np.uint64, count=len(tokens)
    )


def combine_kgrams(hashes: np.ndarray, k: int, seed: int = 1) -> np.ndarray:
    """Hashes of every contiguous k-gram of ``hashes``, sorted and unique.

    A sequence shorter than k yields one shingle covering all of it (so short texts still
    match their copies); an empty one yields an empty array.
    """
    n = hashes.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    kk = min(k, n)
    mult = _multipliers(kk, seed)
    m = n - kk + 1
    acc = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(kk):  # k iterations, each vectorized over all shingles
            acc += hashes[j : j + m] * mult[j]
        out = _mix64(acc + np.uint64(kk))
    return np.unique(out)


def shingle_hashes(text: str, k: int = 5, seed: int = 1) -> np.ndarray:
    """Sorted unique uint64 hashes of the word k-shingles of ``text``."""
    return combine_kgrams(token_hashes(tokenize(text), seed), k, seed)


def char_shingle_hashes(text: str, k: int = 5, seed: int = 1) -> np.ndarray:
    """Sorted unique uint64 hashes of character k-shingles (whitespace collapsed, lower-cased).

    Useful for short texts and languages without spaces between words.
    """
    norm = " ".join(text.lower().split())
    if not norm:
        return np.empty(0, dtype=np.uint64)
    cps = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        base = _mix64(cps + np.uint64(xxhash.xxh3_64_intdigest(b"char", seed=seed)))
    return combine_kgrams(base, k, seed)
