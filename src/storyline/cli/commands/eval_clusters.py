"""`storyline eval clusters`: ARI, NMI, pairwise and B-cubed scores of a story clustering."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from storyline.cli.app import friendly
from storyline.cli.commands.eval import eval_app  # the sub-app shared with `storyline eval pairs`
from storyline.cli.options import FormatOpt, LevelOpt, QuietOpt, check_format
from storyline.cli.reading import read_inputs
from storyline.config import ReadConfig
from storyline.errors import ConfigError, FormatError, InputError, RecordError
from storyline.output import render


def read_jsonl_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(``file:line``, record) for each non-blank line; a broken line is a clear error."""
    if not path.exists():
        raise InputError(f"file not found: {path}", hint="check the path")
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FormatError(f"invalid JSON: {exc.msg}", where=where, hint="fix or remove the line") from None
            if not isinstance(rec, dict):
                raise FormatError("expected a JSON object per line", where=where)
            yield where, rec


def _field(rec: dict[str, Any], name: str, where: str, what: str) -> Any:
    if name not in rec:
        raise RecordError(
            f"record has no {what} field {name!r} (fields: {', '.join(sorted(rec)[:12])})",
            where=where,
            hint=f"name the right field with --{what}",
        )
    return rec[name]


def _hashable(v: Any) -> Any:
    return json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v


@eval_app.command("clusters")
@friendly
def eval_clusters(
    file: Annotated[Path, typer.Argument(help="JSONL file with an id, a gold label and (with --pred) a predicted label.")],
    label: Annotated[str, typer.Option("--label", help="Field holding the gold cluster label.")],
    pred: Annotated[
        str | None,
        typer.Option(
            "--pred",
            help="Field holding the predicted label. Without it, storyline clusters FILE itself "
            "(its articles need text) and scores its stories.",
        ),
    ] = None,
    pred_file: Annotated[
        Path | None,
        typer.Option("--pred-file", help="Take --pred from this JSONL (joined on id), e.g. assignments.jsonl."),
    ] = None,
    id_field: Annotated[str, typer.Option("--id-field", help="Field holding the item id.")] = "id",
    noise: Annotated[
        list[str] | None,
        typer.Option("--noise", help="Gold label(s) meaning 'no cluster' (repeatable). Empty/null labels always are."),
    ] = None,
    noise_policy: Annotated[
        str,
        typer.Option("--noise-policy", help="singleton: each noise item is its own gold cluster; drop: leave them out."),
    ] = "singleton",
    min_size: Annotated[
        int,
        typer.Option("--min-gold-size", help="Treat gold clusters smaller than this as noise (1 = none)."),
    ] = 1,
    level: LevelOpt = "story",
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Clustering threshold (without --pred; default: the level's).")
    ] = None,
    support_threshold: Annotated[
        float | None, typer.Option("--support-threshold", help="Support threshold (without --pred; default: the level's).")
    ] = None,
    score_field: Annotated[
        str | None, typer.Option("--score", help="same_story or similarity (without --pred; default: the level's).")
    ] = None,
    window_days: Annotated[
        float | None, typer.Option("--window-days", help="Clustering window (without --pred; 0 = none; default: the level's).")
    ] = None,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
) -> None:
    """Score a clustering against gold labels: ARI, NMI, pairwise and B-cubed P/R/F1.

    Works on any JSONL with an id and a label per line. Noise: items whose gold label is empty,
    null, listed with --noise, or in a gold cluster smaller than --min-gold-size are treated by
    --noise-policy (singleton: each is its own cluster; drop: excluded). A missing predicted
    label counts as a singleton.
    """
    from collections import Counter

    from storyline.eval.clusters import cluster_scores

    check_format(fmt)
    gold: dict[str, Any] = {}
    predicted: dict[str, Any] = {}
    read = 0
    if pred is not None:
        for where, rec in read_jsonl_records(file):
            read += 1
            rid = str(_field(rec, id_field, where, "id-field"))
            gold[rid] = _hashable(_field(rec, label, where, "label"))
            if pred_file is None:
                predicted[rid] = _hashable(_field(rec, pred, where, "pred"))
        if pred_file is not None:
            for where, rec in read_jsonl_records(pred_file):
                rid = str(_field(rec, id_field, where, "id-field"))
                predicted[rid] = _hashable(_field(rec, pred, where, "pred"))
        accounting = f"read {read} = scored {sum(1 for i in gold if i in predicted)} + unmatched {sum(1 for i in gold if i not in predicted)}"
    else:
        from storyline.cli.commands.cluster import cluster_config, load_linker
        from storyline.stories import cluster_stories

        cfg = cluster_config(level, threshold=threshold, support_threshold=support_threshold,
                             score_field=score_field, window_days=window_days)
        stream, stats = read_inputs([file], ReadConfig(), quiet)
        articles = list(stream)
        for a in articles:
            if label not in a.meta:
                raise RecordError(f"record has no label field {label!r}", where=a.where, hint="use --label")
            gold[a.id] = _hashable(a.meta[label])
        predicted = cluster_stories(articles, cfg, load_linker(None)).story_of
        accounting = stats.accounting_line()
    if not gold:
        raise InputError(f"no records in {file}", hint="check the file and --label")
    noise_set: set[Any] = set(noise or ())
    if min_size > 1:
        sizes = Counter(gold.values())
        noise_set |= {g for g, n in sizes.items() if n < min_size}
    if noise_policy not in ("singleton", "drop"):
        raise ConfigError(f"unknown --noise-policy {noise_policy!r}", hint="use singleton or drop")
    scores = cluster_scores(predicted, gold, noise=noise_set, noise_policy=noise_policy)
    row = {k: round(v, 4) if isinstance(v, float) else v for k, v in scores.to_dict().items()}
    row["noise_policy"] = noise_policy
    render([row], fmt, sys.stdout)
    typer.echo(accounting, err=True)
