"""Scrape boilerplate: ad, share and subscribe markers, photo credits and bylines, with fast
pre-checks so clean text pays almost nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

from storyline.normalize.removed import Removed

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
