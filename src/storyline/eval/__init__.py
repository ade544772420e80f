"""Metrics and dataset loaders used by tests, benchmarks and `storyline eval`."""

from storyline.eval.metrics import PRF, pairwise_prf

__all__ = ["PRF", "pairwise_prf"]
