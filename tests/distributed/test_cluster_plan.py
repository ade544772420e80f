"""The block plan of `cluster --engine spark` covers every article the local window still holds.

No Spark needed: the plan is computed from per-block time ranges on the driver.
"""

from __future__ import annotations

import random

import pytest

from storyline.distributed.spark_cluster import _plan_blocks


def _needed_start(times: list[float | None], r0: int, r1: int, w: float) -> int:
    """Smallest rank the local tracker still holds (or needs for its clock) in [r0, r1)."""
    dated = [t for t in times if t is not None]
    need = max(0, min(r0, len(dated) - 1) - 100)
    for x in range(r0, r1):
        seen = dated[: min(x, len(dated) - 1) + 1]
        recent = sorted(seen[-101:])
        cut = recent[(len(recent) - 1) // 2] - w
        first = next(j for j, t in enumerate(times) if t is None or t >= cut)
        need = min(need, first)
    return need


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plan_covers_the_window(seed: int) -> None:
    rng = random.Random(seed)
    n, block, w = 900, 64, 3.0
    dated = sorted(rng.expovariate(1 / 40.0) + (i // 300) * 30 for i in range(800))
    times: list[float | None] = [*dated, *([None] * (n - len(dated)))]  # undated articles come last
    nb = (n + block - 1) // block
    stats: list[tuple[int, float | None, float | None]] = []
    for b in range(nb):
        ts = [t for t in times[b * block : (b + 1) * block] if t is not None]
        stats.append((b, min(ts) if ts else None, max(ts) if ts else None))
    plan = dict(_plan_blocks(stats, n, 800, block, w))
    assert sorted(plan) == list(range(nb))
    for b in range(nb):
        ctx = [j for j in range(b) if plan[j] >= b]
        assert ctx == list(range(ctx[0], b)) if ctx else True  # contiguous, up to b - 1
        start = ctx[0] * block if ctx else b * block
        need = _needed_start(times, b * block, min(n, (b + 1) * block), w)
        assert start <= need, (b, start, need)
    # a window shorter than the corpus keeps context bounded
    assert max(hi - j for j, hi in plan.items()) < nb - 1


def test_plan_without_window_replays_everything() -> None:
    stats: list[tuple[int, float | None, float | None]] = [
        (b, float(b), float(b) + 0.5) for b in range(5)]
    plan = dict(_plan_blocks(stats, 50, 50, 10, None))
    assert all(hi == 4 for hi in plan.values())
