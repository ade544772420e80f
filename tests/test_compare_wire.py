"""`storyline compare` on an agency's own next-day update whose scrape kept a glued prefix.

A family of invented wire stories (places x agencies x glued prefixes): the header parse must
give both sides their publication date, dateline and source, the relation must be `revision`,
and the new names listed must be the ones a reader would list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.features.entities import entity_key

runner = CliRunner()

FIRST = (
    " date 2024-05-01 {place} ({agency}) - Exhausted rescuers searched on Monday for 12 people "
    "missing after a landslide buried homes near the western town of Valdora, police said.\n"
    "Footage shared on social media showed mud and rocks covering a road. \"We are doing "
    "everything we can,\" regional police chief Marit Solberg told reporters.\n"
    "The landslide struck at about 4 a.m. after days of heavy rain, the national weather "
    "service said.\nReporting by Jane Doe; Editing by John Roe\n"
)
UPDATE = (
    "{prefix}{agency}{place} \u2014 Exhausted rescuers searched on Tuesday for 15 people missing "
    "after a landslide buried homes near the western town of Valdora, police said.\n"
    "Footage shared on social media showed mud and rocks covering a road. \"We are doing "
    "everything we can,\" regional police chief Marit Solberg told reporters.\n"
    "Prime Minister Jonas Gahr Store visited Valdora on Tuesday and promised help from the "
    "government in Brekkestad.\n"
    "GRAPHIC - Landslides : https://short.url/xYzRESCUE EFFORTSDiehard volunteers joined "
    "the search, and French President Emmanuel Macron offered assistance.\n"
    "The landslide struck at about 4 a.m. after days of heavy rain, the national weather "
    "service said.\n(Reporting by Jane Doe; Editing by John Roe)Advertisement\n"
)
PREFIXES = ["Updated May 2, 2024 08:15 GMT AdvertisementSupported byBy ",
            "2 May 2024 08:15 GMT\nAdvertisementBy "]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("place", "agency"), [("OSLO, Norway", "AgencyName"),
                                               ("BREKKESTAD", "Nordwire")])
def test_agency_update_with_glued_prefix(tmp_path: Path, prefix: str, place: str,
                                         agency: str) -> None:
    old, new = tmp_path / "OLD.txt", tmp_path / "NEW.txt"
    old.write_text(FIRST.format(place=place, agency=agency), encoding="utf-8")
    new.write_text(UPDATE.format(prefix=prefix, place=place, agency=agency), encoding="utf-8")
    r = runner.invoke(app, ["compare", str(old), str(new), "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["relation"] == "revision"
    a, b = d["a"], d["b"]
    ev = d["evidence"]
    assert (a["published"], a["dateline"], a["source"]) == ("2024-05-01", place, agency)
    assert (b["published"], b["dateline"], b["source"]) == ("2024-05-02", place, agency)
    # credit lines left the text (they are metadata: Article.meta["credits"], not the story)
    assert "Editing by" not in json.dumps(ev["sentences"])
    weekday = [f for f in ev["changed_facts"] if f["kind"] == "weekday"]
    assert weekday and (weekday[0]["a"], weekday[0]["b"]) == ("Monday", "Tuesday")
    assert "Exhausted rescuers searched on Tuesday" in json.dumps(weekday[0])
    only_b = {entity_key(x) for x in ev["entities"]["only_b"]}
    assert {"jonas gahr store", "brekkestad", "emmanuel macron"} <= only_b
    every = only_b | {entity_key(x) for x in ev["entities"]["shared"]}
    for junk in ("exhausted", "footage", "graphic", "rescue efforts", "advertisement",
                 "agencynameoslo norway", "date"):
        assert junk not in every
    text = " ".join(d["evidence"]["boilerplate_removed"]["b"])
    assert "RESCUE EFFORTS" in text and "GRAPHIC - Landslides" in text


def test_rules_backend_lists_the_new_names_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without storyline[ner] the rules pick the names ('Diehard', a compound adjective at a
    sentence start, is a known miss of the rules)."""
    import storyline.features.entities as ents

    monkeypatch.setattr(ents, "DISPLAY_BACKEND", "rules")
    old, new = tmp_path / "OLD.txt", tmp_path / "NEW.txt"
    old.write_text(FIRST.format(place="OSLO, Norway", agency="AgencyName"), encoding="utf-8")
    new.write_text(UPDATE.format(prefix=PREFIXES[0], place="OSLO, Norway", agency="AgencyName"),
                   encoding="utf-8")
    r = runner.invoke(app, ["compare", str(old), str(new), "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    ev = json.loads(r.stdout)["evidence"]["entities"]
    only_b = {entity_key(x) for x in ev["only_b"]}
    assert {"jonas gahr store", "brekkestad", "emmanuel macron"} <= only_b
    assert not {"exhausted", "footage", "graphic", "rescue efforts"} & (only_b | {
        entity_key(x) for x in ev["shared"]})
