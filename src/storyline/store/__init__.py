"""Persistent story index: SQLite store, incremental indexer and story assignment protocol."""

from storyline.store.assigners import (
    Assigned,
    DuplicateGroupAssigner,
    Stored,
    StoryAssigner,
    ToAssign,
    make_assigner,
)
from storyline.store.db import Store, StoreConfig, StoreError
from storyline.store.indexer import AddResult, Indexer

__all__ = [
    "AddResult",
    "Assigned",
    "DuplicateGroupAssigner",
    "Indexer",
    "Store",
    "StoreConfig",
    "StoreError",
    "Stored",
    "StoryAssigner",
    "ToAssign",
    "make_assigner",
]
