"""Exact and near-duplicate detection over a corpus of articles.

Pipeline: normalize -> exact groups (xxh3-128 of the normalized text) -> MinHash of one
representative per exact group -> LSH candidate pairs -> verification by exact shingle
Jaccard / containment -> union-find clusters -> keep policy. LSH only proposes; a pair is a
duplicate only if its exact shingle sets pass the thresholds.

Known gap: LSH is tuned for Jaccard >= ``threshold``; a short text contained in a much longer
one has low Jaccard and may never become a candidate, so containment is only detected on pairs
LSH proposes (mostly near-equal lengths, or small additions like a new paragraph).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import xxhash

from storyline.data import Article
from storyline.errors import ConfigError
from storyline.features.minhash import MinHasher
from storyline.index.lsh import candidate_pairs, optimal_params

_KEEP_BUILTIN = ("earliest", "longest", "first")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Settings for :func:`dedup`, validated on construction.

    ``keep``: ``earliest`` (published, ties -> first seen), ``longest`` (normalized text),
    ``first`` (input order) or the name of a numeric ``meta`` field (largest wins).
    ``containment``: flag A as a copy of a longer B when |A∩B|/|A| >= this (None disables).
    ``candidate_threshold``: Jaccard level the LSH banding is tuned for (default ``threshold``);
    lower it to catch more contained pairs, at the cost of verifying more candidates.
    """

    threshold: float = 0.8
    num_perm: int = 128
    k: int = 5
    seed: int = 1
    keep: str = "earliest"
    containment: float | None = 0.9
    use_title: bool = False
    batch_size: int = 10000
    workers: int = 1
    max_bucket: int = 500
    candidate_threshold: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(
                f"dedup threshold must be in (0, 1), got {self.threshold}", hint="use e.g. 0.8"
            )
        if self.num_perm < 2:
            raise ConfigError(f"num_perm must be >= 2, got {self.num_perm}", hint="use 128")
        if self.k < 1:
            raise ConfigError(f"shingle size k must be >= 1, got {self.k}", hint="use 5")
        if self.containment is not None and not 0.0 < self.containment <= 1.0:
            raise ConfigError(f"containment must be in (0, 1] or None, got {self.containment}")
        if not self.keep or not isinstance(self.keep, str):
            raise ConfigError("keep must be 'earliest', 'longest', 'first' or a meta field name")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.workers < 1:
            raise ConfigError(f"workers must be >= 1, got {self.workers}")
        ct = self.candidate_threshold
        if ct is not None and not 0.0 < ct < 1.0:
            raise ConfigError(f"candidate_threshold must be in (0, 1) or None, got {ct}")
        if self.max_bucket < 2:
            raise ConfigError(f"max_bucket must be >= 2, got {self.max_bucket}")


@dataclass(slots=True)
class Decision:
    """What happened to one article. ``cluster_id`` is the id of the cluster's kept article."""

    id: str
    cluster_id: str
    kept: bool
    duplicate_of: str | None
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class DedupResult:
    """Per-article decisions (input order) plus counts."""

    decisions: list[Decision] = field(default_factory=list)

    @property
    def kept_ids(self) -> list[str]:
        return [d.id for d in self.decisions if d.kept]

    @property
    def n_read(self) -> int:
        return len(self.decisions)

    @property
    def n_kept(self) -> int:
        return sum(d.kept for d in self.decisions)

    @property
    def n_removed(self) -> int:
        return self.n_read - self.n_kept

    @property
    def n_clusters(self) -> int:
        return len({d.cluster_id for d in self.decisions})

    def to_records(self) -> list[dict[str, Any]]:
        return [d.to_dict() for d in self.decisions]


class _UnionFind:
    """Array union-find; the root is always the smallest index, so results are order-free."""

    def __init__(self, n: int):
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = int(p[root])
        while p[x] != root:
            p[x], x = root, int(p[x])
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            self.parent[hi] = lo


def _featurize(
    texts: Sequence[str], num_perm: int, seed: int, k: int
) -> tuple[list[np.ndarray], np.ndarray]:
    """Shingle sets and signatures of a batch (top-level so process pools can pickle it)."""
    hasher = MinHasher(num_perm=num_perm, seed=seed, k=k)
    shingles = [hasher.shingles(t) for t in texts]
    sigs = np.empty((len(texts), num_perm), dtype=np.uint32)
    for i, s in enumerate(shingles):
        sigs[i] = hasher.signature_from_shingles(s)
    return shingles, sigs


def _normalizer() -> Any:
    try:
        from storyline.normalize import normalize_text
    except ImportError:  # pragma: no cover - normalize.py is part of the package

        def normalize_text(text: str) -> str:
            return " ".join(text.split())

    return normalize_text


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted unique arrays."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter), inter / min(a.size, b.size)


def dedup(articles: Iterable[Article], config: DedupConfig | None = None) -> DedupResult:
    """Find exact and near duplicates and decide which article of each cluster to keep."""
    cfg = config or DedupConfig()
    normalize = _normalizer()
    ids: list[str] = []
    published: list[str | None] = []
    keep_vals: list[float | None] = []
    norm_texts: list[str] = []
    for art in articles:
        text = art.text or ""
        if cfg.use_title and art.title:
            text = f"{art.title}\n{text}"
        ids.append(art.id)
        published.append(art.published)
        if cfg.keep not in _KEEP_BUILTIN:
            v = art.meta.get(cfg.keep)
            keep_vals.append(float(v) if isinstance(v, int | float) else None)
        norm_texts.append(normalize(text))
    n = len(ids)
    if n == 0:
        return DedupResult()
    lengths = np.array([len(t) for t in norm_texts], dtype=np.int64)

    # exact groups: first occurrence of each 128-bit digest is the representative
    rep_of: dict[int, int] = {}
    exact_rep = np.empty(n, dtype=np.int64)
    for i, t in enumerate(norm_texts):
        exact_rep[i] = rep_of.setdefault(xxhash.xxh3_128_intdigest(t.encode("utf-8")), i)
    reps = np.unique(exact_rep)
    rep_texts = [norm_texts[i] for i in reps]
    del norm_texts

    # features for representatives, in batches (optionally in worker processes)
    batches = [rep_texts[s : s + cfg.batch_size] for s in range(0, len(rep_texts), cfg.batch_size)]
    args = (cfg.num_perm, cfg.seed, cfg.k)
    if cfg.workers > 1 and len(batches) > 1:
        with ProcessPoolExecutor(max_workers=cfg.workers) as pool:
            results = list(pool.map(_featurize, batches, *[[a] * len(batches) for a in args]))
    else:
        results = [_featurize(b, *args) for b in batches]
    shingle_list = [s for res in results for s in res[0]]
    sizes = np.array([s.size for s in shingle_list], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)]
    flat = np.concatenate(shingle_list) if shingle_list else np.empty(0, dtype=np.uint64)
    del shingle_list
    sigs = np.concatenate([res[1] for res in results])

    def shingles_of(r: int) -> np.ndarray:
        return flat[offsets[r] : offsets[r + 1]]

    # candidates -> verified edges -> clusters
    uf = _UnionFind(n)
    for i in range(n):
        uf.union(i, int(exact_rep[i]))
    lsh_threshold = cfg.candidate_threshold or cfg.threshold
    bands, rows = optimal_params(lsh_threshold, cfg.num_perm)
    for a, b in candidate_pairs(sigs, bands, rows, max_bucket=cfg.max_bucket, seed=cfg.seed):
        jac, cont = _overlap(shingles_of(int(a)), shingles_of(int(b)))
        if jac >= cfg.threshold or (cfg.containment is not None and cont >= cfg.containment):
            uf.union(int(reps[a]), int(reps[b]))
    roots = np.array([uf.find(i) for i in range(n)], dtype=np.int64)

    # keep policy and decisions
    rep_pos = {int(r): p for p, r in enumerate(reps)}
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(int(roots[i]), []).append(i)
    decisions: list[Decision | None] = [None] * n
    for group in members.values():
        keeper = min(group, key=lambda i: _keep_key(cfg.keep, i, published, lengths, keep_vals))
        kid = ids[keeper]
        for i in group:
            if i == keeper:
                reason = "unique" if len(group) == 1 else "kept"
                decisions[i] = Decision(kid, kid, True, None, 1.0, reason)
                continue
            if exact_rep[i] == exact_rep[keeper]:
                score, reason = 1.0, "exact"
            else:
                jac, cont = _overlap(
                    shingles_of(rep_pos[int(exact_rep[i])]),
                    shingles_of(rep_pos[int(exact_rep[keeper])]),
                )
                if jac >= cfg.threshold:
                    score, reason = jac, f"near: jaccard {jac:.2f}"
                elif cfg.containment is not None and cont >= cfg.containment:
                    score, reason = cont, f"contained: {cont:.2f}"
                else:
                    score, reason = jac, f"near (via cluster): jaccard {jac:.2f}"
            decisions[i] = Decision(ids[i], kid, False, kid, round(score, 4), reason)
    return DedupResult([d for d in decisions if d is not None])


def _keep_key(
    policy: str,
    i: int,
    published: list[str | None],
    lengths: np.ndarray,
    keep_vals: list[float | None],
) -> tuple[Any, ...]:
    """Sort key: the smallest key in a cluster is kept; index breaks ties (first seen)."""
    if policy == "earliest":
        p = published[i]
        return (p is None, p or "", i)
    if policy == "longest":
        return (-int(lengths[i]), i)
    if policy == "first":
        return (i,)
    v = keep_vals[i]
    return (v is None, -(v or 0.0), i)
