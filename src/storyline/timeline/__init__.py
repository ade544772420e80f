"""Story timeline: how the facts of one story evolved across its versions.

``build_timeline(articles)`` orders the versions by publication time and follows every count,
time, name and quote through them: who reported it first (article, source, time, sentence,
character offsets), each change (old -> new, where), when it stopped appearing, and where two
sources disagreed at the same time. ``Timeline.to_dict()`` is the JSON of docs/timeline.md;
:func:`timeline_text` and :func:`timeline_html` render it. Pure computation, no I/O.
"""

from storyline.timeline.build import build_timeline
from storyline.timeline.model import (
    SCHEMA_VERSION,
    Change,
    Conflict,
    Mention,
    Timeline,
    Track,
    Version,
)
from storyline.timeline.render_html import timeline_html
from storyline.timeline.render_text import timeline_text

__all__ = [
    "SCHEMA_VERSION",
    "Change",
    "Conflict",
    "Mention",
    "Timeline",
    "Track",
    "Version",
    "build_timeline",
    "timeline_html",
    "timeline_text",
]
