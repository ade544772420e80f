"""Checkable facts: numbers with their unit or counted noun, dates and weekdays, quoted speech.

These are what changes between versions of one story (a toll 12 -> 15, "Monday" -> "Tuesday")
and what differs between two events of the same kind, so the scorer and ``compare`` use them.
Pure regex functions, no dependencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

__all__ = [
    "GENERIC_SUBJECTS",
    "DateFact",
    "NumberFact",
    "count_measure",
    "Quote",
    "extract_dates",
    "extract_numbers",
    "extract_quotes",
    "quote_key",
]


@dataclass(frozen=True, slots=True)
class NumberFact:
    """A number as written (``text``), its value, and what it counts or measures.

    ``unit`` is a scale or measure ('%', 'million', 'km', 'score', 'year', 'time') or the counted
    noun after it ('people', 'spectators'); '' when nothing follows.
    """

    value: float
    text: str
    unit: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateFact:
    """A date mention: kind 'weekday', 'date', 'relative' or 'month'; ``resolved`` when known."""

    text: str
    kind: str
    resolved: date | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """Quoted speech; ``key`` is its lowercased words, comparable across quote styles."""

    text: str
    key: str
    start: int
    end: int


# ---------------------------------------------------------------- numbers

_UNITS_WORD = {
    "nil": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24,
    "hundreds": 200, "thousands": 2000,
}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6}
_PERCENT = {"%", "percent", "per cent", "percentage points"}
_NUMBER_WORDS = "|".join(sorted(_UNITS_WORD, key=len, reverse=True))
# The lookahead (any first character an alternative can start with) is implied by the
# alternatives; it only lets the engine skip most positions quickly (same matches, ~1.5x faster).
_NUM_FIRST = "".join(sorted({w[0] for w in _UNITS_WORD} | {w[0].upper() for w in _UNITS_WORD}))
_NUM = re.compile(
    rf"(?<![\w.,])(?=[$\u20ac\u00a30-9{_NUM_FIRST}])(?P<cur>[$\u20ac\u00a3])?"
    r"(?:(?P<score>\d{1,3})-(?P<score2>\d{1,3})(?![\d-])"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<word>(?:{_NUMBER_WORDS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"(?![A-Za-z])))"
    r"(?P<pct>\s?%|\s(?:percent|per cent)\b)?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|m)\b)?"
    r"(?P<time>\s?(?:a\.m\.|p\.m\.|am\b|pm\b))?",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(r"\s*(?:-\s*)?([A-Za-z][a-z-]+)")
_SKIP_NOUN = frozenset(
    """
    a an the of and or to in on at by for from with was were is are had has have that this than
    more less over about around some other new people's year-old
    """.split()  # noqa: SIM905 - word lists read better as text
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}


def _word_value(word: str) -> float:
    total = 0.0
    for part in re.split(r"[- ]", word.lower()):
        total += _UNITS_WORD.get(part, 0)
    return total


def extract_numbers(text: str) -> list[NumberFact]:
    """Numbers in digits or words, with value, unit/counted noun and char offsets.

    '1,200 people' -> 1200 'people'; '5.2 million' -> 5.2e6 'million'; '15%' -> 15 '%';
    'twelve spectators' -> 12 'spectators'; '5-2' -> 5 'score'; '2019' -> 2019 'year'.
    Bare 'one' (a pronoun far more often than a count) is ignored.
    """
    out: list[NumberFact] = []
    date_spans = [d.span() for d in _date_matches(text) if d.group("iso") or d.group("md") or d.group("dm")]
    for m in _NUM.finditer(text):
        if any(a <= m.start() < b for a, b in date_spans):
            continue  # the day and year of a date are a date fact, not a count
        word = m.group("word")
        if word and word.lower() in ("one", "nil", "zero") and not m.group("scale"):
            continue
        if word and not (m.start() == 0 or text[m.start() - 1] in " (\n\"'"):
            continue
        end = m.end()
        if m.group("score"):
            value = float(m.group("score"))
            unit = "score"
            frac = float(m.group("score2"))
            value = value + frac / 1000.0  # '5-2' and '2-5' differ; keeps one float
        else:
            value = float(m.group("num").replace(",", "")) if m.group("num") else _word_value(word)
            if m.group("time"):
                unit = "time"
            elif m.group("pct"):
                unit = "%"
            elif m.group("scale"):
                unit = m.group("scale").lower()
                unit = {"bn": "billion", "m": "million"}.get(unit, unit)
                value *= _SCALE[unit]
            else:
                unit = ""
            if not unit and m.group("num") and re.fullmatch(r"(?:1[89]|20)\d\d", m.group("num")):
                unit = "year"
            elif not unit and m.group("cur"):
                unit = "money"
            elif unit in ("", "thousand", "million", "billion", "trillion"):
                noun = _counted_noun(text, end)
                if noun and noun in _MONTHS:
                    unit = "day"  # '5 January' is a date, extracted by extract_dates
                elif noun:
                    unit = noun if not unit else f"{unit} {noun}"
        out.append(NumberFact(value, m.group(0).strip(), unit, m.start(), end))
    return out


def _counted_noun(text: str, pos: int) -> str:
    """The first content word after a number ('12 people', '5,000 flood-hit homes' -> 'homes')."""
    for _ in range(3):
        m = _NEXT_WORD.match(text, pos)
        if not m:
            return ""
        w = m.group(1).lower()
        pos = m.end()
        if w.endswith("-old"):
            return "age"
        if w in _SKIP_NOUN:
            if w in ("of", "more", "less", "over", "about", "around"):
                continue
            return ""
        if w.endswith(("ed", "ing", "ly")) and len(w) > 5:
            continue  # adjectives/participles before the noun: 'injured', 'flooding'
        return w
    return ""


# ---------------------------------------------------------------- dates

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Lookahead: the first letters/digits any alternative can start with (months, weekdays,
# relative words, digits). Implied by the alternatives, so the matches are the same; it lets
# the engine reject most word boundaries at once (~3x faster on news text).
_DATE_FIRST = "0-9JFMASONDTWYLjfmasondtwyl"
_DATE_RE = re.compile(
    rf"\b(?=[{_DATE_FIRST}])(?:"
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))"
    rf"|(?P<md>(?P<m1>{_MONTH_RE})\s(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s(?P<y1>\d{{4}}))?)"
    rf"|(?P<dm>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<m2>{_MONTH_RE})(?:,?\s(?P<y2>\d{{4}}))?)"
    rf"|(?P<mo>(?P<m3>january|february|march|april|june|july|august|september|october|november|december)(?:\s(?P<y3>\d{{4}}))?)"
    r"|(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?P<rel>yesterday|today|tomorrow|tonight|last night|this morning|this afternoon|this evening"
    r"|last week|next week|last month|next month|last year|next year)"
    r")\b",
    re.IGNORECASE,
)
_REL_DAYS = {
    "yesterday": -1, "today": 0, "tonight": 0, "last night": -1, "this morning": 0,
    "this afternoon": 0, "this evening": 0, "tomorrow": 1, "last week": -7, "next week": 7,
    "last month": -30, "next month": 30, "last year": -365, "next year": 365,
}


@lru_cache(maxsize=8)
def _date_matches(text: str) -> tuple[re.Match[str], ...]:
    """Date-regex matches of ``text``, shared by :func:`extract_numbers` (which skips numbers
    inside dates) and :func:`extract_dates`, so featurizing one article scans once."""
    return tuple(_DATE_RE.finditer(text))


def _month_num(name: str) -> int:
    return _MONTHS.get(name.lower().rstrip("."), 0)


def _closest_year(month: int, day: int, published: date | None) -> date | None:
    """The year that puts month/day nearest the publication date (news rarely looks far off)."""
    if published is None:
        return None
    best: date | None = None
    for y in (published.year - 1, published.year, published.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or abs((d - published).days) < abs((best - published).days):
            best = d
    return best


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def extract_dates(text: str, published: date | None = None) -> list[DateFact]:
    """Dates, weekdays, months and relative days; resolved against ``published`` when given.

    A weekday resolves to the most recent such day on or before publication (news reports the
    past: 'on Monday' in a Wednesday story is two days earlier); 'tomorrow' looks forward.
    """
    out: list[DateFact] = []
    for m in _date_matches(text):
        g = m.group
        resolved: date | None = None
        if g("iso"):
            kind = "date"
            resolved = _safe_date(int(g("iy")), int(g("im")), int(g("id")))
        elif g("md") or g("dm"):
            kind = "date"
            mon = _month_num(g("m1") or g("m2"))
            day = int(g("d1") or g("d2"))
            year = g("y1") or g("y2")
            if not 1 <= day <= 31:
                continue
            if (g("m1") or "").lower() == "may" and not year and not g("d1"):
                continue
            resolved = _safe_date(int(year), mon, day) if year else _closest_year(mon, day, published)
        elif g("mo"):
            if g("m3").lower() in ("march", "may") and not g("y3") and not g("m3")[0].isupper():
                continue  # the verbs 'march' and 'may'
            if g("m3").lower() == "may" and not g("y3"):
                continue
            kind = "month"
            mon = _month_num(g("m3"))
            if g("y3"):
                resolved = date(int(g("y3")), mon, 1)
            elif published is not None:
                y = published.year if mon <= published.month + 1 else published.year - 1
                resolved = date(y, mon, 1)
        elif g("wd"):
            if not g("wd")[0].isupper():
                continue
            kind = "weekday"
            if published is not None:
                wd = _WEEKDAYS.index(g("wd").lower())
                back = (published.weekday() - wd) % 7
                resolved = published - timedelta(days=back)
        else:
            kind = "relative"
            if published is not None:
                resolved = published + timedelta(days=_REL_DAYS[g("rel").lower()])
        out.append(DateFact(m.group(0), kind, resolved, m.start(), m.end()))
    return out


# ---------------------------------------------------------------- quotes

_QUOTE_RE = re.compile(
    r"\"(?P<a>[^\"\n]{8,600}?)\"|\u201c(?P<b>[^\u201c\u201d\n]{8,600}?)\u201d"
    r"|(?<!\w)'(?P<c>[^'\n]{15,400}?)'(?!\w)"
)
_QWORD = re.compile(r"[^\W_]+")


def quote_key(text: str) -> str:
    """Lowercased words only: the same quote in any quote style/punctuation has the same key."""
    return " ".join(_QWORD.findall(text.lower()))


def extract_quotes(text: str, min_words: int = 3) -> list[Quote]:
    """Quoted passages of at least ``min_words`` words (straight, curly or single quotes)."""
    out: list[Quote] = []
    for m in _QUOTE_RE.finditer(text):
        inner = m.group("a") or m.group("b") or m.group("c") or ""
        key = quote_key(inner)
        if len(key.split()) < min_words:
            continue
        s = m.start() + 1
        out.append(Quote(inner.strip(), key, s, s + len(inner)))
    return out


# ---------------------------------------------------------------- what a count counts

# The event a count reports, by the words that say it. A count keeps its event through any
# rewording ('37 dead' -> '41 people were killed' -> 'the death toll rose to 41'), which is
# what lets two versions' figures be paired by meaning rather than by their counted noun.
_EVENT_WORDS: dict[str, str] = {
    w: event
    for event, words in {
        "dead": "killed kill kills killing dead died die dies dying deaths death toll fatalities "
                "fatality lives bodies perished slain drowned",
        "injured": "injured injuring injures injure wounded wounding wounds injuries hurt",
        "arrested": "arrested arresting arrests arrest detained detaining detentions detainees",
        "captured": "captured capturing capture abducted kidnapped hostages prisoners",
        "displaced": "displaced displacing homeless fled uprooted refugees",
        "evacuated": "evacuated evacuate evacuating evacuation evacuations evacuees",
        "missing": "missing unaccounted",
        "rescued": "rescued rescuing",
        "votes": "votes vote ballots",
    }.items()
    for w in words.split()
}
_CURRENCY_WORDS = frozenset(
    ["dollars", "dollar", "euros", "euro", "pounds", "pound", "yen", "yuan", "rupees", "rupee", "francs", "franc", "usd", "eur", "gbp"]
)
# Words that may stand between an event word and the count it governs ('killing at least 12',
# 'the death toll rose to 41', 'arrested more than 300').
_BEFORE_FILLERS = frozenset(
    """
    at least most some about around nearly almost more than over up to the a an of another
    further roughly approximately estimated an rose risen climbed reached rises rising stood
    stands stand is was were are now had has have been jumped increased grew to by of officially
    confirmed reportedly
    """.split()  # noqa: SIM905 - word lists read better as text
)
# A verb of change lets the event sit further back, in the subject of the clause.
_CHANGE_VERBS = frozenset(["rose", "risen", "climbed", "reached", "rises", "jumped", "increased", "grew", "stood", "stands"])
# After a count, the clause it belongs to ends at punctuation or one of these words.
_AFTER_STOP = frozenset(
    ["and", "but", "or", "while", "after", "as", "in", "on", "at", "from", "during", "since", "when", "including", "across", "near"]
)
# the loose look back for a clause's event stops at a new clause or a prepositional phrase
# ('the death toll from the magnitude 7.0 quake': 7.0 is not the toll)
_CLAUSE_STOP = frozenset(
    ["and", "but", "or", "while", "whereas", "when", "who", "which", "that", "from", "of", "for", "in", "on", "at", "by", "with", "as", "after"]
)
_MEASURE_NOUNS = frozenset(
    """
    magnitude kilometres kilometers km miles metres meters mm millimetres millimeters cm
    hectares acres degrees hours minutes seconds days weeks months years tonnes tons kg
    kilograms litres liters feet inches mph kph
    """.split()  # noqa: SIM905
)
_HOMES = re.compile(r"(?:\s+\w+){0,2}?\s+(?:(?:to\s+)?(leave|flee|evacuate)|(from|out\s+of))"
                    r"\s+(?:their|his|her)\s+homes?\b", re.IGNORECASE)
GENERIC_SUBJECTS = frozenset({"", "people", "persons", "others", "individuals", "more", "other"})
_WORD_OR_STOP = re.compile(r"[A-Za-z][A-Za-z'-]*|[0-9]+(?:[.,][0-9]+)*|[.,;:!?()\"]")


def count_measure(text: str, start: int, end: int, unit: str = "") -> tuple[str, str]:
    """What the number at ``text[start:end]`` counts: ``(measure, subject)``.

    ``measure`` is the event ('dead', 'injured', 'arrested', 'captured', 'displaced',
    'evacuated', 'missing', 'rescued', 'votes'), 'money' or 'percent', else the counted noun
    ('rescuers'), else ``unit``. ``subject`` is who is counted ('people', 'soldiers'; '' when
    not said). Looks only inside the count's own clause: back over fillers ('killing at least
    12', 'the toll rose to 41') and forward until punctuation or a clause word ('12 people
    were killed', '37 dead'), so '12 killed and 30 injured' gives 'dead' and 'injured'.
    """
    number = text[start:end]
    if re.match(r"(?:st|nd|rd|th)\b|(?:st|nd|rd|th)-", text[end:end + 3], re.IGNORECASE):
        return "ordinal", ""  # '33rd-minute', '131st year': a rank, not a count
    if unit == "year" and not re.fullmatch(r"(?:1[89]|20)\d\d", number):
        unit = "years"  # '3-year ban', '5 years': a duration, not a calendar year
    noun = unit.split()[-1] if unit else ""
    subject = "" if noun in _EVENT_WORDS else noun
    if number[:1] in "$\u20ac\u00a3" or noun in _CURRENCY_WORDS:
        return "money", ""
    if unit == "%":
        return "percent", ""
    if re.search(r"\bmagnitude\s*$", text[max(0, start - 12):start], re.IGNORECASE):
        return "magnitude", ""  # 'magnitude 7.0': a measurement
    if noun in _MEASURE_NOUNS:
        return noun, ""  # '10 kilometres', '7.0-magnitude
    event = ""
    before = _WORD_OR_STOP.findall(text[max(0, start - 120):start])
    moved = False  # 'the number of people who died in the blast rose to 15'
    for k, w in enumerate(reversed(before[-14:])):
        lw = w.lower()
        if lw in _EVENT_WORDS:
            event = _EVENT_WORDS[lw]
            break
        moved = moved or lw in _CHANGE_VERBS
        if moved and w[0].isdigit():
            continue  # 'the toll from the magnitude 7.0 quake stands at 78'
        if not w[0].isalpha() or (lw not in _BEFORE_FILLERS and not (moved and k < 14)):
            break
        if k >= 5 and not moved:
            break
    if not event:
        tail = text[end:end + 80]
        home = _HOMES.match(tail)
        if home:  # 'forcing 600 from their homes', 'told 815 people to leave their homes'
            event = "evacuated" if home.group(1) else "displaced"
        after = _WORD_OR_STOP.findall(tail)
        for w in after[:7]:
            lw = w.lower()
            if event or lw in _EVENT_WORDS:
                event = event or _EVENT_WORDS[lw]
                break
            if not w[0].isalpha() or lw in _AFTER_STOP:
                break
    if not event:
        # the event named earlier in the count's own clause ('Evacuation orders covered some
        # 873 residents'): the nearest event word up to six words back, before punctuation
        for w in reversed(before[-6:]):
            lw = w.lower()
            if lw in _EVENT_WORDS:
                event = _EVENT_WORDS[lw]
                break
            if not w[0].isalpha() or lw in _CLAUSE_STOP:
                break
    if event:
        return event, subject
    return (noun or unit), subject
