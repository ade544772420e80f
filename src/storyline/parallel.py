"""Where parallel work runs: one ``Executor`` (workers, start method) for every engine.

A pool's workers get their shared, read-only state (a scorer, the features of a chunk, an
indexer's settings) through :meth:`Executor.pool` and read it back with :func:`worker_state`,
instead of each module keeping its own globals. Under ``fork`` the state is inherited, never
pickled (a scorer with a loaded model starts in milliseconds); under ``spawn`` it is pickled once
per worker.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

_STATE: Any = None  # this worker's state (set by the pool's initializer)


def worker_state() -> Any:
    """The state the current worker's pool was started with (see :meth:`Executor.pool`)."""
    return _STATE


def _install(state: Any) -> None:
    global _STATE
    _STATE = state


def fork_context() -> Any:
    """The ``fork`` multiprocessing context, or None where the platform has none (run serially)."""
    import multiprocessing as mp

    try:
        return mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork: run serially
        return None


@dataclass(frozen=True, slots=True)
class Executor:
    """How work is spread over processes: ``workers`` and the ``start_method`` (None: fork)."""

    workers: int = 1
    start_method: str | None = None

    def context(self) -> Any:
        import multiprocessing as mp

        return fork_context() if self.start_method is None else mp.get_context(self.start_method)

    def pool(self, state: Any = None) -> ProcessPoolExecutor:
        """A process pool whose workers see ``state`` through :func:`worker_state`."""
        return ProcessPoolExecutor(max(1, self.workers), mp_context=self.context(),
                                   initializer=_install, initargs=(state,))
