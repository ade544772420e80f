"""The story-assignment protocol, so the indexer does not care who decides.

The indexer hands each new article (with its dedup outcome) to a :class:`StoryAssigner`, stores
what it returns (story id, relation, and the assigner's own features as bytes) and, when a
store is reopened or another process has written to it, feeds the stored rows back through
:meth:`StoryAssigner.restore` so in-memory state is rebuilt without recomputing features.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from storyline.data import Article


@dataclass(slots=True)
class ToAssign:
    """One new article and what dedup found for it."""

    seq: int
    article: Article
    duplicate_of: str | None = None  # id of the stored original, when this is a duplicate
    duplicate_story: str | None = None  # that original's story
    duplicate_score: float = 0.0
    features: Any = None  # the assigner's features, when computed ahead (e.g. in a worker)
    encoded: bytes | None = None  # and their stored form (the featurizer's ``encode``), if any


@dataclass(slots=True)
class Assigned:
    """The assigner's decision; ``features`` are persisted and given back on restore."""

    story_id: str
    relation: str
    is_new_story: bool
    nearest_id: str | None = None
    similarity: float | None = None
    novelty: float | None = None
    label: str | None = None
    features: bytes | None = None
    reason: str | None = None  # a new story: why nothing matched (not stored)


@dataclass(slots=True)
class Stored:
    """What :meth:`StoryAssigner.restore` gets back for each stored article, in insert order."""

    seq: int
    article_id: str
    published: str | None
    story_id: str
    relation: str
    features: bytes | None
    source: str | None = None
    text: str | None = None  # normalized text (features may leave it out to save space)
    kind: str | None = None  # the features' codec (the ``kind`` they were stored with)


class StoryAssigner(Protocol):
    """Decides the story of each new article; keeps whatever state it needs in memory."""

    name: str
    features_kind: str | None  # label of the bytes in ``Assigned.features`` (None: stores none)

    def assign(self, item: ToAssign) -> Assigned:
        """Decide and remember (the article becomes part of the state)."""
        ...

    def peek(self, item: ToAssign) -> Assigned:
        """Decide without remembering (for queries)."""
        ...

    def restore(self, rows: Iterable[Stored]) -> None:
        """Add stored articles to the in-memory state (no recomputation of features)."""
        ...

    def reset(self) -> None:
        """Forget all state (after a rolled-back batch, before restoring from the store)."""
        ...


def headline_label(article: Article) -> str:
    """A story label from its first report: the headline, else the opening words."""
    if article.title:
        return article.title.strip()[:200]
    words = article.text.split()
    return " ".join(words[:12]) + (" ..." if len(words) > 12 else "")
