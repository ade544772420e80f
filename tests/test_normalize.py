"""Behaviour of storyline.normalize on realistic scraped wire copy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.data import Article
from storyline.errors import ConfigError
from storyline.normalize import (
    NormalizeConfig,
    collapse_whitespace,
    normalize,
    normalize_article,
    normalize_quotes_dashes,
    normalize_text,
    split_glued_sentences,
    split_sentences,
    strip_boilerplate,
    unicode_nfkc,
)

WIRE_1 = (
    "Published: May 1, 2024\n"
    "AdvertisementSupported byBy Jane Doe and John Roe\n"
    "LONDON, May 3 (AP) \u2014 The minister spoke on Twitter.The minister said.\u201cWe will "
    "win,\u201d he said.\n"
    "Share this article\n"
    "(AP Photo/Jane Doe)\n"
    "Read more about the vote in the full report, the paper said."
)
WIRE_2 = "CAIRO, Egypt (Reuters) - Talks resumed on Monday.Officials said 12 people died."
WIRE_3 = "date 2024-05-01\nBy AP\nWASHINGTON \u2014 Lawmakers voted 51-49 at 9 a.m. on Tuesday."


def test_unicode_and_typography() -> None:
    assert unicode_nfkc("\ufb01le\u00a0x") == "file x"
    assert normalize_quotes_dashes("\u201cYes\u201d \u2014 it\u2019s\u2026") == '"Yes" - it\'s...'


def test_collapse_whitespace_keeps_paragraphs() -> None:
    assert collapse_whitespace("  a \t b\r\n\r\n\n\nc  \n d ") == "a b\n\nc\nd"


def test_wire_story_full() -> None:
    n = normalize(WIRE_1)
    assert n.text.startswith("The minister spoke on Twitter. The minister said. \"We will win,\"")
    assert n.dateline == "LONDON" and n.source == "AP" and n.published == "2024-05-01"
    for piece in ("Advertisement", "Supported by", "By Jane Doe and John Roe",
                  "Share this article", "(AP Photo/Jane Doe)", "Published: May 1, 2024"):
        assert piece in n.removed
    # a real sentence that merely starts with "Read more" words stays
    assert "Read more about the vote in the full report" in n.text


def test_dateline_country_agency_and_glue() -> None:
    n = normalize(WIRE_2)
    assert (n.dateline, n.source) == ("CAIRO, Egypt", "Reuters")
    assert n.text == "Talks resumed on Monday. Officials said 12 people died."


def test_metadata_and_agency_byline() -> None:
    n = normalize(WIRE_3)
    assert n.published == "2024-05-01" and n.dateline == "WASHINGTON"
    assert n.text == "Lawmakers voted 51-49 at 9 a.m. on Tuesday."
    assert "By AP" in n.removed


def test_updated_time_only_is_removed_without_date() -> None:
    n = normalize("Updated 3:45 PM\nThe storm hit the coast.")
    assert n.text == "The storm hit the coast." and n.published is None


def test_boilerplate_mid_sentence_kept() -> None:
    text = "Readers can subscribe to the service, and the advertisement ran on Monday."
    assert strip_boilerplate(text) == text
    assert normalize_text("Photo credits matter, he said.") == "Photo credits matter, he said."


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. and U.K. agreed.",
        "It grew 3.5 percent in version 2.1.3.",
        "See reuters.com and www.bbc.co.uk or https://x.com/a.Bc today.",
        "J.R.R. Tolkien wrote it at 5 p.m. for e.g. fun.",
    ],
)
def test_glue_split_does_not_break(text: str) -> None:
    assert split_glued_sentences(text) == text


def test_glue_split_variants() -> None:
    assert split_glued_sentences("Really?Yes!We won") == "Really? Yes! We won"
    # quote parity decides whether the quote closes this sentence or opens the next
    assert split_glued_sentences('She said: "We won."The end') == 'She said: "We won." The end'
    assert split_glued_sentences('he said."The end') == 'he said. "The end'


def test_split_sentences() -> None:
    text = (
        'Mr. Smith met Dr. Jones in the U.S. on Jan. 5. "We will win," he said. '
        'Prices rose 3.5 percent... Then J. R. Ewing left.\nNew line here'
    )
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones in the U.S. on Jan. 5.",
        '"We will win," he said.',
        "Prices rose 3.5 percent...",
        "Then J. R. Ewing left.",
        "New line here",
    ]
    assert split_sentences('He said. "Next one.') == ["He said.", '"Next one.']


@pytest.mark.parametrize("text", [WIRE_1, WIRE_2, WIRE_3])
def test_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_unknown_step() -> None:
    with pytest.raises(ConfigError, match="collapse_whitespace"):
        NormalizeConfig(steps=("nope",))


def test_config_lowercase_and_subset() -> None:
    cfg = NormalizeConfig(steps=("collapse_whitespace",), lowercase=True)
    assert normalize("  Advertisement  X ", cfg).text == "advertisement x"


def test_normalize_article() -> None:
    art = Article(id="1", text=WIRE_2, source="ExistingSource")
    out = normalize_article(art)
    assert out.raw == WIRE_2 and out.text.startswith("Talks resumed")
    assert out.source == "ExistingSource" and out.dateline == "CAIRO, Egypt"
    assert out.meta["boilerplate_removed"] == ["CAIRO, Egypt (Reuters) -"]
    assert art.text == WIRE_2 and art.meta == {}


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises(text: str) -> None:
    assert isinstance(normalize_text(text), str)
    assert isinstance(split_sentences(text), list)


def test_ad_marker_glued_after_a_sentence_is_removed():
    from storyline.normalize import normalize

    out = normalize("He spoke on Twitter.AdvertisementThe minister left.\nIt rained.Advertisement\nEnd.")
    assert "Advertisement" not in out.text
    assert "He spoke on Twitter. The minister left." in out.text
    assert out.removed.count("Advertisement") == 2
    kept = normalize("The board approved the Advertisement Standards Act on Monday.")
    assert "Advertisement Standards Act" in kept.text


def test_ad_marker_glued_before_a_quote_is_removed():
    from storyline.normalize import normalize

    for raw in ('Beds ran short in hospitals.Advertisement"Our staff are exhausted," she said.',
                "Beds ran short in hospitals.Advertisement\u201cOur staff are exhausted,\u201d she said.",
                'Advertisement"Our staff are exhausted," she said.'):
        out = normalize(raw)
        assert "advertisement" not in out.text.lower(), raw
        assert "Our staff are exhausted" in out.text
        assert "Advertisement" in out.removed
    # an ordinary word followed by a quote stays
    kept = normalize('He saw the Advertisement "Buy now" on the bus.')
    assert "Advertisement" in kept.text


# ---------------------------------------------------------------- fast paths == plain regexes

import re  # noqa: E402

import storyline.normalize.boilerplate as N  # noqa: E402

_REF_HSPACE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_REF_SPACE_NL = re.compile(r" +\n *|\n +")
_REF_MANY_NL = re.compile(r"\n{3,}")


def _ref_collapse(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _REF_HSPACE.sub(" ", text)
    text = _REF_SPACE_NL.sub("\n", text)
    return _REF_MANY_NL.sub("\n\n", text).strip()


def _ref_strip_boilerplate(text: str) -> tuple[str, list[str]]:
    """The straightforward sequence of .sub() calls the fast path must equal."""
    removed: list[str] = []

    def keep(m: re.Match[str]) -> str:
        s = m.group(0).strip()
        if s:
            removed.append(s)
        return ""

    text = N._BOILER_PREFIX.sub(keep, text)
    text = N._BOILER_PREFIX.sub(keep, text)
    text = N._BOILER_LINE.sub(keep, text)
    text = N._BOILER_INLINE.sub(keep, text)
    text = N._PHOTO_PAREN.sub(keep, text)
    text = N._BYLINE.sub(lambda m: keep(m) + ("\n" if m.group(0).endswith("\n") else ""), text)
    return text, removed


_PIECES = st.sampled_from([
    "Advertisement", "ADVERTISEMENT", "Supported by", "Skip Advertisement", "Sponsored content",
    "By Jane Doe", "BY AP", "By Reuters", "Share this article", "Read more", "Photo: AP",
    "(AP Photo/Jane Doe)", "Image caption A flood", "Related coverage", "share", "Tweet",
    "The minister said.", "Officials", "on Twitter.", "\"We won.\"", " ", "  ", "\t", "\n",
    "\n\n\n", " \n ", "\r\n", "\u00a0", "\u017f", "Getty Images", "x", ".", "'", "(", ")",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_fast_boilerplate_equals_plain_regexes(text: str) -> None:
    removed: list[str] = []
    assert (N._strip_boilerplate(text, removed), removed) == _ref_strip_boilerplate(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_PIECES, max_size=25).map("".join)))
def test_fast_whitespace_equals_plain_regexes(text: str) -> None:
    assert collapse_whitespace(text) == _ref_collapse(text)


def test_fast_paths_on_wire_copies() -> None:
    for text in (WIRE_1, WIRE_2, WIRE_3):
        removed: list[str] = []
        assert (N._strip_boilerplate(text, removed), removed) == _ref_strip_boilerplate(text)
        assert collapse_whitespace(text) == _ref_collapse(text)


def test_normalize_for_matching_strips_word_noise_only() -> None:
    from storyline.normalize import normalize_for_matching

    out = normalize_for_matching(WIRE_1)
    for piece in ("Advertisement", "Supported by", "Jane Doe", "Share this", "AP Photo", "LONDON"):
        assert piece not in out
    assert "The minister spoke on Twitter.The minister said." in out  # glue left to the tokenizer
    assert normalize_for_matching("Caf\u00e9\u00a0\ufb01le") == "Caf\u00e9 file"
