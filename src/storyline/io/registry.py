"""Which reader handles which file: by extension (after .gz/.zst) or --input-format."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from storyline.config import ReadConfig
from storyline.errors import FormatError, InputError
from storyline.io.base import Item
from storyline.io.compression import strip_compression

EXTENSIONS: dict[str, str] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv",
    ".parquet": "parquet", ".txt": "txt", ".html": "html", ".htm": "html", ".warc": "warc",
}
FORMATS = ("jsonl", "json", "csv", "tsv", "parquet", "txt", "html", "warc")


def detect_format(path: str | Path, override: str | None = None) -> str:
    """The reader name for ``path``; raises FormatError listing what is supported."""
    if override is not None:
        if override not in FORMATS:
            raise FormatError(f"unknown input format {override!r}", where=str(path),
                              hint=f"use one of: {', '.join(FORMATS)}")
        return override
    name, _ = strip_compression(Path(path))
    for ext, fmt in EXTENSIONS.items():
        if name.endswith(ext):
            return fmt
    raise FormatError(
        f"cannot tell the format of {Path(path).name!r} from its extension",
        where=str(path),
        hint=f"supported extensions: {', '.join(EXTENSIONS)} (optionally .gz/.zst); "
        f"or pass --input-format {{{','.join(FORMATS)}}}",
    )


def reader_for(fmt: str, root: Path | None) -> Callable[[Path, ReadConfig], Iterator[Item]]:
    from storyline.io import html, jsonl, tabular, text, warc

    table: dict[str, Callable[..., Iterator[Item]]] = {
        "jsonl": jsonl.read_jsonl, "json": jsonl.read_json,
        "csv": partial(tabular.read_delimited, delimiter=","),
        "tsv": partial(tabular.read_delimited, delimiter="\t"),
        "parquet": tabular.read_parquet, "txt": partial(text.read_txt, root=root),
        "html": partial(html.read_html, root=root), "warc": warc.read_warc,
    }
    return table[fmt]


def _rooted(files: list[Path], root: Path, empty: str, where: str,
            hint: str) -> Iterator[tuple[Path, Path | None]]:
    """``files`` paired with the root they were listed under; none at all is an error (``empty``)
    because a glob or folder that lists nothing is almost always a typo, not an empty corpus."""
    if not files:
        raise InputError(empty, where=where, hint=hint)
    for p in files:
        yield p, root


def expand(path: Path) -> Iterator[tuple[Path, Path | None]]:
    """Files under ``path`` (sorted, for determinism) with their root; globs are expanded.

    A path that does not exist, a glob that matches no file and a directory without files are
    errors naming what was given: a typo must not read as an empty corpus.
    """
    s = str(path)
    if any(c in s for c in "*?[") and not path.exists():
        parent = Path(s.split("*")[0].split("?")[0].split("[")[0]).parent
        found = [p for p in sorted(Path(parent).glob(str(Path(s).relative_to(parent)))) if p.is_file()]
        yield from _rooted(found, parent, f"the pattern {s!r} matches no files", s,
                           "check the pattern and the folder it starts from")
        return
    if path.is_dir():
        files = [p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")]
        yield from _rooted(files, path, f"the directory {s} holds no files", s,
                           "check the path, or pass the files themselves")
        return
    if not path.exists():
        raise InputError(f"{s} does not exist", where=s,
                         hint="check the path (a missing folder or a typo in the file name)")
    yield path, None
