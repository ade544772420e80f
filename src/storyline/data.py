"""The shared vocabulary: small dataclasses every stage passes around.

Kept free of I/O and heavy imports so any stage (local or Spark) can use them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar


class Relation(StrEnum):
    """How two articles relate, from copy to nothing in common (the first four: same story)."""

    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near_duplicate"
    REVISION = "revision"
    SAME_STORY = "same_story"
    RELATED = "related"
    UNRELATED = "unrelated"


# plain strings (a StrEnum member hashes by its name, not its value, so sets hold the values)
RELATIONS: tuple[str, ...] = tuple(r.value for r in Relation)
SAME_STORY_RELATIONS: frozenset[str] = frozenset(RELATIONS[:4])
COPY_RELATIONS: frozenset[str] = frozenset(RELATIONS[:2])
# the SemEval-2022 Task 8 similarity dimensions
DIMENSIONS: tuple[str, ...] = ("geography", "entities", "time", "narrative", "style", "tone", "overall")


def parse_instant(value: str | None) -> datetime | None:
    """An ISO-8601 date/time as an aware datetime (naive means UTC; a lowercase ``z`` is read
    as ``Z``); None when absent or unparseable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


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


@dataclass(frozen=True)
class PairScore:
    """How two articles relate: what every pair scorer returns and clustering decides on.

    ``similarity`` is graded like a human judge (in [0, 1], fitted to SemEval 'overall');
    ``same_story`` is the probability that both report the same event (what clustering wants;
    a scorer without a separate estimate gives its similarity); ``relation`` is a
    :class:`Relation` value. ``signals`` (the raw inputs) and ``dimensions`` (SemEval-2022
    Task 8 scale: 1 = same ... 4 = different) are empty when a scorer has none.
    """

    similarity: float
    same_story: float
    relation: str
    signals: dict[str, float] = field(default_factory=dict)
    dimensions: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "similarity": self.similarity,
            "relation": self.relation,
            "same_story": self.same_story,
            "dimensions": dict(self.dimensions),
            "signals": dict(self.signals),
        }


F = TypeVar("F")


class Scorer(Protocol[F]):
    """A pair scorer: :class:`storyline.link.Linker` and every stand-in implement this.

    Features are computed once per article (``featurize``/``featurize_many``), pairs are scored
    cheaply (``score``), ``index_keys`` gives the weighted terms candidate search looks up, and
    ``to_bytes``/``from_bytes`` are the scorer's own versioned codec (named by ``codec``), so a
    store persists features as data it can check, never as pickles. ``to_bytes`` may leave out
    ``text`` (the store keeps it); ``from_bytes`` gets it back and raises
    :class:`storyline.errors.DamagedDataError` on bytes it did not write.
    """

    codec: str

    def featurize(self, article: Article, *, normalized: bool = False) -> F: ...

    def featurize_many(self, articles: Iterable[Article], *, normalized: bool = False) -> list[F]: ...

    def score(self, a: F, b: F) -> PairScore: ...

    def index_keys(self, features: F) -> dict[str, float]: ...

    def to_bytes(self, features: F, text: str) -> bytes: ...

    def from_bytes(self, data: bytes, text: str) -> F: ...
