"""The ``storyline`` Typer app, the error boundary and the entry point.

Commands live in :mod:`storyline.cli.commands` and register themselves on :data:`app`;
this module imports none of them, so there is no import circle between the app and its
commands.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

import typer

from storyline.errors import DamagedDataError, StorylineError

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
        except sqlite3.DatabaseError as exc:  # a damaged store file: say so, no traceback
            typer.echo(f"error: {damaged_store(exc)}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper


def damaged_store(exc: sqlite3.DatabaseError) -> DamagedDataError:
    """The project error for SQLite's own complaint about a file (malformed pages, not a
    database): what it said, and how to find and fix the damage."""
    return DamagedDataError(
        f"the store file cannot be read: SQLite says {exc}",
        hint="run 'storyline index check DB' to list the damage, then restore the file from a "
        "backup or rebuild it from the articles' original files",
    )


def main() -> None:
    """Entry point for the ``storyline`` script: project errors become one clear line, exit 2."""
    from storyline.cli.commands import load_all

    load_all()
    try:
        app(standalone_mode=True)
    except StorylineError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
