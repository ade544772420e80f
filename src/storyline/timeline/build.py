"""Build a story's timeline: which version first reported each fact, how it moved, who disagreed.

Versions are ordered by publication time, then input order (undated ones last). Each version
is compared with one earlier version, its *reference*: the most similar by word overlap,
its own source first (an agency's update is compared with the agency's previous version, a
syndicated copy with what it copies). Facts are paired with the reference's by meaning
(:func:`storyline.explain.fact_pairs.pair_facts`: the same count, the same event's time, in
sentences that say the same thing); a paired fact joins the reference fact's track, an
unpaired one starts a track (the version reported it first) unless an earlier track states
the same value in a sentence with the same context. Names are tracked by their key, quotes by
their words (tolerant of trimming and quote style) with their attributed speaker.

A different value is a **change** only when the version updates its reference: the same
source (or, with a scorer, relation ``revision``, or one story from the same source). Another
source's different value at the same time (within ``conflict_window``) is a **conflict**.
Pure computation: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from storyline.compare import SAME_STORY
from storyline.data import Article
from storyline.errors import ConfigError, InputError
from storyline.explain.align import Alignment, Sentence, align_sentences
from storyline.explain.extract import Fact, QuoteSpan
from storyline.explain.fact_pairs import fact_measure, pair_facts
from storyline.explain.facts_diff import changed_facts, shared_quotes
from storyline.timeline.model import Change, Conflict, Mention, Timeline, Track, Version
from storyline.timeline.versions import (
    ENTITY_KINDS,
    KIND_ORDER,
    WORD,
    Doc,
    content_words,
    mention,
    prepare_versions,
    reference,
    resolved_day,
    same_source,
    sentence_at,
)

__all__ = ["build_timeline"]


def _featurize(scorer: Any, article: Article) -> Any:
    try:
        return scorer.featurize(article, normalized=True)
    except TypeError:  # a scorer without the keyword (its own normalization)
        return scorer.featurize(article)


class _Builder:
    """The state of one timeline build (tracks by fact, quote and name; drops; changes)."""

    def __init__(self, docs: list[Doc], scorer: Any, window: timedelta) -> None:
        self.docs = docs
        self.scorer = scorer
        self.window = window
        self.tracks: list[Track] = []
        self.fact_track: dict[tuple[int, int, int], Track] = {}
        self.quote_track: dict[tuple[int, int], Track] = {}
        self.name_track: dict[str, Track] = {}
        self.claim_track: dict[tuple[int, int], Track] = {}
        self.drops: dict[str, list[tuple[int, str]]] = {}
        self.features: dict[int, Any] = {}
        self.versions: list[Version] = []
        # names replaced inside edited sentences: off, the entity kinds of the rule-based
        # extractor are too noisy for it (places and organisations read as people); people
        # are followed as quote speakers instead
        self.name_changes = False

    # -------------------------------------------------------------- helpers

    def _new(self, kind: str, measure: str, subject: str) -> Track:
        t = Track(f"t{len(self.tracks)}", kind, measure, subject)
        self.tracks.append(t)
        return t

    def _add(self, t: Track, doc: Doc, m: Mention) -> None:
        if t.id not in doc.tracks:
            t.mentions.append(m)
            doc.tracks[t.id] = m

    def _adopted(self, t: Track, doc: Doc) -> bool:
        """Whether another source stated this version's value of the track earlier: then this
        version repeats that report (an outlet catching up), it does not change the fact."""
        m = doc.tracks[t.id]
        return any(n.value == m.value and n.version < doc.index
                   and not same_source(self.docs[n.version].article, doc.article)
                   for n in t.mentions)

    def _relation(self, a: Doc, b: Doc) -> str:
        if self.scorer is None:
            raise RuntimeError("no scorer")
        for d in (a, b):
            if d.index not in self.features:
                self.features[d.index] = _featurize(self.scorer, d.article)
        return str(self.scorer.score(self.features[a.index], self.features[b.index]).relation)

    # -------------------------------------------------------------- one version

    def first(self, doc: Doc) -> None:
        for f in doc.facts:
            self._fact_track(doc, f, None)
        for f in doc.entities:
            self._name(doc, f)
        for i in range(len(doc.quotes)):
            self._quote_track(doc, i, None)
        for c in doc.claims:
            self._claim_track(doc, c, None)
        self.versions.append(Version(
            doc.index, doc.article.id, doc.article.source, doc.article.published,
            doc.article.title, None, "first", "first",
            {"kept": 0, "edited": 0, "added": len(doc.sentences), "dropped": 0}))

    def next(self, doc: Doc) -> None:
        ref = reference(doc, self.docs[: doc.index])
        al = align_sentences(ref.sentences, doc.sentences)
        # a copy adds and rewrites nothing; another source's copy may also trim (a credit line)
        kept_all = not al.only_b and all(p.kind == "same" for p in al.pairs) and bool(al.pairs)
        identical = kept_all and not al.only_a
        if self.scorer is not None:
            rel = self._relation(ref, doc)
            update = rel == "revision" or (same_source(ref.article, doc.article)
                                           and rel in SAME_STORY)
        else:
            update = same_source(ref.article, doc.article) or (
                not (ref.article.source and doc.article.source)
                and _kept(al) * 2 >= len(ref.sentences))
        relation = ("copy" if identical else "update" if update
                    else "copy" if kept_all else "other")
        changed: list[Track] = []
        self._facts(ref, doc, al, relation == "update", changed)
        self._names(ref, doc, al, relation == "update", changed)
        self._quotes(ref, doc, relation == "update", changed)
        self._claims(ref, doc, al)
        if relation == "update":
            for tid in ref.tracks:
                if tid not in doc.tracks:
                    self.drops.setdefault(tid, []).append((doc.index, doc.article.id))
        first = self.docs[0]
        if self.scorer is not None:
            to_first = self._relation(first, doc)
        elif first.article.text == doc.article.text:
            to_first = "duplicate"
        else:
            to_first = "revision" if same_source(first.article, doc.article) else "same_story"
        self.versions.append(Version(
            doc.index, doc.article.id, doc.article.source, doc.article.published,
            doc.article.title, ref.index, relation, to_first,
            {"kept": sum(1 for p in al.pairs if p.kind == "same"),
             "edited": sum(1 for p in al.pairs if p.kind == "edited"),
             "added": len(al.only_b), "dropped": len(al.only_a)},
            changed=list(dict.fromkeys(t.id for t in changed))))

    # -------------------------------------------------------------- counts and times

    def _fact_track(self, doc: Doc, f: Fact, track: Track | None) -> Track:
        t = track or self._new("count" if f.kind == "number" else "time", fact_measure(f),
                               f.subject)
        self._add(t, doc, mention(doc, f.text, f.key, f.start, f.end,
                                   resolved=resolved_day(doc, f)))
        self.fact_track[(doc.index, f.start, f.end)] = t
        return t

    def _facts(self, ref: Doc, doc: Doc, al: Alignment, update: bool,
               changed: list[Track]) -> None:
        paired: set[tuple[int, int]] = set()
        for p in pair_facts(ref.facts, doc.facts, al):
            t = self.fact_track.get((ref.index, p.a.start, p.a.end))
            if t is None or t.id in doc.tracks:
                continue
            self._fact_track(doc, p.b, t)
            paired.add((p.b.start, p.b.end))
            if p.status != "same" and update and not self._adopted(t, doc):
                t.changes.append(Change(ref.tracks[t.id], doc.tracks[t.id]))
                changed.append(t)
        for f in doc.facts:
            if (f.start, f.end) not in paired:
                self._fact_track(doc, f, self._earlier_track(doc, f))

    def _earlier_track(self, doc: Doc, f: Fact) -> Track | None:
        """A track of an earlier version stating the same value in a sentence with the same
        context (a fact the reference dropped and this version restores)."""
        kind = "count" if f.kind == "number" else "time"
        s = sentence_at(doc, f.start)
        words = content_words(s.text) if s else frozenset()
        for t in reversed(self.tracks):
            if (t.kind != kind or t.id in doc.tracks or t.measure != fact_measure(f)
                    or t.last.value != f.key):
                continue
            if len(words & content_words(t.last.sentence)) >= 3:
                return t
        return None

    # -------------------------------------------------------------- names

    def _name(self, doc: Doc, f: Fact) -> Track:
        t = self.name_track.get(f.key)  # one name, whatever kind each version's text suggests
        if t is None:
            t = self._new(ENTITY_KINDS.get(f.unit, "name"), f.unit, "")
            self.name_track[f.key] = t
        self._add(t, doc, mention(doc, f.text, f.key, f.start, f.end))
        return t

    def _names(self, ref: Doc, doc: Doc, al: Alignment, update: bool,
               changed: list[Track]) -> None:
        for f in doc.entities:
            self._name(doc, f)
        if not update or not self.name_changes:
            return
        people_a, people_b = ref.people, doc.people
        if not people_a or not people_b:
            return
        # a person replaced by another inside an edited sentence (a new spokesman, say)
        for c in changed_facts(al, ref.article.text, doc.article.text, people_a, people_b):
            if c.kind != "entity" or c.span_a is None or c.span_b is None:
                continue
            fa = next((f for f in people_a if (f.start, f.end) == c.span_a), None)
            fb = next((f for f in people_b if (f.start, f.end) == c.span_b), None)
            if fa is None or fb is None:
                continue
            old = self.name_track.get(fa.key)
            if old is None or old.id not in ref.tracks:
                continue
            new = mention(doc, fb.text, fb.key, fb.start, fb.end)
            old.changes.append(Change(ref.tracks[old.id], new))
            changed.append(old)

    # -------------------------------------------------------------- quotes

    def _quote_track(self, doc: Doc, i: int, track: Track | None) -> Track:
        q = doc.quotes[i]
        t = track or self._new("quote", "", "")
        sp = doc.speakers[i]
        self._add(t, doc, mention(doc, q.text, " ".join(WORD.findall(q.text.lower())),
                                   q.start, q.end, sp[0] if sp else None))
        self.quote_track[(doc.index, i)] = t
        return t

    def _quotes(self, ref: Doc, doc: Doc, update: bool, changed: list[Track]) -> None:
        pairs = _match_quotes(ref, doc)
        done: set[int] = set()
        for i, j in pairs:
            if j in done:
                continue
            t = self.quote_track.get((ref.index, i))
            if t is None or t.id in doc.tracks:
                continue
            self._quote_track(doc, j, t)
            done.add(j)
            sa, sb = ref.speakers[i], doc.speakers[j]
            if update and sa and sb and sa[1] != sb[1] and not any(
                    n.speaker == sb[0] and n.version < doc.index for n in t.mentions[:-1]):
                t.changes.append(Change(ref.tracks[t.id], doc.tracks[t.id], "speaker"))
                changed.append(t)
        rest = [j for j in range(len(doc.quotes)) if j not in done]
        if not rest:
            return
        # quotes the reference lacks: an earlier version's quote, else a new one
        open_tracks = [t for t in self.tracks if t.kind == "quote" and t.id not in doc.tracks]
        last = [QuoteSpan(t.last.text, t.last.start, t.last.end) for t in open_tracks]
        mine = [doc.quotes[j] for j in rest]
        matched: dict[int, Track] = {}
        for sq in shared_quotes(last, mine):
            k = next((n for n, q in enumerate(mine) if (q.start, q.end) == sq.span_b), None)
            t = next((t for t, q in zip(open_tracks, last, strict=True)
                      if (q.start, q.end) == sq.span_a and q.text == sq.a), None)
            if k is not None and t is not None:
                matched.setdefault(rest[k], t)
        for j in rest:
            t = matched.get(j)
            self._quote_track(doc, j, t if t is not None and t.id not in doc.tracks else None)

    # -------------------------------------------------------------- attributed claims

    def _claim_track(self, doc: Doc, claim: tuple[Sentence, str, str], track: Track | None
                     ) -> Track:
        s, speaker, key = claim
        t = track or self._new("claim", "", "")
        self._add(t, doc, Mention(doc.index, doc.article.id, doc.article.source,
                                  doc.article.published, s.text, key, s.text, s.start, s.end,
                                  speaker))
        self.claim_track[(doc.index, s.index)] = t
        return t

    def _claims(self, ref: Doc, doc: Doc, al: Alignment) -> None:
        """A claim continues the reference's claim in the sentence it is aligned with, when
        the same speaker makes it; any other claim is new."""
        mine = {c[0].index: c for c in doc.claims}
        theirs = {c[0].index: c for c in ref.claims}
        done: set[int] = set()
        for p in al.pairs:
            for sb in p.b:
                cb = mine.get(sb.index)
                if cb is None or sb.index in done:
                    continue
                for sa in p.a:
                    ca = theirs.get(sa.index)
                    t = self.claim_track.get((ref.index, sa.index))
                    if ca is not None and t is not None and ca[2] == cb[2] \
                            and t.id not in doc.tracks:
                        self._claim_track(doc, cb, t)
                        done.add(sb.index)
                        break
        for c in doc.claims:
            if c[0].index not in done:
                self._claim_track(doc, c, None)

    # -------------------------------------------------------------- the end

    def finish(self) -> Timeline:
        for t in self.tracks:
            last = t.last.version
            stop = next((d for d in self.drops.get(t.id, []) if d[0] > last), None)
            t.stopped = stop
        order = sorted(self.tracks, key=lambda t: (t.first.version, KIND_ORDER[t.kind],
                                                   t.first.start, t.id))
        rename = {t.id: f"f{n + 1}" for n, t in enumerate(order)}
        for t in order:
            t.id = rename[t.id]
        for v in self.versions:
            v.changed = [rename[x] for x in v.changed]
            v.added = [t.id for t in order if t.first.version == v.index]
        conflicts = self._conflicts(order)
        scorer = type(self.scorer).__name__ if self.scorer is not None else None
        return Timeline(self.versions, order, conflicts, scorer)

    def _conflicts(self, tracks: Sequence[Track]) -> list[Conflict]:
        """Different values of one fact from different sources within the window, when the
        two values were first reported by different sources: copies still carrying the
        agency's earlier figure after it updated it are out of date, not in conflict."""
        out: list[Conflict] = []
        for t in tracks:
            if t.kind not in ("count", "time") or len(t.mentions) < 2:
                continue
            seen: set[tuple[str, str, str, str]] = set()
            origin: dict[str, str] = {}  # value -> the source that first reported it
            for x in t.mentions:
                origin.setdefault(x.value, (x.source or "").casefold())

            for k, m in enumerate(t.mentions):
                tm = self.docs[m.version].instant
                for n in t.mentions[:k]:
                    tn = self.docs[n.version].instant
                    if (not m.source or not n.source or m.source.casefold() == n.source.casefold()
                            or m.value == n.value or tm is None or tn is None
                            or abs(tm - tn) > self.window
                            or origin[m.value] == origin[n.value]):
                        continue
                    sig = (n.source, m.source, n.value, m.value)
                    if sig not in seen:
                        seen.add(sig)
                        out.append(Conflict(t.id, n, m))
        return out


def _match_quotes(a: Doc, b: Doc) -> list[tuple[int, int]]:
    """One-to-one quote pairs of two versions, most similar first; among equally similar
    ones (two people saying the same words) the same speaker first, then the closer position."""
    cands = []
    for i, qa in enumerate(a.quotes):
        for j, qb in enumerate(b.quotes):
            found = shared_quotes([qa], [qb])
            if not found:
                continue
            sa, sb = a.speakers[i], b.speakers[j]
            same = sa is not None and sb is not None and sa[1] == sb[1]
            cands.append((-found[0].similarity, 0 if same else 1, abs(i - j), i, j))
    cands.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for *_, i, j in cands:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return out


def _kept(al: Alignment) -> int:
    return sum(len(p.a) for p in al.pairs)


def build_timeline(
    articles: Iterable[Article],
    scorer: Any = None,
    *,
    conflict_window: timedelta = timedelta(hours=12),
    entities: str = "rules",
) -> Timeline:
    """The timeline of one story told by ``articles`` (any order; sorted by publication time).

    ``scorer``: a fitted pair scorer (:class:`storyline.link.Linker` or anything with
    ``featurize`` and ``score`` returning a ``relation``). Without one, a version updates its
    reference when both have the same source (or a source is unknown and at least half the
    reference's sentences are kept), which needs no model and is deterministic.
    ``conflict_window``: how close in time two sources' different values must be to count as
    a conflict rather than as old and new reports. ``entities``: the name extractor, 'rules'
    (default: fast and deterministic, a 50-version story in well under a second), 'spacy' or
    'auto' (the statistical model of storyline[ner]: better names, ~0.13 s per 1,000 words of
    each distinct version).
    """
    if entities not in ("rules", "spacy", "auto"):
        raise ConfigError(f"entities={entities!r} is not a name extractor",
                          hint="use rules, spacy or auto")
    arts = list(articles)
    if not arts:
        raise InputError("build_timeline needs at least one article",
                         hint="pass the articles of one story")
    for n, a in enumerate(arts):
        if not isinstance(a, Article):
            raise InputError(f"item {n} is a {type(a).__name__}, not an Article",
                             where=f"articles[{n}]", hint="read inputs with storyline.io")
    ids = [a.id for a in arts]
    dup = next((i for i in ids if ids.count(i) > 1), None) if len(set(ids)) < len(ids) else None
    if dup is not None:
        raise InputError(f"article id {dup!r} appears more than once",
                         where=f"articles[{ids.index(dup)}]", hint="give each version its own id")
    docs = prepare_versions(arts, entities)
    b = _Builder(docs, scorer, conflict_window)
    b.first(docs[0])
    for d in docs[1:]:
        b.next(d)
    return b.finish()
