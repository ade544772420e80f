"""One progress display for every command: rich on a terminal's stderr, nothing otherwise.

Progress never goes to stdout (results do) and is off under ``--quiet`` or when stderr is not a
terminal, so piped and tested runs print exactly their results.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


class Ticker:
    """Advances (``tick``) or sets (``update``) the display's count; does nothing when off."""

    __slots__ = ("_bar", "_task")

    def __init__(self, bar: Any = None, task: Any = None):
        self._bar, self._task = bar, task

    @property
    def active(self) -> bool:
        return self._bar is not None

    def tick(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def update(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done)


@contextmanager
def progress(label: str, total: int | None = None, quiet: bool = False) -> Iterator[Ticker]:
    """A counter of articles (``total`` None) or a bar to ``total`` while the block runs."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield Ticker()
        return
    columns: tuple[Any, ...]
    if total is None:
        columns = (SpinnerColumn(), TextColumn("{task.description}"),
                   TextColumn("{task.completed:,} articles"), TimeElapsedColumn())
    else:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield Ticker(bar, bar.add_task(label, total=total))


def track(items: Iterable[T], label: str, quiet: bool) -> Iterator[T]:
    """``items`` unchanged, counted on the display as they pass."""
    with progress(label, None, quiet) as ticker:
        if not ticker.active:
            yield from items
            return
        for item in items:
            yield item
            ticker.tick()
