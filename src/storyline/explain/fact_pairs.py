"""Pair the facts of two versions of a story by meaning: the same count, the same time.

A count is (measure, subject, value): '37 dead', '41 people were killed' and 'the death toll
rose to 41' all measure 'dead'; '250 rescuers' measures 'rescuers'. A time is a weekday or a
date of the sentence's event. Two facts are the same fact across versions only when

1. their sentences say the same thing: a pair of the sentence alignment, or two leftover
   sentences that share enough content words to be the same event or claim reworded (the lead
   rewritten by the next-day update), and inside it the facts measure the same thing; or
2. for counts of a named measure ('dead', 'arrested', 'money', 'rescuers', ...), their
   sentences share at least ``min_shared`` content words beyond the measure itself (a toll
   moved into a reworded body sentence), and the subjects agree ('12 protesters' never pairs
   with '3 smugglers').

Weekdays and dates pair only under rule 1: a weekday in an unrelated sentence is a different
time, not a new value. A pair with different values is ``changed`` when the relation of the two
articles says one updates the other (``revision``) and ``differs`` otherwise (two outlets'
figures, where nothing says which is newer); equal values are ``same``. The timeline builds on
:func:`pair_facts`. Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storyline.explain.align import AlignedPair, Alignment, Sentence, diff_regions
from storyline.explain.extract import Fact
from storyline.features.facts import GENERIC_SUBJECTS

__all__ = [
    "PAIR_KINDS",
    "UPDATE_RELATIONS",
    "FactPair",
    "compatible",
    "fact_measure",
    "pair_facts",
    "same_value",
]

PAIR_KINDS = ("number", "date", "weekday")
# Relations under which a different value is an update of the same fact ("changed").
UPDATE_RELATIONS = frozenset({"revision"})
# Measures that say nothing about what is counted: such numbers pair only inside aligned
# sentences, never across the article.
_VAGUE_MEASURES = frozenset({"", "year", "time", "age", "day", "score", "thousand", "million",
                             "billion", "trillion", "st", "nd", "rd", "th", "ordinal"}
                            ) | GENERIC_SUBJECTS
_UNNAMED = _VAGUE_MEASURES | {"money", "percent"}
_NOT_COUNTS = frozenset({"year", "time", "age", "day", "st", "nd", "rd", "th", "ordinal"})
_NAMED_EVENTS = frozenset({"dead", "injured", "arrested", "captured", "displaced", "evacuated",
                           "missing", "rescued", "votes"})
_MAX_RATIO = 20.0
_TIGHT = 40  # characters of a word-diff replacement that still pairs two bare numbers
_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS = frozenset(
    """
    a an the and or but of in on at by to from with for as is are was were be been being has have
    had it its this that these those there their they he she his her we our you your i not no
    than then so if into onto over after before about up down out more most least also just only
    said says say told would could will can may might should new one per cent percent who which
    what when where while some other others people least nearly almost around early late later
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_MEASURE_WORDS = frozenset(
    """
    killed kill kills killing dead died die dies dying deaths death toll fatalities fatality lives
    bodies perished slain drowned injured injuring injures injure wounded wounding wounds injuries
    hurt arrested arresting arrests arrest detained detaining detentions detainees captured
    capturing capture abducted kidnapped hostages prisoners displaced displacing homeless fled
    uprooted refugees evacuated evacuating evacuation evacuations evacuees missing unaccounted
    rescued rescuing votes vote ballots rose risen climbed reached rises confirmed monday tuesday
    wednesday thursday friday saturday sunday
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class FactPair:
    """One fact as stated in A and in B, with the sentence it was found in on each side.

    ``status``: same | changed | differs. ``how``: aligned (the sentences align), reworded
    (leftover sentences that tell the same event), restated (the count's own sentences differ
    but share its context).
    """

    a: Fact
    b: Fact
    status: str
    how: str
    sentence_a: Sentence
    sentence_b: Sentence

    @property
    def kind(self) -> str:
        return self.a.kind

    @property
    def measure(self) -> str:
        """What the fact measures ('dead', 'money', 'rescuers'; 'weekday' or the date form)."""
        return fact_measure(self.a) or fact_measure(self.b)


def fact_measure(f: Fact) -> str:
    """A fact's measure: a count's event or counted noun, 'weekday', or a date's form."""
    if f.kind == "number":
        return f.measure or f.unit
    if f.kind == "weekday":
        return "weekday"
    return f.unit


# ------------------------------------------------------------------ value equality

_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_DAY = re.compile(r"\b([a-z]{3})[a-z]*\.?\s+(\d{1,2})\b|\b(\d{1,2})\s+([a-z]{3})[a-z]*\b")
_ISO = re.compile(r"^\d{4}-(\d\d)-(\d\d)$")


def _canon(text: str) -> str:
    """'April 12th,' and 'april 12' read the same."""
    return " ".join(re.sub(r"[^\w\s]", " ", _ORDINAL.sub(r"\1", text.lower())).split())


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

    Numbers: same measure and compatible subjects; inside one aligned sentence pair
    (``strict=False``) also a count whose event one side leaves out ('12 people' and '15
    people were killed') or a bare number ('15'). Dates: same form, and only exact dates or months
    when ``strict`` (relative days are wording, not facts); names: same entity kind unless one
    is unclassified.
    """
    if fa.kind != fb.kind:
        return False
    if fa.kind == "number":
        ma, mb = fact_measure(fa), fact_measure(fb)
        subjects = (fa.subject == fb.subject or fa.subject in GENERIC_SUBJECTS
                    or fb.subject in GENERIC_SUBJECTS)
        if ma == mb:
            return subjects and (bool(ma) or not strict)
        if strict:
            return False
        if not ma or not mb:
            return True  # a bare number in an aligned sentence ('12 people' -> '15')
        # one side names the event, the other only the counted noun ('12 people')
        return (ma == fb.subject and bool(ma)) or (mb == fa.subject and bool(mb))
    if fa.kind == "date":
        return fa.unit == fb.unit and not (strict and fa.unit == "relative")
    if fa.kind == "entity":
        return fa.unit == fb.unit or "MISC" in (fa.unit, fb.unit)
    return True


# ------------------------------------------------------------------ sentences


class _Sentences:
    """All sentences of one side, found by character offset."""

    def __init__(self, sentences: Iterable[Sentence]) -> None:
        self.items = sorted({s.index: s for s in sentences}.values(), key=lambda s: s.start)
        self.starts = [s.start for s in self.items]

    def of(self, f: Fact) -> Sentence | None:
        i = bisect.bisect_right(self.starts, f.start) - 1
        if i >= 0 and f.start < self.items[i].end:
            return self.items[i]
        return None


_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ed", "es", "s")


def _stem(w: str) -> str:
    """A crude English stem, enough to meet 'meeting' and 'closed' meet 'close'."""
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    return w[:-1] if w.endswith("e") and len(w) > 4 else w


def _content(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(text.lower())
                     if len(w) > 2 and w not in _STOPWORDS and w not in _MEASURE_WORDS)


def _groups(alignment: Alignment, min_shared: int) -> tuple[dict[int, int], dict[int, int], dict[int, str]]:
    """Sentence index -> group id on each side, and each group's kind (aligned | reworded).

    Aligned pairs come from the alignment; leftover sentences pair up, best first and one to
    one, when they share ``min_shared`` content words and a Dice of at least 0.25 (the lead,
    first on both sides, counts one more shared word: news puts the same event first).
    """
    ga: dict[int, int] = {}
    gb: dict[int, int] = {}
    kinds: dict[int, str] = {}
    for g, p in enumerate(alignment.pairs):
        kinds[g] = "aligned"
        for s in p.a:
            ga[s.index] = g
        for s in p.b:
            gb[s.index] = g
    ca = [(s, _content(s.text)) for s in alignment.only_a]
    cb = [(s, _content(s.text)) for s in alignment.only_b]
    first_a = min((s.index for s, _ in ca), default=-1) == 0
    first_b = min((s.index for s, _ in cb), default=-1) == 0
    scored: list[tuple[float, int, int]] = []
    for sa, wa in ca:
        for sb, wb in cb:
            shared = len(wa & wb)
            lead = 1 if (sa.index == 0 and sb.index == 0 and first_a and first_b) else 0
            if shared + lead < min_shared or not wa or not wb:
                continue
            dice = 2 * shared / (len(wa) + len(wb))
            if dice + 0.1 * lead >= 0.25:
                scored.append((-(dice + 0.1 * lead), sa.index, sb.index))
    scored.sort()
    g = len(alignment.pairs)
    for _, i, j in scored:
        if i in ga or j in gb:
            continue
        ga[i], gb[j] = g, g
        kinds[g] = "reworded"
        g += 1
    return ga, gb, kinds


# ------------------------------------------------------------------ pairing


def _status(fa: Fact, fb: Fact, relation: str | None) -> str:
    if same_value(fa, fb):
        return "same"
    return "changed" if relation is None or relation in UPDATE_RELATIONS else "differs"


def _greedy(cands: list[tuple[tuple[float, ...], int, int]]) -> list[tuple[int, int]]:
    cands.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for _, i, j in cands:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((i, j))
    return out


def _moved(fa: Fact, fb: Fact, xa: Sequence[tuple[Fact, Sentence]],
           xb: Sequence[tuple[Fact, Sentence]]) -> bool:
    """A bare number replaced by one the other side states elsewhere moved; it did not change."""
    if same_value(fa, fb) or fa.kind != "number" or not _vague(fa) or not _vague(fb):
        return False

    def same(f: Fact, g: Fact) -> bool:  # the same number counting the same thing (or nothing)
        return (f.kind == g.kind and f.key == g.key
                and fact_measure(f) in (fact_measure(g), "") and f is not g)

    return any(same(f, fb) for f, _ in xa) or any(same(f, fa) for f, _ in xb)


def _vague(f: Fact) -> bool:
    return f.kind == "number" and fact_measure(f) in _VAGUE_MEASURES


def _value(f: Fact) -> float | None:
    try:
        return float(f.key)
    except ValueError:
        return None


def _plausible(fa: Fact, fb: Fact) -> bool:
    """Two values of one count stay within a factor of 20 ('$1 billion' is not '$2')."""
    va, vb = _value(fa), _value(fb)
    if fa.kind != "number" or va is None or vb is None or va <= 0 or vb <= 0:
        return True
    return max(va, vb) / min(va, vb) <= _MAX_RATIO


def _replaced(pair: AlignedPair, a: Fact, sa: Sentence, b: Fact, sb: Sentence,
              regions: list[tuple[str, tuple[int, int], tuple[int, int]]]) -> bool:
    """Whether the word diff of an aligned pair replaces fact ``a`` by fact ``b``."""
    def joined(sents: tuple[Sentence, ...], s: Sentence, f: Fact) -> tuple[int, int]:
        base = 0
        for x in sents:
            if x.index == s.index:
                break
            base += len(x.text) + 1
        return base + f.start - s.start, base + f.end - s.start

    ja, jb = joined(pair.a, sa, a), joined(pair.b, sb, b)
    # a tight replacement only: a rewritten half-sentence is one long region holding any
    # number of unrelated numbers
    return any(tag == "replace" and ja[0] < ra[1] and ra[0] < ja[1] and jb[0] < rb[1]
               and rb[0] < jb[1] and ra[1] - ra[0] <= _TIGHT and rb[1] - rb[0] <= _TIGHT
               for tag, ra, rb in regions)


def _residual(xa: Sequence[tuple[Fact, Sentence]], xb: Sequence[tuple[Fact, Sentence]],
              ga: dict[int, int], gb: dict[int, int], matched: list[tuple[int, int]]
              ) -> list[tuple[int, int]]:
    """The one count left on each side of two sentences that say the same thing.

    A rewritten sentence often names its count differently ('the judges voted 7 to 3' ->
    'a majority of 58 judges ... with 3 dissenting'): once the counts that match are paired,
    a single count left on each side is the same fact, unless both name different events or
    one is money or a percentage and the other is not.
    """
    done_a = {i for i, _ in matched}
    done_b = {j for _, j in matched}
    left_a: dict[int, list[int]] = {}
    left_b: dict[int, list[int]] = {}
    for i, (f, s) in enumerate(xa):
        if i not in done_a and f.kind == "number" and s.index in ga and _countable(f):
            left_a.setdefault(ga[s.index], []).append(i)
    for j, (f, s) in enumerate(xb):
        if j not in done_b and f.kind == "number" and s.index in gb and _countable(f):
            left_b.setdefault(gb[s.index], []).append(j)
    out = []
    for g, ia in sorted(left_a.items()):
        jb = left_b.get(g, [])
        # the same number on both sides is the same count, however each side names it
        # ('25,720 fans' and '25,720 spectators'), when it is written once on each side
        keys_a = Counter(xa[i][0].key for i in ia)
        keys_b = Counter(xb[j][0].key for j in jb)
        same = [(i, j) for i in ia for j in jb if xa[i][0].key == xb[j][0].key
                and keys_a[xa[i][0].key] == 1 and keys_b[xb[j][0].key] == 1]
        out += same
        ia = [i for i in ia if all(i != x for x, _ in same)]
        jb = [j for j in jb if all(j != y for _, y in same)]
        if len(ia) != 1 or len(jb) != 1:
            continue
        fa, fb = xa[ia[0]][0], xb[jb[0]][0]
        ma, mb = fact_measure(fa), fact_measure(fb)
        if ma != mb and (({ma, mb} <= _NAMED_EVENTS) or bool({ma, mb} & {"money", "percent"})):
            continue
        if _moved(fa, fb, xa, xb) or not _plausible(fa, fb):
            continue
        out.append((ia[0], jb[0]))
    return out


def _countable(f: Fact) -> bool:
    """A number that can be a count (not a year, clock time, age, day of a date or ordinal)."""
    return fact_measure(f) not in _NOT_COUNTS


def pair_facts(
    facts_a: Sequence[Fact],
    facts_b: Sequence[Fact],
    alignment: Alignment,
    *,
    relation: str | None = None,
    kinds: Sequence[str] = PAIR_KINDS,
    min_shared: int = 2,
) -> list[FactPair]:
    """Pair A's facts with B's by meaning (see the module doc); one to one, in A's order.

    ``alignment`` is :func:`storyline.explain.align.align_sentences` of the same two texts the
    facts' offsets refer to. ``relation`` is the pair scorer's relation of A and B: different
    values are ``changed`` under ``revision`` (or when ``None``: the caller knows B updates
    A), else ``differs``. Facts left unpaired are in one version only.
    """
    sents_a = _Sentences([s for p in alignment.pairs for s in p.a] + list(alignment.only_a))
    sents_b = _Sentences([s for p in alignment.pairs for s in p.b] + list(alignment.only_b))
    xa = [(f, s) for f in facts_a if f.kind in kinds and (s := sents_a.of(f)) is not None]
    xb = [(f, s) for f in facts_b if f.kind in kinds and (s := sents_b.of(f)) is not None]
    ga, gb, group_kind = _groups(alignment, min_shared)
    regions: dict[int, list[tuple[str, tuple[int, int], tuple[int, int]]]] = {}

    by_group: dict[int, list[int]] = {}  # B facts per sentence group: linear on long articles
    by_measure: dict[str, list[int]] = {}
    for j, (fb, sb) in enumerate(xb):
        if (g := gb.get(sb.index)) is not None:
            by_group.setdefault(g, []).append(j)
        by_measure.setdefault(fact_measure(fb), []).append(j)

    # 1. inside sentences that say the same thing
    cands: list[tuple[tuple[float, ...], int, int]] = []
    for i, (fa, sa) in enumerate(xa):
        g = ga.get(sa.index)
        if g is None:
            continue
        aligned = group_kind[g] == "aligned"
        pos_a = (fa.start - sa.start) / max(1, len(sa.text))
        for j in by_group.get(g, ()):
            fb, sb = xb[j]
            if not compatible(fa, fb, strict=not aligned):
                continue
            equal = same_value(fa, fb)
            if fa.kind == "date" and fa.unit == "relative" and not equal:
                continue  # 'today' -> 'yesterday' is wording, not a new date
            if not equal and (_vague(fa) or _vague(fb)):
                # a bare number is a new value only where the word diff replaces it
                pair = alignment.pairs[g] if aligned else None
                if pair is None or pair.kind != "edited" or not _replaced(
                        pair, fa, sa, fb, sb,
                        regions.setdefault(g, diff_regions(pair.a_text, pair.b_text))):
                    continue
            elif not equal and not aligned and not _plausible(fa, fb):
                continue
            pos_b = (fb.start - sb.start) / max(1, len(sb.text))
            exact = fact_measure(fa) == fact_measure(fb) and fa.subject == fb.subject
            cands.append(((0.0 if equal else 1.0, 0.0 if exact else 1.0,
                           abs(pos_a - pos_b), fa.start, fb.start), i, j))
    matched = [(i, j) for i, j in _greedy(cands) if not _moved(xa[i][0], xb[j][0], xa, xb)]
    matched += _residual(xa, xb, ga, gb, matched)
    how = {(i, j): group_kind[ga[xa[i][1].index]] for i, j in matched}

    # 2. counts of a named event or counted noun whose sentences were rewritten apart (money
    # and percentages name no event: an article has many, so they pair only by sentence)
    done_a = {i for i, _ in matched}
    done_b = {j for _, j in matched}
    words_a: dict[int, frozenset[str]] = {}
    words_b: dict[int, frozenset[str]] = {}
    # a named event counted once on each side needs one shared word, not two ('Authorities
    # told 815 people to leave their homes as the fire ...' / 'Evacuation orders covered 873
    # residents ... the fire ...')
    left_a = Counter(fact_measure(f) for i, (f, _) in enumerate(xa)
                     if i not in done_a and f.kind == "number")
    left_b = Counter(fact_measure(f) for j, (f, _) in enumerate(xb)
                     if j not in done_b and f.kind == "number")
    cands = []
    for i, (fa, sa) in enumerate(xa):
        if i in done_a or fa.kind != "number" or fact_measure(fa) in _UNNAMED:
            continue
        ma = fact_measure(fa)
        need = 1 if ma in _NAMED_EVENTS and left_a[ma] == left_b[ma] == 1 else min_shared
        wa = words_a.setdefault(sa.index, _content(sa.text))
        for j in by_measure.get(ma, ()):
            fb, sb = xb[j]
            if j in done_b or not compatible(fa, fb, strict=True) or not _plausible(fa, fb):
                continue
            wb = words_b.setdefault(sb.index, _content(sb.text))
            shared = len(wa & wb - {fa.subject, fb.subject, ma})
            if same_value(fa, fb) or shared >= need:
                cands.append(((0.0 if same_value(fa, fb) else 1.0, -shared, fa.start, fb.start),
                              i, j))
    # a value still stated on the other side is not a new value (it is paired as the same)
    for i, j in _greedy(cands):
        matched.append((i, j))
        how[(i, j)] = "restated"

    out = [FactPair(xa[i][0], xb[j][0], _status(xa[i][0], xb[j][0], relation), how[(i, j)],
                    xa[i][1], xb[j][1]) for i, j in matched]
    out.sort(key=lambda p: (p.a.start, p.b.start))
    return out
