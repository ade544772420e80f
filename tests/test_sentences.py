from storyline.features.sentences import sentence_fingerprints, shared_sentence_fraction

UPDATE_A = (
    "A magnitude 6.1 earthquake struck near Tarsus on Monday, killing 12 people. "
    "Rescue teams searched collapsed buildings in the old town through the night. "
    '"We are doing everything we can to reach those still trapped," the governor said.'
)
UPDATE_B = (
    "The death toll from Monday's earthquake near Tarsus rose to 15 on Tuesday. "
    "Rescue  teams searched collapsed buildings in the old town through the night! "
    '"We are doing everything we can to reach those still trapped," the Governor said.'
)
OTHER_EVENT = (
    "A magnitude 5.4 earthquake struck near Adana on Thursday, killing 3 people. "
    "Emergency crews cleared roads blocked by landslides in the hills north of the city. "
    '"The damage is limited and schools will reopen next week," the mayor said.'
)


def test_kept_sentences_match_despite_case_spacing_and_punctuation():
    a, b = sentence_fingerprints(UPDATE_A), sentence_fingerprints(UPDATE_B)
    assert len(a) == 3 and len(b) == 3
    assert shared_sentence_fraction(a, b) >= 2 / 3


def test_same_kind_other_event_shares_no_sentence():
    a, c = sentence_fingerprints(UPDATE_A), sentence_fingerprints(OTHER_EVENT)
    assert shared_sentence_fraction(a, c) == 0.0


def test_short_sentences_and_empty_sides():
    assert sentence_fingerprints("Breaking news. More soon.") == frozenset()
    assert shared_sentence_fraction(frozenset(), sentence_fingerprints(UPDATE_A)) == 0.0
