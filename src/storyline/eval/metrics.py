"""Clustering metrics computed from contingency counts, so they scale to millions of items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    gold_pairs: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "gold_pairs": self.gold_pairs,
        }


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_prf(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> PRF:
    """Pairwise precision/recall/F1 of a clustering against gold labels.

    A pair of items is positive when both sit in one cluster. Counted as sums of C(n, 2) over
    cluster sizes and over the predicted x gold contingency cells: O(items), never O(pairs).
    Only items present in both mappings count. With no positive pairs on a side, its score
    is 1.0 (nothing claimed, nothing missed).
    """
    ids = [i for i in predicted if i in gold]
    pred_sizes = Counter(predicted[i] for i in ids)
    gold_sizes = Counter(gold[i] for i in ids)
    cells = Counter((predicted[i], gold[i]) for i in ids)
    tp = sum(_pairs(c) for c in cells.values())
    pp = sum(_pairs(c) for c in pred_sizes.values())
    gp = sum(_pairs(c) for c in gold_sizes.values())
    precision = tp / pp if pp else 1.0
    recall = tp / gp if gp else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, tp, pp, gp)
