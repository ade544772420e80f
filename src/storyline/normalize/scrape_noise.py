"""Scrape noise inside the text: photo captions and credits, graphic links, glued subheads and
ads, and trailing reporting/editing credit lines."""

from __future__ import annotations

import re

from storyline.normalize.boilerplate import _sub_at_line_starts
from storyline.normalize.removed import Normalized

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
