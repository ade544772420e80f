"""`storyline index ...`: build and query a persistent story index (a SQLite file)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import READ, FormatOpt, Inputs, QuietOpt, check_format, read_options
from storyline.cli.reading import finish_read, read_inputs
from storyline.config import ReadConfig
from storyline.data import Article
from storyline.errors import ConfigError, RecordError
from storyline.output import render

if TYPE_CHECKING:
    from storyline.io import ReadStats

index_app = typer.Typer(
    help="A persistent story index: add articles over time, ask what matches, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(index_app, name="index")

DbArg = Annotated[Path, typer.Argument(help="The store file (SQLite), e.g. stories.db.")]
CreateDirsOpt = Annotated[
    bool,
    typer.Option("--create-dirs", help="Create the store's missing parent folders (otherwise a "
                 "missing folder is an error: usually a typo in the path)."),
]
AssignerOpt = Annotated[
    str,
    typer.Option(
        "--assigner",
        help="How stories are formed (fixed when the store is created): story-tracker (fitted "
        "pair scorer + streaming tracker), duplicate-groups (a story = a duplicate group; fast), "
        "or auto (story-tracker when available).",
    ),
]


@index_app.command("create")
@friendly
def create(
    db: DbArg,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Shingle Jaccard to call a near copy.")
    ] = 0.8,
    num_perm: Annotated[int, typer.Option("--num-perm", help="MinHash permutations.")] = 128,
    assigner: AssignerOpt = "auto",
    create_dirs: CreateDirsOpt = False,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
) -> None:
    """Create an empty store. Its matching settings are fixed from now on (stored in the file)."""
    from storyline.config import MinHashParams
    from storyline.store import Indexer, Store, StoreConfig

    check_format(fmt)
    _parent_ready(db, create_dirs)
    with Store.create(db, StoreConfig(threshold=threshold, minhash=MinHashParams(num_perm=num_perm), assigner=assigner)) as store:
        Indexer(store)  # resolves and records the assigner now
        row = store.stats()
    if not quiet:
        render([row], fmt, sys.stdout)


@index_app.command("add")
@friendly
@read_options
def add(
    db: DbArg,
    inputs: Inputs,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Articles per transaction (a crash loses at most one).")
    ] = 256,
    create: Annotated[
        bool, typer.Option("--create/--no-create", help="Create the store if it does not exist.")
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Processes that normalize, MinHash and featurize the next batch while the "
            "current one is written (1: all in this process). Results do not depend on it.",
        ),
    ] = 1,
    assigner: AssignerOpt = "auto",
    create_dirs: CreateDirsOpt = False,
    order: Annotated[
        str,
        typer.Option(
            "--order",
            help="time: add in publication order (reads all input first; the story tracker "
            "sees a stream as it happened); input: stream in file order (constant memory, for "
            "inputs already in time order).",
        ),
    ] = "time",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write one result per article (.jsonl/.csv/.parquet)."),
    ] = None,
    read: ReadConfig = READ,
    rejects: Path | None = None,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
) -> None:
    """Add articles to the store: dedup against everything stored, assign stories, persist.

    Incremental and resumable: each batch is one transaction, and ids already stored are
    skipped (status 'exists'; 'conflict' when the stored text differs, the stored one is kept).
    After a crash, run the same command again. Prints a summary and the accounting line.
    """
    from storyline.store import Indexer, Store, StoreConfig

    check_format(fmt)
    if batch_size < 1:
        raise ConfigError(f"--batch-size must be >= 1, got {batch_size}")
    if workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {workers}")
    if order not in ("time", "input"):
        raise ConfigError(f"unknown --order {order!r}", hint="use time or input")
    if create and not db.exists():
        _parent_ready(db, create_dirs)
        store = Store.create(db, StoreConfig(assigner=assigner))
    else:
        store = Store.open(db)
    with store:
        indexer = Indexer(store, workers=workers)
        stream, stats = read_inputs(inputs, read, quiet)
        status: Counter[str] = Counter()
        relation: Counter[str] = Counter()
        results: list[dict[str, Any]] = []
        articles: Any = _storable_dates(stream, stats, read)
        if order == "time":
            articles = sorted(articles, key=_time_key)  # stable: ties keep input order
        try:
            for res in indexer.add_many(articles, batch_size=batch_size):
                status[res.status] += 1
                if res.status == "added":
                    kind = "new" if res.is_new_story else "duplicate" if res.duplicate_of else "joined"
                    relation[kind] += 1
                if out is not None:
                    results.append(res.to_dict())
        finally:
            indexer.close()
        _warn_damaged(indexer.damaged, db)
        store.compact()
        if out is not None:
            from storyline.io import write_records

            write_records(results, out)
        summary: dict[str, Any] = {
            "read": stats.read,
            "added": status["added"],
            "exists": status["exists"],
            "conflict": status["conflict"],
            "rejected": stats.rejected,
            "duplicates": relation["duplicate"],
            "joined a story": relation["joined"],
            "new stories": relation["new"],
            "stored articles": store.count("articles"),
            "stored stories": store.count("stories"),
        }
    if not quiet:
        render([summary], fmt, sys.stdout)
    finish_read(stats, rejects, quiet)


def _warn_damaged(damaged: list[tuple[int, str, str]], db: Path) -> None:
    """Records the store could not read were skipped (the rest was used): say so."""
    if damaged:
        n = len(damaged)
        typer.echo(f"warning: {n} damaged stored record{'s' if n > 1 else ''} skipped (first: row "
                   f"{damaged[0][0]}, {damaged[0][2]}); run 'storyline index check {db}' for the "
                   "list and the fix", err=True)


def _parent_ready(db: Path, create_dirs: bool) -> None:
    """A new store goes into an existing folder, or its folders are made on request:
    ``index add /no/such/dir/x.db`` must not quietly build a tree from a typo."""
    parent = db.parent
    if parent.is_dir():
        return
    if parent.exists():
        raise ConfigError(f"cannot create the store: {parent} is not a folder", where=str(db),
                          hint="choose a path inside a folder")
    if not create_dirs:
        raise ConfigError(f"cannot create the store: folder {parent} does not exist",
                          where=str(db),
                          hint=f"check the path, or pass --create-dirs to create {parent}")
    parent.mkdir(parents=True, exist_ok=True)


def _storable_dates(articles: Iterable[Article], stats: ReadStats, config: ReadConfig
                    ) -> Iterator[Article]:
    """Refuse a publication time the store cannot turn into UTC (e.g. 9999-12-31T23:59:59-05:00
    overflows): an error naming the record, or under ``--on-error skip`` rejected and counted."""
    from storyline.data import Rejected
    from storyline.store.db import to_ts

    for art in articles:
        try:
            to_ts(art.published, "")
        except OverflowError as exc:
            where = art.where or art.id
            err = RecordError(f"published {art.published!r} is outside the supported date range "
                              f"({exc})", where=where,
                              hint="fix the date (e.g. 2024-03-01T12:00:00Z), drop it, or use "
                                   "--on-error skip")
            if config.on_error == "fail":
                raise err from None
            stats.accepted -= 1  # the reader counted it accepted; the store refuses it
            stats.rejected += 1
            stats.rejects.append(Rejected(where, str(err), art.published or ""))
            continue
        yield art


def _time_key(article: Any) -> str:
    """Sort key: publication time as UTC text; undated articles go last (in input order)."""
    from storyline.store.db import to_ts

    return to_ts(article.published, "\uffff")


@index_app.command("query")
@friendly
@read_options
def query(
    db: DbArg,
    inputs: Inputs,
    limit: Annotated[int, typer.Option("--limit", help="Matches shown per article.")] = 5,
    read: ReadConfig = READ,
    rejects: Path | None = None,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
) -> None:
    """Which stored articles and stories do these articles match, and why? (Read-only.)

    One row per match: the stored article, its story, the score and the reason
    (exact, near: jaccard J, contained: C); an article with no match gets one row saying so.
    """
    from storyline.store import Indexer, Store

    check_format(fmt)
    rows: list[dict[str, Any]] = []
    with Store.open(db) as store:
        indexer = Indexer(store)
        stream, stats = read_inputs(inputs, read, quiet)
        for art in stream:
            q = indexer.query(art, limit=limit)
            base = {
                "id": q["id"],
                "duplicate_of": q["duplicate_of"],
                "story_id": q["story_id"],
                "relation": q["relation"],
            }
            if not q["matches"]:
                rows.append(base | {"match_id": None, "score": None, "reason": "no stored match"})
            for m in q["matches"]:
                rows.append(base | {"match_id": m["match_id"], "score": m["score"], "reason": m["reason"],
                                    "match_story": m["story_id"], "match_title": m["title"]})
    render(rows, fmt, sys.stdout)
    finish_read(stats, rejects, quiet)


@index_app.command("stats")
@friendly
def stats(db: DbArg, fmt: FormatOpt = "table") -> None:
    """Counts (articles, duplicates, stories, relations), time span and size on disk.

    'consistent' runs the same checks as 'storyline index check' (pages, every stored blob,
    the config row, cross-table counts); each problem is a warning on stderr."""
    from storyline.store import Store

    check_format(fmt)
    with Store.open(db) as store:
        row = store.stats()
        problems = _damage(store)
    row["consistent"] = not problems
    if fmt == "table":
        render([{"measure": k, "value": v} for k, v in row.items()], fmt, sys.stdout)
    else:
        render([row], fmt, sys.stdout)
    for p in problems:
        typer.echo(f"warning: {p.where}: {p.problem}", err=True)
    if problems:
        typer.echo(f"warning: {len(problems)} problems; run 'storyline index check {db}' for the fixes",
                   err=True)


def _damage(store: Any) -> list[Any]:
    """Every problem :func:`storyline.store.check.check_store` finds, features decoded by the
    store's own assigner when it can be built."""
    from storyline.errors import StorylineError
    from storyline.store.assigners import make_assigner
    from storyline.store.check import check_store

    try:
        decode = getattr(make_assigner(store.meta("assigner") or store.config.assigner), "decode", None)
    except StorylineError:
        decode = None
    return check_store(store, decode)


@index_app.command("check")
@friendly
def check(db: DbArg, fmt: FormatOpt = "table") -> None:
    """Find damaged records: SQLite's integrity check, every stored text, signature and
    feature record decoded, the config row parsed, cross-table counts. Lists each problem with
    its row (table, seq, article id) and the fix; exit code 1 when anything is wrong."""
    from storyline.store import Store, StoreError

    check_format(fmt)
    if not db.exists():
        raise ConfigError(f"no store at {db}", hint="check the path")
    try:
        store = Store.open(db, lenient=True)
    except StoreError as exc:  # not even the schema reads: the whole file is the problem
        rows = [{"kind": "file", "where": str(db), "problem": exc.message, "seq": None, "id": None,
                 "fix": exc.hint}]
    else:
        with store:
            rows = [d.to_dict() for d in _damage(store)]
    if rows:
        render(rows, fmt, sys.stdout)
        typer.echo(f"{len(rows)} problems found in {db}", err=True)
        raise typer.Exit(code=1)
    if fmt == "table":
        typer.echo(f"{db}: no problems found")
    else:
        render([], fmt, sys.stdout)


@index_app.command("export")
@friendly
def export(
    db: DbArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .jsonl, .csv or .parquet.")],
    what: Annotated[
        str, typer.Option("--what", help="articles (with decisions and stories) or stories.")
    ] = "articles",
    text: Annotated[
        bool, typer.Option("--text/--no-text", help="Include original and normalized text.")
    ] = False,
    fmt: FormatOpt = "table",
    quiet: QuietOpt = False,
) -> None:
    """Write stored articles (with dedup decision and story) or stories to a file."""
    from storyline.io import write_records
    from storyline.store import Store

    check_format(fmt)
    if what not in ("articles", "stories"):
        raise ConfigError(f"unknown --what {what!r}", hint="use articles or stories")
    with Store.open(db) as store:
        if what == "articles":
            damaged: list[str] = []
            n = write_records((_flat(_undamaged(r, damaged)) for r in store.iter_articles(text=text)), out)
            if damaged:
                typer.echo(f"warning: {len(damaged)} articles exported without their texts, which are "
                           f"damaged ({', '.join(damaged[:5])}{' ...' if len(damaged) > 5 else ''}); "
                           f"run 'storyline index check {db}'", err=True)
        else:
            n = write_records((_flat(r) for r in _all_stories(store)), out)
    if not quiet:
        render([{"exported": what, "rows": n, "out": str(out)}], fmt, sys.stdout)


def _undamaged(row: dict[str, Any], damaged: list[str]) -> dict[str, Any]:
    """The row with the same columns as every other (texts null when damaged); its id noted."""
    if row.pop("damaged", None) is not None:
        damaged.append(str(row["id"]))
    return row


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """Nested values as JSON text so every format (CSV, Parquet) gets the same columns."""
    import json

    return {
        k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict | list) else v
        for k, v in row.items()
    }


def _all_stories(store: Any) -> Any:
    cursor = None
    while True:
        items, cursor = store.list_stories(limit=1000, cursor=cursor)
        yield from items
        if cursor is None:
            return
