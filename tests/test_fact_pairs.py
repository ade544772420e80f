"""Facts paired by meaning (explain.fact_pairs): families of invented wire-copy variants.

Each family varies the subject, the event wording (killed/dead/died/toll), numbers in digits
or words, and the sentence order, and checks that a count pairs with the same count, a weekday
with the weekday of the same event (with those sentences as context), and that unrelated
counts never pair.
"""

from __future__ import annotations

import itertools

import pytest

from storyline.compare import compare
from storyline.data import Article, PairScore
from storyline.explain.align import align_sentences, locate_sentences
from storyline.explain.extract import extract_facts
from storyline.explain.fact_pairs import FactPair, pair_facts
from storyline.explain.facts_diff import changed_facts
from storyline.features.facts import count_measure, extract_numbers

WORDS = {12: "twelve", 15: "fifteen", 37: "37", 41: "forty-one", 9: "nine", 20: "twenty"}

DEAD = [
    "{n} people were killed",
    "the floods have left {n} dead",
    "{n} people died",
    "the death toll rose to {n}",
    "{n} people have been confirmed dead",
]
INJURED = ["{n} people were injured", "{n} others were wounded", "injuring {n} people"]


def _pairs(a: str, b: str, relation: str | None = None) -> list[FactPair]:
    al = align_sentences(locate_sentences(a), locate_sentences(b))
    return pair_facts(extract_facts(a, "2026-03-03"), extract_facts(b, "2026-03-04"), al,
                      relation=relation)


def _changed(a: str, b: str, relation: str | None = "revision"):
    al = align_sentences(locate_sentences(a), locate_sentences(b))
    return changed_facts(al, a, b, extract_facts(a, "2026-03-03"), extract_facts(b, "2026-03-04"),
                         relation=relation)


# ------------------------------------------------------------------ what a count measures


@pytest.mark.parametrize(("text", "measure", "subject"), [
    ("A quake struck, killing at least 12 people, officials said.", "dead", "people"),
    ("The death toll rose to 41 on Tuesday.", "dead", ""),
    ("The floods have left 37 dead across the province.", "dead", ""),
    ("Twelve soldiers died in the ambush.", "dead", "soldiers"),
    ("Police arrested 300 protesters after the march.", "arrested", "protesters"),
    ("More than 2,000 residents were evacuated overnight.", "evacuated", "residents"),
    ("Rebels said they had captured 40 soldiers.", "captured", "soldiers"),
    ("The fighting has displaced 5,000 families.", "displaced", "families"),
    ("At least 8 people are still missing.", "missing", "people"),
    ("The bill passed with 215 votes.", "votes", ""),
    ("The deal is worth $6.5 billion.", "money", ""),
    ("Prices rose 4.5% in March.", "percent", ""),
    ("Some 250 rescuers were working in the area.", "rescuers", "rescuers"),
    ("Evacuation orders covered some 873 residents.", "evacuated", "residents"),
    ("Officials told roughly 815 people to leave their homes.", "evacuated", "people"),
    ("The floods left 66 dead and forced 600 from their homes.", "displaced", ""),
    ("The death toll from Sunday's magnitude 7.0 quake stands at 78.", "dead", ""),
    ("The court struck down a 3-year ban on protests.", "years", ""),
    ("The epicentre was 10 kilometres underground.", "kilometres", ""),
    ("A 33rd-minute sending-off left them a man down.", "ordinal", ""),
])
def test_count_measure(text, measure, subject):
    [n] = [n for n in extract_numbers(text) if n.text not in ("66", "7.0")]
    assert count_measure(text, n.start, n.end, n.unit) == (measure, subject)


def test_magnitude_and_ordinal_words_are_not_counts():
    text = "The magnitude 7.0 quake was the eighth this year."
    got = [(n.text, count_measure(text, n.start, n.end, n.unit)[0]) for n in extract_numbers(text)]
    assert got == [("7.0", "magnitude")]  # 'eighth' is not 'eight'


def test_two_counts_in_one_clause_keep_their_own_events():
    text = "The blast killed 12 people and injured 30 others, and police detained 4 suspects."
    got = [count_measure(text, n.start, n.end, n.unit)[0] for n in extract_numbers(text)]
    assert got == ["dead", "injured", "arrested"]


# ------------------------------------------------------------------ a toll rewritten in the body


def _flood_story(toll: str, weekday: str, place: str, looters: int) -> list[str]:
    return [
        f"Floods swept through the northern province of {place} on {weekday}, officials said.",
        f"Rescue teams searched for survivors along the river banks near {place} city.",
        f"Police arrested {looters} looters in the provincial capital overnight.",
        toll[0].upper() + toll[1:] + " across the province, the disaster agency said.",
    ]


@pytest.mark.parametrize(("old", "new", "place"), [
    (o, n, p)
    for (o, n), p in zip(
        itertools.permutations(DEAD, 2), itertools.cycle(["Tarsa", "Bellmoor", "Quinto Alto"])
    )
])
def test_body_rewrite_of_a_toll_is_found(old, new, place):
    a_sents = _flood_story(old.format(n=37), "Monday", place, 9)
    b_sents = _flood_story(new.format(n=WORDS[41]), "Tuesday", place, 9)
    # the update reorders and rewrites: the toll first, in a new sentence of its own
    b_sents = [f"The disaster agency said {new.format(n=WORDS[41])} in {place} since the rains began.",
               b_sents[0], b_sents[2],
               f"Rescue teams were still searching the banks of the river near {place} city."]
    a, b = " ".join(a_sents), " ".join(b_sents)
    got = {(c.kind, c.a, c.b): c for c in _changed(a, b)}
    toll = got.pop(("number", "37", WORDS[41]))
    assert toll.status == "changed" and toll.measure == "dead"
    assert toll.context_a == a_sents[3] and toll.context_b == b_sents[0]
    wd = got.pop(("weekday", "Monday", "Tuesday"))
    assert wd.context_a == a_sents[0] and wd.context_b == b_sents[1]
    assert got == {}  # the looters count stayed: it is a pair, but not a change
    same = [p for p in _pairs(a, b) if p.status == "same"]
    assert any(p.a.measure == "arrested" and p.a.key == "9" for p in same)


@pytest.mark.parametrize("subject", ["people", "civilians", "migrants", "workers"])
@pytest.mark.parametrize("words", [False, True])
def test_toll_and_injured_pair_by_event_not_position(subject, words):
    n = (lambda v: WORDS.get(v, str(v))) if words else str
    a = (f"An explosion at the chemical plant killed {n(12)} {subject} on Monday. "
         f"Another {n(20)} {subject} were injured in the blast at the plant, the fire service said. "
         "The cause of the explosion was not yet known.")
    b = ("The cause of the explosion at the chemical plant was not yet known, the company said. "
         f"The fire service said {n(9)} {subject} had been wounded in the blast. "
         f"The number of {subject} who died in the explosion at the plant rose to {n(15)} on Tuesday.")
    got = {(c.measure, c.a, c.b) for c in _changed(a, b) if c.kind == "number"}
    assert got == {("dead", n(12), n(15)), ("injured", n(20), n(9))}


# ------------------------------------------------------------------ the lead's weekday


@pytest.mark.parametrize(("lead_a", "lead_b"), [
    ("The government said on Monday it would send troops to the border region.",
     "The government said on Tuesday that it was sending troops to the border region."),
    ("Troops were sent to the border region on Monday, the government said.",
     "The government on Tuesday sent more troops to the tense border region."),
    ("On Monday the government ordered troops to the northern border region after clashes.",
     "The government ordered troops on Tuesday to the northern border region after new clashes."),
])
@pytest.mark.parametrize("order", ["same", "moved"])
def test_lead_weekday_change_has_the_lead_sentences_as_context(lead_a, lead_b, order):
    other_a = [
        "Rebels said on Sunday that they had captured 40 soldiers near the river crossing.",
        "At least 12 people were killed in the clashes, hospital officials said.",
    ]
    other_b = [
        "At least 12 people were killed in the clashes, hospital officials said.",
        "In a separate incident on Wednesday, a bus overturned on the coastal highway.",
    ]
    if order == "moved":
        other_b = other_b[::-1]
    a, b = " ".join([lead_a, *other_a]), " ".join([lead_b, *other_b])
    got = [c for c in _changed(a, b) if c.kind == "weekday"]
    assert [(c.a, c.b) for c in got] == [("Monday", "Tuesday")]
    assert got[0].context_a == lead_a and got[0].context_b == lead_b


# ------------------------------------------------------------------ other outlets' figures


@pytest.mark.parametrize(("fig_a", "fig_b"), [
    ("$6.5 billion", "$8 billion"), ("$6 million", "$5.9 million"), ("4.5%", "5%"),
])
def test_two_outlets_figures_differ_they_did_not_change(fig_a, fig_b):
    a = (f"The port operator agreed to buy the shipping line for {fig_a}, the companies said. "
         "The deal still needs approval from regulators in Brussels.")
    b = (f"The shipping line will be sold to the port operator in a deal worth {fig_b}, "
         "people familiar with the talks said. Regulators in Brussels must still approve it.")
    for relation, status in (("same_story", "differs"), ("revision", "changed")):
        [c] = [c for c in _changed(a, b, relation) if c.kind == "number"]
        assert (c.a, c.b, c.status) == (fig_a, fig_b, status)


def test_compare_reports_differs_for_two_outlets():
    class _Outlets:
        def featurize(self, article, normalized=False):
            return article

        def score(self, a, b):
            return PairScore(0.7, 0.7, "same_story")

    a = Article(id="a", text="The port operator agreed to buy the shipping line for $6.5 billion, "
                             "the companies said on Monday.")
    b = Article(id="b", text="The port operator will buy the shipping line in a deal worth "
                             "$8 billion, people familiar with the talks said on Monday.")
    d = compare(a, b, linker=_Outlets()).to_dict()
    [f] = d["evidence"]["changed_facts"]
    assert (f["a"], f["b"], f["status"], f["measure"]) == ("$6.5 billion", "$8 billion",
                                                            "differs", "money")
    assert "differs: $6.5 billion vs $8 billion" in d["summary"]
    assert "changed:" not in d["summary"]


# ------------------------------------------------------------------ negatives


@pytest.mark.parametrize(("old", "new"), [
    ("Police arrested 12 protesters outside parliament on Friday.",
     "Customs officers arrested 3 smugglers at the port in a separate operation."),
    ("Twelve people were injured when the roof of the market collapsed.",
     "Thirty people were injured in an unrelated crash on the coastal highway."),
    ("The company said it would cut 400 jobs at its plant.",
     "The city council voted to hire 40 teachers next year."),
    ("Rebels said they had captured 40 soldiers near the river.",
     "The army said it had captured 3 rebel commanders in the mountains."),
])
def test_unrelated_counts_in_one_article_do_not_pair(old, new):
    shared = "The storm hit the coast on Monday, the weather service said."
    a = f"{shared} {old}"
    b = f"{shared} {new}"
    assert [p for p in _pairs(a, b) if p.kind == "number"] == []
    assert _changed(a, b) == []


@pytest.mark.parametrize(("a", "b", "old", "new"), [
    ("The judges voted 7 to 3 in favour of the ruling.",
     "A majority of 9 judges backed the ruling, with 3 dissenting.", "7", "9"),
    ("The turnout was 265 according to organisers and 4495 according to police.",
     "Police counted 4495 demonstrators, though organisers claimed 284.", "265", "284"),
    ("Marrow Point beat Valmora 4-3 on Monday in front of 25,720 fans.",
     "A brace gave Marrow Point a 5-3 win over Valmora on Monday, watched by 25,720 spectators.",
     "4-3", "5-3"),
])
def test_the_one_count_left_in_a_reworded_sentence_pairs(a, b, old, new):
    lead = "The storm hit the coast on Monday, the weather service said."
    got = [(c.a, c.b) for c in _changed(f"{lead} {a}", f"{lead} {b}") if c.kind == "number"]
    assert got == [(old, new)]


def test_the_same_count_restated_elsewhere_is_not_a_change():
    a = ("A landslide buried the village of Kera on Monday, killing 14 people. "
         "Rescuers dug through the mud with shovels.")
    b = ("Rescuers dug through the mud with shovels and bare hands after the landslide. "
         "Fourteen people were killed when the landslide buried the village of Kera, officials said.")
    pairs = [p for p in _pairs(a, b) if p.kind == "number"]
    assert [(p.a.text, p.b.text, p.status) for p in pairs] == [("14", "Fourteen", "same")]
    assert [c for c in _changed(a, b) if c.kind == "number"] == []


def test_pairs_are_one_to_one_and_deterministic():
    a = ("The blast killed 12 people and injured 30. Police detained 4 suspects. "
         "The blast killed 12 people, officials repeated.")
    b = ("The blast killed 15 people and injured 30. Police detained 5 suspects. "
         "Officials said 15 people had died in the blast.")
    p1, p2 = _pairs(a, b), _pairs(a, b)
    assert p1 == p2
    assert len({(p.a.start, p.a.end) for p in p1}) == len(p1)
    assert len({(p.b.start, p.b.end) for p in p1}) == len(p1)
    got = {(p.measure, p.a.text, p.b.text, p.status) for p in p1 if p.kind == "number"}
    assert ("dead", "12", "15", "changed") in got and ("injured", "30", "30", "same") in got
    assert ("arrested", "4", "5", "changed") in got


# ------------------------------------------------------------------ an agency lead and its update


def test_agency_update_lead_weekday_and_toll_with_lead_context():
    from pathlib import Path

    from storyline.io import read_articles

    fix = Path(__file__).parent / "fixtures" / "timeline"
    [lead] = read_articles([fix / "agency_lead.json"])
    [update] = read_articles([fix / "agency_update.json"])
    d = compare(lead, update).to_dict()
    facts = {(f["kind"], f["a"], f["b"]): f for f in d["evidence"]["changed_facts"]}
    status = "changed" if d["relation"] == "revision" else "differs"
    wd = facts[("weekday", "Monday", "Tuesday")]
    toll = facts[("number", "37", "41")]
    for f in (wd, toll):  # both live in the lead, rewritten: the two leads are the context
        assert f["context_a"].startswith("Government troops retook the mountain town of Kessel")
        assert f["context_b"].startswith("Government troops tightened their grip on")
        assert f["status"] == status
    assert toll["measure"] == "dead"
    # the counts that stayed (40 captured, 2,000 fled) are not reported as changes
    assert not any(f["kind"] == "number" and f["a"] in ("40", "2,000") for f in facts.values())
