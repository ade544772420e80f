"""What changed between two versions of a story: facts, quotes and named entities.

Facts are aligned by their *context*, never by position in the article:

1. inside sentence pairs the aligner matched, a word diff shows exactly which words were
   replaced; a number, date, weekday or name replaced by one of the same kind is a change
   ("the toll rose to 12 on Monday" -> "the toll rose to 15 on Tuesday");
2. facts in rewritten sentences are paired when they
   count the same thing (same unit noun) and share at least two content words nearby, and the
   old value does not occur anywhere in the other article (so a number that only moved, or two
   unrelated numbers, are not reported).

Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from storyline.explain.align import AlignedPair, Alignment, Sentence, diff_regions
from storyline.explain.extract import Fact, QuoteSpan

__all__ = [
    "ChangedFact",
    "EntityDiff",
    "SharedQuote",
    "changed_facts",
    "entity_diff",
    "header_changes",
    "shared_quotes",
]

FACT_KINDS = ("number", "date", "weekday", "entity")
_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS = frozenset(
    """
    a an the and or but of in on at by to from with for as is are was were be been being has have
    had it its this that these those there their they he she his her we our you your i not no
    than then so if into onto over after before about up down out more most least also just only
    said says say told would could will can may might should new one per cent percent
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@dataclass(frozen=True, slots=True)
class ChangedFact:
    """A fact stated differently in A and B. Spans are offsets in each normalized text."""

    kind: str  # number | date | weekday | entity | title | dateline
    a: str
    b: str
    context_a: str
    context_b: str
    span_a: tuple[int, int] | None = None
    span_b: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "a": self.a, "b": self.b,
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
    title_a: str | None, title_b: str | None, dateline_a: str | None, dateline_b: str | None
) -> list[ChangedFact]:
    """A changed headline or dateline (only when both sides have one: absence is not change)."""
    out = []
    for kind, x, y in (("title", title_a, title_b), ("dateline", dateline_a, dateline_b)):
        if _norm(x) and _norm(y) and _norm(x).casefold() != _norm(y).casefold():
            out.append(ChangedFact(kind, _norm(x), _norm(y), "", ""))
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


_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)\b")


def _canon(text: str) -> str:
    """'April 12th,' and 'april 12' read the same."""
    return " ".join(re.sub(r"[^\w\s]", " ", _ORDINAL.sub(r"\1", text.lower())).split())


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_DAY = re.compile(r"\b([a-z]{3})[a-z]*\.?\s+(\d{1,2})\b|\b(\d{1,2})\s+([a-z]{3})[a-z]*\b")
_ISO = re.compile(r"^\d{4}-(\d\d)-(\d\d)$")


def _month_day(f: Fact) -> tuple[int, int] | None:
    """(month, day) of a date fact: from its resolved key or from its words."""
    m = _ISO.match(f.key)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _MONTH_DAY.search(_canon(f.text))
    if not m:
        return None
    mon, day = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return (_MONTHS.index(mon) + 1, int(day)) if mon in _MONTHS else None


def same_value(fa: Fact, fb: Fact) -> bool:
    """Equal facts written differently: '12' and 'twelve', 'Jan 1' and 'January 01, 2020'."""
    if fa.key == fb.key or _canon(fa.text) == _canon(fb.text):
        return True
    if fa.kind == "date" and fa.unit == fb.unit == "date":
        # one side may lack the year (not resolvable without a publication date)
        if _ISO.match(fa.key) and _ISO.match(fb.key):
            return False
        md = _month_day(fa)
        return md is not None and md == _month_day(fb)
    return False


def compatible(fa: Fact, fb: Fact, *, strict: bool) -> bool:
    """Whether fb can be a new value of fa: same kind and what they measure agrees.

    Numbers: same unit (``strict``) or same-or-missing unit inside one edited sentence; dates:
    same form ('September 2017' is not a new value of 'February 6, 2014'), and only exact
    dates or months when ``strict`` (relative days are wording, not facts); names: same
    entity kind unless one is unclassified.
    """
    if fa.kind != fb.kind:
        return False
    if fa.kind == "number":
        if strict:
            return bool(fa.unit) and fa.unit == fb.unit
        return fa.unit == fb.unit or not fa.unit or not fb.unit
    if fa.kind == "date":
        return fa.unit == fb.unit and not (strict and fa.unit == "relative")
    if fa.kind == "entity":
        return fa.unit == fb.unit or "MISC" in (fa.unit, fb.unit)
    return True


def _pair_facts(xa: list[Fact], xb: list[Fact]) -> list[tuple[Fact, Fact]]:
    """Facts of one kind replaced in one region: in order when counts agree, else by unit."""
    if len(xa) == len(xb):
        return [(fa, fb) for fa, fb in zip(xa, xb, strict=True) if compatible(fa, fb, strict=False)]
    pairs = []
    for fa in xa:
        same_unit = [fb for fb in xb if fb.unit and fb.unit == fa.unit]
        if len(same_unit) == 1:
            pairs.append((fa, same_unit[0]))
    return pairs


def _context(sentences: Sequence[Sentence]) -> str:
    return " ".join(s.text for s in sentences)


def _facts_in_pairs(pair: AlignedPair, facts_a: Sequence[Fact], facts_b: Sequence[Fact]
                    ) -> list[tuple[Fact, Fact]]:
    ja, jb = _joined(pair.a, facts_a), _joined(pair.b, facts_b)
    keys_a = {(f.kind, f.key) for f, _, _ in ja}
    keys_b = {(f.kind, f.key) for f, _, _ in jb}
    found: list[tuple[Fact, Fact]] = []
    for tag, ra, rb in diff_regions(pair.a_text, pair.b_text):
        if tag != "replace":
            continue
        in_a = [(f, s, e) for f, s, e in ja if _overlaps(s, e, ra)]
        in_b = [(f, s, e) for f, s, e in jb if _overlaps(s, e, rb)]
        for kind in FACT_KINDS:
            xa = [f for f, _, _ in in_a if f.kind == kind]
            xb = [f for f, _, _ in in_b if f.kind == kind]
            if kind == "entity" and not (_mostly(in_a, ra, kind) and _mostly(in_b, rb, kind)):
                continue  # a rewritten clause that happens to hold a name is not a new name
            for fa, fb in _pair_facts(xa, xb):
                moved = (kind, fb.key) in keys_a or (kind, fa.key) in keys_b
                if not same_value(fa, fb) and not moved:
                    found.append((fa, fb))
    return found


def _mostly(facts: list[tuple[Fact, int, int]], region: tuple[int, int], kind: str) -> bool:
    """Whether facts of ``kind`` cover at least half of the changed region's characters."""
    covered = sum(min(e, region[1]) - max(s, region[0]) for f, s, e in facts if f.kind == kind)
    return covered * 2 >= region[1] - region[0]


def _content_words(text: str, start: int, end: int, window: int = 8) -> set[str]:
    before = _WORD.findall(text[:start].lower())[-window:]
    after = _WORD.findall(text[end:].lower())[:window]
    return {w for w in before + after if w not in _STOPWORDS and len(w) > 2}


def changed_facts(
    alignment: Alignment,
    text_a: str,
    text_b: str,
    facts_a: Sequence[Fact],
    facts_b: Sequence[Fact],
    *,
    min_shared_context: int = 2,
) -> list[ChangedFact]:
    """Facts that differ between A and B, each with the sentence it was found in on each side.

    Call it only for two versions or reports of one story: for two different events of one
    kind, differing numbers are not changes of one fact.
    """
    facts_a = sorted(facts_a, key=lambda f: (f.start, f.end))
    facts_b = sorted(facts_b, key=lambda f: (f.start, f.end))
    sent_a = {s.index: s for p in alignment.pairs for s in p.a} | {s.index: s for s in alignment.only_a}
    sent_b = {s.index: s for p in alignment.pairs for s in p.b} | {s.index: s for s in alignment.only_b}
    out: list[ChangedFact] = []
    used_a: set[tuple[int, int]] = set()
    used_b: set[tuple[int, int]] = set()
    seen: set[tuple[str, str, str]] = set()

    def emit(fa: Fact, fb: Fact, ctx_a: str, ctx_b: str) -> None:
        if same_value(fa, fb):
            return  # same words, keys differ only by resolution (e.g. a date's year)
        used_a.add((fa.start, fa.end))
        used_b.add((fb.start, fb.end))
        sig = (fa.kind, fa.key, fb.key)
        if sig in seen:
            return
        seen.add(sig)
        out.append(ChangedFact(fa.kind, fa.text, fb.text, ctx_a, ctx_b,
                               (fa.start, fa.end), (fb.start, fb.end)))

    for pair in alignment.pairs:
        if pair.kind == "edited":
            for fa, fb in _facts_in_pairs(pair, facts_a, facts_b):
                emit(fa, fb, _context(pair.a), _context(pair.b))
    for fa, fb in _context_pairs(alignment, text_a, text_b, facts_a, facts_b,
                                 used_a, used_b, min_shared_context):
        emit(fa, fb, _sentence_of(sent_a, fa), _sentence_of(sent_b, fb))
    return out


def _sentence_of(sentences: dict[int, Sentence], f: Fact) -> str:
    for s in sentences.values():
        if s.start <= f.start and f.end <= s.end:
            return s.text
    return f.text


def _context_pairs(
    alignment: Alignment,
    text_a: str,
    text_b: str,
    facts_a: Sequence[Fact],
    facts_b: Sequence[Fact],
    used_a: set[tuple[int, int]],
    used_b: set[tuple[int, int]],
    min_shared: int,
) -> list[tuple[Fact, Fact]]:
    same_a = [s for p in alignment.pairs if p.kind == "same" for s in p.a]
    same_b = [s for p in alignment.pairs if p.kind == "same" for s in p.b]
    kinds = ("number", "date", "weekday")
    keys_a = {(f.kind, f.key) for f in facts_a}
    keys_b = {(f.kind, f.key) for f in facts_b}

    def candidates(facts: Iterable[Fact], same: list[Sentence], used: set[tuple[int, int]],
                   other_keys: set[tuple[str, str]]) -> list[Fact]:
        return [
            f for f in facts
            if f.kind in kinds and (f.start, f.end) not in used
            and (f.kind, f.key) not in other_keys
            and not any(s.start <= f.start < s.end for s in same)
        ]

    ca = candidates(facts_a, same_a, used_a, keys_b)
    cb = candidates(facts_b, same_b, used_b, keys_a)
    ctx_b = {(f.start, f.end): _content_words(text_b, f.start, f.end) for f in cb}
    scored: list[tuple[int, int, int, Fact, Fact]] = []
    for fa in ca:
        wa = _content_words(text_a, fa.start, fa.end)
        for fb in cb:
            if not compatible(fa, fb, strict=True):
                continue
            shared = len(wa & ctx_b[(fb.start, fb.end)] - {fa.unit})
            if shared >= min_shared:
                scored.append((-shared, fa.start, fb.start, fa, fb))
    scored.sort(key=lambda t: (t[0], t[1], t[2]))
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    out = []
    for _, sa, sb, fa, fb in scored:
        if sa in taken_a or sb in taken_b:
            continue
        taken_a.add(sa)
        taken_b.add(sb)
        out.append((fa, fb))
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
