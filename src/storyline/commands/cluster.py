"""`storyline cluster`: group articles into stories, name each story's first report."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyline.cli import (
    DateFieldOpt,
    EncodingOpt,
    FormatOpt,
    IdFieldOpt,
    InputFormatOpt,
    Inputs,
    OnErrorOpt,
    QuietOpt,
    RejectsOpt,
    SparkConfOpt,
    SparkMasterOpt,
    TextFieldOpt,
    TitleFieldOpt,
    _check_format,
    _finish_read,
    _friendly,
    _read_config,
    _read_inputs,
    app,
)
from storyline.errors import ConfigError
from storyline.output import render

if TYPE_CHECKING:
    from storyline.data import Article
    from storyline.io import ReadStats
    from storyline.stories import ClusterConfig, Scorer, Story, StoryResult

REPORT_STORIES = 50


def cluster_config(
    threshold: float,
    support_threshold: float | None,
    score_field: str,
    window_days: float,
    k: int,
    min_support: int,
    merge: bool,
    minhash: bool,
    workers: int,
) -> ClusterConfig:
    """Options to a validated config (``window_days`` 0 means no window)."""
    from storyline.stories import ClusterConfig

    if window_days < 0:
        raise ConfigError(f"--window-days must be >= 0, got {window_days}", hint="use 0 for no window")
    return ClusterConfig(
        threshold=threshold,
        support_threshold=support_threshold,
        score_field=score_field,
        window_days=window_days or None,
        k=k,
        min_support=min_support,
        merge=merge,
        use_minhash=minhash,
        workers=workers,
    )


def load_linker(model: Path | None) -> Scorer:
    """The fitted pair scorer (packaged model unless ``--model`` names another file)."""
    from storyline.link import Linker

    linker: Scorer = Linker.load(model)
    return linker


def _bar(total: int | None, label: str, quiet: bool) -> Any:
    """A rich progress bar on a TTY (None otherwise): call ``.advance(n)``, close with ``stop``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return None
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    bar.start()
    bar.add_task(label, total=total)
    return bar


def _tick(bar: Any, n: int = 1) -> None:
    if bar is not None:
        bar.advance(bar.task_ids[0], n)


def summary_row(
    stories: list[Story], n_articles: int, stats: ReadStats, seconds: float, mode: str, extra: dict[str, Any]
) -> dict[str, Any]:
    sizes = [s.size for s in stories]
    return {
        "mode": mode,
        "read": stats.read,
        "clustered": n_articles,
        "rejected": stats.rejected,
        "skipped": stats.skipped,
        "stories": len(stories),
        "multi-article stories": sum(1 for n in sizes if n > 1),
        "largest story": max(sizes, default=0),
        "seconds": round(seconds, 2),
        **extra,
        "accounting": stats.accounting_line(),
    }


def story_report(title: str, summary: dict[str, Any], stories: list[Story], titles: dict[str, str]) -> str:
    """HTML page: the summary, the largest stories, and the members of the top few."""
    from storyline.report import report_html

    top = [
        {
            "story": s.id,
            "label": s.label,
            "size": s.size,
            "first report": s.first_report,
            "first report title": titles.get(s.first_report, ""),
            "first seen": s.first_seen,
            "last seen": s.last_seen,
            "sources": ", ".join(s.sources[:8]),
        }
        for s in stories[:REPORT_STORIES]
    ]
    sections: list[tuple[str, list[dict[str, Any]]]] = [
        (f"Largest stories (top {min(REPORT_STORIES, len(stories))})", top)
    ]
    for s in stories[:5]:
        rows = [{"#": i + 1, "id": m, "title": titles.get(m, "")} for i, m in enumerate(s.members[:30])]
        sections.append((f"{s.label or s.id}: {s.size} articles (first report {s.first_report})", rows))
    return report_html(title, summary, sections)


def _stream_assign(
    articles: Iterable[Article], tracker: Any, titles: dict[str, str], bar: Any
) -> Iterator[dict[str, Any]]:
    """Assignments as they happen (written line by line); ``first_report`` = the story's first
    article seen so far (a stream never rewrites earlier lines)."""
    first_seen: dict[str, str] = {}
    for a in articles:
        if a.title:
            titles[a.id] = a.title
        asg = tracker.add(a)
        first_seen.setdefault(asg.story_id, a.id)
        _tick(bar)
        yield asg.to_dict() | {"first_report": first_seen[asg.story_id]}


@app.command()
@_friendly
def cluster(
    inputs: Inputs,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("cluster-out"),
    stream: Annotated[
        bool,
        typer.Option(
            "--stream",
            help="Assign articles one by one in input order (for ordered feeds); no merge pass.",
        ),
    ] = False,
    window_days: Annotated[
        float,
        typer.Option("--window-days", help="Only compare articles published this close (0 = no window)."),
    ] = 7.0,
    threshold: Annotated[
        float,
        typer.Option("--threshold", help="Average pair score an article needs to a story to join it."),
    ] = 0.7,
    support_threshold: Annotated[
        float | None,
        typer.Option(
            "--support-threshold",
            help="Score at which a story member counts as support (default 0.8; give the "
            "same as --threshold for plain average linkage).",
        ),
    ] = 0.8,
    score_field: Annotated[
        str,
        typer.Option(
            "--score",
            help="same_story: the scorer's same-event probability (stories); similarity: graded "
            "relatedness (coarser, topic-like groups, with lower thresholds).",
        ),
    ] = "same_story",
    k: Annotated[int, typer.Option("--k", help="Candidates scored per article.")] = 20,
    min_support: Annotated[
        int, typer.Option("--min-support", help="Story members that must each be similar to join.")
    ] = 2,
    merge: Annotated[
        bool, typer.Option("--merge/--no-merge", help="Batch: merge stories by average linkage.")
    ] = True,
    minhash: Annotated[
        bool, typer.Option("--minhash/--no-minhash", help="Also use MinHash candidates.")
    ] = True,
    model: Annotated[
        Path | None, typer.Option("--model", help="Pair-scorer model file (default: packaged).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Processes for featurizing (batch).")] = 1,
    input_format: InputFormatOpt = None,
    id_field: IdFieldOpt = "id",
    text_field: TextFieldOpt = "text",
    title_field: TitleFieldOpt = "title",
    published_field: DateFieldOpt = "published",
    on_error: OnErrorOpt = "fail",
    rejects: RejectsOpt = None,
    encoding: EncodingOpt = "utf-8",
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
    engine: Annotated[
        str,
        typer.Option("--engine", help="local (this process) or spark (same stories on Spark; batch only)."),
    ] = "local",
    spark_master: SparkMasterOpt = "local[2]",
    spark_conf: SparkConfOpt = None,
) -> None:
    """Group articles into stories and name the first report of each.

    Each article is compared with its most similar earlier articles (salient terms, entities and
    MinHash inside the --window-days window) by the fitted pair scorer, and joins the story it
    matches on average (at least --min-support members similar), else starts a new story.

    Writes OUT/assignments.jsonl (per article: story_id, relation and similarity to its nearest
    story member, nearest_id, is_new_story, novelty, first_report), OUT/stories.jsonl (id,
    label, size, first report, first/last seen, members in time order, sources),
    OUT/summary.jsonl and OUT/report.html, and prints the summary.

    Batch (default) reads everything, orders it by published time and merges split stories;
    --stream assigns in input order as articles arrive and never revises an earlier line.

    --engine spark (batch; JSONL/Parquet inputs, local paths or hdfs://, s3a:// URIs) gives the
    same assignments, stories, first reports and labels; OUT/assignments and OUT/stories are
    then Spark folders of part files (in the local files' order) and OUT/summary.json holds the
    summary. See docs/spark.md.
    """
    from storyline.io import write_records
    from storyline.stories import StoryTracker, cluster_stories

    _check_format(fmt)
    config = _read_config(
        input_format, id_field, text_field, title_field, published_field, on_error, encoding
    )
    cconf = cluster_config(
        threshold, support_threshold, score_field, window_days, k, min_support, merge, minhash, workers
    )
    linker = load_linker(model)
    if engine != "local":
        if stream:
            raise ConfigError("--stream runs on the local engine only",
                              hint="drop --stream for --engine spark (batch clustering)")
        from storyline.distributed.cli_support import cluster_command

        cluster_command(engine, inputs, out, cconf, config, linker, spark_master, spark_conf,
                        rejects, fmt, quiet)
        return
    out.mkdir(parents=True, exist_ok=True)
    stream_in, stats = _read_inputs(inputs, config, quiet or stream)
    titles: dict[str, str] = {}
    t0 = time.perf_counter()
    if stream:
        tracker = StoryTracker(linker, cconf)
        bar = _bar(None, "clustering (stream)", quiet)
        try:
            n = write_records(_stream_assign(stream_in, tracker, titles, bar), out / "assignments.jsonl")
        finally:
            if bar is not None:
                bar.stop()
        stories = tracker.stories()
        extra: dict[str, Any] = {"pairs scored": tracker.pairs_scored}
    else:
        articles = list(stream_in)
        titles = {a.id: a.title for a in articles if a.title}
        bar = _bar(len(articles), "clustering", quiet)
        try:
            result: StoryResult = cluster_stories(
                articles, cconf, linker, progress=(lambda m: _tick(bar, m))
            )
        finally:
            if bar is not None:
                bar.stop()
        n = len(articles)
        write_records(result.assignment_records(), out / "assignments.jsonl")
        stories = result.stories
        extra = {"pairs scored": result.pairs_scored}
    seconds = time.perf_counter() - t0
    write_records((s.to_dict() for s in stories), out / "stories.jsonl")
    summary = summary_row(stories, n, stats, seconds, "stream" if stream else "batch", extra)
    write_records([summary], out / "summary.jsonl")
    page = story_report(f"storyline stories: {n} articles", summary, stories, titles)
    (out / "report.html").write_text(page, encoding="utf-8")
    if not quiet:
        render([summary], fmt, sys.stdout)
        typer.echo(f"wrote {out / 'assignments.jsonl'}, stories.jsonl, report.html", err=True)
    _finish_read(stats, rejects, quiet)


def demo_stories(articles: list[Article], out: Path, quiet: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Story clustering for `storyline demo`: writes OUT/stories.jsonl and OUT/assignments.jsonl,
    returns summary lines (scored against the corpus's story_id labels) and the top stories."""
    from storyline.eval.clusters import cluster_scores
    from storyline.io import write_records
    from storyline.stories import ClusterConfig, cluster_stories

    t0 = time.perf_counter()
    bar = _bar(len(articles), "story clustering", quiet)
    try:
        result = cluster_stories(articles, ClusterConfig(), load_linker(None), progress=lambda m: _tick(bar, m))
    finally:
        if bar is not None:
            bar.stop()
    seconds = time.perf_counter() - t0
    write_records(result.assignment_records(), out / "assignments.jsonl")
    write_records((s.to_dict() for s in result.stories), out / "stories.jsonl")
    gold = {a.id: a.meta["story_id"] for a in articles if "story_id" in a.meta}
    summary: dict[str, Any] = {"stories found": len(result.stories)}
    if gold:
        sc = cluster_scores(result.story_of, gold)
        truth_first = {a.id for a in articles if a.meta.get("kind") in ("original", "distractor")}
        firsts = {s.first_report for s in result.stories}
        summary |= {
            "stories (labels)": sc.gold_clusters,
            "story B-cubed F1": round(sc.bcubed_f1, 4),
            "story ARI": round(sc.ari, 4),
            "first reports found": f"{len(firsts & truth_first)} of {len(truth_first)}",
        }
    summary["seconds (story clustering)"] = round(seconds, 2)
    titles = {a.id: a.title or "" for a in articles}
    rows = [
        {
            "story": s.id,
            "label": s.label,
            "size": s.size,
            "first report": s.first_report,
            "title": titles.get(s.first_report, ""),
            "first seen": s.first_seen,
            "sources": ", ".join(s.sources[:6]),
        }
        for s in result.stories[:30]
    ]
    return summary, rows
