"""Inverted index over weighted salient terms (TF-IDF words, entity keys) for candidate pairs.

``insert`` / ``query`` / ``remove`` like :class:`storyline.index.lsh.LSHIndex`. A query scores
stored keys by the accumulated product of term weights (a sparse dot product, i.e. TF-IDF
cosine when both sides are L2-normalised) and returns the top ``k``.

Why it scales: only each article's ``max_terms`` heaviest terms are indexed and queried, and
a term whose posting list is longer than ``max_postings`` is skipped at query time (it is too
common in the current window to tell stories apart: "said", a topic's stock phrases). So one
query touches at most ``max_terms * max_postings`` postings however many articles were seen;
the time window (``evict_before``) and ``max_items`` keep memory bounded for streams.

Postings are numpy arrays of insertion numbers and weights, so a query is a handful of array
operations (``bincount`` accumulates in the same order a dict loop would, so scores are the
same floats); removed keys are masked out and compacted away lazily.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

import numpy as np

from storyline.errors import ConfigError

K = TypeVar("K", bound=Hashable)


def top_terms(terms: Mapping[str, float], n: int) -> list[tuple[str, float]]:
    """The ``n`` heaviest terms, ties broken by the term itself (deterministic)."""
    items = [(t, w) for t, w in terms.items() if w > 0]
    if len(items) <= n:
        return sorted(items, key=lambda tw: (-tw[1], tw[0]))
    return heapq.nsmallest(n, items, key=lambda tw: (-tw[1], tw[0]))


def keyed_terms(terms: Mapping[str, float], entity_keys: Iterable[str],
                entity_weight: float = 0.5) -> dict[str, float]:
    """An article's index keys: its TF-IDF terms plus its entity keys (prefixed ``e:``, sorted,
    sharing ``entity_weight`` so a name-heavy article does not drown its words)."""
    out = {str(t): float(w) for t, w in terms.items()}
    keys = sorted({str(e) for e in entity_keys})
    if keys:
        w = entity_weight / math.sqrt(len(keys))
        for e in keys:
            out[f"e:{e}"] = w
    return out


class _Posting:
    """One term's postings: insertion numbers and weights (append-only, compacted lazily)."""

    __slots__ = ("seq", "w", "n", "live", "held")

    def __init__(self) -> None:
        self.seq = np.empty(8, dtype=np.int64)
        self.w = np.empty(8, dtype=np.float64)
        self.n = 0  # used length (live and removed entries)
        self.live = 0
        self.held = 0  # live entries held past the window's edge (not counted by the cap)

    def append(self, seq: int, w: float) -> None:
        if self.n == self.seq.size:
            self.seq = np.resize(self.seq, 2 * self.n)
            self.w = np.resize(self.w, 2 * self.n)
        self.seq[self.n] = seq
        self.w[self.n] = w
        self.n += 1
        self.live += 1

    def compact(self, alive: np.ndarray) -> None:
        keep = alive[self.seq[: self.n]]
        self.seq = self.seq[: self.n][keep].copy()
        self.w = self.w[: self.n][keep].copy()
        self.n = self.live = int(self.seq.size)
        if self.n == 0:
            self.seq = np.empty(8, dtype=np.int64)
            self.w = np.empty(8, dtype=np.float64)


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
        self._postings: dict[str, _Posting] = {}
        self._items: dict[K, tuple[tuple[str, ...], float | None, int]] = {}
        self._key_of: dict[int, K] = {}
        self._alive = np.zeros(1024, dtype=bool)  # by insertion number
        self._held = np.zeros(1024, dtype=bool)  # by insertion number: kept past the edge
        self._time = np.full(1024, np.nan)  # by insertion number; NaN = undated
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
        seq = self._seq
        if seq == self._alive.size:
            self._alive = np.concatenate([self._alive, np.zeros(seq, dtype=bool)])
            self._held = np.concatenate([self._held, np.zeros(seq, dtype=bool)])
            self._time = np.concatenate([self._time, np.full(seq, np.nan)])
        kept = top_terms(terms, self.max_terms)
        postings = self._postings
        for t, w in kept:
            posting = postings.get(t)
            if posting is None:
                posting = postings[t] = _Posting()
            posting.append(seq, w)
        self._items[key] = (tuple(t for t, _ in kept), time, seq)
        self._key_of[seq] = key
        self._alive[seq] = True
        if time is not None:
            self._time[seq] = time
            heapq.heappush(self._times, (time, seq, key))
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
        terms, _, seq = self._items.pop(key)
        del self._key_of[seq]
        self._alive[seq] = False
        held = bool(self._held[seq])
        self._held[seq] = False
        for t in terms:
            posting = self._postings[t]
            posting.live -= 1
            posting.held -= held
            if not posting.live:
                del self._postings[t]
            elif posting.n >= 64 and posting.live * 2 < posting.n:
                posting.compact(self._alive)

    def evict_before(self, time: float,
                     hold: Callable[[K], float | None] | None = None) -> list[K]:
        """Remove every key published before ``time`` (the window's lower edge).

        ``hold(key)``: a time until which a key past the edge is kept (e.g. its story's last
        article); the key is looked at again once the edge passes that time. None: evict now.
        A held key is past the window: it no longer counts toward a term's posting cap and
        only a query dated within ``window`` of it finds it (see :meth:`query`), so holding
        keys never changes what a time-ordered stream finds.
        """
        out: list[K] = []
        times = self._times
        while times and times[0][0] < time:
            _, seq, key = heapq.heappop(times)
            item = self._items.get(key)
            if item is None or item[2] != seq:
                continue
            until = hold(key) if hold is not None else None
            if until is not None and until >= time:
                heapq.heappush(times, (until, seq, key))
                if not self._held[seq]:
                    self._held[seq] = True
                    for t in item[0]:
                        self._postings[t].held += 1
                continue
            self.remove(key)
            out.append(key)
        return out

    def is_held(self, key: K) -> bool:
        """Whether ``key`` is kept past the window's edge by ``evict_before``'s ``hold``."""
        item = self._items.get(key)
        return item is not None and bool(self._held[item[2]])

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
        ``window`` are ignored; without ``time``, keys held past the window's edge are ignored
        (an undated article is compared with the window only). Terms with more than
        ``max_postings`` postings in the window (held keys not counted) are skipped; keys
        scoring below ``min_score`` (one weak shared term) are not returned.
        """
        seqs: list[np.ndarray] = []
        prods: list[np.ndarray] = []
        examined = 0
        postings = self._postings
        for t, w in top_terms(terms, self.max_terms):
            posting = postings.get(t)
            if posting is None or posting.live - posting.held > self.max_postings:
                continue
            examined += posting.live
            seqs.append(posting.seq[: posting.n])
            prods.append(w * posting.w[: posting.n])
        self.last_examined = examined
        if not seqs:
            return []
        seq = np.concatenate(seqs)
        prod = np.concatenate(prods)
        if examined < seq.size:  # removed entries not compacted yet
            live = self._alive[seq]
            seq, prod = seq[live], prod[live]
        base = int(seq.min())
        # bincount adds each key's products in term order, like acc[key] += w * dw would
        acc = np.bincount(seq - base, weights=prod)
        cand = np.flatnonzero(np.bincount(seq - base))
        vals = acc[cand]
        keys = cand + base
        if min_score > 0:
            ok = vals >= min_score
            keys, vals = keys[ok], vals[ok]
        if time is not None and window is not None and keys.size:
            kt = self._time[keys]
            ok = np.isnan(kt) | (np.abs(kt - time) <= window)
            keys, vals = keys[ok], vals[ok]
        elif time is None and keys.size:
            ok = ~self._held[keys]
            keys, vals = keys[ok], vals[ok]
        if keys.size > k:
            top = np.argpartition(-vals, k - 1)[:k]
            cut = vals[top].min()
            ok = vals >= cut  # keep ties at the cut, ordered below
            keys, vals = keys[ok], vals[ok]
        order = np.lexsort((keys, -vals))[:k]
        key_of = self._key_of
        return [(key_of[int(s)], float(v)) for s, v in zip(keys[order], vals[order], strict=True)]
