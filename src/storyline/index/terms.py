"""Inverted index over weighted salient terms (TF-IDF words, entity keys) for candidate pairs.

``insert`` / ``query`` / ``remove`` like :class:`storyline.index.lsh.LSHIndex`. A query scores
stored keys by the accumulated product of term weights (a sparse dot product, i.e. TF-IDF
cosine when both sides are L2-normalised) and returns the top ``k``.

Why it scales: only each article's ``max_terms`` heaviest terms are indexed and queried, and
a term whose posting list is longer than ``max_postings`` is skipped at query time (it is too
common in the current window to tell stories apart: "said", a topic's stock phrases). So one
query touches at most ``max_terms * max_postings`` postings however many articles were seen;
the time window (``evict_before``) and ``max_items`` keep memory bounded for streams.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping
from typing import Generic, TypeVar

from storyline.errors import ConfigError

K = TypeVar("K", bound=Hashable)


def top_terms(terms: Mapping[str, float], n: int) -> list[tuple[str, float]]:
    """The ``n`` heaviest terms, ties broken by the term itself (deterministic)."""
    items = [(t, w) for t, w in terms.items() if w > 0]
    if len(items) <= n:
        return sorted(items, key=lambda tw: (-tw[1], tw[0]))
    return heapq.nsmallest(n, items, key=lambda tw: (-tw[1], tw[0]))


class TermIndex(Generic[K]):
    """Weighted inverted index with capped postings, a time window and top-k queries.

    ``last_examined`` is the number of postings the latest query touched (the per-article cost
    the streaming tests check stays bounded).
    """

    def __init__(
        self,
        max_terms: int = 40,
        max_postings: int = 200,
        max_items: int | None = None,
    ):
        if max_terms < 1 or max_postings < 1:
            raise ConfigError(
                f"max_terms and max_postings must be >= 1, got {max_terms}, {max_postings}"
            )
        if max_items is not None and max_items < 1:
            raise ConfigError(f"max_items must be >= 1 or None, got {max_items}")
        self.max_terms = max_terms
        self.max_postings = max_postings
        self.max_items = max_items
        self._postings: dict[str, dict[K, float]] = {}
        self._items: dict[K, tuple[tuple[str, ...], float | None, int]] = {}
        self._times: list[tuple[float, int, K]] = []  # min-heap for time eviction
        self._seq = 0
        self.last_examined = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def keys(self) -> Iterable[K]:
        return iter(self._items)

    def time_of(self, key: K) -> float | None:
        return self._items[key][1]

    def insert(self, key: K, terms: Mapping[str, float], time: float | None = None) -> list[K]:
        """Index ``key`` under its heaviest terms; returns keys evicted to respect ``max_items``."""
        if key in self._items:
            raise ConfigError(f"key {key!r} is already in the index", hint="remove it first")
        kept = top_terms(terms, self.max_terms)
        for t, w in kept:
            self._postings.setdefault(t, {})[key] = w
        self._items[key] = (tuple(t for t, _ in kept), time, self._seq)
        if time is not None:
            heapq.heappush(self._times, (time, self._seq, key))
        self._seq += 1
        evicted: list[K] = []
        if self.max_items is not None:
            while len(self._items) > self.max_items:
                oldest = next(iter(self._items))  # dicts keep insertion order
                self.remove(oldest)
                evicted.append(oldest)
        return evicted

    def remove(self, key: K) -> None:
        """Forget ``key``; raises KeyError if it is not in the index."""
        terms, _, _ = self._items.pop(key)
        for t in terms:
            posting = self._postings[t]
            del posting[key]
            if not posting:
                del self._postings[t]

    def evict_before(self, time: float) -> list[K]:
        """Remove every key published before ``time`` (the window's lower edge)."""
        out: list[K] = []
        while self._times and self._times[0][0] < time:
            _, seq, key = heapq.heappop(self._times)
            item = self._items.get(key)
            if item is not None and item[2] == seq:
                self.remove(key)
                out.append(key)
        return out

    def query(
        self,
        terms: Mapping[str, float],
        k: int = 20,
        time: float | None = None,
        window: float | None = None,
        min_score: float = 0.0,
    ) -> list[tuple[K, float]]:
        """Top ``k`` keys by accumulated weight (ties: earlier insert first).

        With ``time`` and ``window`` (seconds), keys whose time is known and differs by more than
        ``window`` are ignored. Terms whose postings exceed ``max_postings`` are skipped; keys
        scoring below ``min_score`` (one weak shared term) are not returned.
        """
        acc: dict[K, float] = {}
        examined = 0
        for t, w in top_terms(terms, self.max_terms):
            posting = self._postings.get(t)
            if not posting or len(posting) > self.max_postings:
                continue
            examined += len(posting)
            for key, dw in posting.items():
                acc[key] = acc.get(key, 0.0) + w * dw
        self.last_examined = examined
        items = self._items
        hits = [(key, v) for key, v in acc.items() if v >= min_score] if min_score > 0 else list(acc.items())
        if time is not None and window is not None:
            hits = [
                (key, v)
                for key, v in hits
                if (kt := items[key][1]) is None or abs(kt - time) <= window
            ]
        if len(hits) > k:
            hits.sort(key=lambda kv: -kv[1])
            cut = hits[k - 1][1]
            hits = [kv for kv in hits if kv[1] >= cut]  # keep ties at the cut, ordered below
        hits.sort(key=lambda kv: (-kv[1], items[kv[0]][2]))
        return hits[:k]
