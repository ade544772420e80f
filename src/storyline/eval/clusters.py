"""Clustering quality: ARI, NMI, pairwise and B-cubed precision/recall/F1.

Pure functions over ``id -> label`` mappings. ARI and NMI come from scikit-learn; B-cubed is
written here (no maintained library has it) from contingency counts, so it is O(items).

Noise handling (documented in the README): gold clustering benchmarks often mark items that
belong to no real cluster (WikiRef's small topics, a ``-1`` or empty label). ``noise`` names
those gold labels and ``noise_policy`` says what to do with them:

- ``singleton`` (default): each noise item is its own gold cluster, so a system is rewarded for
  leaving it alone and penalised for attaching it to a story;
- ``drop``: noise items are left out of every metric (the convention for WikiRef's "five large
  topics" numbers).

A missing or empty predicted label also means "a singleton of its own" (never one shared noise
cluster, which would create false pairs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from storyline.errors import ConfigError
from storyline.eval.metrics import PRF, pairwise_prf

NOISE_POLICIES = ("singleton", "drop")


@dataclass(frozen=True, slots=True)
class ClusterScores:
    """All clustering metrics for one predicted vs gold labelling."""

    items: int
    gold_clusters: int
    predicted_clusters: int
    noise_items: int
    ari: float
    nmi: float
    pairwise: PRF
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "gold_clusters": self.gold_clusters,
            "predicted_clusters": self.predicted_clusters,
            "noise_items": self.noise_items,
            "ari": self.ari,
            "nmi": self.nmi,
            "pairwise_precision": self.pairwise.precision,
            "pairwise_recall": self.pairwise.recall,
            "pairwise_f1": self.pairwise.f1,
            "bcubed_precision": self.bcubed_precision,
            "bcubed_recall": self.bcubed_recall,
            "bcubed_f1": self.bcubed_f1,
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) over the items present in both mappings.

    Item precision = |pred cluster ∩ gold cluster| / |pred cluster|, recall likewise with the
    gold cluster; both averaged over items (Bagga & Baldwin 1998; Amigó et al. 2009). Computed
    from the contingency table: each cell of size c contributes c * c / size.
    """
    ids = [i for i in predicted if i in gold]
    if not ids:
        return 1.0, 1.0, 1.0
    pred_sizes = Counter(predicted[i] for i in ids)
    gold_sizes = Counter(gold[i] for i in ids)
    cells = Counter((predicted[i], gold[i]) for i in ids)
    p = sum(c * c / pred_sizes[pl] for (pl, _), c in cells.items()) / len(ids)
    r = sum(c * c / gold_sizes[gl] for (_, gl), c in cells.items()) / len(ids)
    return p, r, _f1(p, r)


def _is_missing(label: Any) -> bool:
    return label is None or (isinstance(label, str) and not label.strip())


def prepare_labels(
    predicted: Mapping[str, Any],
    gold: Mapping[str, Any],
    noise: Collection[Any] = (),
    noise_policy: str = "singleton",
) -> tuple[dict[str, Hashable], dict[str, Hashable], int]:
    """Apply the noise policy; returns (predicted, gold, noise item count) over shared ids."""
    if noise_policy not in NOISE_POLICIES:
        raise ConfigError(
            f"unknown noise policy {noise_policy!r}", hint=f"use one of {', '.join(NOISE_POLICIES)}"
        )
    noise_set = set(noise)
    pred: dict[str, Hashable] = {}
    gl: dict[str, Hashable] = {}
    n_noise = 0
    for i, g in gold.items():
        if i not in predicted:
            continue
        is_noise = _is_missing(g) or g in noise_set
        if is_noise:
            n_noise += 1
            if noise_policy == "drop":
                continue
            g = ("noise", i)
        p = predicted[i]
        pred[i] = ("singleton", i) if _is_missing(p) else (p if isinstance(p, Hashable) else str(p))
        gl[i] = g if isinstance(g, Hashable) else str(g)
    return pred, gl, n_noise


def cluster_scores(
    predicted: Mapping[str, Any],
    gold: Mapping[str, Any],
    noise: Collection[Any] = (),
    noise_policy: str = "singleton",
) -> ClusterScores:
    """Every metric for ``predicted`` against ``gold`` (items in both; see module doc for noise)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    pred, gl, n_noise = prepare_labels(predicted, gold, noise, noise_policy)
    ids = sorted(pred)
    codes_p = _codes([pred[i] for i in ids])
    codes_g = _codes([gl[i] for i in ids])
    if len(ids) >= 2:
        ari = float(adjusted_rand_score(codes_g, codes_p))
        nmi = float(normalized_mutual_info_score(codes_g, codes_p))
    else:
        ari = nmi = 1.0
    bp, br, bf = bcubed(pred, gl)
    return ClusterScores(
        items=len(ids),
        gold_clusters=len(set(codes_g)),
        predicted_clusters=len(set(codes_p)),
        noise_items=n_noise,
        ari=ari,
        nmi=nmi,
        pairwise=pairwise_prf(pred, gl),
        bcubed_precision=bp,
        bcubed_recall=br,
        bcubed_f1=bf,
    )


def _codes(labels: list[Hashable]) -> list[int]:
    """Dense integer codes (labels may mix types, which sklearn's sorting would reject)."""
    seen: dict[Hashable, int] = {}
    return [seen.setdefault(x, len(seen)) for x in labels]
