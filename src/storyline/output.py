"""Render result rows for the terminal or files: json, jsonl, csv, table (rich)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, TextIO

FORMATS = ("json", "jsonl", "csv", "table")


def format_cell(value: Any) -> str:
    """One value as display text: floats to 4 significant digits, nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def render(rows: Sequence[dict[str, Any]], fmt: str, stream: TextIO, *, title: str | None = None) -> None:
    """Write ``rows`` to ``stream`` in ``fmt``; columns follow the first row's key order."""
    if fmt == "json":
        json.dump(list(rows), stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        columns = _columns(rows)
        writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: format_cell(row.get(k)) for k in columns})
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        columns = _columns(rows)
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*(format_cell(row.get(c)) for c in columns))
        Console(file=stream, width=160).print(table)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


def render_to_string(rows: Sequence[dict[str, Any]], fmt: str) -> str:
    buf = io.StringIO()
    render(rows, fmt, buf)
    return buf.getvalue()


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    seen: set[str] = set()
    for row in rows:
        for key in row:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    return columns
