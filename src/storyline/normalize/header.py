"""The article's head: leading metadata (dates, agencies, sites) and the dateline, parsed into
:class:`Normalized` fields rather than lost."""

from __future__ import annotations

import re
from datetime import datetime

from storyline.normalize.removed import Normalized

# ---------------------------------------------------------------- datelines and metadata

_AGENCY = (
    r"Reuters|AP|AFP|Associated Press|Bloomberg|UPI|dpa|DPA|Xinhua|ANSA|EFE|PTI|IANS|CNN|"
    r"Kyodo|Yonhap|TASS|Tass|Anadolu|ANI|Belga|NTB|TT|Ritzau|PA|AAP|KUNA|WAM|SPA|APA|BNS|Interfax"
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_DATE_VALUE = (
    r"(?:\d{4}-\d{2}-\d{2}(?=[T ]|\b)|\d{4}/\d{2}/\d{2}\b"
    rf"|(?:{_WEEKDAY},?[ ])?{_MONTH}\.?[ ]\d{{1,2}}(?:st|nd|rd|th)?,?[ ]\d{{4}}\b"
    rf"|(?:{_WEEKDAY},?[ ])?\d{{1,2}}(?:st|nd|rd|th)?[ ]{_MONTH}\.?,?[ ]\d{{4}}\b)"
)
_TIME_VALUE = (
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|,?[ ](?:at[ ])?\d{1,2}[:.]\d{2}(?::\d{2})?(?:[ ]?[ap]\.?m\.?)?"
    r"(?:[ ](?:GMT|UTC|BST|CET|CEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|IST|JST|AEST|AEDT)"
    r"(?:[+-]\d{1,2}(?::?\d{2})?)?)?)"
)
# "date 2024-05-01 ", "Published: May 1, 2024 10:32 GMT | ", "1 May 2024 10:32 GMT " before a
# dateline (or alone on its line). The label is optional; without one the date must be followed
# by a dateline or the end of the line, so "May 1, 2024 was a Monday." stays.
_META_INLINE = re.compile(
    r"[ \t]*(?:(?P<label>date|dated|published(?:[ ]on)?|updated(?:[ ]on)?|posted(?:[ ]on)?|"
    r"last[ ]updated|first[ ]published)\b[ \t]*:?[ \t]*)?"
    rf"(?P<date>{_DATE_VALUE})(?P<time>{_TIME_VALUE})?(?:[ \t]*[|/,-](?=[ \t\n]|$))?[ \t]*",
    re.IGNORECASE,
)
_DATE_SEARCH = re.compile(_DATE_VALUE, re.IGNORECASE)
_META_LINE = re.compile(
    r"^[ \t]*(?P<label>date|published(?: on)?|updated(?: on)?|posted(?: on)?|last updated)"
    r"\b[ \t]*:?[ \t]*(?P<value>(?=[^\n]{0,59}\d)[^\n]{1,60})[ \t]*(?:\n|$)",
    re.IGNORECASE,
)
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y",
    "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%A, %B %d, %Y", "%B %d, %Y %I:%M %p", "%B %d %Y",
)


def _parse_date(value: str) -> str | None:
    value = value.strip().rstrip(".")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        from dateutil import parser as _dp  # optional; installed with trafilatura
    except ImportError:  # pragma: no cover
        return None
    if not re.search(r"\d{4}", value):
        return None  # "Updated 3:45 PM": a time without a date is not a publication date
    try:
        return _dp.parse(value, fuzzy=False).date().isoformat()
    except (ValueError, OverflowError, TypeError):
        return None


# A dateline place: up to four words, all-caps ("PORT-AU-PRINCE", "ST. JOSEPH") or capitalized
# ("Kuala Lumpur"), then up to two ", Qualifier" parts ("OSLO, Norway", "DUBAI, United Arab
# Emirates", "BUFFALO, N.Y.", "Washington, DC, United States"), an optional date ("LONDON,
# May 3"), an optional "(Agency)", then a dash, a double hyphen or a colon before the lead.
_CAPS_PLACE_WORD = r"[A-Z][A-Z.'-]*[A-Z.]"
_TITLE_PLACE_WORD = r"[A-Z][a-z][a-z'.-]*(?:[A-Z][a-z]+)?|St\.|Ft\.|Mt\."
_QUALIFIER = r",[ ](?!" + _MONTH + r"\.?[ ]\d)[A-Z][\w.'-]*(?:[ ][A-Z][\w.'-]*){0,3}"
_DATELINE = re.compile(
    rf"[ \t]*(?P<place>(?P<first>{_CAPS_PLACE_WORD}|{_TITLE_PLACE_WORD})"
    rf"(?:[ -](?:{_CAPS_PLACE_WORD}|{_TITLE_PLACE_WORD}|of|OF|de|DE|es|ES|al|AL|el|EL)){{0,3}}"
    rf"(?P<qual>(?:{_QUALIFIER}){{0,2}}))"
    rf"(?:,[ ](?P<date>{_MONTH}\.?[ ]\d{{1,2}}))?"
    r"(?:[ ]?\((?P<agency>[A-Z][\w.&' -]{0,38}[\w.])\))?"
    r"(?P<sep>[ ]+-{1,2}[ ]*|[ ]?--[ ]*|:[ ]+|[ ]+(?=[A-Z\"'(]))"
    r"(?=[\"'(\[]?[A-Z0-9])"
)
# Capitalized words that open ordinary sentences: never a mixed-case dateline place.
_NOT_PLACE = frozenset(
    """
    The A An This That These Those It He She We They I You There Here But And Or So Yet If When
    While After Before However Meanwhile Also Still Now Then Today Yesterday Tonight Tomorrow
    Officials Police Authorities Reuters Update Updated Editor Note Warning Breaking Exclusive
    Analysis Opinion Watch Listen Read Photo Video Graphic Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April May June July August September October November
    December Mr Mrs Ms Dr Sir President Minister Yes No Why What Who How Where Which By Dear
    Live Latest Correction Corrected Refile Urgent Flash Alert Factbox Explainer Column
    """.split()  # noqa: SIM905 - word lists read better as text
)
_AGENCY_RE = re.compile(rf"(?:{_AGENCY})\b")
# "(Reuters) - The", "(CNN) President ...": an agency with no place.
_AGENCY_ONLY = re.compile(
    r"[ \t]*\((?P<agency>[A-Z][\w.&' -]{0,38}[\w.])\)(?:[ ]*-{1,2}[ ]*|[ ]+)(?=[\"'(\[]?[A-Z0-9])"
)
# A byline or agency glued to an all-caps dateline: "By AgencyNameOSLO, Norway - The",
# "By Jane DoeWASHINGTON - ", "ReutersOSLO - ". The name ends in a lower-case letter or a dot.
_GLUED_BY = re.compile(
    r"[ \t]*(?P<by>(?:By|BY)[ ]+)?(?P<name>(?:[A-Z][\w.'&-]*[ ]){0,4}[A-Z][\w'&-]*?[a-z.])"
    r"(?=[A-Z]{2})"
)
_GLUE_HINT = re.compile(r"[a-z.][A-Z]{2}")
_OWN_LINE_DATELINE = re.compile(
    rf"[ \t]*(?P<place>{_CAPS_PLACE_WORD}(?:[ ]{_CAPS_PLACE_WORD}){{0,3}},[ ][A-Z][A-Z .'-]*[A-Z.])"
    r"[ \t]*\n"
)
_SITE_PREFIX = re.compile(
    r"[ \t]*(?P<site>[A-Z][\w-]*\.(?:com|net|org|news|info))[ ]+-{1,2}[ ]*(?=[\"'(]?[A-Z])",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"\.(?:com|net|org|co|news|info|in|uk)$", re.IGNORECASE)


def _match_dateline(text: str, pos: int = 0) -> re.Match[str] | None:
    """A dateline at ``pos`` that a reader would accept as one (see ``_DATELINE``).

    Mixed-case places need a dash or an "(Agency)" (a colon only with a ", Qualifier"), and their
    first word must not be one that opens ordinary sentences ("However, ..."). All-caps places
    need a dash, a colon or an "(Agency)": "WASHINGTON Post reported" is a sentence.
    """
    # cheap rejections first: most articles open with an ordinary word ("The", "A", "Police")
    head = text[pos:pos + 24].lstrip(" \t")
    word = head.split(" ", 1)[0].rstrip(",:")
    if not head[:1].isupper() or word in _NOT_PLACE or word.title() in _NOT_PLACE:
        return None
    m = _DATELINE.match(text, pos)
    if m is None or len(text) <= m.end():
        return None
    place, sep, first = m.group("place"), m.group("sep"), m.group("first")
    caps = first.isupper() and sum(c.isalpha() for c in first) >= 2
    has_agency = m.group("agency") is not None
    dash = "-" in sep
    if sep.strip() == "" and not has_agency:
        return None
    if first.title().rstrip(".") in _NOT_PLACE:  # "DEAR ABBY:", "UPDATE:", "BY ..."
        return None
    if not caps:
        if first.rstrip(".") in _NOT_PLACE or (":" in sep and not m.group("qual")):
            return None
        if len(place) > 60 or not (dash or has_agency or ":" in sep):
            return None
    if _DOMAIN.search(place):
        return None
    return m


_DATE_WORDS = frozenset(
    """
    jan january feb february mar march apr april may jun june jul july aug august sep sept
    september oct october nov november dec december mon monday tue tues tuesday wed wednesday
    thu thur thurs thursday fri friday sat saturday sun sunday am pm a m p on at gmt utc bst cet
    cest est edt cst cdt mst mdt pst pdt et pt ist jst aest aedt z t st nd rd th ago hour hours
    minute minutes min mins day days week weeks local time
    """.split()  # noqa: SIM905 - word lists read better as text
)


def _is_date_words(value: str) -> bool:
    """Only date/time words ('May 1, 2024 10:32 GMT', '3:45 PM', '2 hours ago'): a metadata
    value, not a sentence that starts with 'Updated'."""
    return all(w.lower() in _DATE_WORDS for w in re.findall(r"[A-Za-z]+", value))


# First words a metadata prefix can start with (labels, months, weekdays); digits too.
_META_FIRST = _DATE_WORDS | frozenset(
    ["date", "dated", "published", "updated", "posted", "last", "first"]
)
_HEADER_NEXT = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ(\"'")


def _strip_meta(text: str, out: Normalized) -> str:
    """Leading metadata: whole lines ("Published: May 1, 2024") and dates inline before a
    dateline (" date 2024-05-01 OSLO, Norway - ..."), in any order, repeated."""
    while True:
        first = text[:24].lstrip(" \t")
        if not (first[:1].isdigit() or first.split(" ", 1)[0].rstrip(":,.").lower() in _META_FIRST):
            return text
        m = _META_INLINE.match(text)
        if m is not None and (
            m.end() >= len(text) or text[m.end()] == "\n"
            or (m.group("label") and text[m.end()] in _HEADER_NEXT)
            or _match_dateline(text, m.end()) is not None
            or _GLUED_BY.match(text, m.end()) is not None
        ):
            out.drop(m.group(0), "metadata")
            if out.published is None:
                out.published = _parse_date(m.group("date"))
            text = text[m.end():].lstrip()
            continue
        m = _META_LINE.match(text)
        if m is None or not _is_date_words(m.group("value")):
            return text
        out.drop(m.group(0), "metadata")
        if out.published is None:
            d = _DATE_SEARCH.search(m.group("value"))
            out.published = _parse_date(d.group(0) if d else m.group("value"))
        text = text[m.end():].lstrip()


def _take_dateline(m: re.Match[str], out: Normalized) -> None:
    out.dateline = m.group("place").strip().rstrip(",")
    if m.group("agency") and out.source is None:
        out.source = m.group("agency").strip()


def _strip_dateline(text: str, out: Normalized) -> str:
    """A dateline at the start of the first paragraph, with a byline or agency glued to its
    front ("By AgencyNameOSLO, Norway - The") or an agency alone ("(Reuters) - The")."""
    m = _match_dateline(text)
    if m is not None:
        out.drop(m.group(0), "dateline")
        _take_dateline(m, out)
        return text[m.end():]
    g = _GLUED_BY.match(text) if _GLUE_HINT.search(text, 0, 120) is not None else None
    if g is not None:
        m = _match_dateline(text, g.end())
        name = g.group("name").strip()
        if m is not None and m.group("first").isupper() and (
            g.group("by") or len(name) >= 3 and " " not in name or _AGENCY_RE.fullmatch(name)
        ):
            out.drop(g.group(0), "byline" if g.group("by") else "source")
            out.drop(m.group(0), "dateline")
            _take_dateline(m, out)
            if out.source is None:
                out.source = name
            return text[m.end():]
    m = _SITE_PREFIX.match(text) if "." in text[:40] else None
    if m is not None and len(text) > m.end():  # "PanARMENIAN.Net - Verified footage ..."
        out.drop(m.group(0), "source")
        if out.source is None:
            out.source = m.group("site")
        return text[m.end():]
    m = _AGENCY_ONLY.match(text) if text.lstrip(" \t")[:1] == "(" else None
    if m is not None and len(text) > m.end():
        agency = m.group("agency")
        if _AGENCY_RE.match(agency) or len(agency.split()) <= 2:
            out.drop(m.group(0), "source")
            if out.source is None:
                out.source = agency.strip()
            return text[m.end():]
    m = _OWN_LINE_DATELINE.match(text) if text.lstrip(" \t")[:2].isupper() else None
    if m is not None and len(text) > m.end():
        out.drop(m.group(0), "dateline")
        out.dateline = m.group("place").strip()
        return text[m.end():]
    return text


def _strip_header(text: str, out: Normalized) -> str:
    """Leading metadata (lines or inline), then a dateline at the start of the first paragraph."""
    return _strip_dateline(_strip_meta(text, out), out)
