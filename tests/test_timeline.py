"""storyline.timeline: tracks, changes, conflicts, outputs and bad input, on invented wire copy
(tests/fixtures/timeline: an agency lead, its next-day update, a syndicated copy of the lead
and another outlet's report) and on synthetic stories whose changes are labelled exactly."""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from storyline.data import Article
from storyline.errors import InputError
from storyline.io import read_articles
from storyline.synth import generate
from storyline.timeline import SCHEMA_VERSION, build_timeline, timeline_html, timeline_text

FIX = Path(__file__).parent / "fixtures" / "timeline"


def _load(*names: str) -> list[Article]:
    return [a for n in names for a in read_articles([FIX / n])]


@pytest.fixture(scope="module")
def lead_and_update():
    return build_timeline(_load("agency_update.json", "agency_lead.json"))  # any input order


@pytest.fixture(scope="module")
def four():
    return build_timeline(_load("agency_lead.json", "agency_update.json", "other_outlet.json",
                                "syndicated_lead.json"))


def _track(t, kind, pred):
    [x] = [x for x in t.facts if x.kind == kind and pred(x)]
    return x


# ------------------------------------------------------------------ an agency lead and its update


def test_versions_are_ordered_by_time_and_the_update_updates_the_lead(lead_and_update):
    t = lead_and_update
    assert [v.article_id for v in t.versions] == ["nordwire-kessel-1", "nordwire-kessel-2"]
    v1, v2 = t.versions
    assert (v1.relation, v2.relation, v2.reference) == ("first", "update", 0)
    assert v2.relation_to_first == "revision"
    # the credit line is metadata, not text: the two leads are the edited sentences
    assert v2.sentences == {"kept": 5, "edited": 1, "added": 3, "dropped": 0}


def test_text_lists_what_stayed_what_moved_and_what_is_new_each_with_its_sentence(lead_and_update):
    text = timeline_text(lead_and_update)
    lead = "Government troops retook the mountain town of Kessel on Monday"
    update = "Government troops tightened their grip on the mountain town of Kessel on Tuesday"
    # counts that stayed
    assert re.search(r"captured \(soldiers\): 40, stayed \(v1\u2013v2", text)
    assert "they had captured 40 soldiers during the fighting" in text
    assert re.search(r"displaced \(residents\): 2,000, stayed \(v1\u2013v2", text)
    assert "More than 2,000 residents fled Kessel over the weekend" in text
    # the weekday that moved, and the toll, with the lead sentences
    block = text.split("\nTimes\n")[1].split("\n\n")[0]
    assert "weekday: Monday (v1) \u2192 Tuesday (v2)" in block
    assert "[Monday = 2026-03-02, Tuesday = 2026-03-03]" in block  # resolved per version
    assert lead in block and update in block
    assert "dead (people): 37 (v1) \u2192 41 (v2)" in text
    # people and places only in the update, each with its sentence
    names = text.split("\nNames")[1].split("\nQuotes")[0]
    for name, sentence in (("Elena Sarov", "Prime Minister Elena Sarov flew to Varna Hills"),
                           ("Viktor Lune", "President Viktor Lune called the fighting"),
                           ("Tallinor", "Aid convoys from the port city of Tallinor")):
        line = next(x for x in names.splitlines() if x.strip().startswith(name))
        assert "first in v2" in line and sentence in line
    assert "Colonel Andrei Malek (" not in names  # in both versions: not news
    # the quotes that were kept, with speaker and sentence
    quotes = text.split("\nQuotes")[1].split("\nConflicts")[0]
    assert "The town is under our full control" in quotes
    assert "Andrei Malek; kept v1\u2013v2" in quotes
    assert "Mira Hollis; kept v1\u2013v2" in quotes
    assert "a crime against the people of Estovia" in quotes and "only in v2" in quotes


def test_tracks_carry_evidence_with_offsets(lead_and_update):
    t = lead_and_update
    toll = _track(t, "count", lambda x: x.measure == "dead")
    assert [m.text for m in toll.mentions] == ["37", "41"]
    [change] = toll.changes
    assert (change.old.text, change.new.text, change.new.article_id) == ("37", "41",
                                                                         "nordwire-kessel-2")
    first = toll.first
    assert (first.article_id, first.source, first.published) == (
        "nordwire-kessel-1", "Nordwire", "2026-03-02T09:40:00Z")
    # offsets point into the version's normalized text (what compare shows)
    from storyline.compare import prepare_article

    lead = prepare_article(_load("agency_lead.json")[0])[0]
    assert lead.text[first.start:first.end] == "37"
    assert first.sentence in lead.text
    assert toll.stopped is None


# ------------------------------------------------------------------ sources: copies and conflicts


def test_other_sources_differ_they_do_not_update(four):
    t = four
    rel = {v.article_id: v.relation for v in t.versions}
    assert rel == {"nordwire-kessel-1": "first", "gazette-88120": "copy",
                   "courier-5512": "other", "nordwire-kessel-2": "update"}
    toll = _track(t, "count", lambda x: x.measure == "dead")
    assert [(m.source, m.text) for m in toll.mentions] == [
        ("Nordwire", "37"), ("Valley Gazette", "37"), ("Drovny Courier", "35"), ("Nordwire", "41")]
    assert [(c.old.text, c.new.text) for c in toll.changes] == [("37", "41")]  # not 37 -> 35
    conflicts = {(c.a.source, c.a.text, c.b.source, c.b.text) for c in t.conflicts}
    assert ("Nordwire", "37", "Drovny Courier", "35") in conflicts
    # the next day's 41 is an update, not a conflict with the day before's 35
    assert not any("41" in (c.a.text, c.b.text) for c in t.conflicts)
    courier = next(v for v in t.versions if v.article_id == "courier-5512")
    added = {t.track(f).label() for f in courier.added}
    assert "ambulances" in added


def test_an_out_of_date_copy_is_not_a_conflict():
    lead, update = _load("agency_lead.json", "agency_update.json")
    update = dataclasses.replace(update, published="2026-03-02T15:00:00Z")
    late_copy = dataclasses.replace(_load("syndicated_lead.json")[0],
                                    published="2026-03-02T16:00:00Z")
    t = build_timeline([lead, update, late_copy])
    toll = _track(t, "count", lambda x: x.measure == "dead")
    assert [m.text for m in toll.mentions] == ["37", "41", "37"]
    assert t.conflicts == []  # the gazette still carries Nordwire's own earlier 37


def test_claims_are_attributed_sentences():
    t = build_timeline(_load("agency_lead.json", "other_outlet.json", "agency_update.json"))
    claims = {x.first.speaker: x for x in t.facts if x.kind == "claim"}
    red_cross = claims["Estovian Red Cross"]
    assert red_cross.first.sentence == ("The Estovian Red Cross said it had sent 12 ambulances "
                                        "to the area.")
    assert red_cross.first.article_id == "courier-5512"
    assert all(x.first.sentence.count('"') == 0 for x in claims.values())  # quotes are quotes
    assert "Claims (" in timeline_text(t) and "Attributed claims" in timeline_html(t)


def test_conflicts_need_the_same_time(four):
    arts = _load("agency_lead.json", "other_outlet.json")
    arts[1] = dataclasses.replace(arts[1], published="2026-03-04T13:05:00Z")
    assert build_timeline(arts).conflicts == []
    assert build_timeline(arts, conflict_window=timedelta(days=3)).conflicts


def test_a_fact_dropped_by_an_update_stops():
    lead = _load("agency_lead.json")[0]
    update = dataclasses.replace(
        lead, id="u", published="2026-03-02T15:00:00Z",
        text=lead.text.replace("The rebels said they had captured 40 soldiers during the "
                               "fighting, a claim the army denied.\n\n", ""))
    t = build_timeline([lead, update])
    captured = _track(t, "count", lambda x: x.measure == "captured")
    assert captured.stopped == (1, "u") and captured.last.version == 0
    assert captured.changes == []


def test_json_schema(four):
    d = four.to_dict()
    json.dumps(d)
    assert d["schema_version"] == SCHEMA_VERSION == 1
    assert set(d) == {"schema_version", "scorer", "versions", "facts", "conflicts"}
    for v in d["versions"]:
        assert set(v) == {"index", "article_id", "source", "published", "title", "reference",
                          "relation", "relation_to_first", "sentences", "added", "changed"}
        assert set(v["sentences"]) == {"kept", "edited", "added", "dropped"}
    ids = {f["id"] for f in d["facts"]}
    for f in d["facts"]:
        assert set(f) == {"id", "kind", "measure", "subject", "label", "first", "values",
                          "changes", "last_seen", "stopped"}
        assert f["kind"] in ("count", "time", "person", "org", "place", "name", "quote", "claim")
        assert {"version", "article_id", "source", "published", "text", "value", "sentence",
                "start", "end"} <= set(f["first"])
        for c in f["changes"]:
            assert set(c) == {"what", "old", "new", "from", "to"}
    for v in d["versions"]:
        assert set(v["added"]) | set(v["changed"]) <= ids
    for c in d["conflicts"]:
        assert c["fact"] in ids and set(c) == {"fact", "a", "b"}


def test_deterministic_whatever_the_input_order():
    arts = _load("agency_lead.json", "agency_update.json", "other_outlet.json",
                 "syndicated_lead.json")
    want = build_timeline(arts).to_dict()
    for seed in range(3):
        random.Random(seed).shuffle(arts)
        assert build_timeline(arts).to_dict() == want


def test_same_time_keeps_input_order_and_undated_go_last():
    a = Article(id="a", text="Police arrested 12 people on Monday, officials said.",
                source="X", published="2026-03-02T10:00:00Z")
    b = dataclasses.replace(a, id="b", text="Police arrested 14 people on Monday, officials said.")
    c = dataclasses.replace(a, id="c", published=None)
    assert [v.article_id for v in build_timeline([c, b, a]).versions] == ["b", "a", "c"]


def test_a_scorer_decides_the_relation():
    @dataclasses.dataclass(frozen=True)
    class Score:
        relation: str
        similarity: float = 0.9

    class Fixed:
        def __init__(self, relation):
            self.relation = relation

        def featurize(self, article, normalized=False):
            return article.id

        def score(self, a, b):
            return Score(self.relation)

    a = Article(id="a", source="A", published="2026-03-02T10:00:00Z",
                text="Police arrested 12 protesters outside parliament on Monday, officials said.")
    b = dataclasses.replace(a, id="b", published="2026-03-02T18:00:00Z",
                            text=a.text.replace("12", "14"))
    changes = [(c.old.text, c.new.text) for c in build_timeline([a, b]).facts[0].changes]
    assert changes == [("12", "14")]  # no scorer: the same source updates its story
    t = build_timeline([a, b], scorer=Fixed("related"))  # the scorer says: another event
    assert t.facts[0].changes == [] and t.scorer == "Fixed"
    assert (t.versions[1].relation, t.versions[1].relation_to_first) == ("other", "related")
    other = dataclasses.replace(b, source="B")
    assert build_timeline([a, other]).facts[0].changes == []  # another source differs
    t = build_timeline([a, other], scorer=Fixed("revision"))  # unless the scorer says revision
    assert [(c.old.text, c.new.text) for c in t.facts[0].changes] == [("12", "14")]


# ------------------------------------------------------------------ bad input


def test_bad_input_says_what_and_where():
    with pytest.raises(InputError, match="at least one article"):
        build_timeline([])
    a = Article(id="x", text="Police arrested 12 people.")
    with pytest.raises(InputError, match="'x' appears more than once") as e:
        build_timeline([a, a])
    assert e.value.where == "articles[0]"
    with pytest.raises(InputError, match="not an Article") as e:
        build_timeline([a, {"id": "y", "text": "..."}])  # type: ignore[list-item]
    assert e.value.where == "articles[1]"


def test_one_version_and_no_facts():
    t = build_timeline([Article(id="a", text="Nothing happened here at all, officials said.")])
    assert [v.relation for v in t.versions] == ["first"] and t.conflicts == []
    assert "Story timeline: 1 version" in timeline_text(t)
    assert "No counts in this story." in timeline_html(t)


# ------------------------------------------------------------------ the HTML page


def test_html_escapes_all_text_and_needs_nothing_external():
    evil = '<script>alert("x")</script>'
    a = Article(id=f"a{evil}", source=evil, title=f"T {evil}", published="2026-03-02T10:00:00Z",
                text=f'Police arrested 12 people in {evil} on Monday. "We <b>will</b> act now '
                     'on this," the mayor said.')
    b = dataclasses.replace(a, id="b", published="2026-03-02T12:00:00Z",
                            text=a.text.replace("12", "14") + " <img src=x onerror=alert(1)>")
    page = timeline_html(build_timeline([a, b]))
    assert "<script" not in page.lower() and "<img" not in page and "<b>will" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "<link" not in page and "@import" not in page


def test_html_has_a_chart_per_count_and_a_version_strip(four):
    page = timeline_html(four)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == sum(
        1 for x in four.facts if x.kind == "count")
    assert page.count('<ol class="strip">') == 1 and page.count("<li style=") == 4
    assert "37 \u2192 41" in page  # the change is labelled on its chart
    assert 'id="conflicts"' in page


# ------------------------------------------------------------------ synthetic stories, labelled


def test_synthetic_changes_are_found_with_their_labels():
    """Every reported change of a labelled kind matches a label; most labels are found."""
    recs = list(generate(400, seed=17))
    stories: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        stories[r["story_id"]].append(r)
    reported = right = shown = found = 0
    for story in stories.values():
        if len(story) < 2:
            continue
        arts = [Article(id=r["id"], text=r["text"], title=r["title"], source=r["source"],
                        published=r["published"]) for r in story]
        t = build_timeline(arts)
        labels = {r["id"]: r["changes"] for r in story}
        got = {(c.new.article_id, c.old.text, c.new.text) for x in t.facts if x.kind == "time"
               for c in x.changes}
        got |= {(c.new.article_id, c.old.text, c.new.text) for x in t.facts if x.kind == "count"
                for c in x.changes}
        for aid, old, new in got:
            reported += 1
            right += any(lab["old"] in re.findall(r"\d+|[A-Z][a-z]+day", old.replace(",", ""))
                         and lab["new"] in re.findall(r"\d+|[A-Z][a-z]+day", new.replace(",", ""))
                         for lab in labels[aid])
        for aid, labs in labels.items():
            for lab in labs:
                if lab["shown"] and lab["kind"] in ("count", "weekday"):
                    shown += 1
                    found += any(a == aid and lab["old"] in re.findall(r"\d+|[A-Z][a-z]+day", o)
                                 and lab["new"] in re.findall(r"\d+|[A-Z][a-z]+day", n)
                                 for a, o, n in got)
    assert shown > 50
    assert right / reported >= 0.93
    assert found / shown >= 0.88


def test_with_the_packaged_pair_scorer():
    from storyline.link import Linker

    arts = _load("agency_lead.json", "agency_update.json", "other_outlet.json",
                 "syndicated_lead.json")
    t = build_timeline(arts, scorer=Linker.load())
    assert t.scorer == "Linker"
    toll = _track(t, "count", lambda x: x.measure == "dead")
    assert [(c.old.text, c.new.text) for c in toll.changes] == [("37", "41")]
    update = next(v for v in t.versions if v.article_id == "nordwire-kessel-2")
    # the same agency, one story: an update whichever one-story relation the scorer gives
    assert update.relation == "update"
    assert update.relation_to_first in ("revision", "near_duplicate", "same_story")


def test_name_extractor_is_a_choice():
    from storyline.errors import ConfigError

    arts = _load("agency_lead.json", "agency_update.json")
    with pytest.raises(ConfigError, match="not a name extractor"):
        build_timeline(arts, entities="nltk")
    t = build_timeline(arts, entities="auto")  # spaCy when storyline[ner] is installed
    later = {x.first.text for x in t.facts if x.kind in ("person", "org", "place", "name")
             and x.first.version == 1}
    assert {"Elena Sarov", "Viktor Lune"} <= later
