"""The fallback assigner: a story is a duplicate group (an original and its near copies)."""

from __future__ import annotations

from collections.abc import Iterable

from storyline.store.assigners.base import Assigned, Stored, ToAssign, headline_label


class DuplicateGroupAssigner:
    """Fallback assigner: a story is a duplicate group (original + its near copies).

    Stateless: everything it needs (the original's story) comes from the store's dedup lookup,
    so restore is a no-op. Used when no story-linking model is installed.
    """

    name = "duplicate-groups"
    features_kind: str | None = None

    def _decide(self, item: ToAssign) -> Assigned:
        if item.duplicate_of is not None and item.duplicate_story is not None:
            return Assigned(
                story_id=item.duplicate_story,
                relation="duplicate",
                is_new_story=False,
                nearest_id=item.duplicate_of,
                similarity=item.duplicate_score,
                novelty=round(1.0 - item.duplicate_score, 4),
            )
        return Assigned(
            story_id=f"st{item.seq:08d}",
            relation="new",
            is_new_story=True,
            novelty=1.0,
            label=headline_label(item.article),
        )

    def assign(self, item: ToAssign) -> Assigned:
        return self._decide(item)

    def peek(self, item: ToAssign) -> Assigned:
        return self._decide(item)

    def restore(self, rows: Iterable[Stored]) -> None:
        for _ in rows:
            pass

    def reset(self) -> None:
        return None
