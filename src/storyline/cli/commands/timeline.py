"""`storyline timeline`: how the facts of one story evolved across its versions.

The story is all the input articles, one story of a `storyline cluster` run (``--stories``
OUT/stories.jsonl, or the Spark engine's OUT/stories folder) or one story of a store
(``--store``). The timeline itself is :func:`storyline.timeline.build_timeline`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyline.cli.app import app, friendly
from storyline.cli.options import READ, QuietOpt, read_options
from storyline.cli.reading import finish_read, read_inputs
from storyline.config import ReadConfig
from storyline.data import Article
from storyline.errors import ConfigError, FormatError, InputError

if TYPE_CHECKING:
    from storyline.io import ReadStats
    from storyline.timeline import Timeline

TIMELINE_FORMATS = ("text", "json", "html")
ENTITY_BACKENDS = ("rules", "spacy", "auto")


@app.command("timeline")
@friendly
@read_options
def timeline_cmd(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Input files, directories or globs (as for `storyline cluster`); "
                       "none with --store."),
    ] = None,
    stories: Annotated[
        Path | None,
        typer.Option("--stories", help="OUT/stories.jsonl of a `storyline cluster` run over these "
                     "inputs (or its OUT/stories folder with --engine spark); needs --story."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="A storyline store (SQLite, see `storyline index`): take the "
                     "story's articles from it instead of INPUT files; needs --story."),
    ] = None,
    story: Annotated[
        str | None,
        typer.Option("--story", help="The story's id (story_id in stories.jsonl or the store)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"{'|'.join(TIMELINE_FORMATS)} (default text, or by "
                     "the --out extension: .html, .json)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the timeline here instead of printing it.")
    ] = None,
    scorer: Annotated[
        bool,
        typer.Option("--scorer/--no-scorer", help="Let the packaged pair scorer decide which version "
                     "updates which (default: same-source rule, no model)."),
    ] = False,
    model: Annotated[
        Path | None, typer.Option("--model", help="Pair-scorer model file (implies --scorer).")
    ] = None,
    entities: Annotated[
        str,
        typer.Option("--entities", help="Name extractor: rules (fast, default), spacy or auto "
                     "(the NER model of storyline[ner])."),
    ] = "rules",
    read: ReadConfig = READ,
    rejects: Path | None = None,
    quiet: QuietOpt = False,
) -> None:
    """Follow every fact of one story through its versions: counts (dead,
    injured, money...), times, people, organisations, places, quotes and claims.

    Each fact: who reported it first (article, source, time, sentence,
    offsets), every change (old -> new, where), when it stopped appearing, and
    where two sources disagreed at the same time (a conflict, not an update).
    Each version: what it reported first and how many sentences it kept,
    edited, added and dropped. JSON schema: docs/timeline.md.

    Which articles form the story:
      plain INPUTs          all articles are one story
      --stories F --story S the members of story S of a `storyline cluster` run (F is
                            OUT/stories.jsonl; give the same INPUTs as that run)
      --store DB --story S  story S of a storyline store (no INPUTs)

    Examples:
      storyline timeline lead.json update.json other.html
      storyline cluster feed.jsonl --out out && \\
        storyline timeline feed.jsonl --stories out/stories.jsonl --story story:a1 --out t.html
      storyline timeline --store news.db --story story:a1 --format json
    """
    fmt = _pick_format(fmt, out)
    if entities not in ENTITY_BACKENDS:
        raise ConfigError(f"unknown --entities {entities!r}",
                          hint=f"use one of {', '.join(ENTITY_BACKENDS)}")
    paths = list(inputs or [])
    if stories is not None and store is not None:
        raise ConfigError("give either --stories or --store, not both",
                          hint="--stories picks from a cluster run's files, --store from an index")
    if story is None and (stories is not None or store is not None):
        flag = "--stories" if stories is not None else "--store"
        raise ConfigError(f"{flag} needs --story STORY_ID to say which story",
                          hint=_list_hint(stories, store))
    if story is not None and stories is None and store is None:
        raise ConfigError("--story needs --stories OUT/stories.jsonl or --store DB",
                          hint="without them all INPUT articles are one story: drop --story")
    if store is not None:
        if paths:
            raise ConfigError("--store takes the articles from the store: give no INPUT files",
                              hint=f"storyline timeline --store {store} --story {story}")
        from storyline.io import ReadStats

        stats = ReadStats()
        articles = _from_store(store, story or "", stats)
        label = f"story {story}"
    else:
        if not paths:
            raise ConfigError("timeline needs INPUT files (or --store DB --story ID)",
                              hint="storyline timeline lead.json update.json")
        want = _members(stories, story) if stories is not None and story is not None else None
        stream, stats = read_inputs(paths, read, quiet)
        articles = _pick(stream, want, stories, story, stats)
        label = f"story {story}" if story is not None else "the inputs"
    if not articles:
        finish_read(stats, rejects, quiet)
        raise InputError(f"no articles to build a timeline of in {label}",
                         hint="check the inputs and --on-error")
    t = _build(articles, scorer or model is not None, model, entities)
    _write(t, fmt, out)
    if not quiet:
        n_changes = sum(len(x.changes) for x in t.facts)
        typer.echo(f"timeline of {label}: {len(t.versions)} versions, {len(t.facts)} facts, "
                   f"{n_changes} changes, {len(t.conflicts)} conflicts"
                   + (f"; wrote {fmt} to {out}" if out is not None else ""), err=True)
    finish_read(stats, rejects, quiet)


def _pick_format(fmt: str | None, out: Path | None) -> str:
    if fmt is None:
        suffix = out.suffix.lower() if out is not None else ""
        fmt = {".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "text")
    if fmt not in TIMELINE_FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}", hint=f"use one of {', '.join(TIMELINE_FORMATS)}")
    return fmt


def _list_hint(stories: Path | None, store: Path | None) -> str:
    if store is not None:
        return (f"list the stories with `storyline index export {store} --what stories --out "
                "stories.jsonl` (story_id) or GET /stories of `storyline serve`")
    return (f"story ids are the story_id field of {stories}, largest story first "
            f"(e.g. `head -n 3 {stories}`)")


# ------------------------------------------------------------------ a cluster run's story


def _story_files(path: Path) -> list[Path]:
    """stories.jsonl, or the part files of the Spark engine's OUT/stories folder."""
    if path.is_dir():
        parts = sorted(p for p in path.iterdir() if p.name.startswith("part-") and p.is_file())
        if not parts:
            raise InputError("the folder holds no part files of stories", where=str(path),
                             hint="give OUT/stories.jsonl (or OUT/stories) of `storyline cluster`")
        return parts
    if not path.exists():
        raise InputError(f"no such file: {path}",
                         hint="give OUT/stories.jsonl written by `storyline cluster ... --out OUT`")
    return [path]


def _iter_stories(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(file:line, record) of each story; a line that is not a story record is an error."""
    from storyline.io.compression import open_binary

    for part in _story_files(path):
        with open_binary(part) as fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                where = f"{part}:{lineno}"
                try:
                    rec = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise FormatError(f"not a JSON line ({exc})", where=where,
                                      hint="give OUT/stories.jsonl written by `storyline cluster`"
                                      ) from exc
                if (not isinstance(rec, dict) or "story_id" not in rec
                        or not isinstance(rec.get("members"), list)):
                    raise FormatError("not a story record (needs story_id and a members list)",
                                      where=where,
                                      hint="give OUT/stories.jsonl (not assignments.jsonl) of "
                                      "`storyline cluster`")
                yield where, rec


def _members(path: Path, story_id: str) -> list[str]:
    """The member ids of one story of a cluster run, in the run's (time) order."""
    seen: list[str] = []
    for _, rec in _iter_stories(path):
        if str(rec["story_id"]) == story_id:
            return [str(m) for m in rec["members"]]
        if len(seen) < 5:
            seen.append(str(rec["story_id"]))
    examples = f" (e.g. {', '.join(seen)})" if seen else " (the file holds no stories)"
    raise InputError(f"no story {story_id!r} in this cluster run{examples}", where=str(path),
                     hint=_list_hint(path, None))


def _pick(stream: Iterator[Article], want: list[str] | None, stories: Path | None,
          story: str | None, stats: ReadStats) -> list[Article]:
    """All the articles, or the story's members (each once); a member the inputs lack is an
    error: the inputs are not the ones the cluster run read."""
    if want is None:
        return list(stream)
    wanted = set(want)
    found: dict[str, Article] = {}
    for a in stream:
        if a.id in wanted and a.id not in found:
            found[a.id] = a
    missing = [m for m in want if m not in found]
    if missing:
        shown = ", ".join(repr(m) for m in missing[:3]) + (" ..." if len(missing) > 3 else "")
        raise InputError(f"{len(missing)} of the {len(want)} members of story {story!r} are not "
                         f"in the inputs: {shown}", where=str(stories),
                         hint="give the same INPUT files (and --id-field) as the cluster run"
                         + (f"; {stats.rejected} input records were rejected (--rejects FILE "
                            "lists them)" if stats.rejected else ""))
    return [found[m] for m in want]


# ------------------------------------------------------------------ a store's story


def _from_store(db: Path, story_id: str, stats: ReadStats) -> list[Article]:
    """The story's articles from the store, with their original text, in the store's order."""
    from storyline.store import Store

    if not db.exists():
        raise InputError(f"no such store: {db}", hint="create one with `storyline index create`")
    with Store.open(db) as st:
        row = st.get_story(story_id, text=True)
    if row is None:
        raise InputError(f"no story {story_id!r} in the store", where=str(db),
                         hint=_list_hint(None, db))
    arts = []
    for m in row["members"]:
        stats.read += 1
        stats.accepted += 1
        arts.append(Article(
            id=str(m["id"]), text=m.get("original") or m["text"], title=m.get("title"),
            url=m.get("url"), source=m.get("source"), published=m.get("published"),
            lang=m.get("lang"), dateline=m.get("dateline"), where=f"{db}#{m['id']}",
        ))
    return arts


# ------------------------------------------------------------------ build and write


def _build(articles: list[Article], use_scorer: bool, model: Path | None, entities: str
           ) -> Timeline:
    from storyline.timeline import build_timeline

    linker = None
    if use_scorer:
        from storyline.link import Linker

        linker = Linker.load(model)
    return build_timeline(articles, linker, entities=entities)


def _write(t: Timeline, fmt: str, out: Path | None) -> None:
    if fmt == "json":
        body = json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from storyline.timeline import timeline_html

        body = timeline_html(t)
    else:
        from storyline.timeline import timeline_text

        body = timeline_text(t)
        body = body if body.endswith("\n") else body + "\n"
    if out is None:
        sys.stdout.write(body)
    else:
        out.write_text(body, encoding="utf-8")
