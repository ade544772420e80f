"""storyline.parallel: one Executor hands every worker its state, under fork and spawn."""

from __future__ import annotations

import pytest

from storyline.parallel import Executor, worker_state


def _scaled(x: int) -> int:
    factor, offset = worker_state()
    return x * factor + offset


@pytest.mark.parametrize("method", [None, "spawn"])
def test_workers_see_the_pool_state(method: str | None) -> None:
    with Executor(2, method).pool((3, 1)) as ex:
        assert list(ex.map(_scaled, range(5))) == [1, 4, 7, 10, 13]
    assert worker_state() is None  # the parent's own state is untouched


def test_default_start_method_is_fork() -> None:
    assert Executor().context().get_start_method() == "fork"
    assert Executor(start_method="spawn").context().get_start_method() == "spawn"
