"""Synthetic labelled news corpus: wire originals, copies, revisions, rewrites, distractors.

All text comes from this package's own templates and vocabularies, so the corpus is free to
ship, fully deterministic, and its ground truth is known exactly.
"""

from storyline.synth.generator import (
    KINDS,
    SynthConfig,
    duplicate_groups,
    generate,
    generate_parallel,
    generate_stories,
    generate_story,
    story_labels,
)

__all__ = [
    "KINDS",
    "SynthConfig",
    "duplicate_groups",
    "generate",
    "generate_parallel",
    "generate_stories",
    "generate_story",
    "story_labels",
]
