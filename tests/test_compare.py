"""compare(): each expected piece of evidence, asserted one by one, on pairs written for it.

Fixtures (tests/fixtures/compare): a wire story about an earthquake; a noisy re-publication of
its update (toll 12 -> 15, "on Monday" -> "on Tuesday", 250 -> 400 rescuers, a paragraph moved,
one added and two dropped, a sentence glued by the scraper, ad markers, byline, photo credit,
curly quotes and a slightly reworded quote); a syndicated exact copy as an HTML page; another
outlet's own report of the same event; and a different earthquake.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.compare import DIMENSIONS, RELATIONS, SCHEMA_VERSION, compare
from storyline.data import Article
from storyline.io import read_articles

FIX = Path(__file__).parent / "fixtures" / "compare"


def _load(name: str) -> Article:
    [article] = list(read_articles([FIX / name]))
    return article


@pytest.fixture(scope="module")
def update():
    return compare(_load("quake_wire.txt"), _load("quake_update_noisy.txt"))


@pytest.fixture(scope="module")
def syndicated():
    return compare(_load("quake_wire.txt"), _load("quake_syndicated.html"))


@pytest.fixture(scope="module")
def other_outlet():
    return compare(_load("quake_wire.txt"), _load("quake_other_outlet.json"))


@pytest.fixture(scope="module")
def other_event():
    return compare(_load("quake_wire.txt"), _load("quake_peru.txt"))


def _facts(c, kind):
    return [f for f in c.to_dict()["evidence"]["changed_facts"] if f["kind"] == kind]


# ------------------------------------------------------------------ the noisy update


def test_update_is_a_revision_of_the_same_story(update):
    assert update.relation in ("revision", "near_duplicate")
    assert update.similarity > 0.8  # graded like a SemEval judge: one story, "very similar"
    assert update.dimensions is not None and update.dimensions["overall"] < 1.6


def test_update_weekday_change_with_context(update):
    [day] = _facts(update, "weekday")
    assert (day["a"], day["b"]) == ("Monday", "Tuesday")
    assert "Fabrizio Curcio said on Monday" in day["context_a"]
    assert "Fabrizio Curcio said on Tuesday" in day["context_b"]


def test_update_toll_change_with_context(update):
    toll = [f for f in _facts(update, "number") if f["a"] == "12"]
    assert len(toll) == 1
    assert toll[0]["b"] == "15"
    assert "killing at least 12 people" in toll[0]["context_a"]
    assert "killing at least 15 people" in toll[0]["context_b"]


def test_update_rescuer_count_change(update):
    pairs = {(f["a"], f["b"]) for f in _facts(update, "number")}
    assert ("250", "400") in pairs


def test_update_unchanged_numbers_are_not_reported(update):
    numbers = _facts(update, "number")
    assert len(numbers) == 2  # 12 -> 15 and 250 -> 400; not 6.2, 3:36, 10, 40, 2016, 300
    assert {f["a"] for f in numbers} == {"12", "250"}
    assert {f["kind"] for f in update.to_dict()["evidence"]["changed_facts"]} <= {"number", "weekday"}


def test_update_dropped_paragraphs(update):
    only_a = [s["text"] for s in update.to_dict()["evidence"]["sentences"]["only_a"]]
    assert len(only_a) == 2
    assert any("deadly series of earthquakes in 2016" in s for s in only_a)
    assert any(s.startswith("Aftershocks continued through the morning") for s in only_a)


def test_update_added_paragraph(update):
    only_b = [s["text"] for s in update.to_dict()["evidence"]["sentences"]["only_b"]]
    assert len(only_b) == 1
    assert "seven-year-old girl" in only_b[0]


def test_update_glued_sentence_is_split_and_aligned(update):
    aligned = update.to_dict()["evidence"]["sentences"]["aligned"]
    magnitude = [p for p in aligned if p["a"].startswith("The magnitude 6.2 quake")]
    assert len(magnitude) == 1 and magnitude[0]["kind"] == "same"
    lead = [p for p in aligned if p["a"].startswith("A powerful earthquake")]
    assert lead[0]["kind"] == "edited"
    assert lead[0]["b"].endswith("officials said.")  # not glued to the next sentence


def test_update_moved_paragraph_is_aligned_with_word_diff(update):
    aligned = update.to_dict()["evidence"]["sentences"]["aligned"]
    [curcio] = [p for p in aligned if "Curcio" in p["a"]]
    assert curcio["kind"] == "edited"
    assert curcio["moved"] is True and curcio["b_index"][0] < curcio["a_index"][0]
    assert [p["moved"] for p in aligned].count(True) == 1  # only the moved paragraph
    changes = [(d["op"], d["text"].strip()) for d in curcio["diff"] if d["op"] != "equal"]
    assert changes == [("delete", "Monday"), ("insert", "Tuesday"),
                       ("delete", "250"), ("insert", "400")]


def test_update_summary_says_what_changed(update):
    s = update.summary()
    assert s.startswith("B is a revised version of A") or s.startswith("B is a near-copy of A")
    assert "1 added, 2 dropped, 1 moved" in s
    assert "12 \u2192 15" in s and "Monday \u2192 Tuesday" in s and "2 shared quotes" in s


def test_summaries_of_the_other_pairs(syndicated, other_event):
    assert syndicated.summary().startswith("B is a copy of A: 9 of 9 sentences unchanged")
    assert "changed" not in other_event.summary() and "shared quote" not in other_event.summary()


def test_update_counts_add_up(update):
    n = update.counts()
    assert n["same"] + n["edited"] + n["only_a"] == n["a"]
    assert n["same"] + n["edited"] + n["only_b"] == n["b"]
    assert (n["only_a"], n["only_b"]) == (2, 1)


def test_update_shared_quotes_tolerate_quote_style_and_small_rewording(update):
    quotes = update.to_dict()["evidence"]["shared_quotes"]
    assert len(quotes) == 2
    digging = [q for q in quotes if "digging with our" in q["a"]]
    assert len(digging) == 1
    assert "bare hands" in digging[0]["b"] and "bare" not in digging[0]["a"]
    assert 0.8 < digging[0]["similarity"] < 1.0
    assert any("Half of the old town is gone" in q["a"] and q["similarity"] == 1.0 for q in quotes)


def test_update_boilerplate_removed(update):
    removed = update.to_dict()["evidence"]["boilerplate_removed"]
    for marker in ("Advertisement", "Supported by", "Share this article",
                   "Story continues below advertisement", "Read more",
                   "(AP Photo/Alessandra Tarantino)", "By Giulia Moretti | AP"):
        assert marker in removed["b"], marker
    assert not any("Advertisement" in x for x in removed["a"])
    text_b = update.text_b
    assert "Advertisement" not in text_b and "Photo" not in text_b


def test_update_entities(update):
    ents = update.to_dict()["evidence"]["entities"]
    keys = {e.lower() for e in ents["shared"]}
    assert any("curcio" in k for k in keys)
    assert any("norcia" in k for k in keys)
    assert any("perugia" in e.lower() for e in ents["only_a"])  # only in a dropped paragraph
    assert any("preci" in e.lower() for e in ents["only_b"])  # only in the added paragraph


def test_update_article_info(update):
    d = update.to_dict()
    assert d["a"]["dateline"] == "ROME" and d["b"]["dateline"] == "ROME"
    assert d["a"]["id"] == "quake_wire.txt" and d["b"]["id"] == "quake_update_noisy.txt"


# ------------------------------------------------------------------ syndicated copy


def test_syndicated_copy_is_a_duplicate(syndicated):
    d = syndicated.to_dict()
    assert d["relation"] == "duplicate"
    ev = d["evidence"]
    assert ev["changed_facts"] == []
    assert ev["sentences"]["only_a"] == [] and ev["sentences"]["only_b"] == []
    assert all(p["kind"] == "same" for p in ev["sentences"]["aligned"])
    assert ev["entities"]["only_a"] == [] and ev["entities"]["only_b"] == []
    # the page repeated its headline above the body; that is removed, not compared
    assert "Earthquake kills at least 12 in central Italy" in ev["boilerplate_removed"]["b"]
    assert d["b"]["title"] == "Earthquake kills at least 12 in central Italy"
    assert d["b"]["source"] == "Valley Courier"


# ------------------------------------------------------------------ two outlets, one event


def test_other_outlet_same_event(other_outlet):
    d = other_outlet.to_dict()
    assert d["relation"] in ("same_story", "related")
    ev = d["evidence"]
    assert len(ev["sentences"]["aligned"]) <= 2  # written independently
    [quote] = ev["shared_quotes"]
    assert "half of the old town is gone" in quote["a"].lower()
    assert "half of the old town is gone" in quote["b"].lower()
    shared = {e.lower() for e in ev["entities"]["shared"]}
    assert any("alemanno" in e for e in shared)
    assert any("curcio" in e for e in shared)
    assert d["b"]["source"] == "Umbria Daily" and d["b"]["dateline"] == "NORCIA, Italy"


# ------------------------------------------------------------------ two events of one kind


def test_different_event_of_the_same_kind(other_event):
    d = other_event.to_dict()
    assert d["relation"] in ("related", "unrelated")
    assert d["similarity"] < other_event_threshold()
    ev = d["evidence"]
    assert ev["shared_quotes"] == []
    assert ev["sentences"]["aligned"] == []
    assert ev["changed_facts"] == []  # different events: their numbers did not "change"
    shared = {e.lower() for e in ev["entities"]["shared"]}
    assert not any(x in e for e in shared for x in ("norcia", "peru", "curcio"))


def other_event_threshold() -> float:
    return 0.5


def test_similarity_orders_the_pairs(update, syndicated, other_outlet, other_event):
    assert min(syndicated.similarity, update.similarity) > other_outlet.similarity
    assert other_outlet.similarity > other_event.similarity


# ------------------------------------------------------------------ schema


def test_schema(update):
    d = update.to_dict()
    json.dumps(d)  # serializable as is
    assert d["schema_version"] == SCHEMA_VERSION == 2
    assert set(d) == {"schema_version", "relation", "similarity", "dimensions", "scorer",
                      "summary", "a", "b", "evidence", "signals"}
    assert isinstance(d["summary"], str) and d["summary"].endswith(".")
    assert d["relation"] in RELATIONS
    assert 0.0 <= d["similarity"] <= 1.0
    if d["dimensions"] is not None:
        assert list(d["dimensions"]) == list(DIMENSIONS)
        assert all(1.0 <= v <= 4.0 for v in d["dimensions"].values())
    for side in ("a", "b"):
        assert set(d[side]) == {"id", "title", "published", "dateline", "source"}
    ev = d["evidence"]
    assert set(ev) == {"shared_quotes", "changed_facts", "entities", "sentences",
                       "boilerplate_removed"}
    assert all(set(q) == {"a", "b", "similarity"} for q in ev["shared_quotes"])
    assert all(set(f) == {"kind", "status", "measure", "a", "b", "context_a", "context_b"}
               for f in ev["changed_facts"])
    assert all(f["status"] in ("changed", "differs") for f in ev["changed_facts"])
    kinds = {"number", "date", "weekday", "entity", "title", "dateline"}
    assert all(f["kind"] in kinds for f in ev["changed_facts"])
    assert set(ev["entities"]) == {"shared", "only_a", "only_b"}
    assert set(ev["sentences"]) == {"counts", "aligned", "only_a", "only_b"}
    for p in ev["sentences"]["aligned"]:
        assert set(p) == {"a", "b", "kind", "similarity", "moved", "a_index", "b_index", "diff"}
        assert p["kind"] in ("same", "edited")
        if p["kind"] == "edited":
            assert "".join(x["text"] for x in p["diff"] if x["op"] != "insert") == p["a"]
            assert "".join(x["text"] for x in p["diff"] if x["op"] != "delete") == p["b"]
        else:
            assert p["diff"] == []
    for s in ev["sentences"]["only_a"] + ev["sentences"]["only_b"]:
        assert set(s) == {"index", "text"}
    assert set(ev["boilerplate_removed"]) == {"a", "b"}


def test_deterministic():
    a, b = _load("quake_wire.txt"), _load("quake_update_noisy.txt")
    assert compare(a, b).to_dict() == compare(a, b).to_dict()


def test_title_and_dateline_changes_for_the_same_story():
    a = _load("quake_wire.txt")
    b = _load("quake_update_noisy.txt")
    a.title = "Earthquake in central Italy kills at least 12"
    b.title = "Italy quake toll rises to 15 as rescuers search rubble"
    b.text = b.text.replace("ROME (AP)", "NORCIA, Italy (AP)")
    d = compare(a, b).to_dict()
    [title] = _facts_d(d, "title")
    assert (title["a"], title["b"]) == (a.title, b.title)
    [dateline] = _facts_d(d, "dateline")
    assert (dateline["a"], dateline["b"]) == ("ROME", "NORCIA, Italy")


def _facts_d(d, kind):
    return [f for f in d["evidence"]["changed_facts"] if f["kind"] == kind]


def test_already_normalized_article_keeps_its_removed_list():
    from storyline.normalize import normalize_article

    raw = _load("quake_update_noisy.txt")
    d = compare(_load("quake_wire.txt"), normalize_article(raw)).to_dict()
    assert "Share this article" in d["evidence"]["boilerplate_removed"]["b"]
