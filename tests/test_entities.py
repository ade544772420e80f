from storyline.features.entities import Entity, entity_key, extract_entities


def _by_key(text):
    return {e.key: e for e in extract_entities(text)}


def test_people_places_orgs_and_offsets():
    text = (
        "Interior Minister Ali Yerlikaya said rescue teams were working in Antakya. "
        "The Disaster and Emergency Management Authority (AFAD) said 180 people were hurt. "
        "Yerlikaya later flew to Ankara."
    )
    ents = extract_entities(text)
    for e in ents:
        assert text[e.start : e.end] == e.text
        assert isinstance(e, Entity)
    keys = _by_key(text)
    assert keys["ali yerlikaya"].kind == "PERSON"
    assert keys["afad"].kind == "ORG"
    assert keys["antakya"].kind == "PLACE"
    # a later surname-only mention resolves to the full name
    later = [e for e in ents if e.text == "Yerlikaya"]
    assert later and later[0].key == "ali yerlikaya"


def test_sentence_initial_words_weekdays_and_titles_are_not_entities():
    text = (
        "On Monday the council met. Officials said the plan would go ahead. "
        "However, Mr. Smith disagreed in January. The Penguins won."
    )
    keys = set(_by_key(text))
    for bad in ("on", "monday", "officials", "however", "january", "the", "mr", "the penguins"):
        assert bad not in keys
    assert "smith" in keys
    assert "penguins" in keys


def test_possessive_splits_names_and_keys_fold_case_and_accents():
    keys = _by_key("He crashed into Ottawa's Thomas Chabot near São Paulo.")
    assert "thomas chabot" in keys
    assert "ottawa" in keys
    assert "sao paulo" in keys
    assert entity_key("Guentzel's") == "guentzel"
    assert entity_key("U.S.") == "us"


def test_acronyms_and_junk_ids():
    keys = _by_key("The NATO summit and the U.S. delegation. MENAFN3112201900670000ID109949436")
    assert keys["nato"].kind == "ORG"
    assert "us" in keys
    assert not any(k.startswith("menafn3") for k in keys)


def test_deterministic_and_empty():
    text = "Pep Guardiola praised Erling Haaland after Manchester City beat Aston Villa."
    assert extract_entities(text) == extract_entities(text)
    assert extract_entities("") == []


def test_sentence_initial_common_nouns_are_not_entities():
    text = (
        "Firefighters battled the blaze near Riverton. Neighbouring countries offered help. "
        "Investigators said Jonas Haddad, the minister, was calm. Preliminary results gave the "
        "Liberal Democrats 166 seats. Around 300 people fled. Officials met Priya Jensen."
    )
    keys = {e.key for e in extract_entities(text)}
    assert {"firefighters", "neighbouring", "investigators", "preliminary", "around"}.isdisjoint(keys)
    assert {"riverton", "jonas haddad", "liberal democrats", "priya jensen"} <= keys
