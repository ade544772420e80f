"""Command-line interface: a thin layer over the library (typer + rich).

``app`` (cli/app.py) with every command of :mod:`storyline.cli.commands` registered;
``main`` is the ``storyline`` script's entry point.
"""

from storyline.cli.app import app, main
from storyline.cli.commands import load_all

load_all()

__all__ = ["app", "main"]
