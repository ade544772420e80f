"""A stored story's timeline for the API (``GET /stories/{id}/timeline``) and the story page.

The timeline is :func:`storyline.timeline.build_timeline` over the story's stored articles
(original text, earliest :data:`MAX_VERSIONS` when a story is larger), built with the
same-source rule (no model: deterministic and fast). A built timeline is kept until the
store changes (its last sequence number), so the page and the JSON share one build.

The page section reuses the library's SVG step charts (:func:`count_chart`, which escapes all
text) and shows the fact tracks through the service's autoescaped Jinja template, each change
and conflict linking to the compare page of the two versions involved.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from markupsafe import Markup

from storyline.service.comparison import article_from_row
from storyline.store import Store
from storyline.timeline import Mention, Timeline, Track, build_timeline
from storyline.timeline.chart import count_chart, source_colors

__all__ = ["MAX_VERSIONS", "StoryTimelines", "timeline_view"]

MAX_VERSIONS = 200  # the largest story size benchmarks/timeline.py times (well under a second per 50)
MAX_CHARTS = 6
MAX_FLAT_CHARTS = 2
MAX_NAMES = 40
_NAME_KINDS = ("person", "org", "place", "name")
_CACHED = 64


class StoryTimelines:
    """Timelines of stored stories, built on demand and kept until the store changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._built: OrderedDict[str, tuple[int, Timeline, dict[str, Any]]] = OrderedDict()

    def get(self, story_id: str) -> tuple[Timeline, dict[str, Any]] | None:
        """(timeline, story facts: story_id, label, versions_total, versions_shown), or None
        when there is no such story."""
        seq = self.store.last_seq()
        with self._lock:
            hit = self._built.get(story_id)
            if hit is not None and hit[0] == seq:
                self._built.move_to_end(story_id)
                return hit[1], hit[2]
        story = self.store.get_story(story_id, text=True)
        if story is None:
            return None
        members = [m for m in story["members"] if not m.get("damaged")]  # the rest still builds
        shown = members[:MAX_VERSIONS]
        t = build_timeline([article_from_row(m) for m in shown])
        info = {"story_id": story["id"], "label": story.get("label"),
                "versions_total": len(members), "versions_shown": len(shown)}
        with self._lock:
            self._built[story_id] = (seq, t, info)
            self._built.move_to_end(story_id)
            while len(self._built) > _CACHED:
                self._built.popitem(last=False)
        return t, info

    def json(self, story_id: str) -> dict[str, Any] | None:
        """The API answer: the story's id and version counts, then docs/timeline.md's schema."""
        got = self.get(story_id)
        if got is None:
            return None
        t, info = got
        return info | t.to_dict()


# ------------------------------------------------------------------ the story page's section


def _when(published: str | None) -> str:
    return published[:16].replace("T", " ") if published else "undated"


def _mention(m: Mention) -> dict[str, Any]:
    return {"v": f"v{m.version + 1}", "source": m.source or "unknown source",
            "when": _when(m.published), "article_id": m.article_id,
            "offsets": f"[{m.start}:{m.end}]", "sentence": m.sentence, "text": m.text}


def _value(m: Mention, what: str) -> str:
    return (m.speaker or "") if what == "speaker" else m.text


def _label(x: Track) -> str:
    """The track's label, or its kind and first value when it has none (a bare number)."""
    return x.label() or f"{x.kind} {x.first.text}"


def _track(x: Track) -> dict[str, Any]:
    values = [] if x.kind in ("quote", "claim") else list(dict.fromkeys(m.text for m in x.mentions))
    if values == [x.label()]:  # a name stated one way: its label says it
        values = []
    return {
        "id": x.id, "label": _label(x), "kind": x.kind,
        "speaker": x.first.speaker if x.kind == "quote" else None,
        "stated": values[:6], "n": len(x.mentions),
        "first": _mention(x.first), "last": _mention(x.last),
        "stopped": None if x.stopped is None else f"v{x.stopped[0] + 1}",
        "changes": [{"old": _value(c.old, c.what), "new": _value(c.new, c.what),
                     "at": _mention(c.new), "a": c.old.article_id, "b": c.new.article_id}
                    for c in x.changes],
    }


def _groups(t: Timeline) -> list[dict[str, Any]]:
    out = []
    for title, key, kinds in (("Counts", "count", ("count",)), ("Times", "time", ("time",)),
                              ("Quotes", "quote", ("quote",)),
                              ("Attributed claims", "claim", ("claim",)),
                              ("People, organisations and places", "name", _NAME_KINDS)):
        tracks = [x for x in t.facts if x.kind in kinds]
        if kinds == _NAME_KINDS:  # the names that came, went or changed are the news
            tracks = [x for x in tracks if x.first.version > 0 or x.stopped is not None
                      or x.changes] or tracks
            tracks = tracks[:MAX_NAMES]
        if tracks:
            out.append({"title": title, "key": key, "tracks": [_track(x) for x in tracks]})
    return out


def timeline_view(t: Timeline, info: dict[str, Any]) -> dict[str, Any]:
    """What story.html's Timeline section shows: charts (the library's SVG, already escaped),
    the source legend, fact tracks by kind and the conflicts, as plain values for Jinja."""
    counts = [x for x in t.facts if x.kind == "count"]
    counts.sort(key=lambda x: (-len(x.changes), -len({m.source for m in x.mentions}),
                               -len(x.mentions), x.first.version))
    # counts that moved or that sources disagree on first; a flat line says little, so few
    moved = [x for x in counts if len({m.value for m in x.mentions}) > 1]
    flat = [x for x in counts if len({m.value for m in x.mentions}) == 1][:MAX_FLAT_CHARTS]
    charted = (moved + flat)[:MAX_CHARTS]
    charts = [Markup(c) for c in (count_chart(t, x) for x in charted) if c]
    by_id = {x.id: x for x in t.facts}
    return {
        "info": info,
        "versions": len(t.versions),
        "n_facts": len(t.facts),
        "n_changes": sum(len(x.changes) for x in t.facts),
        "charts": charts,
        "legend": [{"source": s, "color": c} for s, (c, _) in source_colors(t).items()],
        "groups": _groups(t),
        "conflicts": [{"fact": _label(by_id[c.track]), "track": c.track, "a": _mention(c.a),
                       "b": _mention(c.b)} for c in t.conflicts],
    }
