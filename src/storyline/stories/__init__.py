"""Story clustering: candidates -> scored pairs -> stories, first reports, streaming updates.

One engine serves batch and streaming. Each article (in time order for batch, arrival order
for a stream) is featurized, its candidates are found in a bounded index (salient terms with
capped postings + MinHash bands, inside a time window), scored by the pair scorer (by default
:class:`storyline.link.Linker`), and assigned to a story by the rule in :mod:`.book`.

The parts, each usable alone (Spark's engine composes the same ones):

* :class:`WindowClock` (window.py): the window's outlier-robust clock, ``observe(t) -> cut``;
* :class:`CandidateIndex` (candidates.py): live articles and their candidates;
* :class:`StoryBook` (book.py): stories so far, the pure ``decide`` and ``commit``/``place``;
* :func:`merge_stories` / :func:`finish` (merge.py): batch's merge pass, stories and labels;
* :class:`StoryTracker` (tracker.py): the stream, composed of the above;
* :func:`cluster_stories` (batch.py): the batch run, optionally with worker processes.

Batch mode runs a merge pass after assignment; a stream never re-arranges stories it already
reported, so batch and stream can differ: a stream keeps a story split when an early article
was ambiguous and sees articles in arrival order, not publication order.
"""

from storyline.stories.batch import cluster_stories
from storyline.stories.book import Decision, PairScores, StoryBook, deciding_score
from storyline.stories.candidates import CandidateIndex, index_terms
from storyline.stories.config import LEVELS, ClusterConfig, level_config
from storyline.stories.idf import with_corpus_idf
from storyline.stories.merge import build_stories, finish, merge_stories
from storyline.stories.tracker import StoryTracker
from storyline.stories.types import (
    Assignment,
    LightScore,
    Node,
    PairScoreLike,
    Scorer,
    Story,
    StoryResult,
    story_id_for,
)
from storyline.stories.window import WindowClock, parse_time

__all__ = [
    "Assignment",
    "CandidateIndex",
    "ClusterConfig",
    "Decision",
    "LEVELS",
    "LightScore",
    "Node",
    "PairScoreLike",
    "PairScores",
    "Scorer",
    "Story",
    "StoryBook",
    "StoryResult",
    "StoryTracker",
    "WindowClock",
    "build_stories",
    "cluster_stories",
    "deciding_score",
    "finish",
    "index_terms",
    "level_config",
    "merge_stories",
    "parse_time",
    "story_id_for",
    "with_corpus_idf",
]
