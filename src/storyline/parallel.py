"""Where parallel work runs: one ``Executor`` (workers, start method) for every engine.

A pool's workers get their shared, read-only state (a scorer, the features of a chunk, an
indexer's settings) through :meth:`Executor.pool` and read it back with :func:`worker_state`,
instead of each module keeping its own globals. Under ``fork`` the state is inherited, never
pickled (a scorer with a loaded model starts in milliseconds); under ``spawn`` it is pickled once
per worker.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

_STATE: Any = None  # this worker's state (set by the pool's initializer)


def worker_state() -> Any:
    """The state the current worker's pool was started with (see :meth:`Executor.pool`)."""
    return _STATE


def die_with_parent(parent: int | None = None) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux ``PR_SET_PDEATHSIG``).

    A pool's parent killed with SIGKILL (OOM killer, supervisor) runs no cleanup, and its
    workers (hundreds of MB each) would live on for a minute or more. ``parent``: the pid that
    started us; if it is already gone (it died before this ran) we exit at once. A no-op
    elsewhere than Linux, or where libc has no prctl.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):  # pragma: no cover - exotic libc
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _install(state: Any, parent: int | None = None) -> None:
    global _STATE
    die_with_parent(parent)
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
        """A process pool whose workers see ``state`` through :func:`worker_state` and die
        with this process (:func:`die_with_parent`)."""
        return ProcessPoolExecutor(max(1, self.workers), mp_context=self.context(),
                                   initializer=_install, initargs=(state, os.getpid()))
