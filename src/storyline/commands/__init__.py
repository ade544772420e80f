"""CLI command groups that live in their own modules.

Each module here imports ``app`` (and the shared option types) from :mod:`storyline.cli` and
registers its commands with ``@app.command()``. :func:`load_all` imports every module in this
package, so adding a command never needs an edit to ``cli.py``.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every command module (sorted by name, so ``--help`` order is stable)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
