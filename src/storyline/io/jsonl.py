"""JSON Lines and JSON-array readers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

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
            if line.isspace():  # not line.strip(), without copying the line
                continue  # blank lines are layout, not records
            yield guard(_parse_line, line, where, f"{stem}:{lineno}", config)


_INT64 = 2.0**63


def _overflowed(value: Any) -> bool:
    """Whether a parsed value holds a float at or beyond 2**63: orjson reads an integer
    literal too large for 64 bits as a float, where ``json`` keeps the exact int.
    (A plain loop: article records are flat dicts of strings, nesting is rare.)"""
    items = value.values() if type(value) is dict else value
    for v in items:
        kind = type(v)
        if kind is str:
            continue
        if kind is float:
            if not -_INT64 < v < _INT64:
                return True
        elif (kind is dict or kind is list) and _overflowed(v):
            return True
    return False


def loads(text: str) -> Any:
    """``json.loads``, the same value for every input, about twice as fast on article lines.

    orjson parses; what it refuses (lone surrogate escapes, NaN, out-of-range numbers,
    broken JSON) and its one lossy case (integers beyond 64 bits) go to ``json.loads``, so
    values and error messages are exactly the standard library's.
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    if type(value) is float:
        overflowed = not -_INT64 < value < _INT64
    else:
        overflowed = (type(value) is dict or type(value) is list) and _overflowed(value)
    return json.loads(text) if overflowed else value


def _parse_line(line: bytes, where: str, auto_id: str, config: ReadConfig) -> Item:
    text = decode(line, where, config).rstrip("\r\n")
    try:
        rec = loads(text)
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
