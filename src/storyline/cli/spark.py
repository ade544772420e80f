"""The CLI side of ``--engine spark``: run on Spark, print the summary and the accounting line.

The engine (:mod:`storyline.distributed`) never imports the CLI; this module calls it."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import typer

from storyline.cli.options import Engine
from storyline.config import ReadConfig
from storyline.dedup import DedupConfig
from storyline.output import render
from storyline.stories import ClusterConfig, Scorer


@dataclass(frozen=True, slots=True)
class SparkJob:
    """What every ``--engine spark`` command shares: where it runs, what it reads and writes,
    and how it reports."""

    engine: Engine
    inputs: list[Path]
    out: Path
    read: ReadConfig
    rejects: Path | None
    fmt: str
    quiet: bool

    def run_args(self) -> tuple[list[str], str, dict[str, Any]]:
        """The engine call's inputs, output and the keywords every engine entry point takes."""
        from storyline.distributed.session import parse_conf

        e = self.engine
        return [str(p) for p in self.inputs], str(self.out), {
            "master": e.master, "read_config": self.read, "spark_conf": parse_conf(list(e.conf)),
            "rejects": self.rejects, "quiet": self.quiet, "single_file": e.single_file}

    def report(self, summary: dict[str, Any], lines: list[str], accounting: str,
               rejected: int) -> None:
        """As the local commands do: the summary and ``lines`` unless quiet, the accounting
        line always (nothing lost silently), and a pointer to --rejects when records were
        rejected and no rejects file was asked for."""
        if not self.quiet:
            render([summary], self.fmt, sys.stdout)
            for line in lines:
                typer.echo(line, err=True)
        typer.echo(accounting, err=True)
        if not self.quiet and rejected and self.rejects is None:
            typer.echo("  (use --rejects FILE to see every rejected record and why)", err=True)


def dedup_command(job: SparkJob, dconf: DedupConfig, out_format: str) -> None:
    """``storyline dedup --engine spark``: same summary and accounting as the local engine."""
    from storyline.distributed import dedup_spark

    inputs, out, kw = job.run_args()
    result = dedup_spark(inputs, out, dconf, out_format=out_format, **kw)
    wrote = list(result.outputs.values())
    if out_format == "jsonl" and "://" not in out:
        wrote.append(str(_dedup_report(job, result.summary())))
    job.report(result.summary(), [f"wrote {', '.join(wrote)} ({result.seconds:.1f} s)"],
               result.accounting_line(), result.rejected)


def _dedup_report(job: SparkJob, summary: dict[str, Any]) -> Path:
    """OUT/report.html as the local engine writes it, from the run's own decisions (read back
    from a local output); headlines of the articles it shows come from the inputs when they are
    local files, else from the kept articles."""
    from storyline.cli.report_pages import write_dedup_report
    from storyline.io import ReadStats, read_articles
    from storyline.io.outputs import read_output
    from storyline.report import DuplicateGroups

    groups = DuplicateGroups()
    for rec in read_output(job.out, "decisions"):
        groups.add(rec)
    shown = groups.wanted()
    if all("://" not in str(p) for p in job.inputs):
        articles: Any = read_articles(job.inputs, job.read, ReadStats())
    else:
        articles = (SimpleNamespace(**r) for r in read_output(job.out, "deduped"))
    for art in articles:
        if art.id in shown:
            groups.describe(art.id, title=art.title, source=art.source, published=art.published)
    write_dedup_report(job.out, summary, groups)
    return job.out / "report.html"


def cluster_command(job: SparkJob, cconf: ClusterConfig, linker: Scorer) -> None:
    """``storyline cluster --engine spark``: same outputs and summary as the local batch."""
    from storyline.distributed import cluster_spark

    inputs, out, kw = job.run_args()
    result = cluster_spark(inputs, out, cconf, linker=linker, **kw)
    job.report(result.summary_record(), [
        f"wrote {', '.join(result.outputs.values())}",
        f"spark: {result.blocks} candidate blocks, {result.components} components "
        f"(largest {result.largest_component} articles), {result.rounds} round(s)",
    ], result.accounting_line(), result.rejected)
