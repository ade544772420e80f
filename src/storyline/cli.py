"""Command-line interface: a thin layer over the library (typer + rich)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyline.config import FieldMap, ReadConfig
from storyline.data import Article
from storyline.errors import ConfigError, StorylineError
from storyline.output import FORMATS, render

if TYPE_CHECKING:
    from storyline.io import ReadStats

app = typer.Typer(
    name="storyline",
    help="Find, group and explain news articles that tell the same story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Options shared by every command that reads input.
Inputs = Annotated[
    list[Path],
    typer.Argument(
        help="Input files, directories or globs: .jsonl .json .csv .tsv .parquet .txt .html "
        ".warc (optionally .gz/.zst compressed).",
    ),
]
InputFormatOpt = Annotated[
    str | None,
    typer.Option("--input-format", help="Force a reader instead of guessing by extension."),
]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="Field holding the article id.")]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="Field holding the body text.")]
TitleFieldOpt = Annotated[str, typer.Option("--title-field", help="Field holding the title.")]
DateFieldOpt = Annotated[
    str, typer.Option("--published-field", help="Field holding the publication date.")
]
OnErrorOpt = Annotated[
    str,
    typer.Option(
        "--on-error",
        help="fail: stop at the first bad record; skip: reject it, count it and go on.",
    ),
]
RejectsOpt = Annotated[
    Path | None, typer.Option("--rejects", help="Write every rejected record and why (JSONL).")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Text encoding of the inputs.")]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help=f"Result format: {'|'.join(FORMATS)}.")
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bars or summary (the accounting line stays).")
]
SparkMasterOpt = Annotated[
    str, typer.Option("--spark-master", help="--engine spark: master URL (local[N], yarn...).")
]
SparkConfOpt = Annotated[
    list[str] | None,
    typer.Option("--conf", help="--engine spark: a Spark setting key=value (repeatable)."),
]


def _friendly(fn: Callable[..., None]) -> Callable[..., None]:
    """Turn project errors into one clear line on stderr and exit code 2 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except StorylineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper


def _read_config(
    input_format: str | None,
    id_field: str,
    text_field: str,
    title_field: str,
    published_field: str,
    on_error: str,
    encoding: str,
) -> ReadConfig:
    fields = FieldMap(id=id_field, text=text_field, title=title_field, published=published_field)
    return ReadConfig(input_format=input_format, fields=fields, on_error=on_error, encoding=encoding)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")


def _progress(items: Iterable[Article], label: str, quiet: bool) -> Iterator[Article]:
    """A rich spinner/counter while reading; off when quiet or when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield from items
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} articles"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        for item in items:
            yield item
            bar.advance(task)


def _read_inputs(
    inputs: Iterable[Path], config: ReadConfig, quiet: bool
) -> tuple[Iterator[Article], ReadStats]:
    """Stream articles from the inputs with a progress display; stats fill as it is consumed."""
    from storyline.io import ReadStats, read_articles

    stats = ReadStats()
    return _progress(read_articles(inputs, config, stats), "reading", quiet), stats


def _finish_read(stats: ReadStats, rejects: Path | None, quiet: bool) -> None:
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


@app.command()
@_friendly
def read(
    inputs: Inputs,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write articles to .jsonl/.csv/.parquet.")
    ] = None,
    normalize: Annotated[
        bool, typer.Option("--normalize/--no-normalize", help="Clean text for matching.")
    ] = True,
    input_format: InputFormatOpt = None,
    id_field: IdFieldOpt = "id",
    text_field: TextFieldOpt = "text",
    title_field: TitleFieldOpt = "title",
    published_field: DateFieldOpt = "published",
    on_error: OnErrorOpt = "fail",
    rejects: RejectsOpt = None,
    encoding: EncodingOpt = "utf-8",
    fmt: FormatOpt = "jsonl",
    quiet: QuietOpt = False,
) -> None:
    """Read articles from any supported format, clean them, and write or print them."""
    from storyline.io import write_records

    _check_format(fmt)
    config = _read_config(
        input_format, id_field, text_field, title_field, published_field, on_error, encoding
    )
    stream, stats = _read_inputs(inputs, config, quiet)
    articles: Iterable[Article] = stream
    if normalize:
        from storyline.normalize import normalize_article

        articles = (normalize_article(a) for a in articles)
    records = (a.to_dict() for a in articles)
    if out is not None:
        n = write_records(records, out)
        if not quiet:
            typer.echo(f"wrote {n} articles to {out}", err=True)
    else:
        render(list(records), fmt, sys.stdout)
    _finish_read(stats, rejects, quiet)


@app.command()
@_friendly
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


def _dedup_summary(result: Any, stats: ReadStats) -> dict[str, Any]:
    """Counts that add up: read = kept + removed + rejected + skipped (non-article records)."""
    return {
        "read": stats.read,
        "kept": result.n_kept,
        "removed": result.n_removed,
        "rejected": stats.rejected,
        "skipped": stats.skipped,
        "clusters": result.n_clusters,
    }


@app.command()
@_friendly
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for demo outputs.")] = Path(
        "demo-out"
    ),
    n: Annotated[int, typer.Option("--n", help="Articles in the demo corpus.")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Corpus seed.")] = 7,
    quiet: QuietOpt = False,
) -> None:
    """Generate a small synthetic corpus and run the main job on it, end to end.

    Reads the corpus back through the JSONL reader, cleans it, finds duplicates, groups the
    articles into stories (OUT/stories.jsonl), scores both against the corpus labels and
    writes OUT/report.html.
    """
    import time

    from storyline.dedup import DedupConfig
    from storyline.dedup import dedup as run_dedup
    from storyline.eval import pairwise_prf
    from storyline.io import write_records
    from storyline.report import report_html
    from storyline.synth import duplicate_groups, generate

    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus.jsonl"
    write_records(generate(n, seed=seed), corpus)
    t0 = time.perf_counter()
    stream, stats = _read_inputs([corpus], ReadConfig(), quiet)
    articles = list(stream)
    result = run_dedup(articles, DedupConfig())
    elapsed = time.perf_counter() - t0
    decisions = result.to_records()
    write_records(decisions, out / "decisions.jsonl")
    gold = duplicate_groups(a.meta | {"id": a.id} for a in articles)
    pred = {d["id"]: d["cluster_id"] for d in decisions}
    prf = pairwise_prf(pred, gold)
    summary: dict[str, Any] = _dedup_summary(result, stats) | {
        "duplicate pairs precision": round(prf.precision, 4),
        "duplicate pairs recall": round(prf.recall, 4),
        "duplicate pairs F1": round(prf.f1, 4),
        "seconds (read + dedup)": round(elapsed, 2),
        "accounting": stats.accounting_line(),
    }
    from storyline.commands.cluster import demo_stories

    story_summary, story_rows = demo_stories(articles, out, quiet)
    summary |= story_summary
    by_id = {a.id: a for a in articles}
    removed = [
        {
            "id": d["id"],
            "duplicate_of": d["duplicate_of"],
            "reason": d["reason"],
            "kind (label)": by_id[d["id"]].meta.get("kind"),
            "title": by_id[d["id"]].title,
        }
        for d in decisions
        if not d["kept"]
    ]
    page = report_html(
        f"storyline demo: {n} synthetic articles",
        summary,
        [("Removed duplicates (first 200)", removed[:200]), ("Largest stories", story_rows)],
    )
    (out / "report.html").write_text(page, encoding="utf-8")
    if not quiet:
        rows = [{"measure": k, "value": v} for k, v in summary.items()]
        render(rows, "table", sys.stdout)
        typer.echo(f"report: {out / 'report.html'}", err=True)


# Commands defined in storyline/commands/*.py register themselves on `app` when imported.
from storyline.commands import load_all as _load_commands  # noqa: E402

_load_commands()


def main() -> None:
    """Entry point for the ``storyline`` script: project errors become one clear line, exit 2."""
    try:
        app(standalone_mode=True)
    except StorylineError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()
