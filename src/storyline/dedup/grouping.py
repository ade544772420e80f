"""Stages 6-7: union-find clusters over verified edges, the keep policy's ranks, and the keeper,
reason code and score of every article."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.dedup.overlap import overlaps
from storyline.dedup.result import CONTAINED, EXACT, KEPT, NEAR, UNIQUE, VIA_CLUSTER
from storyline.dedup.shingle_store import ShingleStore
from storyline.kernels import kernel


@kernel(nogil=True)
def _uf_roots(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    parent = np.arange(n)
    for q in range(a.shape[0]):
        x = a[q]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        y = b[q]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x < y:
            parent[y] = x
        elif y < x:
            parent[x] = y
    for i in range(n):  # parents always point to smaller indices: one forward pass resolves
        parent[i] = parent[parent[i]]
    return parent


def clusters(n: int, edges: np.ndarray) -> np.ndarray:
    """Union-find over ``(e, 2)`` edges; each document's root is its component's smallest
    index, so the result does not depend on edge order."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    return _uf_roots(n, edges[:, 0].copy(), edges[:, 1].copy())


def keep_rank(
    policy: str,
    n: int,
    published: Sequence[str | None] | None = None,
    lengths: np.ndarray | None = None,
    keep_values: np.ndarray | None = None,
) -> np.ndarray:
    """Rank of each document under a keep policy: the smallest rank in a cluster is kept.

    Ties always go to the earlier input position (stable sorts).
    """
    if policy == "first" or n == 0:
        return np.arange(n, dtype=np.int64)
    if policy == "earliest":
        pub = published if published is not None else [None] * n
        key = np.array([p if p is not None else "\uffff" for p in pub], dtype=str)
        order = np.argsort(key, kind="stable")
    elif policy == "longest":
        assert lengths is not None
        order = np.argsort(-lengths, kind="stable")
    else:
        vals = keep_values if keep_values is not None else np.full(n, np.nan)
        key = np.where(np.isnan(vals), np.inf, -vals)
        order = np.argsort(key, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    return rank


def decide(
    roots: np.ndarray,
    rank: np.ndarray,
    exact_rep: np.ndarray,
    store: ShingleStore,
    threshold: float,
    containment: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keeper index, reason code and score of every document (see ``UNIQUE`` ... codes).

    The keeper of a cluster is its member with the smallest ``rank``; a removed member's
    reason compares its text with the keeper's: exact key, Jaccard, containment, or only
    linked through other members ("via cluster").
    """
    n = roots.shape[0]
    order = np.lexsort((rank, roots))
    sroots = roots[order]
    first = np.ones(n, dtype=bool)
    first[1:] = sroots[1:] != sroots[:-1]
    group = np.cumsum(first) - 1
    keeper_of_group = order[np.flatnonzero(first)]
    sizes = np.bincount(group)
    keeper = np.empty(n, dtype=np.int64)
    keeper[order] = keeper_of_group[group]
    big = np.empty(n, dtype=bool)
    big[order] = sizes[group] > 1

    idx = np.arange(n, dtype=np.int64)
    code = np.full(n, UNIQUE, dtype=np.int8)
    score = np.ones(n, dtype=np.float64)
    is_keeper = keeper == idx
    code[is_keeper & big] = KEPT
    removed = ~is_keeper
    same = removed & (exact_rep == exact_rep[keeper])
    code[same] = EXACT
    other = np.flatnonzero(removed & ~same)
    if other.size:
        pairs = np.stack([exact_rep[other], exact_rep[keeper[other]]], axis=1)
        code[other], score[other] = removal_reasons(overlaps(store, pairs), threshold, containment)
    return keeper, code, score


def removal_reasons(
    ov: np.ndarray, threshold: float, containment: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Reason code and score of removed copies from their ``(p, 2)`` Jaccard and containment
    with the keeper: near (Jaccard), else contained, else only linked via the cluster."""
    jac, cont = ov[:, 0], ov[:, 1]
    near = jac >= threshold
    cont_ok = ~near & (containment is not None) & (cont >= (containment or 2.0))
    code = np.where(near, NEAR, np.where(cont_ok, CONTAINED, VIA_CLUSTER)).astype(np.int8)
    return code, np.where(cont_ok, cont, jac)
