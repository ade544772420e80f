"""Text normalization for matching.

Callers always keep the original text (``Article.raw``); everything here only makes copies of
the same story look alike: unicode forms, quotes/dashes, whitespace, scrape boilerplate,
bylines, datelines, leading metadata and sentences glued together by bad scrapers.
Pure functions, precompiled regexes, no I/O.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from storyline.data import Article
from storyline.errors import ConfigError

__all__ = [
    "DEFAULT_STEPS",
    "STEP_FUNCTIONS",
    "NormalizeConfig",
    "Normalized",
    "collapse_whitespace",
    "normalize",
    "normalize_article",
    "normalize_for_matching",
    "normalize_quotes_dashes",
    "normalize_text",
    "split_glued_sentences",
    "split_sentences",
    "strip_boilerplate",
    "unicode_nfkc",
]


# ---------------------------------------------------------------- simple text steps


def unicode_nfkc(text: str) -> str:
    """NFKC-fold so ligatures, full-width forms and no-break spaces compare equal."""
    return unicodedata.normalize("NFKC", text)


_QUOTE_TABLE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-",
        "\u2026": "...",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
    }
)
_TYPO_MAP = {chr(k): (v or "") for k, v in _QUOTE_TABLE.items()}
_TYPO_CHARS = re.compile("[" + "".join(_TYPO_MAP) + "]")
_LONG_DASH = re.compile(r"[ \t]*[\u2013\u2014\u2015][ \t]*")


def normalize_quotes_dashes(text: str) -> str:
    """Straighten quotes, turn en/em dashes into ' - ' and ellipses into '...'.

    Outlets differ only in typography; matching must not see that difference.
    """
    if text.isascii():
        return text
    text = _TYPO_CHARS.sub(lambda m: _TYPO_MAP[m.group(0)], text)
    return _LONG_DASH.sub(" - ", text)


_HSPACE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")  # only runs or odd spaces: most text has none
_MANY_NL = re.compile(r"\n{3,}")


def collapse_whitespace(text: str) -> str:
    """Single spaces inside lines; keep paragraph breaks ('\\n' or '\\n\\n'), strip ends.

    Substring checks (C speed) skip each regex when it cannot match, which is the common case
    for clean text; the result is the same as always running the regexes.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() or "\t" in text or "\x0b" in text or "\x0c" in text:
        text = _HSPACE.sub(" ", text)
    else:  # ASCII with only ' ' and '\n' as whitespace: runs of spaces become one space
        while "  " in text:
            text = text.replace("  ", " ")
    # every run of horizontal space is now one " ", so plain replaces equal _SPACE_NL.sub
    if " \n" in text:
        text = text.replace(" \n", "\n")
    if "\n " in text:
        text = text.replace("\n ", "\n")
    if "\n\n\n" in text:
        text = _MANY_NL.sub("\n\n", text)
    return text.strip()


# ---------------------------------------------------------------- boilerplate

_BOILER_WORDS = (
    r"advertisement|advertising|supported by|sponsored content|sponsored|"
    r"subscribe(?: now| today| to [\w ]{1,40})?|share this (?:article|story)|"
    r"share on (?:facebook|twitter|x|linkedin|whatsapp|email)|share|tweet|"
    r"read more(?: here)?|continue reading(?: the main story)?|"
    r"sign up for (?:our|the) [\w -]{0,30}newsletters?|story continues below(?: advertisement)?|"
    r"skip advertisement|click here to [\w ]{1,40}|related(?: articles| stories| coverage)?|"
    r"getty images|image copyright[^\n]{0,80}|image caption[^\n]{0,200}|"
    r"(?:photo|image|picture|video)(?: credit)?: ?[^\n]{0,80}"
)
# A whole line that is only boilerplate (possibly several markers run together).
_BOILER_LINE = re.compile(
    rf"^[ \t]*(?:(?:{_BOILER_WORDS})[ \t.:|,-]*)+$", re.IGNORECASE | re.MULTILINE
)
_BOILER_LINE_FULL = re.compile(
    rf"[ \t]*(?:(?:{_BOILER_WORDS})[ \t.:|,-]*)+\Z", re.IGNORECASE
)
# Markers glued to the front of real text: "AdvertisementSupported byThe minister...".
_BOILER_PREFIX = re.compile(
    r"^(?:[Aa]dvertisement|ADVERTISEMENT|[Ss]upported by|[Ss]kip [Aa]dvertisement|[Ss]ponsored content)"
    r"(?=[\"'“‘(]?[A-Z]|\s)",
    re.MULTILINE,
)
# Markers glued after a sentence end, mid-line: "on Twitter.AdvertisementThe minister" or at
# the end of a line: "on Twitter.Advertisement", or before a quote: 'hospitals.Advertisement"Our'.
# Only capitalised ad markers, never "share".
_BOILER_INLINE = re.compile(
    r"(?<=[.!?\"'])[ \t]*(?:Advertisement|ADVERTISEMENT|Skip Advertisement|Supported by)"
    r"(?=[\"'“‘(]?[A-Z]|[ \t]*$)",
    re.MULTILINE,
)
# Photo credits in parentheses anywhere: "(AP Photo/Jane Doe)", "(Photo: Reuters)".
_PHOTO_PAREN = re.compile(
    r"\((?:[A-Z][\w.]*[ ])?(?:photo|photograph|image|file photo|pool photo)\b[^()\n]{0,80}\)",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w'.-]*(?:[ ][A-Z][\w'.-]*){0,3}"
_BYLINE = re.compile(
    rf"^(?:By|BY)[ ]+(?:{_NAME}|[A-Z]{{2,}})(?:(?:,[ ]|[ ]and[ ]|[ ]&[ ])(?:{_NAME}|[A-Z]{{2,}}))*"
    r"(?:[ ]?(?:[|,-][ ]?)?(?:Reuters|AP|AFP|Associated Press|Bloomberg|CNN|BBC News))?"
    r"[ \t]*(?:\n|$|(?=[A-Z][a-z]+[ ][a-z])(?<=[a-z]))",
    re.MULTILINE,
)


def _strip_boilerplate(text: str, removed: list[str]) -> str:
    def _keep(m: re.Match[str]) -> str:
        s = m.group(0).strip()
        if s:
            removed.append(s)
        return ""

    # Same results as plain .sub() with each regex, but each runs only where it can match.
    if _could_have_prefix(text):
        text = _sub_at_line_starts(_BOILER_PREFIX, _PREFIX_HINT, _PREFIX_STARTS, text, _keep)
        # repeated: "Supported byBy Jane Doe" leaves a byline once the marker is gone
        text = _sub_at_line_starts(_BOILER_PREFIX, _PREFIX_HINT, _PREFIX_STARTS, text, _keep)
    text = _strip_boiler_lines(text, _keep)
    if _has_ad_marker(text):
        text = _BOILER_INLINE_FAST.sub(lambda m: m.group(1) + _keep_inline(m, removed), text)
    if "(" in text:
        text = _PHOTO_PAREN.sub(_keep, text)
    if text.startswith(("By ", "BY ")) or _BYLINE_HINT.search(text) is not None:
        text = _sub_at_line_starts(
            _BYLINE,
            _BYLINE_HINT,
            ("By ", "BY "),
            text,
            lambda m: _keep(m) + ("\n" if m.group(0).endswith("\n") else ""),
        )
    return text


# _BOILER_INLINE with its lookbehind turned into a captured first character: a pattern that
# starts with a character set lets the regex engine skip ahead instead of trying every position.
_BOILER_INLINE_FAST = re.compile(
    r"([.!?\"'])([ \t]*(?:Advertisement|ADVERTISEMENT|Skip Advertisement|Supported by))"
    r"(?=[\"'“‘(]?[A-Z]|[ \t]*$)",
    re.MULTILINE,
)
_PREFIX_STARTS = (
    "Advertisement", "advertisement", "ADVERTISEMENT", "Supported by", "supported by",
    "Skip ", "skip ", "Sponsored content", "sponsored content",
)
_PREFIX_HINT = re.compile(r"\n(?:[Aa]dvertisement|ADVERTISEMENT|[Ss]upported by|[Ss]kip |[Ss]ponsored content)")
_BYLINE_HINT = re.compile(r"\n(?:By|BY) ")


def _keep_inline(m: re.Match[str], removed: list[str]) -> str:
    s = m.group(2).strip()
    if s:
        removed.append(s)
    return ""


def _could_have_prefix(text: str) -> bool:
    """True if some line starts with a _BOILER_PREFIX marker (checked at newlines only)."""
    return text.startswith(_PREFIX_STARTS) or _PREFIX_HINT.search(text) is not None


def _sub_at_line_starts(
    pattern: re.Pattern[str],
    hint: re.Pattern[str],
    starts_with: tuple[str, ...],
    text: str,
    repl: Callable[[re.Match[str]], str],
) -> str:
    """``pattern.sub(repl, text)`` for a MULTILINE pattern anchored with ``^``, tried only at
    line starts found by ``hint`` (a regex for "\\n" + the line's first characters).

    Scanning for "\\n" is fast; trying the full pattern at every position is not.
    """
    cands = [0] if text.startswith(starts_with) else []
    cands += [m.start() + 1 for m in hint.finditer(text)]
    out: list[str] = []
    pos = 0
    for st in cands:
        if st < pos:
            continue
        m = pattern.match(text, st)
        if m is None:
            continue
        out.append(text[pos:st])
        out.append(repl(m))
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _has_ad_marker(text: str) -> bool:
    """True if _BOILER_PREFIX or _BOILER_INLINE could match (all their markers contain these)."""
    return (
        "dvertisement" in text
        or "ADVERTISEMENT" in text
        or "upported by" in text
        or "ponsored content" in text
    )


_BOILER_MAX_LINE = 400  # longest line _BOILER_LINE can match is well under this
# First letters of the _BOILER_WORDS alternatives in any case, plus the non-ASCII letters that
# IGNORECASE also equates with them (long s, dotless/dotted i); "" is an empty line.
_BOILER_FIRST = frozenset("aAsStTrRcCgGiIpPvV\u017f\u0131\u0130")


def _strip_boiler_lines(text: str, keep: Callable[[re.Match[str]], str]) -> str:
    """``_BOILER_LINE.sub`` applied line by line, testing only lines short enough to match.

    Boilerplate lines are short; real paragraphs are skipped by a length check instead of a
    regex scan over every character. Matches never span lines, so the result is identical.
    """
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        first = line[:1]
        if first == " " or first == "\t":
            first = line.lstrip(" \t")[:1]
        if first in _BOILER_FIRST and len(line) < _BOILER_MAX_LINE:
            m = _BOILER_LINE_FULL.match(line)
            if m is not None:
                lines[i] = keep(m)
                changed = True
    return "\n".join(lines) if changed else text


def strip_boilerplate(text: str) -> str:
    """Remove ad/subscription/share markers, photo credits and bylines (text-only form)."""
    return _strip_boilerplate(text, [])


# ---------------------------------------------------------------- glued sentences

# "Twitter.The", 'said."The', "now?Yes", "go!We" — lowercase/digit/closing punct, then a
# sentence end, then an uppercase word of 2+ letters. Not "U.S." (caps before the dot),
# not "3.5" (digit after), not "reuters.com" (lowercase after), not "J.R.R." (single caps).
_GLUED = re.compile(r"(?<=[a-z0-9%)\]])([.!?]+)([\"')\]]?)(?=[A-Z][a-z])")
# Every _GLUED match contains this; starting with a character set lets the regex engine skip
# ahead quickly, unlike _GLUED's leading lookbehind (tried at every position).
_GLUED_HINT = re.compile(r"[.!?][\"')\]]?[A-Z][a-z]")
_URLISH = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")


def split_glued_sentences(text: str) -> str:
    """Insert the missing space in 'on Twitter.The minister' left by scrapers.

    URLs are protected so 'https://x.com/a.Bc' is not split.
    """
    if not _GLUED_HINT.search(text) or not _GLUED.search(text):
        return text
    spans = [m.span() for m in _URLISH.finditer(text)]

    def _fix(m: re.Match[str]) -> str:
        pos = m.start()
        for a, b in spans:
            if a <= pos < b:
                return m.group(0)
        quote = m.group(2)
        if quote == '"':
            line_start = text.rfind("\n", 0, pos) + 1
            if text.count('"', line_start, pos) % 2 == 0:
                return m.group(1) + " " + quote  # an even count before: it opens the next one
        return m.group(1) + quote + " "

    return _GLUED.sub(_fix, text)


# ---------------------------------------------------------------- datelines and metadata

_AGENCY = r"Reuters|AP|AFP|Associated Press|Bloomberg|UPI|dpa|DPA|Xinhua|ANSA|EFE|PTI|IANS|CNN"
_PLACE = r"[A-Z][A-Z.'-]+(?:[ ][A-Z][A-Z.'-]+){0,3}"
_DATELINE = re.compile(
    rf"^[ \t]*(?P<place>{_PLACE}(?:,[ ][A-Z][\w.]*(?:[ ][A-Z][\w.]*){{0,2}})?)"
    r"(?:,[ ](?P<date>[A-Z][a-z]{2,8}\.?[ ]\d{1,2}))?"
    rf"(?:[ ]?\((?P<agency>{_AGENCY}|[A-Z][\w ]{{1,30}})\))?"
    r"[ ]+[-:][ ]*",
)
_META_LINE = re.compile(
    r"^[ \t]*(?P<label>date|published(?: on)?|updated(?: on)?|posted(?: on)?|last updated)"
    r"\b[ \t]*:?[ \t]*(?P<value>[^\n]{1,60})[ \t]*(?:\n|$)",
    re.IGNORECASE,
)
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y",
    "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%A, %B %d, %Y", "%B %d, %Y %I:%M %p",
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


@dataclass(slots=True)
class Normalized:
    """Normalized text plus what was parsed off and removed (for explanations)."""

    text: str
    dateline: str | None = None
    source: str | None = None
    published: str | None = None
    removed: list[str] = field(default_factory=list)


def _strip_header(text: str, out: Normalized) -> str:
    """Leading metadata lines, then a dateline at the start of the first paragraph."""
    while True:
        m = _META_LINE.match(text)
        if not m:
            break
        out.removed.append(m.group(0).strip())
        if out.published is None:
            out.published = _parse_date(m.group("value"))
        text = text[m.end():].lstrip()
    m = _DATELINE.match(text)
    if m and len(text) > m.end():
        place = m.group("place").strip()
        out.removed.append(m.group(0).strip())
        out.dateline = place.rstrip(",")
        if m.group("agency"):
            out.source = m.group("agency").strip()
        text = text[m.end():]
    return text


# ---------------------------------------------------------------- pipeline


def _lower(text: str) -> str:
    return text.lower()


STEP_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "unicode_nfkc": unicode_nfkc,
    "normalize_quotes_dashes": normalize_quotes_dashes,
    "collapse_whitespace": collapse_whitespace,
    "strip_boilerplate": strip_boilerplate,
    "strip_header": lambda t: _strip_header(t, Normalized(t)),
    "split_glued_sentences": split_glued_sentences,
}
DEFAULT_STEPS: tuple[str, ...] = (
    "unicode_nfkc",
    "normalize_quotes_dashes",
    "collapse_whitespace",
    "strip_boilerplate",
    "strip_header",
    "split_glued_sentences",
    "collapse_whitespace",
)


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    """Ordered step names (see ``STEP_FUNCTIONS``) and whether to lowercase at the end."""

    steps: tuple[str, ...] = DEFAULT_STEPS
    lowercase: bool = False

    def __post_init__(self) -> None:
        bad = [s for s in self.steps if s not in STEP_FUNCTIONS]
        if bad:
            raise ConfigError(
                f"unknown normalize step(s): {', '.join(bad)}",
                hint=f"valid steps are: {', '.join(STEP_FUNCTIONS)}",
            )


_DEFAULT_CONFIG = NormalizeConfig()


def normalize(text: str, config: NormalizeConfig | None = None) -> Normalized:
    """Run the configured steps; removed/parsed pieces are recorded, not lost."""
    cfg = config or _DEFAULT_CONFIG
    out = Normalized(text="")
    for _ in range(2):  # second pass reaches markers uncovered by the first (idempotence)
        n_removed = len(out.removed)
        for name in cfg.steps:
            if name == "strip_boilerplate":
                text = _strip_boilerplate(text, out.removed)
            elif name == "strip_header":
                text = _strip_header(text, out)
            else:
                text = STEP_FUNCTIONS[name](text)
        if len(out.removed) == n_removed:
            break
    out.text = text.lower() if cfg.lowercase else text
    return out


def normalize_text(text: str) -> str:
    """Default normalization, text only."""
    return normalize(text).text


def normalize_article(article: Article, config: NormalizeConfig | None = None) -> Article:
    """A new Article with normalized text; raw kept, parsed fields only fill gaps."""
    n = normalize(article.text, config)
    meta = dict(article.meta)
    if n.removed:
        meta["boilerplate_removed"] = list(n.removed)
    return dataclasses.replace(
        article,
        text=n.text,
        raw=article.raw if article.raw is not None else article.text,
        dateline=article.dateline or n.dateline,
        source=article.source or n.source,
        published=article.published or n.published,
        meta=meta,
    )


def normalize_for_matching(text: str) -> str:
    """A cheaper normalization for shingle matching (dedup): only steps that change words.

    Word tokenization already ignores case, whitespace, punctuation and glued sentences, so
    this keeps only what adds or merges *words*: NFKC for non-ASCII text, boilerplate
    (ad/share/subscribe markers, photo credits, bylines) and leading metadata/datelines, in
    one pass. Copies that differ only in that noise get the same word sequence.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = normalize_quotes_dashes(unicodedata.normalize("NFKC", text))
    text = _strip_boilerplate(text.strip(), [])
    return _strip_header(text.lstrip(), Normalized(text=""))


# ---------------------------------------------------------------- sentence splitting

_ABBREV = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "gov", "sen", "rep", "gen", "col", "lt", "sgt", "capt", "st", "inc", "ltd", "co", "corp", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "jr", "sr", "mt", "ft", "ave", "blvd", "dept", "est", "fig", "approx", "etc", "al"]
)
_CANDIDATE = re.compile(r"(\.\.\.|[.!?]+)([\"')\]]*)(\s+)(?=[\"'(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[str]:
    """Split into sentences; newlines are hard breaks.

    Abbreviations (Mr., U.S., Jan.), initials, decimals and quoted speech that continues
    ('"We will win," he said.') do not end a sentence.
    """
    result: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _CANDIDATE.finditer(line):
            punct = m.group(1)
            if punct == ".":
                # look back a bounded window: scanning from 0 is quadratic on long lines
                w = _LAST_WORD.search(line, max(0, m.start() - 64), m.start())
                word = w.group(1) if w else ""
                bare = word.lower().rstrip(".")
                if bare in _ABBREV or (len(bare) == 1 and bare.isalpha()):
                    continue
                if "." in word and all(len(p) <= 2 for p in word.split(".")):
                    continue  # U.S, a.m, e.g  (U.S. at sentence end is rare; prefer recall)
            piece = line[start : m.end(2)].strip()
            if piece:
                result.append(piece)
            start = m.end()
        tail = line[start:].strip()
        if tail:
            result.append(tail)
    return result
