"""`storyline eval ...`: score storyline against labelled data (pairs now; clusters later)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import FormatOpt, OnErrorOpt, QuietOpt, RejectsOpt, check_format
from storyline.errors import ConfigError, InputError, RecordError

eval_app = typer.Typer(
    name="eval",
    help="Evaluate storyline on labelled data (SemEval-style pairs, labelled clusters).",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")


def _read_pair_records(
    path: Path, on_error: str, text1: str, text2: str
) -> tuple[list[dict[str, Any]], Any]:
    """JSONL records that are either scored results (``similarity``) or text pairs."""
    from storyline.data import Rejected
    from storyline.io import ReadStats
    from storyline.io.compression import open_binary

    if on_error not in ("fail", "skip"):
        raise ConfigError(f"unknown --on-error {on_error!r}", hint="use fail or skip")
    stats = ReadStats()
    out: list[dict[str, Any]] = []
    try:
        fh = io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="strict")
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror or exc}", where=str(path), hint="check the path") from None
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            stats.read += 1
            where = f"{path}:{lineno}"
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise RecordError("a pair must be a JSON object", where=where, hint="one object per line")
                has_scored = isinstance(rec.get("similarity"), int | float)
                has_texts = isinstance(rec.get(text1), str) and isinstance(rec.get(text2), str)
                if not (has_scored or has_texts):
                    raise RecordError(
                        f"needs 'similarity' (a results file) or text fields {text1!r} and {text2!r}",
                        where=where,
                        hint="use --text1-field/--text2-field, or --on-error skip",
                    )
            except (ValueError, RecordError) as exc:  # UnicodeDecodeError is a ValueError
                err = exc if isinstance(exc, RecordError) else RecordError(
                    f"invalid JSON: {exc}", where=where, hint="fix or remove the line, or use --on-error skip"
                )
                if on_error == "fail":
                    raise err from None
                stats.rejected += 1
                stats.rejects.append(Rejected(where, err.message, line[:120]))
                continue
            stats.accepted += 1
            out.append(rec)
    return out, stats


@eval_app.command("pairs")
@friendly
def pairs(
    file: Annotated[Path, typer.Argument(help="JSONL of pairs: SemEval format (text1, text2, ratings) "
                                          "or a results file with 'similarity' per pair.")],
    embeddings: Annotated[
        bool, typer.Option("--embeddings/--no-embeddings", help="Score with the embeddings model (needs storyline[embeddings]).")
    ] = False,
    model: Annotated[Path | None, typer.Option("--model", help="Link model JSON (default: packaged).")] = None,
    text1_field: Annotated[str, typer.Option("--text1-field", help="Field of the first text.")] = "text1",
    text2_field: Annotated[str, typer.Option("--text2-field", help="Field of the second text.")] = "text2",
    same_threshold: Annotated[
        float, typer.Option("--same-threshold", help="For results without 'relation': same story when "
                            "'same_story' (else 'similarity') >= this.")
    ] = 0.5,
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="Also write per-pair predictions (JSONL).")
    ] = None,
    on_error: OnErrorOpt = "fail",
    rejects: RejectsOpt = None,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
) -> None:
    """Correlation and same-story F1 of pair similarity against human ratings.

    Gold ratings are SemEval-2022 Task 8 fields (geography, entities, time, narrative, style,
    tone, overall; 1 = same ... 4 = different), top-level or under 'scores'. Reports Pearson of
    similarity vs -overall, Pearson of each predicted dimension vs gold, and binary same-story
    precision/recall/F1 (gold: overall <= 2). Pairs with texts are scored here; records that
    already carry 'similarity' (e.g. from `storyline compare --pairs`) are used as they are.
    """
    from storyline.eval.pairs import gold_ratings, pair_metrics
    from storyline.io import write_records, write_rejects
    from storyline.output import render

    check_format(fmt)
    records, stats = _read_pair_records(file, on_error, text1_field, text2_field)
    preds: list[dict[str, Any]] = []
    to_score = [r for r in records if not isinstance(r.get("similarity"), int | float)]
    scored: dict[int, dict[str, Any]] = {}
    if to_score:
        scored = _score_records(to_score, text1_field, text2_field, embeddings, model, quiet)
    for r in records:
        if isinstance(r.get("similarity"), int | float):
            preds.append(r)
        else:
            preds.append(scored[id(r)])
    golds = [gold_ratings(r) for r in records]
    if not any("overall" in g for g in golds):
        raise InputError(
            f"no pair in {file} has an 'overall' rating",
            where=str(file),
            hint="add SemEval ratings (top-level or under 'scores') to evaluate",
        )
    rows = pair_metrics(preds, golds, same_threshold)
    if predictions is not None:
        write_records(
            ({"pair_id": r.get("pair_id", i)} | {k: v for k, v in p.items() if k != "signals"}
             for i, (r, p) in enumerate(zip(records, preds, strict=True))),
            predictions,
        )
    render(rows, fmt, sys.stdout)
    if rejects is not None:
        write_rejects(stats.rejects, rejects)
    typer.echo(stats.accounting_line(), err=True)


def _score_records(
    records: list[dict[str, Any]], f1: str, f2: str, embeddings: bool, model: Path | None, quiet: bool
) -> dict[int, dict[str, Any]]:
    from storyline.cli.progress import progress
    from storyline.data import Article
    from storyline.link import Linker

    embedder = None
    if embeddings:
        from storyline.features.embeddings import Embedder

        embedder = Embedder.load()
    linker = Linker.load(model, embedder=embedder)
    out: dict[int, dict[str, Any]] = {}
    with progress("scoring pairs", len(records), quiet) as ticker:
        for start in range(0, len(records), 32):  # featurize in batches (embeddings batch too)
            chunk = records[start : start + 32]
            arts = []
            for i, r in enumerate(chunk, start):
                arts.append(Article(id=f"{i}/1", text=r[f1], title=r.get("title1")))
                arts.append(Article(id=f"{i}/2", text=r[f2], title=r.get("title2")))
            feats = linker.featurize_many(arts)
            for j, r in enumerate(chunk):
                out[id(r)] = linker.score(feats[2 * j], feats[2 * j + 1]).to_dict()
                ticker.tick()
    return out
