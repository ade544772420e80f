"""`storyline demo`: a small synthetic corpus through dedup and story clustering, end to end."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import QuietOpt
from storyline.cli.progress import progress
from storyline.cli.reading import read_inputs
from storyline.config import ReadConfig
from storyline.output import render

if TYPE_CHECKING:
    from storyline.data import Article
    from storyline.stories import StoryResult


@app.command()
@friendly
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

    from storyline.cli.commands.dedup import dedup_summary
    from storyline.dedup import DedupConfig
    from storyline.dedup import dedup as run_dedup
    from storyline.eval import pairwise_prf
    from storyline.io import write_records
    from storyline.synth import duplicate_groups, generate

    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus.jsonl"
    write_records(generate(n, seed=seed), corpus)
    t0 = time.perf_counter()
    stream, stats = read_inputs([corpus], ReadConfig(), quiet)
    articles = list(stream)
    result = run_dedup(articles, DedupConfig())
    elapsed = time.perf_counter() - t0
    decisions = result.to_records()
    write_records(decisions, out / "decisions.jsonl")
    gold = duplicate_groups(a.meta | {"id": a.id} for a in articles)
    pred = {d["id"]: d["cluster_id"] for d in decisions}
    prf = pairwise_prf(pred, gold)
    summary: dict[str, Any] = dedup_summary(result, stats) | {
        "duplicate pairs precision": round(prf.precision, 4),
        "duplicate pairs recall": round(prf.recall, 4),
        "duplicate pairs F1": round(prf.f1, 4),
        "seconds (read + dedup)": round(elapsed, 2),
        "accounting": stats.accounting_line(),
    }
    story_summary, story_result = demo_stories(articles, out, quiet)
    summary |= story_summary
    page = demo_report(f"storyline demo: {n} synthetic articles", summary, articles, decisions,
                       story_result, out)
    (out / "report.html").write_text(page, encoding="utf-8")
    if not quiet:
        rows = [{"measure": k, "value": v} for k, v in summary.items()]
        render(rows, "table", sys.stdout)
        typer.echo(f"report: {out / 'report.html'}", err=True)


def demo_report(title: str, summary: dict[str, Any], articles: list[Article],
                decisions: list[dict[str, Any]], stories: StoryResult, out: Path) -> str:
    """The demo's page: the summary, duplicates per group and reason, then the stories (sizes
    over time, the list, the largest ones article by article with comparison pages)."""
    from storyline.cli.commands.cluster import load_linker
    from storyline.cli.report_pages import comparison_pages, member_info
    from storyline.report import DuplicateGroups, page_html, stories_blocks, summary_html

    groups = DuplicateGroups()
    for d in decisions:
        groups.add(d)
    by_id = {a.id: a for a in articles}
    for aid in groups.wanted():
        if (a := by_id.get(aid)) is not None:
            groups.describe(aid, title=a.title, source=a.source, published=a.published)
    info = member_info(articles, stories.assignments)
    links = comparison_pages(out, stories.stories, by_id, load_linker(None), info)
    titles = {a.id: a.title or "" for a in articles}
    return page_html(title, [summary_html(summary), *groups.blocks(),
                             *stories_blocks(stories.stories, titles, members=info,
                                             compare=links)],
                     subtitle="A synthetic corpus with known answers: every article carries the "
                     "story it belongs to and how it was made (copy, revision, rewrite), so the "
                     "duplicates and stories below are scored against them.")


def demo_stories(articles: list[Article], out: Path, quiet: bool) -> tuple[dict[str, Any], StoryResult]:
    """Story clustering for `storyline demo`: writes OUT/stories.jsonl and OUT/assignments.jsonl,
    returns summary lines (scored against the corpus's story_id labels) and the result."""
    from storyline.cli.commands.cluster import load_linker
    from storyline.eval.clusters import cluster_scores
    from storyline.io import write_records
    from storyline.stories import ClusterConfig, cluster_stories

    t0 = time.perf_counter()
    with progress("story clustering", len(articles), quiet) as ticker:
        result = cluster_stories(articles, ClusterConfig(), load_linker(None), progress=ticker.tick)
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
    return summary, result
