"""The ``storyline`` Typer app, the error boundary and the entry point.

Commands live in :mod:`storyline.cli.commands` and register themselves on :data:`app`;
this module imports none of them, so there is no import circle between the app and its
commands.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import typer

from storyline.errors import StorylineError

app = typer.Typer(
    name="storyline",
    help="Find, group and explain news articles that tell the same story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def friendly(fn: Callable[..., None]) -> Callable[..., None]:
    """Turn project errors into one clear line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except StorylineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper


def main() -> None:
    """Entry point for the ``storyline`` script: project errors become one clear line, exit 2."""
    from storyline.cli.commands import load_all

    load_all()
    try:
        app(standalone_mode=True)
    except StorylineError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
