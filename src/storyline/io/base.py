"""Shared reader plumbing: stats, record -> Article conversion and per-record errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from storyline.config import FieldMap, ReadConfig
from storyline.data import Article, Rejected
from storyline.errors import RecordError, StorylineError


@dataclass
class ReadStats:
    """Counts for one read; ``read == accepted + rejected + skipped`` always holds."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    rejects: list[Rejected] = field(default_factory=list)

    def accounting_line(self) -> str:
        """One line users can check by eye: nothing dropped silently."""
        line = f"read {self.read} = accepted {self.accepted} + rejected {self.rejected}"
        if self.skipped:
            line += f" + skipped {self.skipped}"
        return line

    def balanced(self) -> bool:
        return self.read == self.accepted + self.rejected + self.skipped


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that is legitimately not an article (e.g. a WARC request record)."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class Bad:
    """A per-record failure; the reader keeps going, the driver fails or rejects."""

    error: StorylineError
    snippet: str = ""


Item = Article | Skip | Bad

TOO_LARGE_HINT = ("split the document, or drop it with --on-error skip "
                  "(from Python: ReadConfig(max_bytes=...) raises the limit)")


def snippet(value: Any, n: int = 120) -> str:
    s = value if isinstance(value, str) else repr(value)
    return s[:n]


def check_text(text: Any, where: str, config: ReadConfig, field_name: str = "text",
               fields: Any = None) -> str:
    """Validate article text; raise RecordError saying what is wrong and how to fix it.
    ``fields``: the record's field names, listed when the text field is missing."""
    if text is None:
        has = f" (its fields: {', '.join(map(str, fields))})" if fields is not None else ""
        raise RecordError(
            f"record has no '{field_name}' field{has}",
            where=where,
            hint=f"add a '{field_name}' field or map another field with --text-field",
        )
    if not isinstance(text, str):
        raise RecordError(
            f"field '{field_name}' must be a string, got {type(text).__name__}",
            where=where,
            hint="store article text as a string",
        )
    # UTF-8 takes at most 4 bytes a character: only a long text needs encoding to be measured
    if len(text) > config.max_bytes or (
        len(text) * 4 > config.max_bytes
        and len(text.encode("utf-8", "surrogatepass")) > config.max_bytes
    ):
        raise RecordError(
            f"text is larger than max_bytes={config.max_bytes}",
            where=where,
            hint=TOO_LARGE_HINT,
        )
    if "\x00" in text:
        raise RecordError(
            "text contains NUL bytes (binary data, not article text)",
            where=where,
            hint="remove binary records from the input",
        )
    if len(text.strip()) < config.min_chars:
        raise RecordError(
            "text is empty or whitespace-only",
            where=where,
            hint="drop empty records or use --on-error skip",
        )
    return text


@lru_cache(maxsize=64)
def _known(f: FieldMap) -> frozenset[str]:
    """The mapped field names (the rest of a record goes to ``meta``), once per field map."""
    return frozenset({f.id, f.text, f.title, f.url, f.source, f.published, f.lang})


def _opt(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


def record_to_article(
    rec: Mapping[str, Any], where: str, auto_id: str, config: ReadConfig, raw: str
) -> Article:
    """Map a dict-like record to an Article using config.fields; unknown keys go to meta."""
    f = config.fields
    get = rec.get
    text = check_text(get(f.text), where, config, f.text, rec)  # its keys, listed on error
    known = _known(f)
    rid = get(f.id)
    return Article(
        id=auto_id if rid is None or rid == "" else str(rid),
        text=text,
        title=_opt(get(f.title)),
        url=_opt(get(f.url)),
        source=_opt(get(f.source)),
        published=_opt(get(f.published)),
        lang=_opt(get(f.lang)),
        meta={k: v for k, v in rec.items() if k not in known},
        raw=raw,
        where=where,
    )


def guard(fn: Any, *args: Any) -> Item:
    """Run a record conversion, turning StorylineError into a Bad item."""
    try:
        return fn(*args)
    except StorylineError as exc:
        return Bad(exc)


ItemIter = Iterator[Item]
