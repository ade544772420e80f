"""`storyline cluster`: group articles into stories, name each story's first report."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import (
    LOCAL,
    READ,
    Engine,
    FormatOpt,
    Inputs,
    LevelOpt,
    QuietOpt,
    check_format,
    engine_options,
    read_options,
)
from storyline.cli.progress import Ticker, progress
from storyline.cli.reading import finish_read, read_inputs
from storyline.config import ReadConfig
from storyline.errors import ConfigError
from storyline.output import render
from storyline.report import MemberInfo, story_report

if TYPE_CHECKING:
    from storyline.data import Article
    from storyline.io import ReadStats
    from storyline.stories import ClusterConfig, Scorer, Story, StoryResult



def cluster_config(
    level: str = "story",
    *,
    threshold: float | None = None,
    support_threshold: float | None = None,
    score_field: str | None = None,
    window_days: float | None = None,
    k: int = 20,
    min_support: int = 2,
    merge: bool = True,
    minhash: bool = True,
    workers: int = 1,
) -> ClusterConfig:
    """The level's config with the options the user gave (not None) on top; ``window_days`` 0
    means no window. At the topic level a lone ``--threshold`` keeps plain average linkage."""
    from storyline.stories import LEVELS, level_config

    if level not in LEVELS:
        raise ConfigError(f"unknown --level {level!r}", hint=f"use one of {', '.join(LEVELS)}")
    if window_days is not None and window_days < 0:
        raise ConfigError(f"--window-days must be >= 0, got {window_days}", hint="use 0 for no window")
    given = {"threshold": threshold, "support_threshold": support_threshold,
             "score_field": score_field, "window_days": window_days}
    settings: dict[str, Any] = {name: v for name, v in given.items() if v is not None}
    if "window_days" in settings:
        settings["window_days"] = settings["window_days"] or None
    return level_config(level, **settings, k=k, min_support=min_support, merge=merge,
                        use_minhash=minhash, workers=workers)


def load_linker(model: Path | None) -> Scorer:
    """The fitted pair scorer (packaged model unless ``--model`` names another file)."""
    from storyline.link import Linker

    linker: Scorer = Linker.load(model)
    return linker


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


def _stream_assign(
    articles: Iterable[Article], tracker: Any, titles: dict[str, str], ticker: Ticker,
    info: dict[str, MemberInfo],
) -> Iterator[dict[str, Any]]:
    """Assignments as they happen (written line by line); ``first_report`` = the story's first
    article seen so far (a stream never rewrites earlier lines). ``titles`` and ``info``
    collect what the report shows of each article."""
    first_seen: dict[str, str] = {}
    for a in articles:
        if a.title:
            titles[a.id] = a.title
        asg = tracker.add(a)
        info[a.id] = MemberInfo(a.title, a.source, a.published, asg.relation, asg.similarity)
        first_seen.setdefault(asg.story_id, a.id)
        ticker.tick()
        yield asg.to_dict() | {"first_report": first_seen[asg.story_id]}


@app.command()
@friendly
@read_options
@engine_options("same stories on Spark; batch only")
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
    level: LevelOpt = "story",
    window_days: Annotated[
        float | None,
        typer.Option("--window-days", help="Only compare articles published this close (0 = no "
                     "window). Default: story 7, topic 0."),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Average pair score an article needs to a story to join "
                     "it. Default: story 0.7, topic 0.2."),
    ] = None,
    support_threshold: Annotated[
        float | None,
        typer.Option(
            "--support-threshold",
            help="Score at which a story member counts as support. Default: story 0.8, topic "
            "the --threshold (plain average linkage).",
        ),
    ] = None,
    score_field: Annotated[
        str | None,
        typer.Option(
            "--score",
            help="same_story: the scorer's same-event probability (stories); similarity: graded "
            "relatedness (coarser, topic-like groups, with lower thresholds). Default: story "
            "same_story, topic similarity.",
        ),
    ] = None,
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
    compare_pages: Annotated[
        int,
        typer.Option("--compare-pages", min=0, help="Batch: for each of the 10 largest stories, "
                     "this many members (updates first) get a page comparing them with the first "
                     "report, linked from report.html (OUT/compare/; 0: none)."),
    ] = 3,
    read: ReadConfig = READ,
    rejects: Path | None = None,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
    engine: Engine = LOCAL,
) -> None:
    """Group articles into stories (or, with --level topic, topics) and name the first report of each.

    Each article is compared with its most similar earlier articles (salient terms, entities and
    MinHash inside the --window-days window) by the fitted pair scorer, and joins the story it
    matches on average (at least --min-support members similar), else starts a new story.

    --level story (default) groups reports of the same event: an update, a rewrite, another
    outlet's take. --level topic groups articles on the same subject (a league's season, a
    product, a long search) however many events and weeks apart: it sets --score similarity,
    --threshold 0.2, plain average linkage and no window in one flag (WikiRef220: ARI 0.97 on
    its five large topics, docs/stories.md); any of those options given explicitly wins.

    Writes OUT/assignments.jsonl (per article: story_id, relation and similarity to its nearest
    story member, nearest_id, is_new_story, novelty, first_report), OUT/stories.jsonl (id,
    label, size, first report, first/last seen, members in time order, sources),
    OUT/summary.jsonl and OUT/report.html (story sizes over time, the story list by size or
    recency, the largest stories article by article; batch mode adds OUT/compare/*.html, each
    member's comparison with its first report), and prints the summary.

    Batch (default) reads everything, orders it by published time and merges split stories;
    --stream assigns in input order as articles arrive and never revises an earlier line.

    --engine spark (batch; JSONL/Parquet inputs, local paths or hdfs://, s3a:// URIs) gives the
    same assignments, stories, first reports and labels: OUT/assignments/part-*.jsonl and
    OUT/stories/part-*.jsonl (the local files' lines, in order by part name), or with
    --single-file OUT/assignments.jsonl and OUT/stories.jsonl, and OUT/summary.jsonl. See
    docs/spark.md.
    """
    from storyline.io import write_records
    from storyline.stories import StoryTracker, cluster_stories

    check_format(fmt)
    cconf = cluster_config(
        level, threshold=threshold, support_threshold=support_threshold, score_field=score_field,
        window_days=window_days, k=k, min_support=min_support, merge=merge, minhash=minhash,
        workers=workers,
    )
    linker = load_linker(model)
    if not engine.local:
        if stream:
            raise ConfigError("--stream runs on the local engine only",
                              hint="drop --stream for --engine spark (batch clustering)")
        from storyline.cli.spark import SparkJob, cluster_command

        cluster_command(SparkJob(engine, inputs, out, read, rejects, fmt, quiet), cconf, linker)
        return
    out.mkdir(parents=True, exist_ok=True)
    stream_in, stats = read_inputs(inputs, read, quiet or stream)
    titles: dict[str, str] = {}
    info: dict[str, MemberInfo] = {}
    t0 = time.perf_counter()
    if stream:
        tracker = StoryTracker(linker, cconf)
        with progress("clustering (stream)", None, quiet) as ticker:
            n = write_records(_stream_assign(stream_in, tracker, titles, ticker, info),
                              out / "assignments.jsonl")
        stories = tracker.stories()
        extra: dict[str, Any] = {"pairs scored": tracker.pairs_scored}
    else:
        articles = list(stream_in)
        titles = {a.id: a.title for a in articles if a.title}
        with progress("clustering", len(articles), quiet) as ticker:
            result: StoryResult = cluster_stories(articles, cconf, linker, progress=ticker.tick)
        n = len(articles)
        write_records(result.assignment_records(), out / "assignments.jsonl")
        stories = result.stories
        extra = {"pairs scored": result.pairs_scored}
    seconds = time.perf_counter() - t0
    write_records((s.to_dict() for s in stories), out / "stories.jsonl")
    summary = summary_row(stories, n, stats, seconds, "stream" if stream else "batch", extra)
    write_records([summary], out / "summary.jsonl")
    links: dict[str, str] = {}
    if not stream:
        from storyline.cli.report_pages import comparison_pages, member_info

        info = member_info(articles, result.assignments)
        links = comparison_pages(out, stories, {a.id: a for a in articles}, linker, info,
                                 per_story=compare_pages)
    page = story_report(f"storyline stories: {n} articles", summary, stories, titles,
                        members=info, compare=links)
    (out / "report.html").write_text(page, encoding="utf-8")
    if not quiet:
        render([summary], fmt, sys.stdout)
        typer.echo(f"wrote {out / 'assignments.jsonl'}, stories.jsonl, report.html", err=True)
    finish_read(stats, rejects, quiet)
