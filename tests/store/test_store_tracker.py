"""The StoryTracker behind the store: features persisted, state rebuilt on reopen unscored."""

from __future__ import annotations

import pytest

pytest.importorskip("storyline.stories")


from storyline.data import Article  # noqa: E402
from storyline.store import Indexer, Store  # noqa: E402
from storyline.store.assigners.story_tracker import TrackerAssigner  # noqa: E402
from storyline.stories import ClusterConfig  # noqa: E402

QUAKE = ("A strong earthquake struck the coastal city of Sarin on Monday, killing twelve people "
         "and damaging hundreds of homes, officials said.")
QUAKE2 = ("Rescue teams searched collapsed homes in Sarin after Monday's strong earthquake killed "
          "twelve people, officials said, as aftershocks shook the coastal city.")
QUAKE3 = ("The death toll from the strong earthquake in the coastal city of Sarin rose, officials "
          "said, as rescue teams searched homes.")
MATCH = ("Rovers beat City two goals to nil in the cup final at the national stadium on Saturday "
         "evening in front of a record crowd.")


def art(i: str, text: str, hour: int, source: str = "Wire") -> Article:
    return Article(id=i, text=text, title=f"title {i}", source=source,
                   published=f"2024-03-01T{hour:02d}:00:00Z")


def cfg(**kw: object) -> ClusterConfig:
    """Stand-in settings: similarity is the score; one supporting member is enough."""
    from dataclasses import fields

    base = {"threshold": 0.25, "min_support": 1, "use_minhash": False,
            "support_threshold": 0.25, "score_field": "similarity"} | kw
    names = {f.name for f in fields(ClusterConfig)}
    return ClusterConfig(**{k: v for k, v in base.items() if k in names})  # type: ignore[arg-type]


CFG = cfg()


def test_features_round_trip_without_text(stand_ins) -> None:
    scorer = stand_ins.WordScorer()
    f = stand_ins.Feat("x", "some text", {"a": 1.0})
    data = scorer.to_bytes(f, "some text")
    assert b"some text" not in data
    assert scorer.from_bytes(data, "some text") == f


def test_tracker_assigns_stories_and_restores_without_featurizing(tmp_path, stand_ins) -> None:
    path = tmp_path / "s.db"
    scorer = stand_ins.WordScorer()
    with Store.create(path) as s:
        ix = Indexer(s, TrackerAssigner(scorer, CFG))
        res = ix.add_batch([art("q1", QUAKE, 1), art("m1", MATCH, 2), art("q2", QUAKE2, 3),
                            art("q1-copy", QUAKE, 4, "Herald")])
        assert res[0].is_new_story and res[1].is_new_story
        assert res[2].story_id == res[0].story_id and not res[2].is_new_story
        assert res[2].relation == "same_story" and res[2].nearest_id == "q1"
        assert res[3].relation == "duplicate" and res[3].story_id == res[0].story_id
        assert scorer.featurized == 4
        assert s.count("features") == 4
        assert s.check() == []
    fresh = stand_ins.WordScorer()
    with Store.open(path) as s:
        assigner = TrackerAssigner(fresh, CFG)
        ix = Indexer(s, assigner)
        assert ix.catch_up() == 4
        assert fresh.featurized == 0  # state rebuilt from stored features
        (r,) = ix.add_batch([art("q3", QUAKE3, 5)])
        assert fresh.featurized == 1
        assert r.story_id == s.get_article("q1")["story_id"] and not r.is_new_story
        story = s.get_story(r.story_id)
        assert story["first_report"] == "q1" and story["size"] == 4
        q = ix.query(art("probe", "Officials in the coastal city of Sarin said rescue teams searched homes after the strong earthquake.", 6))
        assert q["story_id"] == r.story_id and q["relation"] == "same_story"
        assert s.count("articles") == 5  # query wrote nothing


def test_rolled_back_batch_rebuilds_tracker(tmp_path, stand_ins) -> None:
    with Store.create(tmp_path / "s.db") as s:
        assigner = TrackerAssigner(stand_ins.WordScorer(), CFG)
        ix = Indexer(s, assigner)
        ix.add_batch([art("q1", QUAKE, 1)])
        real = ix._write_assignment

        def boom(*a: object) -> None:
            raise RuntimeError("disk full")

        ix._write_assignment = boom  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            ix.add_batch([art("m1", MATCH, 2)])
        ix._write_assignment = real  # type: ignore[method-assign]
        (r,) = ix.add_batch([art("m1", MATCH, 2)])
        assert r.is_new_story and r.status == "added"  # m1 was forgotten with the rollback
        assert assigner.tracker.story_of("q1") is not None
        assert s.check() == []


def test_features_outside_the_window_are_dropped(tmp_path, stand_ins) -> None:
    one_day = cfg(window_days=1.0)
    with Store.create(tmp_path / "s.db") as s:
        ix = Indexer(s, TrackerAssigner(stand_ins.WordScorer(), one_day))
        ix.add_batch([Article(id="old", text=QUAKE, published="2024-03-01T00:00:00Z")])
        ix.add_batch([Article(id="new", text=MATCH, published="2024-03-05T00:00:00Z")])
        ix.add_batch([Article(id="newer", text=QUAKE2, published="2024-03-05T01:00:00Z")])
        kept = [r[0] for r in s.conn.execute(
            "SELECT a.id FROM features f JOIN articles a ON a.seq = f.seq ORDER BY a.seq")]
        assert kept == ["new", "newer"]
        assert s.check() == []
    with Store.open(tmp_path / "s.db") as s:
        ix = Indexer(s, TrackerAssigner(stand_ins.WordScorer(), one_day))
        (r,) = ix.add_batch([Article(id="q3", text=QUAKE3, published="2024-03-05T02:00:00Z")])
        assert r.story_id == s.get_article("newer")["story_id"]


def test_compact_returns_freed_pages(tmp_path, stand_ins) -> None:
    with Store.create(tmp_path / "s.db") as s:
        ix = Indexer(s, TrackerAssigner(stand_ins.WordScorer(), CFG))
        ix.add_batch([Article(id=f"a{i}", text=f"{QUAKE} {MATCH} item {i} " * 40) for i in range(40)])
        with s.transaction() as conn:  # what dropping evicted features does, all at once
            conn.execute("DELETE FROM features")
        assert s.stats()["free_bytes"] > 0
        assert s.compact() > 0 and s.stats()["free_bytes"] == 0
        assert s.check() == []


def test_stored_features_cannot_run_code() -> None:
    """A pickle in a legacy record is read by the restricted unpickler: refused, never run."""
    import os
    import pickle
    import zlib

    from storyline.errors import DamagedDataError
    from storyline.store.assigners.legacy_pickle import decode_legacy

    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, ("echo should-not-run",))

    with pytest.raises(DamagedDataError, match="tampered"):
        decode_legacy(zlib.compress(pickle.dumps(Evil())), None)


def test_real_linker_features_round_trip() -> None:
    from storyline.link import Linker

    art = Article(
        id="q", published="2024-03-05",
        text='BEIJING (AP) - At least 12 people died on Monday in Gansu, officials said. '
        '"We are working hard," said Li Wei. Around 3.5 million homes lost power.',
    )
    linker = Linker.load()
    f = linker.featurize(art)
    g = linker.from_bytes(linker.to_bytes(f, f.text), f.text)
    assert (g.id, g.terms, g.numbers, g.dates, g.quotes) == (f.id, f.terms, f.numbers, f.dates, f.quotes)
    assert (g.shingles == f.shingles).all()


def test_features_encoded_in_preparation_are_what_assign_would_store(tmp_path, stand_ins) -> None:
    """Preparation (a worker, off the writer's path) encodes the features and compresses the
    texts; the store holds the same bytes as when the assigner encodes them itself."""
    from storyline.store.db import unpack

    arts = [art("q1", QUAKE, 1), art("m1", MATCH, 2), art("q2", QUAKE2, 3)]
    blobs = []
    for ahead in (True, False):
        with Store.create(tmp_path / f"{ahead}.db") as s:
            ix = Indexer(s, TrackerAssigner(stand_ins.WordScorer(), CFG))
            prepared = ix.prepare_many(arts)
            assert all(p.features_z is not None for p in prepared)
            if not ahead:  # what an assigner sees when nothing was encoded ahead
                for p in prepared:
                    p.features_z, p.original_z, p.text_z = None, b"", b""
            ix.add_prepared(arts, prepared)
            blobs.append(s.conn.execute("SELECT seq, kind, data FROM features ORDER BY seq").fetchall())
            texts = s.conn.execute("SELECT original, text FROM articles ORDER BY seq").fetchall()
            assert [unpack(o) for o, _ in texts] == [QUAKE, MATCH, QUAKE2]
            assert [unpack(t) for _, t in texts] == [p.article.text for p in prepared]
    assert blobs[0] == blobs[1] and len(blobs[0]) == 3
    with Store.open(tmp_path / "True.db") as s:  # and they load back
        fresh = stand_ins.WordScorer()
        assert Indexer(s, TrackerAssigner(fresh, CFG)).catch_up() == 3 and fresh.featurized == 0


def test_late_article_of_a_closed_story_says_when_it_closed(tmp_path, stand_ins) -> None:
    one_day = cfg(window_days=1.0)
    with Store.create(tmp_path / "s.db") as s:
        ix = Indexer(s, TrackerAssigner(stand_ins.WordScorer(), one_day))
        ix.add_batch([Article(id="old", text=QUAKE, published="2024-03-01T00:00:00Z")])
        ix.add_batch([Article(id="new", text=MATCH, published="2024-03-05T00:00:00Z")])
        ix.add_batch([Article(id="newer", text=MATCH + " Fans cheered.",
                              published="2024-03-05T01:00:00Z")])
        (r,) = ix.add_batch([Article(id="late", text=QUAKE2, published="2024-03-05T02:00:00Z")])
    assert r.is_new_story and r.relation == "new"
    assert r.reason is not None and r.reason.startswith("window: story story:old closed 2024-03-01")


def test_stream_holds_live_stories_and_stays_bounded(stand_ins) -> None:
    """Three weeks of stories (one an hour, each with a report the next hour), a tenth of the
    articles misdated weeks ahead: held features stay near the window's density, and a late
    report dated inside its story's window still joins it."""
    from storyline.stories import StoryTracker

    t = StoryTracker(stand_ins.WordScorer(), cfg(window_days=1.0))
    held: list[int] = []
    for h in range(500):
        day, hour = divmod(h, 24)
        for part in range(2):
            a = Article(id=f"s{h}p{part}", text=f"alpha{h} beta{h} gamma{h} delta{h} part{part}",
                        published=f"2024-03-{1 + day:02d}T{hour:02d}:{20 * part:02d}:00Z")
            t.add(a)
        if h % 10 == 0:
            t.add(Article(id=f"x{h}", text=f"misdated{h} words{h} here{h}",
                          published=f"2024-0{5 + h % 3}-15T10:00:00Z"))
        held.append(len(t.index.features))
    assert max(held[250:]) <= 2 * 48 + 105 + 50  # two days' stories + clock lag + outliers
    late = t.add(Article(id="late", text="alpha490 beta490 gamma490 delta490 late",
                         published="2024-03-21T10:30:00Z"))
    assert not late.is_new_story and late.story_id == t.story_of("s490p0")
