"""Character-level steps: unicode forms, typographic quotes and dashes, whitespace."""

from __future__ import annotations

import re
import unicodedata


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
