from pathlib import Path

import pytest

from storyline.data import Article
from storyline.errors import ConfigError
from storyline.eval.pairs import synthetic_pairs
from storyline.features.tfidf import IdfModel
from storyline.link import DIMENSIONS, RELATIONS, SAME_STORY_RELATIONS, Linker, PairScore
from storyline.synth import generate

FIX = Path(__file__).parent / "fixtures" / "link"
DIFFERENT = ("related", "unrelated")


@pytest.fixture(scope="module")
def linker():
    return Linker.load()


def _text(name):
    return (FIX / f"{name}.txt").read_text(encoding="utf-8")


def test_reworded_noisy_revision_is_revision_or_same_story(linker):
    s = linker.score_texts(_text("revision_v1"), _text("revision_v2_noisy"))
    assert s.relation in ("revision", "same_story")
    assert s.signals["jaccard"] < 0.1  # shingle dedup alone would miss it
    assert s.signals["quote"] == 1.0
    assert s.signals["weekday_conflict"] == 1.0  # Monday -> Tuesday


def test_other_outlet_on_same_event_is_same_story(linker):
    for a in ("revision_v1", "revision_v2_noisy"):
        s = linker.score_texts(_text(a), _text("outlet_same_event"))
        assert s.relation in SAME_STORY_RELATIONS, a


@pytest.mark.parametrize(
    "a,b",
    [
        ("revision_v1", "quake_other"),  # two different earthquakes
        ("revision_v2_noisy", "quake_other"),
        ("outlet_same_event", "quake_other"),
        ("match_a", "match_b"),  # two different matches of one team
    ],
)
def test_different_events_of_same_kind_are_not_same_story(linker, a, b):
    s = linker.score_texts(_text(a), _text(b))
    assert s.relation in DIFFERENT, (a, b, s.relation, s.same_story)


def test_similarity_orders_pairs(linker):
    rev = linker.score_texts(_text("revision_v1"), _text("revision_v2_noisy")).similarity
    quakes = linker.score_texts(_text("revision_v1"), _text("quake_other")).similarity
    unrelated = linker.score_texts(_text("match_a"), _text("quake_other")).similarity
    assert rev > quakes > unrelated


def test_duplicate_and_near_duplicate(linker):
    base = _text("revision_v1")
    noisy_copy = "Advertisement\n\n" + base.replace("\n\n", "\n \n") + "\n\nShare this article"
    assert linker.score_texts(base, noisy_copy).relation == "duplicate"
    edited = base.replace("180 others had been injured", "about 200 others were hurt")
    s = linker.score_texts(base, edited)
    assert s.relation == "near_duplicate"
    assert s.similarity > 0.8


def test_pair_score_shape(linker):
    s = linker.score_texts(_text("match_a"), _text("match_b"), title_a="City beat Villa")
    assert isinstance(s, PairScore)
    assert 0.0 <= s.similarity <= 1.0 and 0.0 <= s.same_story <= 1.0
    assert s.relation in RELATIONS
    assert set(s.dimensions) == set(DIMENSIONS)
    assert all(1.0 <= v <= 4.0 for v in s.dimensions.values())
    assert {"tfidf", "jaccard", "containment", "ent_person", "num_conflict", "quote"} <= set(s.signals)
    d = s.to_dict()
    assert d["relation"] == s.relation and d["dimensions"] == s.dimensions


def test_featurize_normalizes_and_parses(linker):
    art = Article(id="x", text=_text("revision_v2_noisy"), published="2024-03-05T10:00:00Z")
    f = linker.featurize(art)
    assert f.dateline == "ANTAKYA, Turkey" and f.source == "Reuters"
    assert not f.text.startswith(("Advertisement", "Supported")) and "By Reuters" not in f.text
    assert any(n.value == 15 for n in f.numbers)
    assert any(d.kind == "weekday" and d.resolved is not None for d in f.dates)
    assert "ali yerlikaya" in f.entities["PERSON"]
    assert f.quotes and f.shingles.size > 0 and f.embedding is None
    again = linker.featurize_many([art])[0]
    assert again.terms == f.terms and again.text_hash == f.text_hash


def test_scoring_is_deterministic(linker):
    """Same pair, same score (speed is measured in benchmarks/stories.py, not here)."""
    fa, fb = linker.featurize_many(
        [Article(id="a", text=_text("revision_v1")), Article(id="b", text=_text("quake_other"))]
    )
    assert linker.score(fa, fb) == linker.score(fa, fb)
    assert linker.score(fb, fa).similarity == pytest.approx(linker.score(fa, fb).similarity)


def test_bad_model_path_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read link model"):
        Linker.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 99, "models": {}}')
    with pytest.raises(ConfigError, match="version"):
        Linker.load(bad)


def test_relations_on_synthetic_pairs():
    """Held-out synthetic corpus (seed unlike the fit's): coarse relation accuracy."""
    recs = list(generate(300, seed=5))
    pairs = synthetic_pairs(recs, seed=5, per_kind=15)
    linker = Linker.load(idf=IdfModel.default().fit(r["text"] for r in recs))
    arts = {}
    for p in pairs:
        for r in (p.a, p.b):
            arts[r["id"]] = Article(id=r["id"], text=r["text"], title=r["title"],
                                    published=r["published"], source=r["source"])
    feats = dict(zip(arts, linker.featurize_many(arts.values()), strict=True))
    ok = 0
    for p in pairs:
        rel = linker.score(feats[p.a["id"]], feats[p.b["id"]]).relation
        same_gold = p.relation in SAME_STORY_RELATIONS
        ok += (rel in SAME_STORY_RELATIONS) == same_gold
    assert ok / len(pairs) >= 0.95
