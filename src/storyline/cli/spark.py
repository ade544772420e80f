"""The CLI side of ``--engine spark``: run on Spark, print the summary and the accounting line.

The engine (:mod:`storyline.distributed`) never imports the CLI; this module calls it."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from storyline.config import ReadConfig
from storyline.dedup import DedupConfig
from storyline.errors import ConfigError
from storyline.output import render
from storyline.stories import ClusterConfig, Scorer

ENGINES = ("local", "spark")


def _spark_conf(engine: str, conf_items: list[str] | None) -> dict[str, str]:
    """The checked --engine and the --conf settings of a Spark command."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown --engine {engine!r}", hint=f"use one of {', '.join(ENGINES)}")
    from storyline.distributed.session import parse_conf

    return parse_conf(conf_items)


def dedup_command(
    engine: str,
    inputs: list[Path],
    out: Path,
    dconf: DedupConfig,
    rc: ReadConfig,
    master: str,
    conf_items: list[str] | None,
    out_format: str,
    rejects: Path | None,
    fmt: str,
    quiet: bool,
    single_file: bool = False,
) -> None:
    """``storyline dedup --engine spark``: same summary and accounting as the local engine."""
    conf = _spark_conf(engine, conf_items)
    from storyline.distributed import dedup_spark

    result = dedup_spark(
        [str(p) for p in inputs], str(out), dconf, master=master, read_config=rc,
        spark_conf=conf, out_format=out_format, rejects=rejects, quiet=quiet,
        single_file=single_file,
    )
    if not quiet:
        render([result.summary()], fmt, sys.stdout)
        typer.echo(f"wrote {', '.join(result.outputs.values())} ({result.seconds:.1f} s)", err=True)
    _echo_accounting(result.accounting_line(), result.rejected, rejects, quiet)


def cluster_command(
    engine: str,
    inputs: list[Path],
    out: Path,
    cconf: ClusterConfig,
    rc: ReadConfig,
    linker: Scorer,
    master: str,
    conf_items: list[str] | None,
    rejects: Path | None,
    fmt: str,
    quiet: bool,
    single_file: bool = False,
) -> None:
    """``storyline cluster --engine spark``: same outputs and summary as the local batch."""
    conf = _spark_conf(engine, conf_items)
    from storyline.distributed import cluster_spark

    result = cluster_spark(
        [str(p) for p in inputs], str(out), cconf, master=master, read_config=rc,
        spark_conf=conf, linker=linker, rejects=rejects, quiet=quiet, single_file=single_file,
    )
    if not quiet:
        render([result.summary_record()], fmt, sys.stdout)
        typer.echo(f"wrote {', '.join(result.outputs.values())}", err=True)
        typer.echo(f"spark: {result.blocks} candidate blocks, {result.components} components "
                   f"(largest {result.largest_component} articles), {result.rounds} round(s)",
                   err=True)
    _echo_accounting(result.accounting_line(), result.rejected, rejects, quiet)


def _echo_accounting(line: str, rejected: int, rejects: Path | None, quiet: bool) -> None:
    """As the local commands do: the accounting line always (nothing lost silently), and a
    pointer to --rejects when records were rejected and no rejects file was asked for."""
    typer.echo(line, err=True)
    if not quiet and rejected and rejects is None:
        typer.echo("  (use --rejects FILE to see every rejected record and why)", err=True)
