"""Reading a command's inputs: a progress counter while reading, the accounting line after."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from storyline.cli.progress import track
from storyline.config import ReadConfig
from storyline.data import Article

if TYPE_CHECKING:
    from storyline.io import ReadStats


def read_inputs(
    inputs: Iterable[Path], config: ReadConfig, quiet: bool
) -> tuple[Iterator[Article], ReadStats]:
    """Stream articles from the inputs with a progress display; stats fill as it is consumed."""
    from storyline.io import ReadStats, read_articles

    stats = ReadStats()
    return track(read_articles(inputs, config, stats), "reading", quiet), stats


def finish_read(stats: ReadStats, rejects: Path | None, quiet: bool) -> None:
    """Always print the accounting line (to stderr) and write the rejects file when asked."""
    if rejects is not None:
        from storyline.io import write_rejects

        write_rejects(stats.rejects, rejects)
    typer.echo(stats.accounting_line(), err=True)  # even when quiet: nothing lost silently
    if stats.accepted == 0:
        typer.echo(f"warning: {'the inputs hold no records' if stats.read == 0 else 'no record was accepted'}"
                   " (check the paths, formats and --on-error)", err=True)
    if not quiet and stats.rejected and rejects is None:
        typer.echo("  (use --rejects FILE to see every rejected record and why)", err=True)
