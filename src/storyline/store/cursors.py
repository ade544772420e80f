"""Opaque page cursors for the story list (recency and size order): base64 of a JSON list,
so a client passes back what it got and a tampered one is a clear 400, not a SQL error."""

from __future__ import annotations

import base64
import json
from typing import Any

from storyline.errors import InputError

STORY_ORDERS = ("recent", "size")


def encode_cursor(values: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """A recency cursor: (last_ts, story id)."""
    a, b = _decode(cursor, 2)
    return str(a), str(b)


def decode_size_cursor(cursor: str) -> tuple[int, str, str]:
    """A size cursor: (size, last_ts, story id)."""
    n, a, b = _decode(cursor, 3)
    return int(n), str(a), str(b)


def _decode(cursor: str, n: int) -> list[Any]:
    try:
        pad = "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(cursor + pad))
        if not isinstance(values, list) or len(values) != n:
            raise ValueError("wrong shape")
        if n == 3:
            int(values[0])
        return values
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"invalid cursor {cursor!r}", hint="pass the next_cursor value of a previous page"
        ) from exc
