"""Settings for story clustering (batch and stream), validated on construction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storyline.config import MinHashParams
from storyline.errors import ConfigError

# story candidates' MinHash: smaller signatures than dedup's (they only propose candidates)
STORY_MINHASH = MinHashParams(num_perm=64, threshold=0.5)


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Settings for story clustering (batch and stream), validated on construction.

    ``threshold``: average pair score an article needs to a story to join it. The defaults
    (0.7 average, 0.8 support, on the Linker's same-story probability) were fitted on a
    synthetic corpus (benchmarks/story_clusters.py, seed 5), never on the reported test data.
    ``support_threshold``: score at which a member counts as supporting (default: ``threshold``);
    set it above ``threshold`` to let a story absorb a member that is close to most of it
    (average) and very close to a few (support), e.g. an update that reworded the original.
    ``score_field``: which pair score decides: ``same_story`` (the Linker's same-event
    probability; falls back to ``similarity`` for scorers without it) or ``similarity`` (graded,
    topic-like relatedness: the setting for topic-level clustering such as WikiRef).
    ``corpus_idf``: refine the scorer's IDF on the articles being clustered (batch: all of them
    first; stream: each article as it arrives), so a corpus's own stock phrases stop counting as
    shared evidence. Needs a scorer with an ``idf`` model (the Linker has one).
    ``window_days``: only articles published within this many days of each other are compared
    (None: no window; articles without a date are always comparable).
    ``k``: candidates scored per article. ``max_terms`` / ``max_postings``: per-article indexed
    terms and the posting length beyond which a term is skipped as too common.
    ``min_term_score``: shared term weight below which a pair is not worth scoring.
    ``min_support``: members of a story that must each score >= support_threshold to join or
    merge it (fewer when the story has fewer members in the window).
    ``use_minhash``: add MinHash-band candidates (catches copies whose terms are all common),
    with ``minhash`` (:data:`STORY_MINHASH`: 64 permutations of 5-word shingles, seed 1, bands
    tuned for Jaccard 0.5; band hashes seeded 0).
    ``ann_k``: when the features carry an ``embedding`` (a scorer with an embedder), also add
    the article's ``ann_k`` nearest embedded neighbours in the window from an approximate
    nearest-neighbour index (usearch, the ``[embeddings]`` extra); 0 (default) turns it off:
    its effect on clustering quality has not been measured yet. Without embeddings it does
    nothing.
    ``max_items``: cap on articles kept in a stream's index (oldest dropped), None = window only.
    ``merge``: batch only, run the average-linkage merge pass after assignment.
    ``merge_support``: a merge also needs supporting pairs for at least this fraction of the
    smaller story's members, so two big groups touching through a few look-alike members (the
    usual way two topics or two stories chain) stay apart.
    ``merge_agree``: a merge also needs at least this share of the scored cross pairs to
    support it: two concurrent same-topic, same-place events have many cross pairs, a few of
    them look-alikes; two halves of one story agree on most of theirs. (``max_postings`` 400
    and ``merge_agree`` 0.5 were chosen on a 5,000-article synthetic corpus of seed 5, whose
    7-day window is as dense as the test corpus's; see docs/stories.md.)
    ``chunk``: batch articles featurized and scored per step (with ``workers`` processes).
    """

    threshold: float = 0.7
    support_threshold: float | None = 0.8
    score_field: str = "same_story"
    corpus_idf: bool = True
    window_days: float | None = 7.0
    k: int = 20
    max_terms: int = 32
    max_postings: int = 400
    min_term_score: float = 0.02
    min_support: int = 2
    use_minhash: bool = True
    ann_k: int = 0
    minhash: MinHashParams = STORY_MINHASH
    max_items: int | None = None
    merge: bool = True
    merge_support: float = 0.5
    merge_agree: float = 0.5
    label_terms: int = 4
    workers: int = 1
    chunk: int = 2000

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in [0, 1], got {self.threshold}", hint="use e.g. 0.5")
        if self.window_days is not None and self.window_days <= 0:
            raise ConfigError(
                f"window_days must be > 0 or None, got {self.window_days}",
                hint="use e.g. --window-days 7, or 0 for no window on the command line",
            )
        for name in ("k", "max_terms", "max_postings", "min_support", "label_terms", "workers", "chunk"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.support_threshold is not None and not 0.0 <= self.support_threshold <= 1.0:
            raise ConfigError(f"support_threshold must be in [0, 1], got {self.support_threshold}")
        if self.score_field not in ("same_story", "similarity"):
            raise ConfigError(
                f"score_field must be 'same_story' or 'similarity', got {self.score_field!r}"
            )
        if not 0.0 <= self.merge_support <= 1.0:
            raise ConfigError(f"merge_support must be in [0, 1], got {self.merge_support}")
        if not 0.0 <= self.merge_agree <= 1.0:
            raise ConfigError(f"merge_agree must be in [0, 1], got {self.merge_agree}")
        if self.ann_k < 0:
            raise ConfigError(f"ann_k must be >= 0, got {self.ann_k}", hint="0 turns ANN candidates off")

    @property
    def support_at(self) -> float:
        return self.threshold if self.support_threshold is None else self.support_threshold

    @property
    def window_s(self) -> float | None:
        return None if self.window_days is None else self.window_days * 86400.0


# What each grouping level changes from the defaults (docs/stories.md). ``story``: reports of one
# event, on the fitted same-event probability, within a week. ``topic``: articles on one subject
# however far apart (WikiRef-style), on the graded similarity with plain average linkage (support
# at the threshold) and no window; 0.2 is the median threshold that repeated 2-fold CV chose on
# WikiRef220 (benchmarks/story_clusters.py wikiref).
LEVELS: dict[str, dict[str, Any]] = {
    "story": {},
    "topic": {"threshold": 0.2, "support_threshold": None, "score_field": "similarity",
              "window_days": None},
}


def level_config(level: str = "story", **settings: Any) -> ClusterConfig:
    """The config of a grouping level (``story`` or ``topic``), with ``settings`` on top, so a
    caller names the level once and still overrides any single setting."""
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}", hint=f"use one of {', '.join(LEVELS)}")
    return ClusterConfig(**(LEVELS[level] | settings))
