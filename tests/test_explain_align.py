from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.explain.align import align_sentences, diff_regions, locate_sentences, word_diff


def _align(a: str, b: str):
    return align_sentences(locate_sentences(a), locate_sentences(b))


def test_locate_sentences_offsets_point_into_text():
    text = 'Mr. Smith arrived on Monday. "We will win," he said.\nThe U.S. team lost 3.5 points.'
    for s in locate_sentences(text):
        assert text[s.start:s.end] == s.text
    assert len(locate_sentences(text)) == 3


def test_reordered_sentences_are_matched_not_reported_as_added_and_dropped():
    a = ("The council approved the budget on Monday. Schools will get new funding next year. "
         "The mayor called the vote a turning point for the city.")
    b = ("The mayor called the vote a turning point for the city. "
         "The council approved the budget on Monday. Schools will get new funding next year.")
    al = _align(a, b)
    assert [(p.a[0].index, p.b[0].index, p.kind) for p in al.pairs] == [
        (0, 1, "same"), (1, 2, "same"), (2, 0, "same")]
    assert al.only_a == [] and al.only_b == []
    assert al.moved() == [False, False, True]


def test_edited_sentence_gets_word_diff_and_unrelated_ones_stay_unmatched():
    a = "The toll rose to 12 on Monday, officials said. Roads were closed near the coast."
    b = ("The toll rose to 15 on Tuesday, officials said. "
         "A football match was postponed because of heavy rain.")
    al = _align(a, b)
    assert len(al.pairs) == 1
    pair = al.pairs[0]
    assert pair.kind == "edited"
    assert [(d.op, d.text.strip()) for d in pair.diff if d.op != "equal"] == [
        ("delete", "12"), ("insert", "15"), ("delete", "Monday"), ("insert", "Tuesday")]
    assert [s.text for s in al.only_a] == ["Roads were closed near the coast."]
    assert [s.text for s in al.only_b] == ["A football match was postponed because of heavy rain."]


def test_two_sentences_merged_into_one_are_aligned_together():
    a = ("Rescuers worked through the night in the flooded valley. "
         "They pulled eleven survivors from the mud.")
    b = "Rescuers worked through the night in the flooded valley and pulled eleven survivors from the mud."
    al = _align(a, b)
    assert len(al.pairs) == 1
    assert [s.index for s in al.pairs[0].a] == [0, 1]
    assert al.only_a == [] and al.only_b == []


def test_short_sentences_need_real_overlap():
    al = _align("He said so.", "She said no.")
    assert al.pairs == []


def test_diff_regions_point_at_changed_words():
    a, b = "killing at least 12 people", "killing at least 15 people"
    [(tag, ra, rb)] = diff_regions(a, b)
    assert tag == "replace" and a[ra[0]:ra[1]] == "12" and b[rb[0]:rb[1]] == "15"


_words = st.lists(st.sampled_from(["the", "toll", "rose", "12", "15", ",", "said", "Monday", "."]),
                  max_size=12)


@settings(max_examples=200, deadline=None)
@given(_words, _words)
def test_word_diff_reconstructs_both_sides(wa, wb):
    a, b = " ".join(wa), " ".join(wb)
    ops = word_diff(a, b)
    assert "".join(d.text for d in ops if d.op != "insert") == a
    assert "".join(d.text for d in ops if d.op != "delete") == b


def test_long_articles_still_match_every_identical_sentence():
    # 300 sentences: words shared by very many sentences are not used to find candidates,
    # yet identical sentences made only of such words must still be matched
    body = [f"The council of district {k} said the plan for road {k * 7} was the best." for k in range(300)]
    common = "It is the one that the council said."
    a = " ".join(body[:150] + [common] + body[150:])
    rng = __import__("random").Random(3)
    shuffled = body[:]
    rng.shuffle(shuffled)
    b = " ".join([common] + shuffled)
    al = _align(a, b)
    assert al.only_a == [] and al.only_b == []
    assert all(p.kind == "same" for p in al.pairs) and len(al.pairs) == 301
