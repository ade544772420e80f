"""CSV/TSV (streamed row by row) and Parquet (streamed by record batch) readers."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.config import ReadConfig
from storyline.errors import EncodingError, FormatError, InputError, RecordError
from storyline.io.base import Bad, Item, guard, record_to_article
from storyline.io.compression import open_binary
from storyline.io.jsonl import _stem


def read_delimited(path: Path, config: ReadConfig, delimiter: str) -> Iterator[Item]:
    """Rows as records keyed by the header. ``where`` is the line a record starts on (a quoted
    field may span lines); a header without the text column is one error listing the columns."""
    stem = _stem(path)
    csv.field_size_limit(min(sys.maxsize, config.max_bytes + 1024))
    with open_binary(path) as stream:
        text = io.TextIOWrapper(stream, encoding=config.encoding, newline="")
        reader = csv.reader(text, delimiter=delimiter)
        header: list[str] | None = None
        row_no = 0
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"bytes are not valid {config.encoding} near line {reader.line_num + 1}",
                    where=f"{path}:{reader.line_num + 1}",
                    hint="pass --encoding latin-1 (or the file's real encoding)") from exc
            except csv.Error as exc:
                yield Bad(FormatError(
                    f"malformed CSV in the record starting on line {start} (read up to line "
                    f"{reader.line_num}): {exc}", where=f"{path}:{start}",
                    hint="check the quoting of that record (an unclosed quote runs on to the end)"))
                if "field larger" in str(exc):
                    continue
                return
            if header is None:
                header = [row[0].removeprefix("\ufeff"), *row[1:]] if row else []
                _check_columns(header, path, config)
                continue
            if not row:
                continue  # blank line
            row_no += 1
            rec: dict[str, Any] = dict(zip(header, row, strict=False))
            if len(row) > len(header):  # more cells than header columns
                rec["_extra"] = row[len(header):]
            for name in header[len(row):]:
                rec[name] = None
            raw = json.dumps(rec, ensure_ascii=False)
            yield guard(record_to_article, rec, f"{path}:{start}", f"{stem}:{row_no}", config, raw)


def _check_columns(columns: list[str], path: Path, config: ReadConfig) -> None:
    name = config.fields.text
    if name not in columns:
        shown = ", ".join(repr(c) for c in columns[:30]) + (" ..." if len(columns) > 30 else "")
        raise RecordError(f"no {name!r} column; the columns are: {shown or '(none)'}",
                          where=f"{path}:1", hint="name the text column with --text-field")


def read_parquet(path: Path, config: ReadConfig) -> Iterator[Item]:
    import pyarrow.parquet as pq

    stem = _stem(path)
    try:
        pf = pq.ParquetFile(path)
    except FileNotFoundError as exc:
        raise InputError(f"input file {path} does not exist", where=str(path),
                         hint="check the path") from exc
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for non-parquet bytes
        raise FormatError(f"not a readable Parquet file: {exc}", where=str(path),
                          hint="check the file or pass the right --input-format") from exc
    _check_columns(list(pf.schema_arrow.names), path, config)
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=1024):
            for rec in batch.to_pylist():
                where = f"{path}#{n}"
                yield guard(record_to_article, rec, where, f"{stem}:{n}", config,
                            json.dumps(rec, ensure_ascii=False, default=str))
                n += 1
    except (OSError, ValueError) as exc:
        yield Bad(FormatError(f"corrupt Parquet data: {exc}", where=f"{path}#{n}",
                              hint="re-export the file"))
