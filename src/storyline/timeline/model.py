"""The timeline's vocabulary: versions, fact tracks, changes and conflicts, and their JSON.

``Timeline.to_dict()`` is the stable, versioned schema documented in docs/timeline.md
(``SCHEMA_VERSION``): fields are only added in a new version, never renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "SCHEMA_VERSION",
    "TRACK_KINDS",
    "Change",
    "Conflict",
    "Mention",
    "Timeline",
    "Track",
    "Version",
]

SCHEMA_VERSION = 1
TRACK_KINDS = ("count", "time", "person", "org", "place", "name", "quote", "claim")


@dataclass(frozen=True, slots=True)
class Mention:
    """One statement of a fact in one version, with its evidence.

    ``text`` is the fact as written ('41', 'Tuesday', 'Elena Sarov', the quote's words);
    ``value`` is what is compared across versions (a count's number, a weekday, a name's key);
    ``start``/``end`` are character offsets of ``text`` in the version's normalized text, and
    ``sentence`` is the sentence it was found in. ``speaker`` is a quote's or claim's speaker.
    ``resolved`` is a time's calendar date (ISO) against the version's publication date
    ('Monday' in a story published on Tuesday 3 March is 2026-03-02), when it can be resolved.
    """

    version: int
    article_id: str
    source: str | None
    published: str | None
    text: str
    value: str
    sentence: str
    start: int
    end: int
    speaker: str | None = None
    resolved: str | None = None

    def ref(self) -> dict[str, Any]:
        """Where: the version, article, source and time."""
        return {"version": self.version, "article_id": self.article_id, "source": self.source,
                "published": self.published}

    def to_dict(self) -> dict[str, Any]:
        d = self.ref() | {"text": self.text, "value": self.value, "sentence": self.sentence,
                          "start": self.start, "end": self.end}
        if self.speaker is not None:
            d["speaker"] = self.speaker
        if self.resolved is not None:
            d["resolved"] = self.resolved
        return d


@dataclass(frozen=True, slots=True)
class Change:
    """A fact updated by a later version: ``old`` where it was last stated, ``new`` where the
    new value is. ``what``: 'value' (a count, time or name) or 'speaker' (a quote's)."""

    old: Mention
    new: Mention
    what: str = "value"

    def to_dict(self) -> dict[str, Any]:
        old = self.old.speaker if self.what == "speaker" else self.old.text
        new = self.new.speaker if self.what == "speaker" else self.new.text
        return {"what": self.what, "old": old, "new": new,
                "from": self.old.to_dict(), "to": self.new.to_dict()}


@dataclass(slots=True)
class Track:
    """One fact followed through the story.

    ``kind``: count | time | person | org | place | name | quote | claim (a statement
    attributed to a named speaker without quote marks; ``value`` is the speaker). ``measure``: what a count
    measures ('dead', 'rescuers', 'money'), 'weekday' or the date form for a time, the entity
    kind for names; '' for quotes. ``mentions`` are in version order (one per version);
    ``stopped`` is the first version, after the last mention, that dropped it from the text
    it was built on (None while it is still stated).
    """

    id: str
    kind: str
    measure: str
    subject: str
    mentions: list[Mention] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    stopped: tuple[int, str] | None = None

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    @property
    def last(self) -> Mention:
        return self.mentions[-1]

    def label(self) -> str:
        """Short human name: 'dead', 'weekday', 'Elena Sarov', the quote's first words."""
        if self.kind == "count":
            return self.measure + (f" ({self.subject})" if self.subject
                                   and self.subject != self.measure else "")
        if self.kind == "time":
            return self.measure
        if self.kind == "claim":
            return f"{self.first.speaker} said"
        text = self.first.text
        return text if len(text) <= 60 else text[:57].rstrip() + "..."

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "measure": self.measure,
            "subject": self.subject,
            "label": self.label(),
            "first": self.first.to_dict(),
            "values": [
                {"version": m.version, "article_id": m.article_id, "source": m.source,
                 "published": m.published, "text": m.text, "value": m.value,
                 "start": m.start, "end": m.end}
                | ({"speaker": m.speaker} if m.speaker is not None else {})
                for m in self.mentions
            ],
            "changes": [c.to_dict() for c in self.changes],
            "last_seen": self.last.ref(),
            "stopped": (None if self.stopped is None
                        else {"version": self.stopped[0], "article_id": self.stopped[1]}),
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sources stating different values of one fact at the same time (within the
    window): a disagreement, not an update."""

    track: str
    a: Mention
    b: Mention

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.track, "a": self.a.to_dict(), "b": self.b.to_dict()}


@dataclass(slots=True)
class Version:
    """One article of the story, in timeline order.

    ``reference`` is the earlier version it was compared with (the most similar one, its own
    source first); ``relation`` says how it relates to it: first | update | copy | other
    (another source's report: its differing figures are not updates). ``relation_to_first``
    is the pair relation to the first report (the scorer's when one is given). ``sentences``
    counts kept/edited/added/dropped sentences against the reference; ``added`` lists the
    facts it reported first and ``changed`` the facts it updated.
    """

    index: int
    article_id: str
    source: str | None
    published: str | None
    title: str | None
    reference: int | None
    relation: str
    relation_to_first: str
    sentences: dict[str, int]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "article_id": self.article_id, "source": self.source,
            "published": self.published, "title": self.title, "reference": self.reference,
            "relation": self.relation, "relation_to_first": self.relation_to_first,
            "sentences": dict(self.sentences), "added": list(self.added),
            "changed": list(self.changed),
        }


@dataclass(slots=True)
class Timeline:
    """How the facts of one story evolved across its versions (see :func:`build_timeline`)."""

    versions: list[Version]
    facts: list[Track]
    conflicts: list[Conflict]
    scorer: str | None = None

    def track(self, track_id: str) -> Track:
        for t in self.facts:
            if t.id == track_id:
                return t
        raise KeyError(track_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "scorer": self.scorer,
            "versions": [v.to_dict() for v in self.versions],
            "facts": [t.to_dict() for t in self.facts],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }
