"""Entities a reader would accept: rule families, the optional spaCy backend, and the
hand-labelled real pages (skipped when ../shared/data is absent)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from storyline.errors import MissingDependencyError
from storyline.features.entities import (
    entity_key,
    extract_entities,
    spacy_model_available,
)

ROOT = Path(__file__).resolve().parents[1]


def _keys(text: str, backend: str = "rules") -> set[str]:
    return {e.key for e in extract_entities(text, backend=backend)}  # type: ignore[arg-type]


@pytest.mark.parametrize("opener", ["Exhausted", "Footage", "Furious", "Massive", "Unable",
                                    "Outraged", "Wreckage", "Dangerous"])
@pytest.mark.parametrize("name", ["Marit Solberg", "Kwame Mensah", "Ilse Vandenberg"])
def test_sentence_initial_adjectives_and_nouns_are_not_names(opener: str, name: str) -> None:
    text = (f"Rescuers reached Valdora on Monday. {opener} residents waited for news, "
            f"{name} said. {name.split()[-1]} later left for Tromsdal.")
    keys = _keys(text)
    assert opener.lower() not in keys
    assert {entity_key(name), "valdora", "tromsdal"} <= keys


@pytest.mark.parametrize("name", ["Lopez", "Parise", "Okafor"])
def test_a_surname_at_a_sentence_start_is_kept_when_the_text_names_it(name: str) -> None:
    text = f"Coach Ana {name} praised the team. {name} said the win mattered."
    ents = [e for e in extract_entities(text) if e.text == name]
    assert ents and ents[0].kind == "PERSON"


@pytest.mark.parametrize(("text", "want", "junk"), [
    ("Talks were held in New York on Monday.", {"new york"}, {"york"}),
    ("A New Zealand court ruled on Friday.", {"new zealand"}, {"zealand"}),
    ("Pacific Gas & Electric Co. and PG&E crews cut power.", {"pge"}, {"pg"}),
    ("He threatened Rep. Ilhan Omar, D-Minn., in March.", {"ilhan omar"}, {"dminn"}),
    ("Rep. David McKinley, R-W.Va., visited the border.", {"david mckinley"}, {"rwva"}),
    ("American Kevin King and Australian Timothy Weeks were freed.",
     {"timothy weeks"}, {"australian timothy weeks"}),
    ("South Dakota Gov. Kristi Noem defended the slogan.", {"kristi noem", "south dakota"},
     {"south dakota gov kristi noem"}),
    ("U.S. forces stayed in al-Tanf, the Pentagon said.", {"pentagon", "us"}, {"tanf"}),
    ("The shows ran on TV at 9 p.m. GMT, the BBC said.", {"bbc"}, {"tv", "gmt"}),
    ("WHO IS THE FRONT-RUNNER?\nBASH THE BILLIONAIRES Sanders said NATO and NEW YORK met.",
     {"sanders", "nato", "new york"}, {"frontrunner", "bash the billionaires",
                                       "bash the billionaires sanders"}),
    ("Rebels took the city.RISK OF ESCALATION Officials in Cairo warned.", {"cairo"},
     {"risk of escalation", "risk of escalation officials"}),
    ("Twitter-like apps spread in Oslo.", {"oslo"}, {"twitterlike"}),
])
def test_rule_fixes(text: str, want: set[str], junk: set[str]) -> None:
    keys = _keys(text)
    assert want <= keys
    assert not (junk & keys)


def test_demonym_is_not_split_from_an_organisation() -> None:
    keys = _keys("Both were professors at the American University of Kabul and the European Union.")
    assert "american university of kabul" in keys and "european union" in keys


def test_spacy_backend_without_the_model_says_how_to_install() -> None:
    with pytest.raises(MissingDependencyError) as err:
        extract_entities("Jonas Gahr Store met Emmanuel Macron.", backend="spacy",
                         spacy_model="no_such_pipeline_xx")
    assert "storyline[ner]" in str(err.value.hint)


@pytest.fixture(scope="session")
def spacy_model() -> str:
    model = spacy_model_available()
    if model is None:
        pytest.skip("spaCy / an English pipeline is not installed (storyline[ner])")
    return model


def test_spacy_backend_offsets_kinds_and_trimming(spacy_model: str) -> None:
    text = ("Prime Minister Jonas Gahr Store visited Valdora on Tuesday. The European Union's "
            "envoy and French President Emmanuel Macron offered help, the Norwegian Red Cross said.")
    ents = extract_entities(text, backend="spacy")
    for e in ents:
        assert text[e.start:e.end] == e.text
        assert not e.text.startswith(("the ", "The ")) and not e.text.endswith("'s")
    by_key = {e.key: e.kind for e in ents}
    assert by_key.get("jonas gahr store") == "PERSON"
    assert by_key.get("emmanuel macron") == "PERSON"
    assert "european union" in by_key
    assert not {"tuesday", "monday"} & set(by_key)
    assert extract_entities(text, backend="auto") == ents  # auto picks the installed model


# ---------------------------------------------------------------- real pages, hand-labelled


def _load_bench() -> object:
    spec = importlib.util.spec_from_file_location("real_news", ROOT / "benchmarks" / "real_news.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["real_news"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def bench() -> object:
    mod = _load_bench()
    gt = mod.DEFAULT_DATA / "extraction-benchmark" / "ground-truth.json"  # type: ignore[attr-defined]
    if not gt.exists():
        pytest.skip("../shared/data/extraction-benchmark is not available")
    mod.GOLD = json.loads(gt.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    return mod


def _score(bench: object, backend: str, split: str | None = None) -> dict[str, float]:
    from storyline.normalize import normalize

    labels = [r for r in bench._read_jsonl(bench.ENTITY_LABELS)  # type: ignore[attr-defined]
              if split is None or r["split"] == split]
    preds = [extract_entities(normalize(bench.GOLD[r["page"]]["articleBody"][: r["end"]]).text,  # type: ignore[attr-defined]
                              backend=backend)  # type: ignore[arg-type]
             for r in labels]
    return bench._score(preds, labels)[0]  # type: ignore[attr-defined,no-any-return]


def test_labels_are_well_formed_and_large_enough(bench: object) -> None:
    labels = bench._read_jsonl(bench.ENTITY_LABELS)  # type: ignore[attr-defined]
    pol = [g for r in labels for g in r["entities"] if g["type"] != "MISC"]
    assert len(pol) >= 300
    for r in labels:
        snippet = bench.GOLD[r["page"]]["articleBody"][: r["end"]].replace("\u2019", "'")  # type: ignore[attr-defined]
        for g in r["entities"]:
            assert g["type"] in ("PERSON", "ORG", "PLACE", "MISC")
            assert any(alt in snippet for alt in g["text"].split("|")), (r["page"], g)


def test_rules_on_real_pages(bench: object) -> None:
    sc = _score(bench, "rules")
    assert sc["precision"] >= 0.95 and sc["recall"] >= 0.95, sc


def test_rules_on_pages_never_used_to_tune_them(bench: object) -> None:
    """The issue's target (precision >= 0.90) on the 10 pages labelled before the last rules."""
    sc = _score(bench, "rules", "heldout2")
    assert sc["precision"] >= 0.90 and sc["recall"] >= 0.90, sc


def test_spacy_on_real_pages(bench: object, spacy_model: str) -> None:
    sc = _score(bench, "spacy")
    assert sc["precision"] >= 0.92 and sc["recall"] >= 0.84, sc


def test_display_backend_setting_is_checked() -> None:
    from storyline.errors import ConfigError
    from storyline.features.entities import _display_backend

    assert _display_backend("rules") == "rules"
    with pytest.raises(ConfigError, match="STORYLINE_ENTITIES"):
        _display_backend("bogus")


# ---------------------------------------------------------------- second round of general rules


@pytest.mark.parametrize("place", ["Oslo", "Valdora", "Hong Kong"])
@pytest.mark.parametrize("tail", ["based", "born", "led", "winning", "owned"])
def test_a_lower_case_compound_tail_is_not_part_of_the_name(place: str, tail: str) -> None:
    keys = _keys(f"The {place}-{tail} group and the Tromsdal-{tail} House of Valdora met.")
    assert entity_key(place) in keys and "tromsdal" in keys and "house of valdora" in keys
    assert not any(tail in k for k in keys)


@pytest.mark.parametrize("name", ["Patrick W. Carlineo Jr.", "Maria T. Okafor", "John F. Lund"])
def test_a_middle_initial_stays_inside_the_name(name: str) -> None:
    keys = _keys(f"Prosecutors said {name}, 55, of Addison, was arrested.")
    assert entity_key(name.rstrip(".")) in keys, keys


@pytest.mark.parametrize(("text", "want", "junk"), [
    ("Sources told Polygraph.info the Russian claims are false.", {"polygraphinfo"},
     {"polygraphinfo the russian"}),
    ("The house in Braunau am Inn was seized; Frankfurt am Main objected.",
     {"braunau am inn", "frankfurt am main"}, {"inn", "main"}),
    ("the U.S. Attorney's Office for the Western District of New York said.",
     {"us attorney office", "western district of new york"}, {"office", "us"}),
    ("Ivan Duarte of the Chamber of Commerce and Hana Ibrahim of the Port Authority spoke.",
     {"ivan duarte", "chamber of commerce", "hana ibrahim", "port authority"},
     {"ivan duarte of the chamber of commerce", "hana ibrahim of the port authority"}),
    ("Staff at the Children's Hospital in Tromsdal said.", {"children hospital"}, {"hospital"}),
    ("US President Donald Trump and Russian President Vladimir Putin met in Oslo.",
     {"us", "donald trump", "russian", "vladimir putin", "oslo"}, {"us president donald trump"}),
    ("It was announced by US Secretary of State Mike Pompeo on Monday.", {"mike pompeo", "us"},
     {"state mike pompeo"}),
    ("As tensions rose, President Xi Jinping of China is likely to act.", {"xi jinping"},
     {"xi jinping of china"}),
    ("The Afghan Taliban and the African American vote.", {"taliban", "african american"},
     {"afghan taliban"}),
    ("people in 18 Northern and central counties browsed the Internet.", set(),
     {"northern", "internet"}),
    ("the Inspector-General of Police, Ibrahim Idris, said.", {"ibrahim idris"},
     {"inspectorgeneral", "of police", "police"}),
    ("Meth is here. We are here to Get. It. OUT, Noem tweeted.", {"noem"}, {"get", "out"}),
    ("Rebels struck.\n\nWe'll start there. It's late, Don't go, Kari Lund said.", {"kari lund"},
     {"well", "its", "dont"}),
    ("He spoke at a rally in Monroe, La., and in Portland, Ore., on Friday.",
     {"monroe la", "portland ore"}, {"la", "ore"}),
    ("Teams from Bosnia and Herzegovina and Trinidad and Tobago qualified.",
     {"bosnia and herzegovina", "trinidad and tobago"}, {"herzegovina", "tobago"}),
    ("Teams in Path C and Group A qualified for Euro 2020 on Monday.", {"euro 2020"},
     {"path c", "path", "group a", "euro"}),
    ("Shows from Pixar, \"Star Wars,\" and the \"Melvin and Howard\" star.",
     {"star wars", "melvin and howard", "pixar"}, {"wars", "melvin", "howard"}),
    ("The WHO said the US and the UK agreed.", {"who", "us", "uk"}, set()),
])
def test_second_round_rules(text: str, want: set[str], junk: set[str]) -> None:
    keys = _keys(text)
    assert want <= keys, keys
    assert not (junk & keys), keys


@pytest.mark.parametrize("first", ["Will", "Can"])
def test_a_capitalized_modal_inside_a_sentence_is_a_first_name(first: str) -> None:
    keys = _keys(f"It was an attempt to mislead voters,'' {first} Moy, chief executive, said.")
    assert entity_key(f"{first} Moy") in keys, keys
    assert entity_key(first) not in _keys(f"{first} the council act? Nobody knows.")
