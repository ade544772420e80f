"""`storyline compare`: explain one pair of articles, or score a file of pairs."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import READ, QuietOpt, read_options
from storyline.cli.progress import progress
from storyline.cli.reading import finish_read
from storyline.config import ReadConfig
from storyline.data import Article, Rejected
from storyline.errors import ConfigError, FormatError, InputError, RecordError
from storyline.output import render

if TYPE_CHECKING:
    from storyline.io import ReadStats

PAIR_FORMATS = ("text", "table", "json", "jsonl", "html")  # table: same as text
# --out's extension names the pair report's format; any other extension is refused, so a
# `diff.pdf` never receives terminal text
EXT_FORMATS = {".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl",
               ".ndjson": "jsonl", ".txt": "text", ".text": "text"}
BATCH_FORMATS = ("table", "json", "jsonl", "csv")


@app.command("compare")
@friendly
@read_options
def compare_cmd(
    a: Annotated[
        str | None,
        typer.Argument(help="First article: a .txt, .html, one-record .json/.jsonl file, or "
                       "FILE#ID to pick the record with that id from a multi-record file."),
    ] = None,
    b: Annotated[str | None, typer.Argument(help="Second article (same forms as A).")] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="A and B are article ids in this storyline store (SQLite, "
                     "see `storyline index`)."),
    ] = None,
    pairs: Annotated[
        Path | None,
        typer.Option("--pairs", help="Batch mode: JSONL of pairs with text1, text2 and optional "
                     "pair_id (the SemEval-2022 Task 8 format); other fields are carried over."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the result here (pair: the report; --pairs: "
                     "one JSON line per pair) instead of printing it."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"Pair: {'|'.join(PAIR_FORMATS)} (default text, or "
                     f"html when --out ends in .html). --pairs summary: {'|'.join(BATCH_FORMATS)}."),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option("--evidence/--no-evidence", help="--pairs: include the full evidence in "
                     "each result line (off: scores and relation only)."),
    ] = True,
    embeddings: Annotated[
        bool,
        typer.Option("--embeddings/--no-embeddings", help="Score with the embeddings variant of "
                     "the link model (needs the embeddings extra; slower)."),
    ] = False,
    model: Annotated[
        Path | None, typer.Option("--model", help="Link model JSON (default: the packaged one).")
    ] = None,
    read: ReadConfig = READ,
    rejects: Path | None = None,
    quiet: QuietOpt = False,
) -> None:
    """Explain how two articles relate: relation, similarity, per-dimension scores and evidence.

    The evidence: shared quotes, changed facts (numbers, dates, weekdays, names, headline,
    dateline), shared and missing entities, sentences aligned across the two texts (moved,
    edited with a word diff, only in one) and the boilerplate removed before comparing.

    Examples:
      storyline compare wire.txt update.html
      storyline compare a.json b.json --format html --out diff.html
      storyline compare --store news.db ID1 ID2 --format json
      storyline compare --pairs pairs.jsonl --out results.jsonl
    """
    if pairs is not None:
        if a is not None or b is not None:
            raise ConfigError("give either two articles A B or --pairs FILE, not both")
        if out is None:
            raise ConfigError("--pairs needs --out RESULTS.jsonl", hint="add --out results.jsonl")
        _batch(pairs, out, fmt or "table", evidence, read, rejects, quiet,
               _linker(embeddings, model))
        return
    if a is None or b is None:
        raise ConfigError("compare needs two articles (A B) or --pairs FILE",
                          hint="storyline compare wire.txt update.txt")
    fmt = _pair_format(fmt, out)
    _pair(a, b, out, fmt, read, rejects, quiet, store, _linker(embeddings, model))


def _pair_format(fmt: str | None, out: Path | None) -> str:
    """The pair report's format: --format, else --out's extension, else text; an --out whose
    extension names no format we write (or another one than --format) is an error."""
    if fmt is not None and fmt not in PAIR_FORMATS:
        raise ConfigError(f"unknown --format {fmt!r} for a pair",
                          hint=f"use one of {', '.join(PAIR_FORMATS)}")
    suffix = out.suffix.lower() if out is not None else ""
    if not suffix:
        return fmt or "text"
    known = ", ".join(sorted(EXT_FORMATS))
    by_ext = EXT_FORMATS.get(suffix)
    if by_ext is None:
        raise ConfigError(f"cannot write a comparison as {suffix} (no such report format)",
                          where=str(out), hint=f"end --out in one of {known}")
    if fmt is not None and {fmt, by_ext} - {"text", "table"} and fmt != by_ext:
        raise ConfigError(f"--format {fmt} does not match --out's extension {suffix} "
                          f"(which means {by_ext})", where=str(out),
                          hint="drop --format to follow the extension, or rename the file")
    return fmt or by_ext


def _linker(embeddings: bool, model: Path | None) -> Any:
    """The pair scorer: None means compare's default (packaged lexical model, loaded once)."""
    if not embeddings and model is None:
        return None
    from storyline.link import Linker

    embedder = None
    if embeddings:
        from storyline.features.embeddings import Embedder

        embedder = Embedder.load()
    return Linker.load(model, embedder=embedder)


# ------------------------------------------------------------------ one pair


def _load_one(spec: str, config: ReadConfig, stats: ReadStats) -> Article:
    """The single article named by ``spec``: a file with one record, or FILE#ID."""
    from storyline.io import read_articles

    path, want = Path(spec), None
    if not path.exists() and "#" in spec:
        head, _, want = spec.rpartition("#")
        path = Path(head)
    if not path.exists():
        raise InputError(f"no such file: {spec}",
                         hint="give a .txt/.html/.json/.jsonl file, or FILE#ID for one record")
    strict = ReadConfig(input_format=config.input_format, fields=config.fields, on_error="fail",
                        max_bytes=config.max_bytes, encoding=config.encoding,
                        min_chars=config.min_chars)
    found: list[Article] = []
    for art in read_articles([path], strict, stats):
        if want is None or art.id == want:
            found.append(art)
        if len(found) > 1:
            break
    if want is not None and not found:
        raise InputError(f"no record with id {want!r}", where=str(path),
                         hint="check the id, or use --id-field if ids live in another field")
    if len(found) != 1:
        raise InputError("expected exactly one article in the file", where=str(path),
                         hint=f"pick one record with {path}#ID")
    return found[0]


def _from_store(db: Path, ids: tuple[str, str], stats: ReadStats) -> list[Article]:
    """Articles by id from a storyline store, with their original text when it was kept."""
    try:
        from storyline.store import Store
    except ImportError as exc:
        raise ConfigError("this storyline has no store support (storyline.store)",
                          hint="compare files instead, or install a storyline with `index`") from exc
    st = Store.open(db)
    try:
        out = []
        for aid in ids:
            row = st.get_article(aid)
            stats.read += 1
            if row is None:
                raise InputError(f"no article with id {aid!r} in the store", where=str(db),
                                 hint="list ids with `storyline index query` or check the id")
            stats.accepted += 1
            out.append(Article(
                id=str(row["id"]), text=row.get("original") or row["text"],
                title=row.get("title"), url=row.get("url"), source=row.get("source"),
                published=row.get("published"), lang=row.get("lang"),
                dateline=row.get("dateline"), where=f"{db}#{aid}",
            ))
        return out
    finally:
        st.close()


def _pair(a: str, b: str, out: Path | None, fmt: str, config: ReadConfig,
          rejects: Path | None, quiet: bool, store: Path | None = None,
          linker: Any = None) -> None:
    from storyline.compare import compare
    from storyline.io import ReadStats

    stats = ReadStats()
    if store is not None:
        art_a, art_b = _from_store(store, (a, b), stats)
    else:
        art_a = _load_one(a, config, stats)
        art_b = _load_one(b, config, stats)
    result = compare(art_a, art_b, linker)
    if fmt in ("text", "table"):
        from rich.console import Console

        from storyline.explain.render_text import print_comparison

        if out is None:
            print_comparison(result, Console(file=sys.stdout))
        else:
            with open(out, "w", encoding="utf-8") as fh:
                print_comparison(result, Console(file=fh, width=120, no_color=True))
    else:
        if fmt == "html":
            from storyline.explain.render_html import comparison_html

            body = comparison_html(result)
        elif fmt == "json":
            body = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        else:
            body = json.dumps(result.to_dict(), ensure_ascii=False)
        if out is None:
            sys.stdout.write(body + "\n")
        else:
            out.write_text(body + "\n", encoding="utf-8")
    if out is not None and not quiet:
        typer.echo(f"wrote {fmt} comparison to {out}", err=True)
    finish_read(stats, rejects, quiet)


# ------------------------------------------------------------------ batch of pairs


def _iter_pairs(path: Path, config: ReadConfig, stats: ReadStats
                ) -> Iterator[tuple[dict[str, Any], Article, Article]]:
    """Pairs from a JSONL file with the readers' rules: a bad line fails (naming file:line and
    the fix) or is rejected and counted; each text is bounded by ``max_bytes`` and a line by
    twice that plus slack, so an oversized pair is refused before it reaches the aligner."""
    from storyline.io.base import TOO_LARGE_HINT
    from storyline.io.compression import is_truncation, open_binary
    from storyline.io.jsonl import iter_lines

    if not path.exists():
        raise InputError(f"no such file: {path}", hint="give a JSONL file of pairs")

    def reject(where: str, exc: InputError, snippet: str) -> None:
        if config.on_error == "fail":
            raise exc
        stats.rejected += 1
        stats.rejects.append(Rejected(where, str(exc), snippet))

    lineno = 0
    with open_binary(path) as fh:
        lines = iter_lines(fh, 2 * config.max_bytes + 4096)
        while True:
            try:
                lineno, raw = next(lines)
            except StopIteration:
                return
            except Exception as exc:
                if not (is_truncation(exc) or isinstance(exc, OSError)):
                    raise
                where = f"{path}:{lineno + 1}"
                stats.read += 1
                reject(where, InputError(
                    f"file is truncated or corrupt ({type(exc).__name__}: {exc}); "
                    f"{lineno} lines were read before it", where=where,
                    hint="re-download or re-compress the file, or use --on-error skip to keep "
                         "the pairs before the damage"), "")
                return
            where = f"{path}:{lineno}"
            if raw is None:
                stats.read += 1
                reject(where, RecordError(
                    f"line is larger than 2 x max_bytes={config.max_bytes}",
                    where=where, hint=TOO_LARGE_HINT), "")
                continue
            if not raw.strip():
                continue
            stats.read += 1
            try:
                rec, art_a, art_b = _parse_pair(raw, where, lineno, config)
            except InputError as exc:
                reject(where, exc, raw[:120].decode("utf-8", "replace"))
                continue
            stats.accepted += 1
            yield rec, art_a, art_b


def _parse_pair(raw: bytes, where: str, lineno: int, config: ReadConfig
                ) -> tuple[dict[str, Any], Article, Article]:
    from storyline.io.base import check_text

    try:
        rec = json.loads(raw.decode(config.encoding))
    except UnicodeDecodeError as exc:
        raise InputError(f"line is not valid {config.encoding}", where=where,
                         hint="pass --encoding or re-encode the file as UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg} at column {exc.colno}", where=where,
                          hint="fix or remove the line, or use --on-error skip") from exc
    if not isinstance(rec, dict):
        raise RecordError("a pair must be a JSON object", where=where,
                          hint='write {"pair_id": ..., "text1": ..., "text2": ...} per line')
    pid = str(rec.get("pair_id") or rec.get("id") or lineno)
    arts = []
    for k in ("1", "2"):
        text = rec.get(f"text{k}")
        if not isinstance(text, str) or not text.strip():
            raise RecordError(f"field 'text{k}' is missing, empty or not a string", where=where,
                              hint="each pair needs non-empty text1 and text2")
        text = check_text(text, where, config, f"text{k}")  # size limit, NUL bytes
        title = rec.get(f"title{k}")
        arts.append(Article(id=str(rec.get(f"id{k}") or f"{pid}/{k}"), text=text,
                            title=title if isinstance(title, str) else None, where=where))
    return rec, arts[0], arts[1]


def _batch(path: Path, out: Path, fmt: str, evidence: bool, config: ReadConfig,
           rejects: Path | None, quiet: bool, linker: Any = None) -> None:
    from storyline.compare import compare
    from storyline.io import ReadStats, write_records

    if fmt not in BATCH_FORMATS:
        raise ConfigError(f"unknown --format {fmt!r} for --pairs",
                          hint=f"use one of {', '.join(BATCH_FORMATS)}")
    stats = ReadStats()
    items = list(_iter_pairs(path, config, stats))
    relations: Counter[str] = Counter()
    t0 = time.perf_counter()

    def results() -> Iterator[dict[str, Any]]:
        with progress("comparing", len(items), quiet) as ticker:
            for rec, art_a, art_b in items:
                d = compare(art_a, art_b, linker).to_dict()
                relations[d["relation"]] += 1
                carried = {k: v for k, v in rec.items() if not k.startswith("text")}
                row: dict[str, Any] = {"pair_id": str(rec.get("pair_id") or art_a.id.split("/")[0])}
                row |= carried
                row |= {"relation": d["relation"], "similarity": d["similarity"],
                        "dimensions": d["dimensions"], "scorer": d["scorer"]}
                if evidence:
                    row |= {k: d[k] for k in ("schema_version", "a", "b", "evidence", "signals")}
                yield row
                ticker.tick()

    n = write_records(results(), out)
    elapsed = time.perf_counter() - t0
    summary: dict[str, Any] = {
        "pairs": n,
        **{f"relation {k}": v for k, v in sorted(relations.items())},
        "seconds": round(elapsed, 2),
        "pairs per second": round(n / elapsed, 1) if elapsed > 0 else None,
        "out": str(out),
    }
    if not quiet:
        if fmt == "table":
            render([{"measure": k, "value": v} for k, v in summary.items()], "table", sys.stdout)
        else:
            render([summary], fmt, sys.stdout)
    finish_read(stats, rejects, quiet)
