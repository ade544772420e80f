"""Exact and near-duplicate detection over a corpus of articles.

The pipeline is a chain of pure stage functions over compact arrays, so the local driver
(:func:`dedup`) and the Spark backend run exactly the same code:

1. :func:`match_texts` -- text (optionally title + text) with matching noise removed;
2. :func:`featurize` -- texts -> :class:`Features` (exact keys, shingle sets, MinHash
   signatures), one numba pass per batch, any batch split and any worker count giving the
   same result;
3. :func:`exact_groups` -- representative (first occurrence) of each exact key;
4. :func:`candidates` -- LSH banding over the representatives' signatures;
5. :func:`verify` -- exact shingle Jaccard / containment of candidate pairs (numba);
6. :func:`clusters` -- union-find over exact groups and verified edges (root = smallest index);
7. :func:`decide` -- keep policy, then keeper, score and reason for every article.

LSH only proposes; a pair is a duplicate only if its exact shingle sets pass the thresholds.

Containment: LSH is tuned for Jaccard >= ``minhash.threshold``; a short text contained
in a much longer one has a low Jaccard (|A|/|B|) and is never an LSH candidate. With
``containment_candidates`` a second path proposes such pairs from content-defined shingle
samples (:mod:`storyline.index.containment`); exact verification still decides.
"""

from __future__ import annotations

from storyline.dedup.config import DedupConfig
from storyline.dedup.features import Features, featurize
from storyline.dedup.grouping import clusters, decide, keep_rank
from storyline.dedup.overlap import (
    candidates,
    exact_groups,
    overlaps,
    pair_overlaps,
    set_overlap,
    verify,
)
from storyline.dedup.result import (
    CONTAINED,
    EXACT,
    KEPT,
    NEAR,
    UNIQUE,
    VIA_CLUSTER,
    Decision,
    DedupResult,
    reason_text,
)
from storyline.dedup.run import dedup, dedup_arrays, lsh_params
from storyline.dedup.shingle_store import ShingleStore
from storyline.dedup.texts import article_text, match_texts
from storyline.features.minhash import MAX_HASH

__all__ = [
    "CONTAINED",
    "EXACT",
    "KEPT",
    "MAX_HASH",
    "NEAR",
    "UNIQUE",
    "VIA_CLUSTER",
    "Decision",
    "DedupConfig",
    "DedupResult",
    "Features",
    "ShingleStore",
    "article_text",
    "candidates",
    "clusters",
    "decide",
    "dedup",
    "dedup_arrays",
    "exact_groups",
    "featurize",
    "keep_rank",
    "lsh_params",
    "match_texts",
    "overlaps",
    "pair_overlaps",
    "reason_text",
    "set_overlap",
    "verify",
]
