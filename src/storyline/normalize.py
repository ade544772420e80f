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
    "strip_credits",
    "strip_scrape_noise",
    "unicode_nfkc",
    "Removed",
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
    r"(?<=[.!?\"')])[ \t]*(?:Advertisement|ADVERTISEMENT|Skip Advertisement|Supported by)"
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


def _keeper(removed: list[str], kind: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` callback that records the match (stripped) under ``kind`` and drops it."""

    def _keep(m: re.Match[str]) -> str:
        s = m.group(0).strip()
        if s:
            removed.append(Removed(s, kind))
        return ""

    return _keep


_PHOTO_WORDS = ("photo", "image", "picture", "video", "getty")


def _boiler_line_keeper(removed: list[str]) -> Callable[[re.Match[str]], str]:
    """Like ``_keeper``; a line that credits a photo is kind photo_credit, others boilerplate."""

    def _keep(m: re.Match[str]) -> str:
        s = m.group(0).strip()
        if s:
            kind = "photo_credit" if s.lower().startswith(_PHOTO_WORDS) else "boilerplate"
            removed.append(Removed(s, kind))
        return ""

    return _keep


def _strip_boilerplate(text: str, removed: list[str]) -> str:
    ad = _keeper(removed, "ad")
    # Same results as plain .sub() with each regex, but each runs only where it can match.
    if _could_have_prefix(text):
        text = _sub_at_line_starts(_BOILER_PREFIX, _PREFIX_HINT, _PREFIX_STARTS, text, ad)
        # repeated: "Supported byBy Jane Doe" leaves a byline once the marker is gone
        text = _sub_at_line_starts(_BOILER_PREFIX, _PREFIX_HINT, _PREFIX_STARTS, text, ad)
    text = _strip_boiler_lines(text, _boiler_line_keeper(removed))
    if _has_ad_marker(text):
        text = _BOILER_INLINE_FAST.sub(lambda m: m.group(1) + _keep_inline(m, removed), text)
    if "(" in text:
        text = _PHOTO_PAREN.sub(_keeper(removed, "photo_credit"), text)
    if text.startswith(("By ", "BY ")) or _BYLINE_HINT.search(text) is not None:
        byline = _keeper(removed, "byline")
        text = _sub_at_line_starts(
            _BYLINE,
            _BYLINE_HINT,
            ("By ", "BY "),
            text,
            lambda m: byline(m) + ("\n" if m.group(0).endswith("\n") else ""),
        )
    return text


# _BOILER_INLINE with its lookbehind turned into a captured first character: a pattern that
# starts with a character set lets the regex engine skip ahead instead of trying every position.
_BOILER_INLINE_FAST = re.compile(
    r"([.!?\"')])([ \t]*(?:Advertisement|ADVERTISEMENT|Skip Advertisement|Supported by))"
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
        removed.append(Removed(s, "ad"))
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


# ---------------------------------------------------------------- removed pieces


class Removed(str):
    """A piece of text normalization removed; ``kind`` says what it was.

    A ``str`` so that existing callers that compare, join or serialize removed pieces keep
    working; kinds: ad, boilerplate, byline, photo_credit, caption, graphic, subhead,
    metadata, dateline, source, credits.
    """

    kind: str

    def __new__(cls, text: str, kind: str = "boilerplate") -> Removed:
        obj = super().__new__(cls, text)
        obj.kind = kind
        return obj

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickling keeps kind
        return (str(self), self.kind)


@dataclass(slots=True)
class Normalized:
    """Normalized text plus what was parsed off and removed (for explanations).

    ``credits`` holds reporting/editing credit lines ('Reporting by X; Editing by Y'): they are
    metadata about the article, not its story, so they leave the text but are kept.
    """

    text: str
    dateline: str | None = None
    source: str | None = None
    published: str | None = None
    removed: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)

    def drop(self, text: str, kind: str) -> None:
        """Record a removed piece under ``kind`` (empty pieces are not recorded)."""
        text = text.strip()
        if text:
            self.removed.append(Removed(text, kind))


# ---------------------------------------------------------------- scrape noise

# Photo credits "REUTERS/Jane Doe", "AFP/Getty Images", "EPA-EFE/John Roe/File Photo":
# an all-caps agency, a slash, a capitalized name.
_CREDIT_AGENCY = r"(?:[A-Z]{2,}(?:[ -][A-Z]{2,}){0,2})"
_CREDIT_NAME = r"[A-Z][\w.'-]*(?:[ ](?:[A-Z][\w.'-]*|de|van|von|al|el|bin)){0,4}"
_PHOTO_CREDIT = rf"{_CREDIT_AGENCY}/{_CREDIT_NAME}(?:/(?:File[ ]Photo|Pool|File|Handout))?"
# A caption: a line that ends with a photo credit ("Rescuers search ... May 1, 2024. REUTERS/X").
_CAPTION_LINE = re.compile(rf"^[^\n]{{0,400}}?(?<![\w/]){_PHOTO_CREDIT}[ \t]*\.?[ \t]*$", re.MULTILINE)
# A credit glued in front of the next sentence: "...REUTERS/Jane DoeThe minister said".
_CREDIT_GLUED = re.compile(
    rf"(?<![\w/]){_CREDIT_AGENCY}/[A-Z][\w.'-]*?[a-z](?:[ ][A-Z][\w.'-]*?[a-z]){{0,3}}"
    r"(?:/File[ ]Photo)?(?=[A-Z][a-z])"
)
_PHOTO_LINE = re.compile(
    r"^[ \t]*(?:\((?:photo|photos|picture|image)[ ]by[ ][^()\n]{1,80}\)|"
    r"(?:photo|photos|picture|image|file photo)[ ]?(?:credit)?[ ]?(?::|by)[ ][^\n]{1,80})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_GRAPHIC_WORD = r"(?:graphics?|interactive|factbox|fact[ ]box|explainer|timeline|video|photos?|map)"
# "(graphic: short.url/abc)", "(GRAPHIC-Title: https://...)", "(Reuters graphic: ...)"
_GRAPHIC_PAREN = re.compile(
    rf"[ \t]*\((?:[A-Z][\w]*[ ])?{_GRAPHIC_WORD}\b[^()\n]{{0,120}}?(?:https?://|www\.|\b[\w-]+\.[a-z]{{2,6}}/)[^()\s]*\)",
    re.IGNORECASE,
)
# A whole related-link line: "GRAPHIC - Title : https://...", "Factbox: ... https://...",
# "For a graphic on X, click https://...". The URL ends before an all-caps subhead glued to it.
_URL_END = r"(?-i:(?=[A-Z]{3,}(?:[ ][A-Z]{2,})*[A-Z][a-z]|\s|$))"
_GRAPHIC_LINE = re.compile(
    rf"^[ \t]*(?:(?:{_GRAPHIC_WORD})[ ]*[-:]|For[ ](?:a|an|the|more)[ ][^\n]{{0,80}}?(?:click|see|visit))"
    rf"[^\n]{{0,200}}?(?:https?://|www\.)\S*?{_URL_END}",
    re.IGNORECASE | re.MULTILINE,
)
# An all-caps subhead glued to the next sentence at a line start ("SUBHEADThe group") or after a
# sentence end with no space ("in Cairo.RISK OF ESCALATION The"). Acronyms ("NATO said",
# "CEOs") stay: one word needs 4+ capitals glued straight onto the next word.
_CAPS_WORD = r"[A-Z][A-Z'&-]*[A-Z]"
_SUBHEAD_START = re.compile(
    rf"^(?:{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{1,6}}[ ]?|[A-Z]{{4,}})(?=[A-Z][a-z]+\b)", re.MULTILINE
)
_SUBHEAD_GLUED = re.compile(
    rf"(?:(?<=[a-z0-9)\"'][.!?])|(?<=[a-z0-9)][.!?][\"']))(?:{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{1,6}}[ ]?|[A-Z]{{4,}})"
    r"(?=[A-Z][a-z]+\b)"
)
# Substring-speed prefilters: a pattern that starts with a literal or a short class is scanned
# fast; the full patterns (with lookbehinds) run only on texts these find.
_SUBHEAD_START_HINT = re.compile(r"\n[A-Z]{4}|\n[A-Z]{2,}[ ][A-Z]{2}")
_SUBHEAD_GLUED_HINT = re.compile(r"[.!?][\"']?[A-Z]{2}")
_UPPER = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PHOTO_STARTS = ("Photo", "photo", "PHOTO", "Image", "image", "IMAGE", "Picture", "picture",
                 "File photo", "File Photo", "(Photo", "(photo", "(PHOTO", "(Picture", "(Image",
                 " ", "\t")
_PHOTO_HINT = re.compile(r"\n[ \t]*\(?(?:[Pp]hoto|PHOTO|[Ii]mage|IMAGE|[Pp]icture|[Ff]ile [Pp]hoto)")
# Ad markers glued inside a word run: "in CairoAdvertisementThe minister", "said)Advertisement".
# (The pattern starts with the literal, which is scanned fast; the callback checks the glue.)
_AD_GLUED = re.compile(r"(?:Advertisement|ADVERTISEMENT)(?=[A-Z\"']|[ \t]*$)", re.MULTILINE)


def strip_scrape_noise(text: str, out: Normalized | None = None, *, subheads: bool = True) -> str:
    """Photo captions and credits, graphic/related-link lines, glued all-caps subheads and
    glued ad markers: page furniture that a scraper ran into the article body.

    Each check starts with a substring test so that clean text pays almost nothing.
    ``subheads=False`` skips the glued-subhead rules (the costliest scan; a subhead adds only
    a word or three, which shingle matching tolerates).
    """
    rec = out if out is not None else Normalized(text="")
    if "/" in text:
        if "http" in text or "www." in text or "(" in text:
            text = _GRAPHIC_PAREN.sub(lambda m: _drop(rec, m, "graphic"), text)
            text = _GRAPHIC_LINE.sub(lambda m: _drop(rec, m, "graphic"), text)
        text = _CAPTION_LINE.sub(lambda m: _drop(rec, m, "caption"), text)
        text = _CREDIT_GLUED.sub(lambda m: _drop(rec, m, "photo_credit"), text)
    if text.startswith(_PHOTO_STARTS) or _PHOTO_HINT.search(text) is not None:
        text = _sub_at_line_starts(_PHOTO_LINE, _PHOTO_HINT, _PHOTO_STARTS, text,
                                   lambda m: _drop(rec, m, "photo_credit"))
    if "dvertisement" in text or "ADVERTISEMENT" in text:
        text = _AD_GLUED.sub(lambda m: _drop_glued_ad(rec, m), text)
    if not subheads:
        return text
    if _SUBHEAD_START_HINT.search(text) is not None or text[:4].isupper():
        text = _sub_at_line_starts(_SUBHEAD_START, _SUBHEAD_START_HINT, _UPPER, text,
                                   lambda m: _drop(rec, m, "subhead"))
    if _SUBHEAD_GLUED_HINT.search(text) is not None:
        text = _SUBHEAD_GLUED.sub(lambda m: _drop(rec, m, "subhead", " "), text)
    return text


def _drop_glued_ad(out: Normalized, m: re.Match[str]) -> str:
    """An ad marker right after a lower-case letter ("in CairoAdvertisementThe") is page
    furniture; elsewhere ("the Advertisement Standards Act") it stays."""
    if m.start() == 0 or not m.string[m.start() - 1].islower():
        return m.group(0)
    return _drop(out, m, "ad")


def _drop(out: Normalized, m: re.Match[str], kind: str, repl: str = "") -> str:
    out.drop(m.group(0), kind)
    return repl


# Credits at the end: "Reporting by X; Editing by Y", "(Reporting by X in Oslo; Writing by Y)",
# "Additional reporting by ...", "Compiled by ...". Only at the very end of the text, after a
# line start, a sentence end or an opening parenthesis, so prose ("reporting by the paper")
# stays.
_CREDIT_START = (
    r"(?:(?:Additional|Further)[ ]reporting|Reporting|Writing|Written|Editing|Compiled|"
    r"Produced|Translated|Research|Graphics?)[ ]by[ ]"
)
_CREDITS_TAIL = re.compile(
    rf"(?:(?<=\n)|(?<=[.!?\"')])|^)[ \t]*(?P<credit>\(?{_CREDIT_START}[^\n]{{1,400}}?\)?)"
    r"(?:\n[ \t]*(?:\(?" + _CREDIT_START + r"[^\n]{1,400}?\)?))*[ \t.]*\Z",
)
_CREDIT_HINT = re.compile(_CREDIT_START)
_CREDIT_WORDS = frozenset(["reporting", "writing", "written", "editing", "compiled", "produced",
                           "translated", "research", "graphic", "graphics"])


def _has_credit_word(text: str, start: int) -> bool:
    """Some " by " after ``start`` follows a credit word ("Editing by"): a few str.rfind calls
    instead of a regex over the tail."""
    pos = len(text)
    while True:
        pos = text.rfind(" by ", start, pos)
        if pos == -1:
            return False
        word = text[max(start, pos - 12):pos].rsplit(None, 1)[-1:]
        if word and word[0].lstrip("(").lower() in _CREDIT_WORDS:
            return True


def strip_credits(text: str, out: Normalized | None = None) -> str:
    """Move reporting/editing credit lines at the end of the text into ``out.credits``."""
    tail_start = max(0, len(text) - 900)
    if not _has_credit_word(text, tail_start):
        return text
    hit = _CREDIT_HINT.search(text, tail_start)
    if hit is None:
        return text
    m = None
    for cand in _CREDIT_HINT.finditer(text, tail_start):
        st = cand.start()
        if st > 0 and text[st - 1] == "(":
            st -= 1
        while st > 0 and text[st - 1] in " \t":
            st -= 1
        m = _CREDITS_TAIL.match(text, st)
        if m is not None:
            break
    if m is None:
        return text
    piece = text[m.start():].strip()
    if out is not None:
        out.drop(piece, "credits")
        for line in piece.split("\n"):
            line = line.strip().strip("()").strip()
            if line:
                out.credits.append(line)
    return text[: m.start()].rstrip()


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


# ---------------------------------------------------------------- pipeline


def _lower(text: str) -> str:
    return text.lower()


STEP_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "unicode_nfkc": unicode_nfkc,
    "normalize_quotes_dashes": normalize_quotes_dashes,
    "collapse_whitespace": collapse_whitespace,
    "strip_boilerplate": strip_boilerplate,
    "strip_scrape_noise": strip_scrape_noise,
    "strip_header": lambda t: _strip_header(t, Normalized(t)),
    "strip_credits": strip_credits,
    "split_glued_sentences": split_glued_sentences,
}
# Steps that record what they remove (and parse metadata) into the Normalized result.
_RECORDING_STEPS: dict[str, Callable[[str, Normalized], str]] = {
    "strip_boilerplate": lambda t, out: _strip_boilerplate(t, out.removed),
    "strip_scrape_noise": strip_scrape_noise,
    "strip_header": _strip_header,
    "strip_credits": strip_credits,
}
DEFAULT_STEPS: tuple[str, ...] = (
    "unicode_nfkc",
    "normalize_quotes_dashes",
    "collapse_whitespace",
    "strip_boilerplate",
    "strip_scrape_noise",
    "strip_header",
    "strip_credits",
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
            rec = _RECORDING_STEPS.get(name)
            text = rec(text, out) if rec is not None else STEP_FUNCTIONS[name](text)
        if len(out.removed) == n_removed:
            break
    out.text = text.lower() if cfg.lowercase else text
    return out


def normalize_text(text: str) -> str:
    """Default normalization, text only."""
    return normalize(text).text


def normalize_article(article: Article, config: NormalizeConfig | None = None) -> Article:
    """A new Article with normalized text; raw kept, parsed fields only fill gaps.

    ``meta`` gains ``boilerplate_removed`` (the pieces), ``boilerplate_kinds`` (their kinds, in
    the same order) and ``credits`` (reporting/editing credit lines) when there are any.
    """
    n = normalize(article.text, config)
    meta = dict(article.meta)
    if n.removed:
        meta["boilerplate_removed"] = [str(r) for r in n.removed]
        meta["boilerplate_kinds"] = [getattr(r, "kind", "boilerplate") for r in n.removed]
    if n.credits:
        meta["credits"] = list(n.credits)
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
    (ad/share/subscribe markers, photo credits, bylines), scrape noise (captions, graphic
    links, glued subheads), leading metadata/datelines and trailing credit lines, in one pass.
    Copies that differ only in that noise get the same word sequence.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = normalize_quotes_dashes(unicodedata.normalize("NFKC", text))
    scratch = Normalized(text="")
    text = strip_scrape_noise(_strip_boilerplate(text.strip(), scratch.removed), scratch,
                              subheads=False)
    return strip_credits(_strip_header(text.lstrip(), scratch), None)


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
