"""`storyline read`: read articles from any supported format, clean them, write or print them."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import READ, FormatOpt, Inputs, QuietOpt, check_format, read_options
from storyline.cli.reading import finish_read, read_inputs
from storyline.config import ReadConfig
from storyline.data import Article
from storyline.output import render


@app.command()
@friendly
@read_options
def read(
    inputs: Inputs,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write articles to .jsonl/.csv/.parquet.")
    ] = None,
    normalize: Annotated[
        bool, typer.Option("--normalize/--no-normalize", help="Clean text for matching.")
    ] = True,
    keep_raw: Annotated[
        bool,
        typer.Option("--keep-raw", help="Add each record's original text as `raw`: the JSON line, "
                     "HTML page or text file as read (a CSV/Parquet row as JSON)."),
    ] = False,
    max_chars: Annotated[
        int,
        typer.Option("--max-chars", min=0, help="--format table: show each cell on one line, cut "
                     "to this many characters (0: whole bodies); the other formats keep all."),
    ] = 100,
    read: ReadConfig = READ,
    rejects: Path | None = None,
    fmt: FormatOpt = "jsonl",
    quiet: QuietOpt = False,
) -> None:
    """Read articles from any supported format, clean them, and write or print them.

    `text` is the (normalized) body matching works on; `--keep-raw` adds the original as `raw`.
    """
    from storyline.io import write_records

    check_format(fmt)
    stream, stats = read_inputs(inputs, read, quiet)
    articles: Iterable[Article] = stream
    if normalize:
        from storyline.normalize import normalize_article

        articles = (normalize_article(a) for a in articles)
    records = (a.to_dict(include_raw=keep_raw) for a in articles)
    if out is not None:
        n = write_records(records, out)
        if not quiet:
            typer.echo(f"wrote {n} articles to {out}", err=True)
    else:
        render(list(records), fmt, sys.stdout, max_chars=max_chars)
    finish_read(stats, rejects, quiet)
