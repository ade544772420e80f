"""Seeded word/character shingle hashing, batched through numba kernels.

A batch of texts is encoded once into one UTF-8 byte buffer with offsets; one compiled pass
then finds word tokens (Python's ``\\w``: alphanumeric or underscore, any script), lower-cases
ASCII, hashes every token (FNV-1a over its bytes plus a splitmix64 finalizer), combines each
run of k token hashes with fixed odd multipliers, keeps 32 bits, and radix-sorts each
document's shingle ids into a sorted unique set. No per-token Python work.

Everything depends only on the seed and the text bytes (never on Python's randomized
``hash()``, the process or the machine), so the same text gives the same shingles in any
worker, on any machine: the Spark backend reuses these functions unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import xxhash

from storyline.kernels import kernel

TOKEN_RE = re.compile(r"\w+", re.UNICODE)

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_FNV_PRIME = np.uint64(0x100000001B3)
_FNV_BASIS = np.uint64(0xCBF29CE484222325)
_MAX_CP = 0x110000


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads combined hashes so low bits are as good as high bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


@kernel(inline="always")
def _mix64_scalar(x: np.uint64) -> np.uint64:
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    return x ^ (x >> np.uint64(31))


def _multipliers(k: int, seed: int) -> np.ndarray:
    """k odd 64-bit multipliers derived from the seed (position-dependent, so order matters)."""
    vals = [xxhash.xxh3_64_intdigest(f"mult:{i}".encode(), seed=seed) | 1 for i in range(k)]
    return np.array(vals, dtype=np.uint64)


def _basis(seed: int) -> np.uint64:
    """Seeded starting value of every token hash."""
    return np.uint64(xxhash.xxh3_64_intdigest(b"token", seed=seed)) ^ _FNV_BASIS


_ASCII_TABLE = np.zeros(1, dtype=np.bool_)  # never indexed: ASCII bytes are classified inline


@lru_cache(maxsize=1)
def word_char_table() -> np.ndarray:
    """``table[cp]`` is True where code point cp is a ``\\w`` character (isalnum or '_')."""
    table = np.zeros(_MAX_CP, dtype=np.bool_)
    table[[cp for cp in range(_MAX_CP) if chr(cp).isalnum()]] = True
    table[ord("_")] = True
    return table


def encode_texts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """One UTF-8 buffer (uint8) plus ``len(texts)+1`` offsets.

    Non-ASCII texts are lower-cased here (full Unicode rules); ASCII ones in the kernel.
    Lone surrogates are kept (``surrogatepass``) so no input string can make this fail.
    """
    parts = [
        t.encode("ascii") if t.isascii() else t.lower().encode("utf-8", "surrogatepass")
        for t in texts
    ]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    if parts:
        np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=offsets[1:])
    return np.frombuffer(b"".join(parts), dtype=np.uint8), offsets


@kernel(nogil=True)
def _token_kernel(
    buf: np.ndarray, offsets: np.ndarray, table: np.ndarray, basis: np.uint64
) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes of every document (flat uint64) and per-document token offsets."""
    n = offsets.shape[0] - 1
    out = np.empty(buf.shape[0] // 2 + n + 1, dtype=np.uint64)  # >= tokens: each needs 2 bytes
    toff = np.zeros(n + 1, dtype=np.int64)
    m = 0
    for d in range(n):
        i = offsets[d]
        end = offsets[d + 1]
        h = basis
        in_tok = False
        while i < end:
            c = buf[i]
            width = 1
            is_word = False
            if c < 0x80:
                if c >= 65 and c <= 90:
                    c += 32
                    is_word = True
                else:
                    is_word = (c >= 97 and c <= 122) or (c >= 48 and c <= 57) or c == 95
            else:  # decode one UTF-8 sequence; malformed bytes count as separators
                cp = np.int64(-1)
                c0 = np.int64(c)
                if c0 >= 0xF0 and i + 3 < end:
                    width = 4
                    cp = ((c0 & 0x07) << 18) | ((np.int64(buf[i + 1]) & 0x3F) << 12)
                    cp |= ((np.int64(buf[i + 2]) & 0x3F) << 6) | (np.int64(buf[i + 3]) & 0x3F)
                elif c0 >= 0xE0 and i + 2 < end:
                    width = 3
                    cp = ((c0 & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6)
                    cp |= np.int64(buf[i + 2]) & 0x3F
                elif c0 >= 0xC0 and i + 1 < end:
                    width = 2
                    cp = ((c0 & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F)
                if cp >= 0 and cp < table.shape[0]:
                    is_word = table[cp]
            if is_word:
                if not in_tok:
                    h = basis
                    in_tok = True
                if width == 1:
                    h = (h ^ np.uint64(c)) * _FNV_PRIME
                else:
                    for j in range(width):
                        h = (h ^ np.uint64(buf[i + j])) * _FNV_PRIME
            elif in_tok:
                out[m] = _mix64_scalar(h)
                m += 1
                in_tok = False
            i += width
        if in_tok:
            out[m] = _mix64_scalar(h)
            m += 1
        toff[d + 1] = m
    return out[:m].copy(), toff


@kernel(nogil=True)
def _hash_tokens_kernel(buf: np.ndarray, offsets: np.ndarray, basis: np.uint64) -> np.ndarray:
    """Hash of each ``buf[offsets[i]:offsets[i+1]]`` taken whole (already-split tokens)."""
    n = offsets.shape[0] - 1
    out = np.empty(n, dtype=np.uint64)
    for d in range(n):
        h = basis
        for i in range(offsets[d], offsets[d + 1]):
            h = (h ^ np.uint64(buf[i])) * _FNV_PRIME
        out[d] = _mix64_scalar(h)
    return out


@kernel(nogil=True)
def _sort_unique_u32(x: np.ndarray, tmp: np.ndarray) -> int:
    """Sort ``x`` in place (LSD radix, 4 x 8 bits; insertion sort when short), dedupe.

    Returns the number of unique values, which end up in ``x[:count]``.
    """
    n = x.shape[0]
    if n == 0:
        return 0
    if n <= 32:
        for i in range(1, n):
            v = x[i]
            j = i - 1
            while j >= 0 and x[j] > v:
                x[j + 1] = x[j]
                j -= 1
            x[j + 1] = v
    else:
        counts = np.empty(256, dtype=np.int64)
        src = x
        dst = tmp[:n]
        for shift in range(0, 32, 8):
            counts[:] = 0
            for i in range(n):
                counts[(src[i] >> np.uint32(shift)) & np.uint32(0xFF)] += 1
            total = 0
            for b in range(256):
                c = counts[b]
                counts[b] = total
                total += c
            for i in range(n):
                b = (src[i] >> np.uint32(shift)) & np.uint32(0xFF)
                dst[counts[b]] = src[i]
                counts[b] += 1
            src, dst = dst, src
        # four passes: the sorted data is back in x
    w = 1
    for i in range(1, n):
        if x[i] != x[w - 1]:
            x[w] = x[i]
            w += 1
    return w


@kernel(nogil=True)
def _shingle_kernel(
    th: np.ndarray, toff: np.ndarray, k: int, mult: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique uint32 k-shingle ids per document (flat) and their offsets.

    A document shorter than k tokens gets one shingle covering all of it; an empty one none.
    """
    n = toff.shape[0] - 1
    out = np.empty(th.shape[0] + n, dtype=np.uint32)
    soff = np.zeros(n + 1, dtype=np.int64)
    tmp = np.empty(64, dtype=np.uint32)
    m = 0
    for d in range(n):
        s = toff[d]
        length = toff[d + 1] - s
        if length > 0:
            kk = min(k, length)
            cnt = length - kk + 1
            start = m
            for i in range(cnt):
                acc = np.uint64(kk)
                for j in range(kk):
                    acc += th[s + i + j] * mult[j]
                out[m] = np.uint32(_mix64_scalar(acc) >> np.uint64(32))
                m += 1
            if tmp.shape[0] < cnt:
                tmp = np.empty(cnt, dtype=np.uint32)
            m = start + _sort_unique_u32(out[start:m], tmp)
        soff[d + 1] = m
    return out[:m].copy(), soff


def _check_k(k: int) -> None:
    if k < 1:
        from storyline.errors import ConfigError

        raise ConfigError(f"shingle size k must be >= 1, got {k}", hint="use e.g. 5")


def word_shingle_batch(
    texts: Sequence[str], k: int = 5, seed: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Word k-shingle sets of many texts: ``(flat uint32 ids, offsets)``.

    Document i's sorted unique shingle ids are ``flat[offsets[i]:offsets[i+1]]``.
    """
    _check_k(k)
    buf, offsets = encode_texts(texts)
    ascii_only = not buf.size or int(buf.max()) < 0x80
    table = _ASCII_TABLE if ascii_only else word_char_table()  # the big table only if needed
    th, toff = _token_kernel(buf, offsets, table, _basis(seed))
    return _shingle_kernel(th, toff, k, _multipliers(k, seed))


def char_shingle_batch(
    texts: Sequence[str], k: int = 5, seed: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Character k-shingle sets (whitespace collapsed, lower-cased) of many texts."""
    _check_k(k)
    norm = [" ".join(t.lower().split()) for t in texts]
    cps = [np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) for t in norm]
    toff = np.zeros(len(cps) + 1, dtype=np.int64)
    if cps:
        np.cumsum([c.size for c in cps], out=toff[1:])
    flat = np.concatenate(cps).astype(np.uint64) if cps else np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        base = _mix64(flat + np.uint64(xxhash.xxh3_64_intdigest(b"char", seed=seed)))
    return _shingle_kernel(base, toff, k, _multipliers(k, seed))


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters/digits/underscore runs, any script)."""
    return TOKEN_RE.findall(text.lower())


def token_hashes(tokens: Sequence[str], seed: int = 1) -> np.ndarray:
    """One seeded 64-bit hash per token (uint64 array), equal to the batch kernel's hashes."""
    buf, offsets = encode_texts(list(tokens))
    return _hash_tokens_kernel(buf, offsets, _basis(seed))


def combine_kgrams(hashes: np.ndarray, k: int, seed: int = 1) -> np.ndarray:
    """Sorted unique uint32 ids of every contiguous k-gram of token ``hashes``.

    A sequence shorter than k yields one shingle covering all of it (so short texts still
    match their copies); an empty one yields an empty array.
    """
    _check_k(k)
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    toff = np.array([0, hashes.shape[0]], dtype=np.int64)
    return _shingle_kernel(hashes, toff, k, _multipliers(k, seed))[0]


def shingle_hashes(text: str, k: int = 5, seed: int = 1) -> np.ndarray:
    """Sorted unique uint32 ids of the word k-shingles of ``text``."""
    return word_shingle_batch([text], k, seed)[0]


def char_shingle_hashes(text: str, k: int = 5, seed: int = 1) -> np.ndarray:
    """Sorted unique uint32 ids of character k-shingles (whitespace collapsed, lower-cased).

    Useful for short texts and languages without spaces between words.
    """
    return char_shingle_batch([text], k, seed)[0]


@kernel(nogil=True, inline="always")
def count_shared(a: np.ndarray, i: int, a_end: int, b: np.ndarray, j: int, b_end: int) -> int:
    """Shared ids of the sorted unique runs ``a[i:a_end]`` and ``b[j:b_end]`` (a merge walk,
    inlined into the kernels that call it; indices, not slices, so no views are made)."""
    n = 0
    while i < a_end and j < b_end:
        x, y = a[i], b[j]
        if x == y:
            n += 1
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
    return n


@kernel(nogil=True)
def _sorted_overlap_kernel(a: np.ndarray, b: np.ndarray) -> int:
    return count_shared(a, 0, a.shape[0], b, 0, b.shape[0])


def sorted_overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Number of shared ids of two sorted unique arrays of one dtype (e.g. two
    :func:`shingle_hashes`): a merge walk, no temporary arrays (pair scoring calls this a lot)."""
    if a.size == 0 or b.size == 0:
        return 0
    if a.dtype != b.dtype:
        return int(np.intersect1d(a, b, assume_unique=True).size)
    return int(_sorted_overlap_kernel(a, b))
