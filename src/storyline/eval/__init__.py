"""Metrics and dataset loaders used by tests, benchmarks and `storyline eval`."""

from storyline.eval.metrics import PRF, pairwise_prf
from storyline.eval.pairs import binary_scores, gold_ratings, pair_metrics, pearson

__all__ = ["PRF", "binary_scores", "gold_ratings", "pair_metrics", "pairwise_prf", "pearson"]
