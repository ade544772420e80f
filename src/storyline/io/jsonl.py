"""JSON Lines and JSON-array readers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from storyline.config import ReadConfig
from storyline.errors import EncodingError, FormatError, RecordError
from storyline.io.base import TOO_LARGE_HINT, Bad, Item, guard, record_to_article, snippet
from storyline.io.compression import open_binary


def decode(data: bytes, where: str, config: ReadConfig) -> str:
    """Decode one line/document, naming the place and the --encoding fix on failure."""
    try:
        return data.decode(config.encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"bytes are not valid {config.encoding} at offset {exc.start}",
            where=where,
            hint="pass --encoding latin-1 (or the file's real encoding) or re-encode the file as UTF-8",
        ) from exc


def iter_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (lineno, bytes) reading at most ``limit`` bytes per line; None marks an oversized line.

    Oversized lines are drained in chunks so a 50 MB line never sits in memory whole.
    """
    lineno = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, line


def _stem(path: Path) -> str:
    return path.name.split(".")[0]


def read_jsonl(path: Path, config: ReadConfig) -> Iterator[Item]:
    stem = _stem(path)
    with open_binary(path) as stream:
        for lineno, line in iter_lines(stream, config.max_bytes + 1024):
            where = f"{path}:{lineno}"
            if line is None:
                yield Bad(RecordError(
                    f"line is larger than max_bytes={config.max_bytes}",
                    where=where, hint=TOO_LARGE_HINT))
                continue
            if not line.strip():
                continue  # blank lines are layout, not records
            yield guard(_parse_line, line, where, f"{stem}:{lineno}", config)


def _parse_line(line: bytes, where: str, auto_id: str, config: ReadConfig) -> Item:
    text = decode(line, where, config).rstrip("\r\n")
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        return Bad(FormatError(
            f"invalid JSON: {exc.msg} at column {exc.colno}",
            where=where, hint="fix or remove the line, or use --on-error skip"), snippet(text))
    if not isinstance(rec, dict):
        return Bad(RecordError(
            f"JSON line must be an object, got {type(rec).__name__}",
            where=where, hint="write one JSON object per line"), snippet(text))
    return record_to_article(rec, where, auto_id, config, text)


def read_json(path: Path, config: ReadConfig) -> Iterator[Item]:
    """A JSON array of objects (or one object). Bounded by max_bytes * 4 since it loads whole."""
    stem = _stem(path)
    with open_binary(path) as stream:
        data = stream.read(config.max_bytes * 4 + 1)
    if len(data) > config.max_bytes * 4:
        raise RecordError(f"JSON file is larger than {config.max_bytes * 4} bytes",
                          where=str(path), hint="convert it to JSON Lines (.jsonl), which streams")
    text = decode(data, str(path), config)
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}",
                          hint="fix the file or convert it to JSON Lines") from exc
    items = doc if isinstance(doc, list) else [doc]
    for n, rec in enumerate(items):
        where = f"{path}#{n}"
        if not isinstance(rec, dict):
            yield Bad(RecordError(f"JSON item must be an object, got {type(rec).__name__}",
                                  where=where, hint="use an array of objects"), snippet(rec))
            continue
        yield guard(record_to_article, rec, where, f"{stem}:{n}", config,
                    json.dumps(rec, ensure_ascii=False))
