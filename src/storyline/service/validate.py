"""Checks on posted articles that the schema cannot express, and safe JSON for reading back.

Everything a POST stores must come back out of every GET: an id must be reachable by URL, the
text must hold words, a date must parse, and ``meta`` must be JSON that any client (and orjson)
can write back. A row stored before these checks (or by ``index add``) must still be readable,
so :func:`dump_json` degrades a value it cannot encode instead of failing the whole response.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException

MAX_META_BYTES = 65_536
"""Largest ``meta`` object, as compact JSON (UTF-8 bytes)."""
MAX_META_DEPTH = 32
"""Deepest nesting of objects/arrays inside ``meta``."""
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
"""Integers in ``meta`` must fit 64 bits (JSON parsers and SQLite agree on those)."""
MAX_READ_DEPTH = 200
"""On reading back, nesting below this depth is replaced by a marker (orjson stops at 255)."""
SHORT_TEXT = 2000
"""Texts up to this many characters are normalized to check they hold words."""


class Invalid(ValueError):
    """A value that must not be stored; ``where`` is relative to the article."""

    def __init__(self, where: str, message: str, hint: str):
        super().__init__(message)
        self.where, self.message, self.hint = where, message, hint


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate(s: str) -> bool:
    return _SURROGATE.search(s) is not None


def check_id(value: str) -> None:
    """Ids are URL path segments: no control characters and no ``.``/``..`` segments, which a
    client or browser would resolve away before the request is sent."""
    bad = next((ch for ch in value if unicodedata.category(ch) in ("Cc", "Cs")), None)
    if bad is not None:
        raise Invalid("id", f"id contains the control character U+{ord(bad):04X}",
                      "remove control characters (newlines, tabs, NUL...) from ids")
    if any(seg in (".", "..") for seg in value.split("/")):
        raise Invalid("id", "id has a '.' or '..' path segment, which no URL can reach",
                      "use another id, e.g. replace the dots")


def check_text(value: str) -> None:
    """Reject text that normalizes to nothing with words in it (blank, zero-width, ad marker
    only): it would be stored as an exact duplicate of every other blank post."""
    from storyline.normalize import normalize_text

    if _surrogate(value):
        raise Invalid("text", "text contains an unpaired surrogate (\\ud800-\\udfff)",
                      "send valid UTF-16 escapes or plain UTF-8")
    if not any(ch.isalnum() for ch in value):
        raise Invalid("text", "text has no letters or digits",
                      "send the article body; drop empty posts")
    # Junk that only normalization reveals (ad markers, share buttons) is short; normalizing a
    # whole article here would cost a quarter of a POST's CPU (about 0.5 ms for 4 KB)
    if len(value) <= SHORT_TEXT and not any(ch.isalnum() for ch in normalize_text(value)):
        raise Invalid("text", "text has no words once whitespace, invisible characters and "
                      "boilerplate (e.g. 'Advertisement') are removed",
                      "send the article body; drop empty posts")


def parse_published(value: str) -> datetime:
    """An ISO 8601 date or date-time that converts to UTC; raises :class:`Invalid` otherwise
    (``"yesterday"``, ``"not a date"``, or a year-9999 time that overflows in UTC)."""
    try:
        d = datetime.fromisoformat(value.strip())
        return d.astimezone(UTC) if d.tzinfo is not None else d
    except (ValueError, OverflowError) as exc:
        raise Invalid("published", f"{value!r} is not an ISO 8601 date in the supported range "
                      f"({exc})", "use e.g. 2024-03-01 or 2024-03-01T12:00:00Z") from exc


def check_meta(value: Any, where: str = "meta", depth: int = 0) -> None:
    """JSON-safe meta: bounded depth, 64-bit integers, finite floats, valid strings."""
    if depth > MAX_META_DEPTH:
        raise Invalid(where, f"nested deeper than {MAX_META_DEPTH} levels",
                      "flatten the metadata")
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise Invalid(where, "integer does not fit 64 bits", "send large numbers as strings")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(where, f"{value} is not a JSON number", "send null or a string instead")
    elif isinstance(value, str):
        if _surrogate(value):
            raise Invalid(where, "string contains an unpaired surrogate", "send valid text")
    elif isinstance(value, dict):
        for k, v in value.items():
            if _surrogate(k):
                raise Invalid(where, "key contains an unpaired surrogate", "send valid text")
            check_meta(v, f"{where}.{k}", depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_meta(v, f"{where}.{i}", depth + 1)
    else:  # pragma: no cover - JSON decoding yields nothing else
        raise Invalid(where, f"unsupported value of type {type(value).__name__}", "send JSON")


def check_article(a: Any) -> None:
    """All checks for one posted article (an ``ArticleIn``)."""
    check_id(a.id)
    check_text(a.text)
    for name in ("title", "url", "source", "lang"):
        v = getattr(a, name)
        if v is not None and _surrogate(v):
            raise Invalid(name, "contains an unpaired surrogate", "send valid text")
    if a.published is not None:
        parse_published(a.published)
    check_meta(a.meta)
    import orjson

    size = len(orjson.dumps(a.meta))
    if size > MAX_META_BYTES:
        raise Invalid("meta", f"meta is {size} bytes as JSON, more than {MAX_META_BYTES}",
                      "store large metadata elsewhere and keep a reference")


def check_articles(items: Sequence[Any], batch: bool) -> None:
    """Raise a 422 in the service's error shape naming the first bad field of the first bad
    article (``body.articles.3.meta.x`` in a batch, ``body.meta.x`` for one article)."""
    for i, a in enumerate(items):
        try:
            check_article(a)
        except Invalid as exc:
            where = f"body.articles.{i}.{exc.where}" if batch else f"body.{exc.where}"
            raise HTTPException(422, {
                "error": "ValidationError", "message": f"{where}: {exc.message}", "where": where,
                "hint": exc.hint, "details": [{"where": where, "message": exc.message}],
            }) from None


def check_query_date(name: str, value: str | None) -> None:
    """A 400 for a ``since``/``until`` that does not parse or overflows."""
    if value is None:
        return
    try:
        parse_published(value)
    except Invalid as exc:
        raise HTTPException(400, {"error": "BadRequest", "message": f"{name}={exc.message}",
                                  "where": f"query.{name}", "hint": exc.hint}) from None


def http_url(value: Any) -> bool:
    """True for an absolute http(s) URL safe to put in ``href`` as is: no whitespace or control
    characters (browsers drop tabs and newlines, so ``java\\tscript:`` would run), and the
    scheme compared case-insensitively."""
    from urllib.parse import urlsplit

    if not isinstance(value, str) or not value:
        return False
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _degrade(value: Any, depth: int = 0) -> Any:
    """``value`` with what JSON writers refuse replaced: deep nesting, huge integers,
    non-finite floats, unpaired surrogates."""
    if isinstance(value, dict):
        if depth >= MAX_READ_DEPTH:
            return "[nested too deep]"
        return {_degrade(str(k), depth): _degrade(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if depth >= MAX_READ_DEPTH:
            return "[nested too deep]"
        return [_degrade(v, depth + 1) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if INT_MIN <= value <= 2**64 - 1 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8") if _surrogate(value) else value
    return str(value)


def dump_json(obj: Any) -> bytes:
    """orjson bytes; a value orjson refuses (one bad row stored earlier) is degraded, not a 500."""
    import orjson

    try:
        return orjson.dumps(obj)
    except (orjson.JSONEncodeError, TypeError):
        return orjson.dumps(_degrade(obj))
