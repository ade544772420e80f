"""Sentences: split ones glued together by bad scrapers, and split text into sentences."""

from __future__ import annotations

import re

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
