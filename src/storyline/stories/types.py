"""The values story clustering hands around: what a scorer gives, what an article becomes.

``Assignment``, ``Story`` and ``StoryResult`` are the engine's output; ``Node`` is what the
candidate index and the story book keep of one article; ``LightScore`` is the part of a pair
score clustering needs (cheap to send between processes or Spark tasks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from storyline.data import Scorer as Scorer  # re-exported: the stories package names it too


class PairScoreLike(Protocol):
    """What clustering reads of a pair score: :class:`storyline.data.PairScore` (what every
    scorer returns) or a :class:`LightScore` computed elsewhere."""

    @property
    def similarity(self) -> float: ...

    @property
    def same_story(self) -> float: ...

    @property
    def relation(self) -> str: ...


@dataclass(frozen=True, slots=True)
class LightScore:
    """What clustering keeps of a pair score computed elsewhere (a worker, a Spark task)."""

    similarity: float
    relation: str
    same_story: float

    @classmethod
    def of(cls, score: PairScoreLike) -> LightScore:
        return cls(float(score.similarity), str(score.relation), float(score.same_story))


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one article went. ``relation``/``nearest_id``/``similarity``/``score`` describe its
    nearest scored member of its own story (or its nearest candidate at all for a new story;
    None when nothing was comparable). ``score`` is the deciding pair score (``score_field``);
    ``novelty`` = 1 - the best score to anything seen before (1.0: nothing like it)."""

    article_id: str
    story_id: str
    relation: str | None
    nearest_id: str | None
    similarity: float
    is_new_story: bool
    novelty: float
    candidates: int = 0
    score: float = 0.0
    reason: str | None = None  # why a new story: nothing matched, and why (not in to_dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "story_id": self.story_id,
            "relation": self.relation,
            "nearest_id": self.nearest_id,
            "similarity": round(self.similarity, 6),
            "score": round(self.score, 6),
            "is_new_story": self.is_new_story,
            "novelty": round(self.novelty, 6),
        }


@dataclass(slots=True)
class Story:
    """One story: members in time order (ties: input order), its first report and a label."""

    id: str
    members: list[str]
    first_report: str
    label: str
    first_seen: str | None
    last_seen: str | None
    sources: list[str]

    @property
    def size(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "story_id": self.id,
            "label": self.label,
            "size": self.size,
            "first_report": self.first_report,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "members": list(self.members),
            "sources": list(self.sources),
        }


@dataclass(slots=True)
class StoryResult:
    """Batch output: one assignment per article (input order) and the stories, largest first."""

    assignments: list[Assignment]
    stories: list[Story]
    pairs_scored: int = 0
    candidates_examined: int = 0

    @property
    def story_of(self) -> dict[str, str]:
        return {a.article_id: a.story_id for a in self.assignments}

    def first_reports(self) -> dict[str, str]:
        return {s.id: s.first_report for s in self.stories}

    def assignment_records(self) -> list[dict[str, Any]]:
        first = self.first_reports()
        return [a.to_dict() | {"first_report": first[a.story_id]} for a in self.assignments]


def story_id_for(first_article_id: str) -> str:
    """Stable story id: derived from (and readable as) the id of the story's first article."""
    return f"story:{first_article_id}"


@dataclass(slots=True)
class Node:
    """One article as the engine holds it: processing order, time, indexed terms, signature."""

    id: str
    order: int
    time: float | None
    published: str | None
    source: str | None
    terms: dict[str, float]
    sig: np.ndarray | None = None
