"""Wire-copy headers and scrape noise: families of invented variants, and what must stay.

Each family crosses places x agencies x dashes x date forms x glue patterns, so a rule that only
fits one example fails here.
"""

from __future__ import annotations

import itertools
import pickle

import pytest

from storyline.data import Article
from storyline.normalize import (
    Removed,
    normalize,
    normalize_article,
    normalize_for_matching,
    normalize_text,
)

PLACES = ["OSLO, Norway", "PORT-AU-PRINCE", "Kuala Lumpur", "WASHINGTON", "ST. JOSEPH, Mich.",
          "NEW DELHI", "DUBAI, United Arab Emirates", "Dekalb, Ill."]
AGENCIES = [None, "Reuters", "AP", "Agency", "Bernama"]
DASHES = [" - ", " \u2014 ", " \u2013 ", " -- "]
DATES = [("date 2024-05-01", "2024-05-01"), ("Published: May 1, 2024", "2024-05-01"),
         ("updated 1 May 2024 10:32 GMT", "2024-05-01"), ("1 May 2024 10:32 GMT", "2024-05-01"),
         ("May 1, 2024", "2024-05-01"), ("2024-05-01T10:32:00Z", "2024-05-01"),
         ("Posted on Wednesday, May 1, 2024 at 10:32 a.m. EDT |", "2024-05-01"),
         ("Last updated: 14 March 2023", "2023-03-14")]
LEAD = "The government said on Monday it would send 40 more rescuers."


def _dateline(place: str, agency: str | None, dash: str) -> str:
    return place + (f" ({agency})" if agency else "") + dash


@pytest.mark.parametrize(("place", "agency", "dash"),
                         list(itertools.product(PLACES, AGENCIES, DASHES)))
@pytest.mark.parametrize("lead_space", ["", " ", "\t"])
def test_dateline_family(place: str, agency: str | None, dash: str, lead_space: str) -> None:
    n = normalize(lead_space + _dateline(place, agency, dash) + LEAD)
    assert n.text == LEAD
    assert n.dateline == place
    assert n.source == agency
    assert [r.kind for r in n.removed] == ["dateline"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("date", "iso"), DATES)
@pytest.mark.parametrize(("place", "agency"), [("OSLO, Norway", "Agency"), ("Kuala Lumpur", "Bernama"),
                                               ("PORT-AU-PRINCE", None), ("WASHINGTON", "AP")])
@pytest.mark.parametrize("sep", [" ", "\n"])
def test_inline_metadata_before_dateline(date: str, iso: str, place: str, agency: str | None,
                                         sep: str) -> None:
    text = " " + date + sep + _dateline(place, agency, " - ") + LEAD
    n = normalize(text)
    assert (n.published, n.dateline, n.source, n.text) == (iso, place, agency, LEAD)
    kinds = [r.kind for r in n.removed]  # type: ignore[attr-defined]
    assert kinds == ["metadata", "dateline"]


GLUE_PREFIXES = ["", "Advertisement", "AdvertisementSupported by", "Supported by",
                 "ADVERTISEMENT", "Skip Advertisement"]


@pytest.mark.parametrize("prefix", GLUE_PREFIXES)
@pytest.mark.parametrize("byline", ["By AgencyName", "By Jane Doe", "By Wire Staff", "AgencyName",
                                    "NewsWire"])
@pytest.mark.parametrize("place", ["OSLO, Norway", "PORT-AU-PRINCE", "WASHINGTON", "CAIRO"])
@pytest.mark.parametrize("dash", [" - ", " \u2014 ", " \u2013 "])
def test_glued_byline_or_agency_before_dateline(prefix: str, byline: str, place: str,
                                                dash: str) -> None:
    n = normalize(prefix + byline + place + dash + LEAD)
    assert n.text == LEAD
    assert n.dateline == place
    assert n.source == byline.removeprefix("By ")
    assert not any("OSLO" in r or "CAIRO" in r for r in n.removed if r.kind != "dateline")  # type: ignore[attr-defined]


@pytest.mark.parametrize("agency", ["Reuters", "CNN", "AFP"])
@pytest.mark.parametrize("after", [" - ", " ", " -- "])
def test_agency_without_place(agency: str, after: str) -> None:
    n = normalize(f"({agency}){after}{LEAD}")
    assert (n.text, n.source, n.dateline) == (LEAD, agency, None)


# ---------------------------------------------------------------- scrape noise

BODY = "Rescuers reached the village on Tuesday.\nThe toll rose to 41, officials said."


@pytest.mark.parametrize("credit", [
    "Reporting by Jane Doe; Editing by John Roe",
    "(Reporting by Jane Doe in Oslo; Writing by John Roe; Editing by A. Person)",
    "Additional reporting by Ann Lee in Cairo\nEditing by Bob Stone",
    "Compiled by the Oslo newsroom; Editing by A. Person",
])
@pytest.mark.parametrize("glue", ["\n", " ", "", "\n\n"])
@pytest.mark.parametrize("ad", ["", "Advertisement", "\nAdvertisement"])
def test_credits_at_the_end_become_metadata(credit: str, glue: str, ad: str) -> None:
    n = normalize(BODY + glue + credit + ad)
    assert n.text.split() == BODY.split()
    assert "Reporting" not in n.text and "Editing" not in n.text and "Advertisement" not in n.text
    assert n.credits and all("by" in c for c in n.credits)
    assert any(r.kind == "credits" for r in n.removed)  # type: ignore[attr-defined]


@pytest.mark.parametrize("caption", [
    "Rescuers search the rubble in Cairo, Egypt, May 1, 2024. REUTERS/Amr Dalsh",
    "A man walks past a damaged building. REUTERS/Jane Doe/File Photo",
    "Police stand guard outside the court. AFP/Getty Images",
    "Photo: Jane Doe/Agency",
    "(Photo by Jane Doe/Getty Images)",
    "Photo credit: Agency",
])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_photo_captions_and_credits(caption: str, where: str) -> None:
    first, second = BODY.split("\n")
    text = {"start": f"{caption}\n{BODY}", "middle": f"{first}\n{caption}\n{second}",
            "end": f"{BODY}\n{caption}"}[where]
    n = normalize(text)
    assert n.text.split() == BODY.split()
    assert any(r.kind in ("caption", "photo_credit") for r in n.removed)  # type: ignore[attr-defined]


@pytest.mark.parametrize("graphic", [
    "(graphic: short.url/abc)", "(GRAPHIC: https://tmsnrt.rs/2xYz)", "(Reuters graphic: short.url/q1)",
    "(interactive: https://example.org/x)",
])
def test_graphic_links_inline(graphic: str) -> None:
    n = normalize(f"The fire spread {graphic} fast across the hills.")
    assert n.text == "The fire spread fast across the hills."
    assert [r.kind for r in n.removed] == ["graphic"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("line", [
    "GRAPHIC - Fighting in Sudan : https://short.url/xYz",
    "Factbox: who is who in the talks https://example.org/a-b",
    "For a graphic on the toll, click https://tmsnrt.rs/3aB",
])
@pytest.mark.parametrize("subhead", ["", "SUBHEAD", "RISK OF ESCALATION "])
def test_graphic_lines_and_glued_subheads(line: str, subhead: str) -> None:
    # a link glued straight onto a mixed-case word cannot be split ("3aBThe"): only a subhead or
    # a line break ends it
    n = normalize(f"Talks stalled on Monday.\n{line}{subhead or chr(10)}The group said it would fight on.")
    want = "Talks stalled on Monday. The group said it would fight on."
    assert n.text.split() == want.split(" ")
    kinds = {r.kind for r in n.removed}  # type: ignore[attr-defined]
    assert "graphic" in kinds and ("subhead" in kinds) == bool(subhead)


@pytest.mark.parametrize("subhead", ["RISK OF ESCALATION ", "WHAT NEXT? ".replace("? ", " "),
                                     "HUMANITARIAN CRISIS", "CEASEFIRE"])
@pytest.mark.parametrize("end", [".", "?", '."'])
def test_subhead_glued_after_a_sentence(subhead: str, end: str) -> None:
    n = normalize(f"The army said it held the town{end}{subhead}The U.S. warned on Tuesday.")
    assert subhead.strip() not in n.text
    assert n.text.endswith("The U.S. warned on Tuesday.")


@pytest.mark.parametrize("glue", ["Advertisement", "ADVERTISEMENT"])
@pytest.mark.parametrize("before", ["in Cairo", "in Cairo.", 'she said."', "(Reuters)"])
def test_ad_markers_glued_mid_text(glue: str, before: str) -> None:
    n = normalize(f"The minister spoke {before}{glue}The talks resumed.")
    assert "dvertisement" not in n.text and "ADVERT" not in n.text
    assert "talks resumed" in n.text


# ---------------------------------------------------------------- must NOT be stripped

KEEP = [
    "However, the minister - who spoke late - disagreed.",
    "WASHINGTON Post reported on Monday that talks failed.",
    "Officials, police and residents - all of them - left.",
    "Smith, a farmer, said the river rose.",
    "May 1, 2024 was a Monday, the court noted.",
    "Published May 1, 2024, the report found gaps.",
    "Updated guidance was issued on Monday.",
    "Photo credits matter, he said. Photo opportunities were rare.",
    "The Photo: A History exhibition opens today.",
    '"OSLO is calm," she said - and left.',
    "NATO Secretary General Jens Stoltenberg said.NATO will meet.",
    "The reporting by the paper was wrong, the minister said.",
    "He praised the editing by his team.",
    "The CEOs met in Oslo. USMCA talks resumed.",
    "Rates rose.The graphic designer quit.",
    "Dear readers, thank you.",
]


@pytest.mark.parametrize("text", KEEP)
def test_ordinary_sentences_are_kept(text: str) -> None:
    n = normalize(text)
    assert n.text.split() == text.replace(".The", ". The").split()
    assert (n.dateline, n.source, n.published, n.credits) == (None, None, None, [])
    assert n.removed == []


def test_removed_pieces_keep_their_kind_through_copies() -> None:
    n = normalize("AdvertisementBy AgencyNameOSLO, Norway - The talks resumed.\n(Reporting by X)")
    kinds = [(str(r), r.kind) for r in n.removed]  # type: ignore[attr-defined]
    assert kinds == [("Advertisement", "ad"), ("By AgencyName", "byline"),
                     ("OSLO, Norway -", "dateline"), ("(Reporting by X)", "credits")]
    r = pickle.loads(pickle.dumps(n.removed[1]))
    assert isinstance(r, Removed) and r == "By AgencyName" and r.kind == "byline"
    art = normalize_article(Article(id="1", text="AdvertisementBy AgencyNameOSLO, Norway - The talks "
                                    "resumed.\n(Reporting by X)"))
    assert art.meta["boilerplate_kinds"] == ["ad", "byline", "dateline", "credits"]
    assert art.meta["credits"] == ["Reporting by X"]
    assert (art.dateline, art.source) == ("OSLO, Norway", "AgencyName")


def test_issue_cases_and_idempotence() -> None:
    a = " date 2024-05-01 OSLO, Norway (Agency) - The government said on Monday it would act."
    n = normalize(a)
    assert (n.published, n.dateline, n.source) == ("2024-05-01", "OSLO, Norway", "Agency")
    assert n.text == "The government said on Monday it would act."
    b = ("AdvertisementSupported byBy AgencyNameOSLO, Norway \u2014 The government said on Tuesday."
         "\nReporting by A. Person; Editing by B. Other)Advertisement")
    m = normalize(b)
    assert (m.dateline, m.source, m.text) == ("OSLO, Norway", "AgencyName",
                                             "The government said on Tuesday.")
    for t in (a, b, BODY + "\n(Reporting by X)", "GRAPHIC - T : https://s.url/aSUBHEADThe end."):
        once = normalize_text(t)
        assert normalize_text(once) == once
    # dedup's cheaper path drops the same words
    assert normalize_for_matching(b).split() == ["The", "government", "said", "on", "Tuesday."]
