"""Atomic, streaming writers: a crash never leaves a half-written output file."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from storyline.data import Rejected
from storyline.errors import ConfigError, RecordError

WRITE_FORMATS = ("jsonl", "csv", "parquet")


def _fmt(path: Path, fmt: str | None) -> str:
    if fmt is None:
        suffix = path.suffix.lower().lstrip(".")
        fmt = "jsonl" if suffix == "ndjson" else suffix
    if fmt not in WRITE_FORMATS:
        raise ConfigError(f"cannot write format {fmt!r}", where=str(path),
                          hint=f"use a .jsonl, .csv or .parquet path or fmt in {WRITE_FORMATS}")
    return fmt


def _umask() -> int:
    """The process umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp path beside ``path``; renamed over it only if the block finishes.

    The file gets the mode a plain ``open(path, "w")`` would give (0666 less the umask: 0644
    under the usual 022), not mkstemp's private 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
_ASCII_ENCODER = json.JSONEncoder(default=str)


def json_line(rec: Any) -> str:
    """``json.dumps(rec, ensure_ascii=False, default=str)``, the same string, faster on
    ASCII text: CPython's ASCII string encoder is about twice as fast as its Unicode one,
    and when nothing came out as a ``\\u`` escape (no non-ASCII, DEL or rare control
    character) the two agree byte for byte."""
    text = rec.get("text") if isinstance(rec, dict) else None
    if isinstance(text, str) and text.isascii():
        out = _ASCII_ENCODER.encode(rec)
        if "\\u" not in out:
            return out
    return _ENCODER.encode(rec)


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else v


def write_records(records: Iterable[dict[str, Any]], path: str | Path, fmt: str | None = None,
                  batch_size: int = 1024) -> int:
    """Write dicts as jsonl/csv/parquet (by extension or ``fmt``); return how many were written.

    CSV columns come from the first record (later unknown keys are an error, not silent loss).
    """
    path = Path(path)
    kind = _fmt(path, fmt)
    n = 0
    with atomic_path(path) as tmp:
        if kind == "jsonl":
            with open(tmp, "w", encoding="utf-8") as fh:
                for rec in records:
                    fh.write(json_line(rec) + "\n")
                    n += 1
        elif kind == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                n = _write_csv(records, fh)
        else:
            n = _write_parquet(records, tmp, batch_size)
    return n


def _write_csv(records: Iterable[dict[str, Any]], fh: TextIO) -> int:
    writer: csv.DictWriter[str] | None = None
    n = 0
    for rec in records:
        if writer is None:
            writer = csv.DictWriter(fh, fieldnames=list(rec))
            writer.writeheader()
        extra = set(rec) - set(writer.fieldnames)
        if extra:
            raise RecordError(
                f"record {n + 1} has fields {sorted(extra)} that the first record lacks",
                where=f"record {n + 1}",
                hint="CSV columns come from the first record; write .jsonl or .parquet instead",
            )
        writer.writerow({k: _cell(v) for k, v in rec.items()})
        n += 1
    return n


def _write_parquet(records: Iterable[dict[str, Any]], tmp: Path, batch_size: int) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer: Any = None
    schema: Any = None
    n = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal writer, schema
        rows = [{k: _cell(v) for k, v in r.items()} for r in batch]
        table = pa.Table.from_pylist(rows, schema=schema)
        if writer is None:
            schema = table.schema
            writer = pq.ParquetWriter(str(tmp), schema)
        writer.write_table(table)
        batch.clear()

    try:
        for rec in records:
            batch.append(rec)
            n += 1
            if len(batch) >= batch_size:
                flush()
        if batch or writer is None:
            if not batch and writer is None:
                pq.write_table(pa.table({}), str(tmp))
                return 0
            flush()
    finally:
        if writer is not None:
            writer.close()
    return n


def write_rejects(rejects: Iterable[Rejected], path: str | Path) -> int:
    """Write rejected records as JSON Lines so users can inspect and fix them."""
    return write_records((r.to_dict() for r in rejects), path, "jsonl")
