"""Approximate nearest neighbours over dense embeddings (usearch HNSW), for candidate pairs.

Optional (the ``[embeddings]`` extra): clustering adds an article's nearest embedded neighbours
in the window to its term/MinHash candidates, which catches same-story pairs worded so
differently that they share few salient terms. ``insert`` / ``query`` / ``remove`` like
:class:`storyline.index.terms.TermIndex`. Deterministic: single-threaded inserts and searches
with fixed graph parameters, and results ordered by (distance, insertion order).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, TypeVar

import numpy as np

from storyline.errors import ConfigError, MissingDependencyError

K = TypeVar("K", bound=Hashable)


def _usearch_index(ndim: int) -> Any:
    try:
        from usearch.index import Index
    except ImportError as exc:
        raise MissingDependencyError(
            "ANN candidates over embeddings need usearch",
            hint="install storyline[embeddings] (or pip install usearch), or set ann_k=0",
        ) from exc
    return Index(
        ndim=ndim, metric="cos", dtype="f32", connectivity=16, expansion_add=128, expansion_search=64
    )


class VectorIndex(Generic[K]):
    """Cosine HNSW index of vectors under arbitrary keys (created on the first insert)."""

    def __init__(self) -> None:
        self._index: Any = None
        self._ndim = 0
        self._label: dict[K, int] = {}
        self._key: dict[int, K] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._label)

    def __contains__(self, key: object) -> bool:
        return key in self._label

    def insert(self, key: K, vector: np.ndarray) -> None:
        vec = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
        if self._index is None:
            self._ndim = int(vec.size)
            self._index = _usearch_index(self._ndim)
        if vec.size != self._ndim:
            raise ConfigError(
                f"embedding of {key!r} has {vec.size} dimensions, the index has {self._ndim}",
                hint="embed every article with the same model",
            )
        if key in self._label:
            raise ConfigError(f"key {key!r} is already in the index", hint="remove it first")
        label = self._seq
        self._seq += 1
        self._index.add(label, vec, threads=1)
        self._label[key] = label
        self._key[label] = key

    def remove(self, key: K) -> None:
        """Forget ``key``; raises KeyError if it is not in the index."""
        label = self._label.pop(key)
        del self._key[label]
        self._index.remove(label)

    def query(self, vector: np.ndarray, k: int) -> list[tuple[K, float]]:
        """Up to ``k`` nearest keys with their cosine similarity, nearest first (ties: older)."""
        if self._index is None or not self._label or k < 1:
            return []
        vec = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
        if vec.size != self._ndim:
            return []
        found = self._index.search(vec, min(k, len(self._label)), threads=1)
        hits = [
            (float(d), int(lab))
            for lab, d in zip(np.asarray(found.keys), np.asarray(found.distances), strict=True)
            if int(lab) in self._key
        ]
        hits.sort()
        return [(self._key[lab], 1.0 - d) for d, lab in hits]
