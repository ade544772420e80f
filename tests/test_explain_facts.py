"""facts_diff rules on hand-made facts (independent of the extractors' details)."""

from storyline.explain.align import align_sentences, locate_sentences
from storyline.explain.extract import Fact, QuoteSpan
from storyline.explain.facts_diff import (
    changed_facts,
    compatible,
    entity_diff,
    header_changes,
    same_value,
    shared_quotes,
)


def _f(kind, text, key, unit="", start=0):
    return Fact(kind, text, key, start, start + len(text), unit)


def test_same_value_across_wording():
    assert same_value(_f("date", "April 12th", "april 12th", "date"), _f("date", "April 12", "april 12", "date"))
    assert same_value(_f("date", "January 01, 2020", "2020-01-01", "date"), _f("date", "Jan 1", "jan 1", "date"))
    assert not same_value(_f("date", "Jan 2", "2020-01-02", "date"), _f("date", "Jan 1", "2020-01-01", "date"))
    assert same_value(_f("number", "12", "12", "people"), _f("number", "twelve", "12", "people"))
    assert not same_value(_f("number", "12", "12", "people"), _f("number", "15", "15", "people"))


def test_compatible_needs_the_same_measure():
    n12, n15 = _f("number", "12", "12", "people"), _f("number", "15", "15", "people")
    pct = _f("number", "15%", "15", "%")
    assert compatible(n12, n15, strict=True) and not compatible(n12, pct, strict=True)
    assert compatible(n12, _f("number", "15", "15", ""), strict=False)
    assert not compatible(n12, _f("number", "15", "15", ""), strict=True)
    month, day = _f("date", "September 2017", "2017-09", "month"), _f("date", "Feb 6", "x", "date")
    assert not compatible(month, day, strict=False)
    rel = _f("date", "today", "today", "relative")
    assert compatible(rel, _f("date", "yesterday", "y", "relative"), strict=False)
    assert not compatible(rel, _f("date", "yesterday", "y", "relative"), strict=True)
    assert not compatible(_f("entity", "Germany", "germany", "PLACE"), _f("entity", "GPS", "gps", "ORG"),
                          strict=False)
    assert compatible(_f("entity", "Paris", "paris", "PLACE"), _f("entity", "Lyon", "lyon", "MISC"),
                      strict=False)


def _facts(text, items):
    out = []
    for kind, word, unit in items:
        start = text.index(word)
        key = word.lower() if kind != "number" else word
        out.append(Fact(kind, word, key, start, start + len(word), unit))
    return out


def test_changed_facts_in_edited_sentence_and_by_context():
    a = ("Floods killed 12 people in the river valley on Monday, officials said. "
         "Emergency crews evacuated 300 families from low-lying villages near the dam.")
    b = ("Officials said on Tuesday the floods had killed 15 people. "
         "Crews have now evacuated 450 families from the villages near the dam, the agency said.")
    sa, sb = locate_sentences(a), locate_sentences(b)
    al = align_sentences(sa, sb)
    fa = _facts(a, [("number", "12", "people"), ("weekday", "Monday", ""), ("number", "300", "families")])
    fb = _facts(b, [("number", "15", "people"), ("weekday", "Tuesday", ""), ("number", "450", "families")])
    got = {(c.kind, c.a, c.b) for c in changed_facts(al, a, b, fa, fb)}
    # the first sentence was rewritten (word order changed), so 12 and 15 are not one diff
    # replacement: they pair by unit and context (killed, floods, officials)
    assert got == {("number", "12", "15"), ("weekday", "Monday", "Tuesday"),
                   ("number", "300", "450")}
    for c in changed_facts(al, a, b, fa, fb):
        assert c.context_a and c.context_b


def test_unrelated_numbers_are_not_paired():
    a = "The bridge is 300 metres long. The company hired 40 engineers last year."
    b = "The stadium holds 50,000 fans. Tickets cost 40 dollars at the gate."
    al = align_sentences(locate_sentences(a), locate_sentences(b))
    fa = _facts(a, [("number", "300", "metres"), ("number", "40", "engineers")])
    fb = _facts(b, [("number", "50,000", "fans"), ("number", "40", "dollars")])
    assert changed_facts(al, a, b, fa, fb) == []


def test_header_changes_need_both_sides():
    got = header_changes("Quake kills 12", "Quake toll rises to 15", "ROME", None)
    assert [(c.kind, c.a, c.b) for c in got] == [("title", "Quake kills 12", "Quake toll rises to 15")]
    assert header_changes("Same", "same", "ROME", "ROME") == []


def test_shared_quotes_are_one_to_one_and_tolerant():
    qa = [QuoteSpan("We will rebuild every home in this town", 0, 10),
          QuoteSpan("No comment", 20, 30)]
    qb = [QuoteSpan("we will rebuild every single home in this town", 0, 10),
          QuoteSpan("We will rebuild every home", 40, 50),
          QuoteSpan("No comment", 60, 70)]
    got = shared_quotes(qa, qb)
    assert len(got) == 1  # "No comment" is too short to be evidence; one match per quote
    assert got[0].b == "we will rebuild every single home in this town"


def test_entity_diff_by_key_in_first_mention_order():
    fa = [_f("entity", "Fabrizio Curcio", "fabrizio curcio", "PERSON"),
          _f("entity", "Perugia", "perugia", "PLACE")]
    fb = [_f("entity", "Preci", "preci", "PLACE"), _f("entity", "Fabrizio Curcio's", "fabrizio curcio", "PERSON")]
    d = entity_diff(fa, fb)
    assert (d.shared, d.only_a, d.only_b) == (["Fabrizio Curcio"], ["Perugia"], ["Preci"])
