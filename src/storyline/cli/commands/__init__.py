"""The CLI's commands, one module per command (or command group).

Each module imports ``app`` from :mod:`storyline.cli.app` and the shared options from
:mod:`storyline.cli.options`, and registers its commands with ``@app.command()``.
:func:`load_all` imports them in ``--help`` order.
"""

from __future__ import annotations

import importlib

ORDER = ("read", "synth", "demo", "cluster", "compare", "timeline", "dedup", "eval", "eval_clusters",
         "index", "serve")


def load_all() -> None:
    """Register every command on the app (once; later calls do nothing)."""
    for name in ORDER:
        importlib.import_module(f"{__name__}.{name}")
