"""``storyline dedup``: exact and near-duplicate removal, streamed in two passes.

Pass 1 reads the inputs once and keeps only ids, keep-policy fields and compact feature
arrays (the library's :func:`storyline.dedup.dedup`); pass 2 reads the inputs again and
writes the kept articles and every decision (with the article's url, read there rather than
kept from pass 1), so memory does not grow with the size of the texts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import (
    LOCAL,
    READ,
    Engine,
    FormatOpt,
    Inputs,
    QuietOpt,
    check_format,
    engine_options,
    read_options,
)
from storyline.cli.progress import progress
from storyline.cli.reading import finish_read, read_inputs
from storyline.config import ReadConfig
from storyline.errors import StorylineError
from storyline.output import render

if TYPE_CHECKING:
    from storyline.io import ReadStats


DEFAULT_OUT = Path("dedup-out")


def dedup_summary(result: Any, stats: ReadStats) -> dict[str, Any]:
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
@friendly
@read_options
@engine_options("same results on Spark")
def dedup(
    inputs: Inputs,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help=f"Output directory for results [default: {DEFAULT_OUT}]."),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", help="Jaccard similarity of word shingles to call a near copy."
        ),
    ] = 0.8,
    containment: Annotated[
        float,
        typer.Option(
            "--containment",
            help="Also flag a text when this share of its shingles is inside a longer "
            "candidate (0 disables).",
        ),
    ] = 0.9,
    containment_candidates: Annotated[
        bool,
        typer.Option(
            "--containment-candidates/--no-containment-candidates",
            help="Also look for short texts inside much longer pages (sampled shingles; "
            "verified exactly). Off: only LSH candidates (similar lengths) are checked.",
        ),
    ] = True,
    num_perm: Annotated[int, typer.Option("--num-perm", help="MinHash permutations.")] = 128,
    shingle: Annotated[int, typer.Option("--shingle", help="Words per shingle.")] = 5,
    keep: Annotated[
        str,
        typer.Option("--keep", help="Which copy to keep: earliest|longest|first, or a field name."),
    ] = "earliest",
    use_title: Annotated[
        bool, typer.Option("--use-title", help="Match on title + text instead of text only.")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", help="Processes computing signatures (same output for any).")
    ] = 1,
    read: ReadConfig = READ,
    rejects: Path | None = None,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
    engine: Engine = LOCAL,
    out_format: Annotated[
        str, typer.Option("--out-format", help="--engine spark: decisions as jsonl or parquet.")
    ] = "jsonl",
) -> None:
    """Find exact and near-duplicate articles, group them and keep one of each group.

    Writes OUT/deduped.jsonl (the kept articles, as read), OUT/decisions.jsonl (one line per
    article: id, cluster_id, kept, duplicate_of, score, reason: exact, "near: jaccard
    0.91" or "contained: 0.97", and url when the article has one), OUT/summary.jsonl and
    OUT/report.html (copies per reason and per group, the largest groups copy by copy), and
    prints the summary. Inputs are read twice (signatures, then writing kept articles and
    decisions), so memory stays small.

    --engine spark (JSONL/Parquet inputs: local paths or hdfs://, s3a:// URIs) gives the same
    decisions: OUT/decisions/part-*.jsonl and OUT/deduped/part-*.jsonl (the local files' lines,
    in input order by part name), or with --single-file OUT/decisions.jsonl and
    OUT/deduped.jsonl, and OUT/summary.jsonl. See docs/spark.md.
    """
    from storyline.config import MinHashParams
    from storyline.dedup import DedupConfig
    from storyline.dedup import dedup as run_dedup
    from storyline.io import ReadStats, read_articles, write_records
    from storyline.io.writers import atomic_path, json_line

    check_format(fmt)
    chosen = out is not None
    out = out if out is not None else DEFAULT_OUT
    dconf = DedupConfig(
        threshold=threshold,
        minhash=MinHashParams(num_perm=num_perm, k=shingle),
        keep=keep,
        workers=workers,
        use_title=use_title,
        containment=containment if containment > 0 else None,
        containment_candidates=containment_candidates,
    )
    if not engine.local:
        from storyline.cli.spark import SparkJob, dedup_command

        dedup_command(SparkJob(engine, inputs, out, read, rejects, fmt, quiet), dconf, out_format)
        return
    from storyline.cli.report_pages import write_dedup_report
    from storyline.report import DuplicateGroups

    stream, stats = read_inputs(inputs, read, quiet=True)  # our own bar below
    with progress("reading + signatures", None, quiet) as ticker:
        result = run_dedup(stream, dconf, progress=ticker.update if ticker.active else None)
    out.mkdir(parents=True, exist_ok=True)
    kept = result.kept_mask
    ids = result.ids
    groups = DuplicateGroups()  # the report's counts; details of the few it shows
    for d in result.iter_decisions():
        groups.add(_decision_record(d))
    shown = groups.wanted()

    def kept_articles(decisions: TextIO) -> Iterator[dict[str, Any]]:
        """The second pass: each article's decision line (with its url) and the kept ones."""
        hint = "do not modify the inputs while storyline dedup runs"
        n = 0
        verdicts = result.iter_decisions()
        for i, art in enumerate(read_articles(inputs, read, ReadStats())):
            if i >= len(ids) or art.id != ids[i]:
                raise StorylineError(
                    f"input changed between the two passes (record {i + 1}: id {art.id!r})",
                    hint=hint,
                )
            n = i + 1
            if art.id in shown:
                groups.describe(art.id, title=art.title, source=art.source,
                                published=art.published)
            decisions.write(json_line(_decision_record(next(verdicts), art.url)) + "\n")
            if kept[i]:
                yield _article_record(art)
        if n != len(ids):
            raise StorylineError(
                f"input changed between the two passes ({n} articles, first pass {len(ids)})",
                hint=hint,
            )

    with atomic_path(out / "decisions.jsonl") as tmp, open(tmp, "w", encoding="utf-8") as dec:
        write_records(kept_articles(dec), out / "deduped.jsonl")
    summary = dedup_summary(result, stats) | _reason_counts(result)
    write_records([summary], out / "summary.jsonl")
    write_dedup_report(out, summary, groups)
    if not quiet:
        render([summary], fmt, sys.stdout)
    if not quiet or not chosen:  # without --out the user must learn where the files went
        names = ", ".join(str(out / n) for n in ("deduped.jsonl", "decisions.jsonl",
                                                  "summary.jsonl", "report.html"))
        typer.echo(f"wrote {names}" + ("" if chosen else " (the default --out; pass --out DIR "
                                       "to choose)"), err=True)
    finish_read(stats, rejects, quiet)


_FIELD_NAMES: dict[tuple[type, tuple[str, ...]], tuple[str, ...]] = {}


def _names(cls: type, drop: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A dataclass's field names in declaration order (``asdict``'s key order), looked up once."""
    names = _FIELD_NAMES.get((cls, drop))
    if names is None:
        names = _FIELD_NAMES[cls, drop] = tuple(f.name for f in fields(cls) if f.name not in drop)
    return names


def _decision_record(d: Any, url: str | None = None) -> dict[str, Any]:
    """``Decision.record(url)`` without ``dataclasses.asdict``'s recursive deep copy, which
    was the largest single cost of the command (the fields are plain values: same JSON)."""
    rec = {name: getattr(d, name) for name in _names(type(d))}
    if url:
        rec["url"] = url
    return rec


def _article_record(art: Any) -> dict[str, Any]:
    """``Article.to_dict()`` as a shallow dict (same keys, order and JSON; ``meta`` is shared,
    not deep-copied: the record is serialized at once and dropped)."""
    return {name: getattr(art, name) for name in _names(type(art), ("raw", "where"))}




def _reason_counts(result: Any) -> dict[str, int]:
    from storyline.dedup import CONTAINED, EXACT, NEAR, VIA_CLUSTER

    code = result.code
    return {
        "exact": int((code == EXACT).sum()),
        "near": int((code == NEAR).sum()),
        "contained": int((code == CONTAINED).sum()),
        "via cluster": int((code == VIA_CLUSTER).sum()),
    }
