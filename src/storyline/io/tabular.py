"""CSV/TSV (streamed row by row) and Parquet (streamed by record batch) readers."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from storyline.config import ReadConfig
from storyline.errors import EncodingError, FormatError, InputError
from storyline.io.base import Bad, Item, guard, record_to_article
from storyline.io.compression import open_binary
from storyline.io.jsonl import _stem


def read_delimited(path: Path, config: ReadConfig, delimiter: str) -> Iterator[Item]:
    stem = _stem(path)
    csv.field_size_limit(min(sys.maxsize, config.max_bytes + 1024))
    with open_binary(path) as stream:
        text = io.TextIOWrapper(stream, encoding=config.encoding, newline="")
        reader = csv.DictReader(text, delimiter=delimiter)
        row_no = 0
        while True:
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
                yield Bad(FormatError(f"malformed CSV: {exc}", where=f"{path}:{reader.line_num}",
                                      hint="check quoting, or raise --max-bytes for huge fields"))
                if "field larger" in str(exc):
                    continue
                return
            row_no += 1
            where = f"{path}:{reader.line_num}"
            if None in row:  # more cells than header columns
                row = {k if k is not None else "_extra": v for k, v in row.items()}
            raw = json.dumps(row, ensure_ascii=False)
            yield guard(record_to_article, row, where, f"{stem}:{row_no}", config, raw)


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
