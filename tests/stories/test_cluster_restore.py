"""StoryTracker's public state API (peek, restore, move, on_drop) used by the persistent store."""

from __future__ import annotations

from storyline.data import Article
from storyline.stories import ClusterConfig, StoryTracker

QUAKE = "A strong earthquake struck the coastal city of Sarin on Monday, killing twelve people."
QUAKE2 = "Rescue teams searched Sarin after Monday's strong earthquake killed twelve people."
MATCH = "Rovers beat City two goals to nil in the cup final at the national stadium on Saturday."


def cfg(**kw: object) -> ClusterConfig:
    from dataclasses import fields

    base = {"threshold": 0.2, "min_support": 1, "use_minhash": False,
            "support_threshold": 0.2, "score_field": "similarity"} | kw
    names = {f.name for f in fields(ClusterConfig)}
    return ClusterConfig(**{k: v for k, v in base.items() if k in names})  # type: ignore[arg-type]


def art(i: str, text: str, day: int = 1) -> Article:
    return Article(id=i, text=text, published=f"2024-03-{day:02d}T10:00:00Z", source="Wire")


def test_peek_decides_like_add_without_changing_state(stand_ins) -> None:
    t = StoryTracker(stand_ins.WordScorer(), cfg())
    first = t.add(art("a", QUAKE))
    before = (len(t), {s.id: s.members for s in t.stories()})
    p = t.peek(art("b", QUAKE2))
    assert not p.is_new_story and p.story_id == first.story_id and p.nearest_id == "a"
    assert t.peek(art("c", MATCH)).is_new_story
    assert (len(t), {s.id: s.members for s in t.stories()}) == before
    assert t.story_of("b") is None
    added = t.add(art("b", QUAKE2))  # peek did not mark the id as seen
    assert added.story_id == p.story_id


def test_restore_rebuilds_state_without_featurizing(stand_ins) -> None:
    scorer = stand_ins.WordScorer()
    live = StoryTracker(scorer, cfg())
    arts = [art("a", QUAKE), art("m", MATCH), art("b", QUAKE2)]
    got = {a.id: live.add(a).story_id for a in arts}
    feats = {a.id: scorer.featurize(a) for a in arts}
    scorer2 = stand_ins.WordScorer()
    back = StoryTracker(scorer2, cfg())
    for a in arts:
        back.restore(a, feats[a.id], got[a.id])
    assert scorer2.featurized == 0
    assert {a.id: back.story_of(a.id) for a in arts} == got
    q = art("c", "Twelve people died when a strong earthquake struck Sarin on Monday.")
    assert back.peek(q).story_id == live.peek(q).story_id == got["a"]


def test_move_and_precomputed_features(stand_ins) -> None:
    scorer = stand_ins.WordScorer()
    t = StoryTracker(scorer, cfg())
    a = t.add(art("a", QUAKE))
    m = t.add(art("m", MATCH), scorer.featurize(art("m", MATCH)))
    assert m.is_new_story and scorer.featurized == 2  # given features are not recomputed
    t.move("m", a.story_id)
    assert t.story_of("m") == a.story_id
    assert m.story_id not in {s.id for s in t.stories()}  # emptied story is gone
    assert sorted(next(s for s in t.stories() if s.id == a.story_id).members) == ["a", "m"]


def test_on_drop_reports_articles_leaving_the_window(stand_ins) -> None:
    t = StoryTracker(stand_ins.WordScorer(), cfg(window_days=2.0))
    dropped: list[str] = []
    t.on_drop = dropped.append
    t.add(art("a", QUAKE, day=1))
    t.add(art("m", MATCH, day=10))
    t.add(art("b", QUAKE2, day=11))
    assert "a" in dropped and "b" not in dropped
