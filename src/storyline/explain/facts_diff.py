"""What changed between two versions of a story: facts, quotes and named entities.

Counts, dates and weekdays are paired by meaning (:func:`storyline.explain.fact_pairs.pair_facts`:
the same measure in sentences that say the same thing, or a named count restated in a reworded
sentence), never by position in the article. A name replaced by another name of the same kind
inside an aligned, edited sentence is a changed entity. Each change carries the two sentences
it was found in, and a ``status``: ``changed`` when the relation says B updates A
(``revision``), ``differs`` otherwise. Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from storyline.explain.align import AlignedPair, Alignment, Sentence, diff_regions
from storyline.explain.extract import Fact, QuoteSpan
from storyline.explain.fact_pairs import compatible, fact_measure, pair_facts, same_value

__all__ = [
    "ChangedFact",
    "EntityDiff",
    "SharedQuote",
    "changed_facts",
    "compatible",
    "entity_diff",
    "header_changes",
    "same_value",
    "shared_quotes",
]

FACT_KINDS = ("number", "date", "weekday", "entity")


@dataclass(frozen=True, slots=True)
class ChangedFact:
    """A fact stated differently in A and B. Spans are offsets in each normalized text.

    ``status``: changed (B updates A) | differs (two reports disagree; nothing says which is
    newer). ``measure``: what a count measures ('dead', 'money', 'rescuers'), 'weekday', a
    date's form, an entity's kind; '' for title and dateline.
    """

    kind: str  # number | date | weekday | entity | title | dateline
    a: str
    b: str
    context_a: str
    context_b: str
    span_a: tuple[int, int] | None = None
    span_b: tuple[int, int] | None = None
    status: str = "changed"
    measure: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "status": self.status, "measure": self.measure,
                "a": self.a, "b": self.b,
                "context_a": self.context_a, "context_b": self.context_b}


@dataclass(frozen=True, slots=True)
class SharedQuote:
    a: str
    b: str
    similarity: float
    span_a: tuple[int, int] = (0, 0)
    span_b: tuple[int, int] = (0, 0)

    def to_dict(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "similarity": self.similarity}


@dataclass(slots=True)
class EntityDiff:
    shared: list[str] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"shared": list(self.shared), "only_a": list(self.only_a),
                "only_b": list(self.only_b)}


# ------------------------------------------------------------------ changed facts


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def header_changes(
    title_a: str | None, title_b: str | None, dateline_a: str | None, dateline_b: str | None,
    *, status: str = "changed",
) -> list[ChangedFact]:
    """A changed headline or dateline (only when both sides have one: absence is not change)."""
    out = []
    for kind, x, y in (("title", title_a, title_b), ("dateline", dateline_a, dateline_b)):
        if _norm(x) and _norm(y) and _norm(x).casefold() != _norm(y).casefold():
            out.append(ChangedFact(kind, _norm(x), _norm(y), "", "", status=status))
    return out


def _in_sentence(facts: Sequence[Fact], s: Sentence) -> list[Fact]:
    """Facts inside the sentence; ``facts`` are sorted by start (extract_facts order)."""
    lo = bisect.bisect_left(facts, s.start, key=lambda f: f.start)
    hi = bisect.bisect_right(facts, s.end, key=lambda f: f.start)
    return [f for f in facts[lo:hi] if f.end <= s.end]


def _joined(sentences: Sequence[Sentence], facts: Sequence[Fact]) -> list[tuple[Fact, int, int]]:
    """Facts of these sentences with spans in ' '.join(sentence texts)."""
    out = []
    base = 0
    for s in sentences:
        for f in _in_sentence(facts, s):
            out.append((f, base + f.start - s.start, base + f.end - s.start))
        base += len(s.text) + 1
    return out


def _overlaps(start: int, end: int, region: tuple[int, int]) -> bool:
    return start < region[1] and region[0] < end


def _context(sentences: Sequence[Sentence]) -> str:
    return " ".join(s.text for s in sentences)


def _entities_in_pair(pair: AlignedPair, facts_a: Sequence[Fact], facts_b: Sequence[Fact]
                      ) -> list[tuple[Fact, Fact]]:
    """Names the word diff of one edited sentence pair replaces by a name of the same kind."""
    ja = [x for x in _joined(pair.a, facts_a) if x[0].kind == "entity"]
    jb = [x for x in _joined(pair.b, facts_b) if x[0].kind == "entity"]
    if not ja or not jb:
        return []
    keys_a = {f.key for f, _, _ in ja}
    keys_b = {f.key for f, _, _ in jb}
    found: list[tuple[Fact, Fact]] = []
    for tag, ra, rb in diff_regions(pair.a_text, pair.b_text):
        if tag != "replace":
            continue
        in_a = [(f, s, e) for f, s, e in ja if _overlaps(s, e, ra)]
        in_b = [(f, s, e) for f, s, e in jb if _overlaps(s, e, rb)]
        if not (_mostly(in_a, ra) and _mostly(in_b, rb)):
            continue  # a rewritten clause that happens to hold a name is not a new name
        xa, xb = [f for f, _, _ in in_a], [f for f, _, _ in in_b]
        if len(xa) != len(xb):
            continue
        for fa, fb in zip(xa, xb, strict=True):
            if (compatible(fa, fb, strict=False) and not same_value(fa, fb)
                    and fb.key not in keys_a and fa.key not in keys_b):
                found.append((fa, fb))
    return found


def _mostly(facts: list[tuple[Fact, int, int]], region: tuple[int, int]) -> bool:
    """Whether the facts cover at least half of the changed region's characters."""
    covered = sum(min(e, region[1]) - max(s, region[0]) for _, s, e in facts)
    return bool(facts) and covered * 2 >= region[1] - region[0]


def changed_facts(
    alignment: Alignment,
    text_a: str,
    text_b: str,
    facts_a: Sequence[Fact],
    facts_b: Sequence[Fact],
    *,
    relation: str | None = None,
    min_shared_context: int = 2,
) -> list[ChangedFact]:
    """Facts that differ between A and B, each with the sentence it was found in on each side.

    ``relation`` (the pair scorer's) decides the status: ``changed`` under ``revision`` (or
    ``None``, when the caller knows B updates A), else ``differs``. Call it only for two
    versions or reports of one story: two different events' numbers are not one fact.
    ``text_a``/``text_b`` are the texts the offsets refer to (kept for callers; the sentences
    of ``alignment`` carry them).
    """
    del text_a, text_b
    facts_a = sorted(facts_a, key=lambda f: (f.start, f.end))
    facts_b = sorted(facts_b, key=lambda f: (f.start, f.end))
    found: list[ChangedFact] = []
    for p in pair_facts(facts_a, facts_b, alignment, relation=relation,
                        min_shared=min_shared_context):
        if p.status != "same":
            found.append(ChangedFact(p.kind, p.a.text, p.b.text, p.sentence_a.text,
                                     p.sentence_b.text, (p.a.start, p.a.end),
                                     (p.b.start, p.b.end), p.status, p.measure))
    status = "changed" if relation is None or relation == "revision" else "differs"
    for pair in alignment.pairs:
        if pair.kind == "edited":
            for fa, fb in _entities_in_pair(pair, facts_a, facts_b):
                found.append(ChangedFact("entity", fa.text, fb.text, _context(pair.a),
                                         _context(pair.b), (fa.start, fa.end),
                                         (fb.start, fb.end), status, fact_measure(fa)))
    found.sort(key=lambda c: (c.span_a or (0, 0), c.span_b or (0, 0)))
    out: list[ChangedFact] = []
    seen: set[tuple[str, str, str]] = set()
    for c in found:  # one change stated twice ('12 -> 15' in the lead and the body) once
        sig = (c.kind, c.a.casefold(), c.b.casefold())
        if sig not in seen:
            seen.add(sig)
            out.append(c)
    return out


# ------------------------------------------------------------------ quotes and entities


def _qtokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shared_quotes(
    quotes_a: Sequence[QuoteSpan],
    quotes_b: Sequence[QuoteSpan],
    *,
    min_tokens: int = 4,
    min_dice: float = 0.6,
    min_containment: float = 0.85,
) -> list[SharedQuote]:
    """Quotes present on both sides, tolerant of quote style, trimming and small rewording.

    Two quotes match when their word sets overlap strongly (Dice) or one is nearly contained
    in the other (an outlet quoting only part of a sentence). One to one, best first.
    """
    ta = [set(_qtokens(q.text)) for q in quotes_a]
    tb = [set(_qtokens(q.text)) for q in quotes_b]
    scored: list[tuple[float, int, int]] = []
    for i, x in enumerate(ta):
        if len(x) < min_tokens:
            continue
        for j, y in enumerate(tb):
            if len(y) < min_tokens:
                continue
            n = len(x & y)
            if not n:
                continue
            dice = 2 * n / (len(x) + len(y))
            contain = n / min(len(x), len(y))
            if dice >= min_dice or (contain >= min_containment and min(len(x), len(y)) >= 5):
                scored.append((-dice, i, j))
    scored.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    seen: set[tuple[str, str]] = set()
    out: list[SharedQuote] = []
    for neg, i, j in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        qa, qb = quotes_a[i], quotes_b[j]
        key = (_norm(qa.text).lower(), _norm(qb.text).lower())
        if key in seen:
            continue
        seen.add(key)
        out.append(SharedQuote(qa.text, qb.text, round(-neg, 4), (qa.start, qa.end),
                               (qb.start, qb.end)))
    out.sort(key=lambda q: q.span_a)
    return out


def entity_diff(facts_a: Sequence[Fact], facts_b: Sequence[Fact]) -> EntityDiff:
    """Entity names by normalized key, listed in order of first mention."""
    first_a: dict[str, str] = {}
    first_b: dict[str, str] = {}
    for f in facts_a:
        if f.kind == "entity":
            first_a.setdefault(f.key, f.text)
    for f in facts_b:
        if f.kind == "entity":
            first_b.setdefault(f.key, f.text)
    return EntityDiff(
        shared=[t for k, t in first_a.items() if k in first_b],
        only_a=[t for k, t in first_a.items() if k not in first_b],
        only_b=[t for k, t in first_b.items() if k not in first_a],
    )
