"""Sentence fingerprints: which sentences two articles share near-verbatim.

An agency update keeps many of its sentences word for word (background paragraphs, quotes,
unchanged facts) while rewording or replacing others; another event of the same kind reuses
stock phrasing but rarely whole sentences, because its names, places and numbers differ. A
sentence is fingerprinted by the hash of its lowercased word sequence (punctuation, case and
whitespace ignored, so scrape noise such as glued lines or curly quotes does not break a match).
Short sentences (under ``min_words``) are skipped: they are stock phrases more than evidence.
"""

from __future__ import annotations

import re

import xxhash

from storyline.normalize import split_sentences

__all__ = ["sentence_fingerprints", "shared_sentence_fraction"]

_WORD = re.compile(r"\w+")


def sentence_fingerprints(text: str, min_words: int = 5) -> frozenset[int]:
    """64-bit hashes of the sentences of ``text`` that have at least ``min_words`` words."""
    out: set[int] = set()
    for sent in split_sentences(text):
        words = _WORD.findall(sent.lower())
        if len(words) >= min_words:
            out.add(xxhash.xxh3_64_intdigest(" ".join(words).encode("utf-8")))
    return frozenset(out)


def shared_sentence_fraction(a: frozenset[int], b: frozenset[int]) -> float:
    """Share of the smaller article's fingerprinted sentences found verbatim in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
