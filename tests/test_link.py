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


# --- update signals: a constructed agency update vs another event of the same kind -----------

_ORIG = (
    "TARSUS, Turkey (AP) - A magnitude 6.1 earthquake struck near Tarsus on Monday, killing 12 "
    "people and injuring 140, the disaster agency said. Rescue teams searched collapsed buildings "
    'in the old town through the night. "We are doing everything we can to reach those still '
    'trapped," Governor Ali Demir said. Aftershocks rattled the region into the morning.'
)
_UPDATE = (
    "TARSUS, Turkey (AP) - The magnitude 6.1 earthquake near Tarsus on Monday killed 15 people and "
    "injured 160, the disaster agency said on Tuesday. Rescue teams searched collapsed "
    'buildings in the old town through the night. "We are doing everything we can to reach those '
    'still trapped," Governor Ali Demir said.'
)
_OTHER = (
    "ADANA, Turkey (AP) - A magnitude 5.4 earthquake struck near Adana on Thursday, killing 3 "
    "people and injuring 40, the disaster agency said. Emergency crews cleared roads blocked by "
    'landslides north of the city. "The damage is limited," Mayor Selin Kaya said.'
)


def _feats(linker, text, published, aid):
    return linker.featurize(Article(id=aid, text=text, published=published))


def test_update_signals_separate_an_update_from_another_event(linker):
    orig = _feats(linker, _ORIG, "2024-03-04T08:00:00Z", "o")
    upd = _feats(linker, _UPDATE, "2024-03-05T09:30:00Z", "u")
    other = _feats(linker, _OTHER, "2024-03-21T08:00:00Z", "x")
    su, so = linker.score(orig, upd), linker.score(orig, other)
    assert su.signals["sent_match"] > so.signals["sent_match"]
    assert su.signals["num_update"] > 0  # 12 -> 15 dead, 140 -> 160 injured: rising counts
    assert so.signals["num_update"] == 0  # 12 -> 3 a later article: not an update
    assert su.signals["pub_hours"] < so.signals["pub_hours"]
    assert su.relation in SAME_STORY_RELATIONS
    assert so.relation not in SAME_STORY_RELATIONS
    assert su.same_story > so.same_story


def test_falling_count_in_a_later_article_is_not_an_update(linker):
    early = _feats(linker, _UPDATE, "2024-03-04T08:00:00Z", "e")  # says 15 dead
    late = _feats(linker, _ORIG, "2024-03-05T08:00:00Z", "l")  # says 12 dead, a day later
    fwd = linker.score(late, early).signals["num_update"]  # same pair in either argument order
    assert fwd == linker.score(early, late).signals["num_update"]
    undated_a = _feats(linker, _UPDATE, None, "a")
    undated_b = _feats(linker, _ORIG, None, "b")
    # without publication times either direction may be the update
    assert linker.score(undated_a, undated_b).signals["num_update"] >= fwd
    assert linker.score(undated_a, undated_b).signals["pub_hours"] == 0.0
