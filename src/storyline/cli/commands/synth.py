"""`storyline synth`: write a deterministic synthetic labelled news corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import QuietOpt
from storyline.errors import ConfigError


@app.command()
@friendly
def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file (.jsonl, .csv, .parquet).")],
    n: Annotated[int, typer.Option("--n", help="Number of articles to generate.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same corpus.")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="Processes to generate with.")] = 1,
    quiet: QuietOpt = False,
) -> None:
    """Write a deterministic synthetic labelled news corpus.

    Stories with an original wire article, syndicated copies wrapped in boilerplate and scrape
    noise, updated revisions, other outlets' rewrites and same-topic distractors. Every record
    carries story_id, kind and parent_id labels. Output is identical for any --workers.
    """
    from storyline.io import write_records
    from storyline.synth import generate, generate_parallel

    if n < 0:
        raise ConfigError(f"--n must be >= 0, got {n}")
    records = generate(n, seed=seed) if workers <= 1 else generate_parallel(n, seed, workers)
    count = write_records(records, out)
    if not quiet:
        typer.echo(f"wrote {count} articles to {out}", err=True)
