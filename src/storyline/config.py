"""Frozen configuration dataclasses: one place for defaults and thresholds, validated early."""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.errors import ConfigError

ON_ERROR_CHOICES = ("fail", "skip")


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which input field holds which article attribute (JSONL/CSV/Parquet readers)."""

    id: str = "id"
    text: str = "text"
    title: str = "title"
    url: str = "url"
    source: str = "source"
    published: str = "published"
    lang: str = "lang"


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """How readers behave.

    ``max_bytes`` bounds one document's text: a 50 MB "article" is almost always a dump or
    binary junk, and letting it through would blow up shingling memory downstream.
    """

    input_format: str | None = None
    fields: FieldMap = field(default_factory=FieldMap)
    on_error: str = "fail"
    max_bytes: int = 5_000_000
    encoding: str = "utf-8"
    min_chars: int = 1

    def __post_init__(self) -> None:
        if self.on_error not in ON_ERROR_CHOICES:
            raise ConfigError(
                f"on_error must be one of {ON_ERROR_CHOICES}, got {self.on_error!r}",
                hint="use --on-error fail or --on-error skip",
            )
        if self.max_bytes <= 0:
            raise ConfigError(f"max_bytes must be positive, got {self.max_bytes}")
