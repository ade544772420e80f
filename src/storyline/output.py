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


def shorten(text: str, max_chars: int) -> str:
    """``text`` on one line (whitespace runs collapsed), cut to ``max_chars`` with an ellipsis,
    so a table row shows what a long body starts with instead of wrapping it over pages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= max_chars else flat[: max_chars - 1].rstrip() + "…"


def render(rows: Sequence[dict[str, Any]], fmt: str, stream: TextIO, *, title: str | None = None,
           max_chars: int | None = None) -> None:
    """Write ``rows`` to ``stream`` in ``fmt``; columns follow the first row's key order.

    ``max_chars`` (table only) shortens every cell to one line of at most that many characters;
    the machine formats (json, jsonl, csv) always carry the whole value.
    """
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
            cells = (format_cell(row.get(c)) for c in columns)
            table.add_row(*(cells if not max_chars else (shorten(c, max_chars) for c in cells)))
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
