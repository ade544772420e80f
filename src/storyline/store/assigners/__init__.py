"""Story assigners, registered once by name (the name a store is created with).

Each assigner implements :class:`StoryAssigner` (assigners/base.py); the registry loads an
assigner's module only when a store asks for it, so the fitted scorer (and its imports) is
never loaded for a store built with duplicate groups.
"""

from __future__ import annotations

import importlib

from storyline.errors import ConfigError, StorylineError
from storyline.store.assigners.base import Assigned, Stored, StoryAssigner, ToAssign, headline_label
from storyline.store.assigners.duplicate_groups import DuplicateGroupAssigner

# name -> "module:class", in the order the hint lists them
ASSIGNERS: dict[str, str] = {
    "story-tracker": "storyline.store.assigners.story_tracker:TrackerAssigner",
    "duplicate-groups": "storyline.store.assigners.duplicate_groups:DuplicateGroupAssigner",
}


def _load(name: str) -> StoryAssigner:
    module, _, cls = ASSIGNERS[name].partition(":")
    assigner: StoryAssigner = getattr(importlib.import_module(module), cls)()
    return assigner


def make_assigner(name: str) -> StoryAssigner:
    """The assigner a store was built with; ``auto`` picks the story tracker when the fitted
    pair scorer (storyline.link) is available, else duplicate groups."""
    if name == "auto":
        try:
            return _load("story-tracker")
        except (ImportError, OSError, StorylineError):
            return DuplicateGroupAssigner()
    if name in ASSIGNERS:
        return _load(name)
    raise ConfigError(
        f"unknown story assigner {name!r}",
        hint="use 'auto', 'story-tracker' or 'duplicate-groups'",
    )


__all__ = [
    "ASSIGNERS",
    "Assigned",
    "DuplicateGroupAssigner",
    "Stored",
    "StoryAssigner",
    "ToAssign",
    "headline_label",
    "make_assigner",
]
