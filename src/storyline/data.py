"""The shared vocabulary: small dataclasses every stage passes around.

Kept free of I/O and heavy imports so any stage (local or Spark) can use them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Article:
    """One news article.

    ``raw`` keeps the original text exactly as read (nothing a user gave us is lost);
    ``text`` is what matching works on (after normalization, when applied).
    ``where`` records the origin (``file:line`` or ``file#record``) for error messages.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    lang: str | None = None
    dateline: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    raw: str | None = None
    where: str | None = None

    def to_dict(self, *, include_raw: bool = False) -> dict[str, Any]:
        """A JSON-friendly dict; ``raw`` and ``where`` only on request to keep outputs small."""
        d = asdict(self)
        if not include_raw:
            d.pop("raw", None)
        d.pop("where", None)
        return d


@dataclass(slots=True, frozen=True)
class Rejected:
    """A record we could not accept, with where it came from and why."""

    where: str
    reason: str
    snippet: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason, "snippet": self.snippet}
