"""Where parallel work runs: process start methods shared by the engines.

Compute code asks for a start method here instead of hard-coding one, so the platform rule
(fork where it exists: the scorer is inherited, not pickled) lives in one place.
"""

from __future__ import annotations

from typing import Any


def fork_context() -> Any:
    """The ``fork`` multiprocessing context, or None where the platform has none (run serially)."""
    import multiprocessing as mp

    try:
        return mp.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork: run serially
        return None
