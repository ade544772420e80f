"""What normalization removed and parsed off: :class:`Removed` pieces with their kind, and the
:class:`Normalized` result that keeps them for explanations."""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------- removed pieces


class Removed(str):
    """A piece of text normalization removed; ``kind`` says what it was.

    A ``str`` so that existing callers that compare, join or serialize removed pieces keep
    working; kinds: ad, boilerplate, byline, photo_credit, caption, graphic, subhead,
    metadata, dateline, source, credits.
    """

    kind: str

    def __new__(cls, text: str, kind: str = "boilerplate") -> Removed:
        obj = super().__new__(cls, text)
        obj.kind = kind
        return obj

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickling keeps kind
        return (str(self), self.kind)


@dataclass(slots=True)
class Normalized:
    """Normalized text plus what was parsed off and removed (for explanations).

    ``credits`` holds reporting/editing credit lines ('Reporting by X; Editing by Y'): they are
    metadata about the article, not its story, so they leave the text but are kept.
    """

    text: str
    dateline: str | None = None
    source: str | None = None
    published: str | None = None
    removed: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)

    def drop(self, text: str, kind: str) -> None:
        """Record a removed piece under ``kind`` (empty pieces are not recorded)."""
        text = text.strip()
        if text:
            self.removed.append(Removed(text, kind))
