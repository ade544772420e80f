"""The block plan of `cluster --engine spark` covers every article the local window still holds
and the whole memory of the window's clock.

No Spark needed: the plan is computed from per-block time ranges on the driver.
"""

from __future__ import annotations

import random

import pytest

from storyline.distributed.spark_cluster import _plan_blocks
from storyline.stories import WindowClock


def _cuts(times: list[float | None], w: float, start: int = 0) -> list[float | None]:
    """The eviction cut-off in force after each rank, for a clock that starts at ``start``."""
    clock = WindowClock(w)
    out: list[float | None] = [None] * start
    for t in times[start:]:
        clock.observe(t)
        out.append(clock.cut)
    return out


def _needed_start(times: list[float | None], cuts: list[float | None], r0: int, r1: int) -> int:
    """Smallest rank the local tracker still holds in its window in [r0, r1)."""
    need = r0
    for x in range(r0, r1):
        cut = cuts[x]
        if cut is None:
            return 0
        first = next(j for j, t in enumerate(times) if t is None or t >= cut)
        need = min(need, first)
    return need


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plan_covers_the_window_and_the_clock(seed: int) -> None:
    rng = random.Random(seed)
    n, n_dated, block, w = 3000, 2700, 200, 3.0
    # bursts and lulls (every 300 articles a jump of 30), a few articles dated far ahead
    dated = sorted(rng.expovariate(1 / 40.0) + (i // 300) * 30 + (500 if i % 97 == 0 else 0)
                   for i in range(n_dated))
    times: list[float | None] = [*dated, *([None] * (n - n_dated))]  # undated come last
    nb = (n + block - 1) // block
    stats: list[tuple[int, float | None, float | None]] = []
    for b in range(nb):
        ts = [t for t in times[b * block : (b + 1) * block] if t is not None]
        stats.append((b, min(ts) if ts else None, max(ts) if ts else None))
    plan = dict(_plan_blocks(stats, n, n_dated, block, w))
    assert sorted(plan) == list(range(nb))
    cuts = _cuts(times, w)
    for b in range(nb):
        ctx = [j for j in range(b) if plan[j] >= b]
        assert ctx == list(range(ctx[0], b)) if ctx else True  # contiguous, up to b - 1
        start = ctx[0] * block if ctx else b * block
        r0, r1 = b * block, min(n, (b + 1) * block)
        assert start <= _needed_start(times, cuts, r0, r1), (b, start)
        # a clock replayed from the context start is the global clock for the whole block
        assert _cuts(times, w, start)[r0:r1] == cuts[r0:r1], b
    # a window shorter than the corpus keeps context bounded
    assert max(hi - j for j, hi in plan.items()) < nb - 1


def test_plan_without_window_replays_everything() -> None:
    stats: list[tuple[int, float | None, float | None]] = [
        (b, float(b), float(b) + 0.5) for b in range(5)]
    plan = dict(_plan_blocks(stats, 50, 50, 10, None))
    assert all(hi == 4 for hi in plan.values())
