"""The versions of a story, each prepared once for the timeline: its sentences, tracked facts,
names, quotes with their speakers and claims, and the earlier version it builds on
(:func:`reference`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from storyline.compare import prepare_article
from storyline.data import Article, parse_instant
from storyline.explain.align import Sentence, locate_sentences
from storyline.explain.extract import Fact, QuoteSpan, extract_facts, extract_quote_spans
from storyline.explain.fact_pairs import fact_measure
from storyline.timeline.model import Mention

# Numbers that are not facts a story follows: years, clock times, ages, dates' days and
# ordinals. Bare numbers ('voted 7 to 3') are followed: they pair only where the sentences
# say the same thing.
_NOT_COUNTS = frozenset({"year", "time", "age", "day", "st", "nd", "rd", "th", "ordinal"})
ENTITY_KINDS = {"PERSON": "person", "ORG": "org", "PLACE": "place", "MISC": "name"}
KIND_ORDER = {"count": 0, "time": 1, "person": 2, "org": 3, "place": 4, "name": 5, "quote": 6,
               "claim": 7}
WORD = re.compile(r"\w+")
_CONTENT = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(["the", "and", "for", "that", "with", "from", "was", "were", "has", "have", "had", "said", "says", "this", "their"])


@dataclass(slots=True)
class Doc:
    """One version, prepared once: normalized text, sentences and facts."""

    index: int
    article: Article
    instant: datetime | None
    sentences: list[Sentence]
    facts: list[Fact]  # counts and times
    entities: list[Fact]  # names, first mention of each key
    people: list[Fact]  # every mention of a person
    quotes: list[QuoteSpan]
    speakers: list[tuple[str, str] | None]  # (text, key) per quote
    words: frozenset[str]
    claims: list[tuple[Sentence, str, str]]  # attributed sentence, speaker text, speaker key
    tracks: dict[str, Mention] = field(default_factory=dict)  # track id -> its mention here


def _instant(published: str | None) -> datetime | None:
    """An ISO 8601 date or time ('2026-03-02', '2026-03-02T09:40:00Z') as an aware UTC time."""
    t = parse_instant(published)
    return None if t is None else t.astimezone(UTC)


def _tracked(f: Fact) -> bool:
    if f.kind == "number":
        return fact_measure(f) not in _NOT_COUNTS
    if f.kind == "date":
        return f.unit in ("date", "month")
    return f.kind == "weekday"


_SPEECH = re.compile(r"\b(?:said|says|say|told|tells|added|adds|asked|wrote|writes|stated|"
                     r"declared|called|warned|urged|insisted|according to|speaking for)\b",
                     re.IGNORECASE)
_ACCORDING = re.compile(r"according to\s*$", re.IGNORECASE)
# a name after a preposition is who someone speaks for, not the speaker ('X of the Y said')
_OBJECT = re.compile(r"\b(?:for|of|from|at|with|by|in|on)\s+(?:the\s+)?$", re.IGNORECASE)


def _speaker(q: QuoteSpan, text: str, names: Sequence[Fact]) -> tuple[str, str] | None:
    """Who a quote is attributed to: a person named just before it with a speech verb between
    ('X said: "..."', 'According to X, "..."') or just after it past the comma that closes
    it ('"...", X said', '"...," said X'). None when no one is.
    """
    best: tuple[int, int, Fact] | None = None
    closes = q.text.rstrip().endswith(",")
    for p in names:
        if _OBJECT.search(text[max(0, p.start - 16):p.start]):
            continue
        if p.end <= q.start:
            gap = text[p.end:q.start]
            if len(gap) > 60 or "\n" in gap:
                continue
            if not (_SPEECH.search(gap) or _ACCORDING.search(text[max(0, p.start - 20):p.start])):
                continue
        elif p.start >= q.end:
            gap = text[q.end:p.start]
            if len(gap) > 40 or "\n" in gap:
                continue
            if not (closes or gap.lstrip("\"'\u201d\u2019 ").startswith(",")):
                continue
            if "." in gap:
                continue
        else:
            continue
        cand = (len(gap), p.start, p)
        if best is None or cand[:2] < best[:2]:
            best = cand
    return (best[2].text, best[2].key) if best else None


_Extracted = tuple[list[Sentence], list[Fact], list[Fact], list[Fact], list[QuoteSpan],
                   list[tuple[str, str] | None], frozenset[str], list[tuple[Sentence, str, str]]]
_CLAIM_AFTER = re.compile(r"\s*(?:,[^,.\"]{1,50},\s*)?(?:said|says|told|added|warned|insisted|"
                          r"announced|claimed|confirmed|denied|stated)\b", re.IGNORECASE)
_CLAIM_BEFORE = re.compile(r"\b(?:said|says|told|according to)\s+$", re.IGNORECASE)


def _find_claims(text: str, sentences: Sequence[Sentence], names: Sequence[Fact],
            quotes: Sequence[QuoteSpan]) -> list[tuple[Sentence, str, str]]:
    """Sentences that attribute a statement to a named speaker without quoting it ('The
    army said it had retaken Kessel' is not one: no name; 'Curcio said 250 rescuers ...' is)."""
    out = []
    for s in sentences:
        if any(s.start <= q.start < s.end for q in quotes):
            continue  # a quote: tracked as a quote
        for n in names:
            if not s.start <= n.start < s.end or _OBJECT.search(text[max(0, n.start - 16):n.start]):
                continue
            if _CLAIM_AFTER.match(text, n.end) or _CLAIM_BEFORE.search(
                    text[max(s.start, n.start - 16):n.start]):
                out.append((s, n.text, n.key))
                break
    return out


def _extract(text: str, published: str | None, backend: str) -> _Extracted:
    sentences = locate_sentences(text)
    all_facts = extract_facts(text, published, entities=backend)
    facts = [f for f in all_facts if _tracked(f)]
    seen: set[str] = set()
    entities = []
    for f in all_facts:
        if f.kind == "entity" and f.key not in seen:
            seen.add(f.key)
            entities.append(f)
    people = [f for f in all_facts if f.kind == "entity" and f.unit == "PERSON"]
    quotes = extract_quote_spans(text)
    # any name can be the speaker: the rule-based extractor often calls a person a place
    # ('According to Kwame Santos') or an organisation a person; the speech-verb and
    # preposition rules of _speaker decide
    names = [f for f in all_facts if f.kind == "entity"]
    speakers = [_speaker(q, text, names) for q in quotes]
    words = frozenset(WORD.findall(text.lower()))
    claims = _find_claims(text, sentences, names, quotes)
    return sentences, facts, entities, people, quotes, speakers, words, claims


def prepare_versions(articles: Sequence[Article], backend: str) -> list[Doc]:
    order = sorted(range(len(articles)), key=lambda i: (
        (0, _instant(articles[i].published), i) if _instant(articles[i].published) else (1, i)))
    cache: dict[tuple[str, str | None], _Extracted] = {}  # copies share one extraction
    docs = []
    for k, i in enumerate(order):
        art, _ = prepare_article(articles[i])
        key = (art.text, (art.published or "")[:10] or None)
        if key not in cache:
            cache[key] = _extract(art.text, art.published, backend)
        sentences, facts, entities, people, quotes, speakers, words, claims = cache[key]
        docs.append(Doc(k, art, _instant(art.published), sentences, facts, entities, people,
                         quotes, speakers, words, claims))
    return docs


def same_source(a: Article, b: Article) -> bool:
    return bool(a.source and b.source and a.source.casefold() == b.source.casefold())


def reference(doc: Doc, earlier: Sequence[Doc]) -> Doc:
    """The version this one builds on.

    A copy builds on what it copies: a near-identical earlier version (word-set Jaccard
    >= 0.9; its own source's latest such version first), whatever its source. An update builds
    on its source's latest version: the latest earlier version of the same source that is at
    least 60% as similar as the most similar earlier version of any source. Else the most
    similar earlier version (latest on ties): what another outlet rewrote.
    """
    sims = [(len(doc.words & e.words) / max(1, len(doc.words | e.words)), e) for e in earlier]
    best = max(sims, key=lambda x: (x[0], x[1].index))
    near = [(j, e) for j, e in sims if j >= 0.9]
    if near:
        own = [e for _, e in near if same_source(doc.article, e.article)]
        return own[-1] if own else max(near, key=lambda x: (x[0], -x[1].index))[1]
    for j, e in reversed(sims):
        if same_source(doc.article, e.article) and j >= 0.6 * best[0]:
            return e
    return max(sims, key=lambda x: (x[0], -x[1].index))[1]  # ties: what the copies copy


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _CONTENT.findall(text.lower()) if w not in _STOP)


def sentence_at(doc: Doc, start: int) -> Sentence | None:
    for s in doc.sentences:
        if s.start <= start < s.end:
            return s
    return None


def mention(doc: Doc, text: str, value: str, start: int, end: int,
             speaker: str | None = None, resolved: str | None = None) -> Mention:
    s = sentence_at(doc, start)
    return Mention(doc.index, doc.article.id, doc.article.source, doc.article.published, text,
                   value, s.text if s else text, start, end, speaker, resolved)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def resolved_day(doc: Doc, f: Fact) -> str | None:
    """A weekday's or date's calendar day: a weekday is the latest such day on or before the
    publication date (news reports the past), a date keeps the day its extractor resolved."""
    if f.kind == "date":
        return f.key if re.fullmatch(r"\d{4}-\d\d-\d\d", f.key) else None
    if f.kind != "weekday" or doc.instant is None or f.key not in _WEEKDAYS:
        return None
    day = doc.instant.date()
    return (day - timedelta(days=(day.weekday() - _WEEKDAYS.index(f.key)) % 7)).isoformat()
