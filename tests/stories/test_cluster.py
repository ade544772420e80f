"""Story clustering and streaming with an injected stand-in scorer (exact similarities)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from storyline.data import Article, PairScore
from storyline.errors import InputError
from storyline.stories import ClusterConfig, StoryTracker, cluster_stories, story_id_for

T0 = datetime(2024, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Feat:
    id: str
    terms: dict[str, float]


def Score(s: float, relation: str) -> PairScore:  # noqa: N802 - a stand-in's score, named as before
    return PairScore(s, s, relation)


class TableScorer:
    """Similarity from a symmetric table (missing pairs 0.0); terms are the article's words."""

    def __init__(self, table: dict[frozenset[str], float]):
        self.table = table
        self.calls = 0

    def featurize(self, article: Article) -> Feat:
        words = sorted(set(article.text.lower().split()))
        return Feat(article.id, {w: 1.0 / len(words) ** 0.5 for w in words})

    def score(self, a: Feat, b: Feat) -> PairScore:
        self.calls += 1
        s = self.table.get(frozenset((a.id, b.id)), 0.0)
        return Score(s, "same_story" if s >= 0.5 else "related" if s >= 0.2 else "unrelated")


def art(aid: str, text: str, hours: float, source: str | None = None) -> Article:
    pub = (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Article(id=aid, text=text, published=pub, source=source)


def table(groups: list[tuple[list[str], float]], extra: dict[tuple[str, str], float]) -> dict[frozenset[str], float]:
    t: dict[frozenset[str], float] = {}
    for members, sim in groups:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                t[frozenset((a, b))] = sim
    for (a, b), sim in extra.items():
        t[frozenset((a, b))] = sim
    return t


def two_stories() -> tuple[list[Article], TableScorer]:
    # Story A: an earthquake in Sarin (3 reports); story B: a football match (2 reports);
    # C: another earthquake (same kind of event, different place/people): related to A only.
    arts = [
        art("a2", "quake sarin magnitude toll rescue", 2, "Herald"),
        art("b1", "rovers city match goal final", 1, "Ledger"),
        art("a1", "quake sarin magnitude toll", 0, "Wire"),
        art("c1", "quake brisca magnitude toll", 5, "Wire"),
        art("a3", "quake sarin rescue toll", 3, "Wire"),
        art("b2", "rovers city match goal", 4, "Herald"),
    ]
    t = table(
        [(["a1", "a2", "a3"], 0.8), (["b1", "b2"], 0.7)],
        {("c1", "a1"): 0.3, ("c1", "a2"): 0.3, ("c1", "a3"): 0.25},
    )
    return arts, TableScorer(t)


def test_two_stories_and_same_kind_event() -> None:
    arts, scorer = two_stories()
    res = cluster_stories(arts, ClusterConfig(threshold=0.5, support_threshold=None), linker=scorer)
    story = res.story_of
    assert story["a1"] == story["a2"] == story["a3"]
    assert story["b1"] == story["b2"]
    assert len({story["a1"], story["b1"], story["c1"]}) == 3
    by_id = {s.id: s for s in res.stories}
    a = by_id[story["a1"]]
    assert a.id == story_id_for("a1") and a.first_report == "a1"
    assert a.members == ["a1", "a2", "a3"]  # time order, not input order
    assert a.first_seen == arts[2].published and a.last_seen == arts[4].published
    assert a.sources == ["Herald", "Wire"]
    assert "quake" in a.label and "sarin" in a.label
    asg = {x.article_id: x for x in res.assignments}
    assert [x.article_id for x in res.assignments] == [a.id for a in arts]  # input order
    assert asg["a1"].is_new_story and not asg["a2"].is_new_story
    assert asg["a3"].relation == "same_story" and asg["a3"].nearest_id in {"a1", "a2"}
    assert asg["c1"].is_new_story and asg["c1"].relation == "related"
    assert asg["c1"].novelty == pytest.approx(0.7)
    recs = res.assignment_records()
    assert {r["first_report"] for r in recs if r["story_id"] == a.id} == {"a1"}
    assert res.stories[0].size == 3  # largest first


def test_chaining_does_not_glue_stories() -> None:
    # x looks like a3 only (a loose chain a1~a2~a3~x); single-link would pull x into A.
    arts = [
        art("a1", "w1 w2 w3", 0),
        art("a2", "w1 w2 w3", 1),
        art("a3", "w1 w2 w3 w4", 2),
        art("x", "w3 w4 w5", 3),
        art("y", "w4 w5 w6", 4),
    ]
    t = table(
        [(["a1", "a2", "a3"], 0.8)],
        {("x", "a3"): 0.6, ("x", "a1"): 0.1, ("x", "a2"): 0.1, ("y", "x"): 0.7},
    )
    res = cluster_stories(arts, ClusterConfig(threshold=0.5, support_threshold=None), linker=TableScorer(t))
    s = res.story_of
    assert s["a1"] == s["a2"] == s["a3"]
    assert s["x"] != s["a1"]  # mean similarity to A is (0.6+0.1+0.1)/3 < 0.5
    assert s["y"] == s["x"]


def test_support_checks_members_outside_candidates() -> None:
    # z shares words only with a3, but the tracker also scores A's first member before joining.
    arts = [art("a1", "p q", 0), art("a2", "p q", 1), art("a3", "p q r", 2), art("z", "r s", 3)]
    t = table([(["a1", "a2", "a3"], 0.9)], {("z", "a3"): 0.9, ("z", "a1"): 0.0})
    scorer = TableScorer(t)
    res = cluster_stories(arts, ClusterConfig(threshold=0.5, support_threshold=None, min_support=2), linker=scorer)
    assert res.story_of["z"] != res.story_of["a1"]


def test_deterministic_and_stable_ids() -> None:
    arts, scorer = two_stories()
    cfg = ClusterConfig(threshold=0.5, support_threshold=None)
    r1 = cluster_stories(arts, cfg, linker=scorer)
    r2 = cluster_stories(arts, cfg, linker=scorer)
    assert r1.assignment_records() == r2.assignment_records()
    assert [s.to_dict() for s in r1.stories] == [s.to_dict() for s in r2.stories]
    r3 = cluster_stories(list(reversed(arts)), cfg, linker=scorer)  # ids follow first reports
    assert sorted(r3.story_of.items()) == sorted(r1.story_of.items())


def test_first_report_ties_by_input_order() -> None:
    arts = [art("late", "k1 k2", 1), art("tie2", "k1 k2", 0), art("tie1", "k1 k2", 0)]
    t = table([(["late", "tie1", "tie2"], 0.9)], {})
    res = cluster_stories(arts, ClusterConfig(threshold=0.5, support_threshold=None), linker=TableScorer(t))
    (story,) = res.stories
    assert story.first_report == "tie2" and story.members == ["tie2", "tie1", "late"]


def test_time_window_separates_stories() -> None:
    arts = [art("a", "k1 k2", 0), art("b", "k1 k2", 24 * 30)]
    t = table([(["a", "b"], 0.9)], {})
    near = cluster_stories(arts, ClusterConfig(window_days=None, threshold=0.5, support_threshold=None), linker=TableScorer(t))
    far = cluster_stories(arts, ClusterConfig(window_days=7, threshold=0.5, support_threshold=None), linker=TableScorer(t))
    assert near.story_of["a"] == near.story_of["b"]
    assert far.story_of["a"] != far.story_of["b"]


def test_duplicate_ids_are_an_input_error() -> None:
    arts = [art("a", "x", 0), art("a", "y", 1)]
    with pytest.raises(InputError, match="unique"):
        cluster_stories(arts, linker=TableScorer({}))


def test_merge_pass_joins_split_story() -> None:
    # b arrives before the story's strong core; the stream keeps it apart, batch merges it.
    arts = [art("a", "m1 m2", 0), art("b", "m1 m3", 1), art("c", "m1 m2 m3", 2), art("d", "m1 m2 m3", 3)]
    t = table([(["c", "d"], 0.9)], {("a", "b"): 0.3, ("a", "c"): 0.9, ("a", "d"): 0.9,
                                     ("b", "c"): 0.6, ("b", "d"): 0.6})
    stream = StoryTracker(TableScorer(t), ClusterConfig(threshold=0.5, support_threshold=None))
    got = {x.article_id: x.story_id for x in stream.add_many(arts)}
    assert got["b"] != got["a"] and got["c"] == got["d"] == got["a"]
    batch = cluster_stories(arts, ClusterConfig(threshold=0.5, support_threshold=None), linker=TableScorer(t))
    assert len(set(batch.story_of.values())) == 1
    nomerge = cluster_stories(arts, ClusterConfig(threshold=0.5, support_threshold=None, merge=False), linker=TableScorer(t))
    assert nomerge.story_of == got


def test_stream_matches_batch_without_merge_on_sorted_input() -> None:
    arts, scorer = two_stories()
    ordered = sorted(arts, key=lambda a: a.published or "")
    tracker = StoryTracker(scorer, ClusterConfig(threshold=0.5, support_threshold=None))
    stream = {x.article_id: x.story_id for x in tracker.add_many(ordered)}
    batch = cluster_stories(arts, ClusterConfig(threshold=0.5, support_threshold=None, merge=False), linker=scorer)
    assert stream == batch.story_of
    with pytest.raises(InputError):
        tracker.add(ordered[0])


class CountingScorer(TableScorer):
    """Every article is its own story: two unique words plus one word all share."""

    def featurize(self, article: Article) -> Feat:
        words = article.text.split()
        return Feat(article.id, {w: (0.1 if w == "said" else 1.0) for w in words})


def test_stream_cost_does_not_grow_with_stories_seen() -> None:
    cfg = ClusterConfig(window_days=1, max_postings=50, use_minhash=False)
    scorer = CountingScorer({})
    tracker = StoryTracker(scorer, cfg)
    examined: list[int] = []
    calls: list[int] = []
    for i in range(3000):  # one story every 10 minutes for ~3 weeks
        a = art(f"n{i}", f"said topic{i % 7} u{i} v{i // 2}", i / 6)
        before = scorer.calls
        asg = tracker.add(a)
        examined.append(asg.candidates)
        calls.append(scorer.calls - before)
    early = sum(examined[1200:1400]) / 200  # once the clock holds its 1,001 recent times
    late = sum(examined[-200:]) / 200
    assert late <= early * 1.2  # bounded by the window, not by 3000 stories seen
    assert max(calls) <= cfg.k + cfg.min_support * cfg.k
    assert len(tracker.index) <= 24 * 6 + 101  # the window (+ the clock's 100 tolerated ahead)
    assert len(tracker.index.features) == len(tracker.index)


def test_parallel_batch_equals_serial() -> None:
    arts = []
    groups = []
    for g in range(12):  # 12 stories of 3 reports, two hours apart, sharing a topic word
        ids = [f"g{g}m{m}" for m in range(3)]
        groups.append((ids, 0.9))
        arts += [art(i, f"topic{g % 3} key{g} w{m}", g * 2 + m * 0.1) for m, i in enumerate(ids)]
    t = table(groups, {("g0m0", "g1m0"): 0.4})
    base = ClusterConfig(threshold=0.5, support_threshold=None, chunk=7)
    serial = cluster_stories(arts, base, linker=TableScorer(t))
    par = cluster_stories(arts, replace(base, workers=2), linker=TableScorer(t))
    assert par.assignment_records() == serial.assignment_records()
    assert [s.to_dict() for s in par.stories] == [s.to_dict() for s in serial.stories]
    assert len(serial.stories) == 12 and par.pairs_scored == serial.pairs_scored


def test_misdated_article_does_not_flush_the_stream_window() -> None:
    arts = [art("a1", "k1 k2", 0), art("z", "other words", 24 * 365), art("a2", "k1 k2", 1)]
    t = table([(["a1", "a2"], 0.9)], {})
    tracker = StoryTracker(TableScorer(t), ClusterConfig(threshold=0.5, support_threshold=None))
    got = {a.article_id: a.story_id for a in tracker.add_many(arts)}
    assert got["a2"] == got["a1"] != got["z"]


def test_merge_needs_most_cross_pairs_to_agree() -> None:
    # Two concurrent look-alike events: 16 scored cross pairs, a few very close (shared stock
    # lead) and most below support; the mean alone clears the threshold.
    from storyline.stories import merge_stories

    xs, ys = [f"x{i}" for i in range(4)], [f"y{i}" for i in range(4)]
    story_of = {a: "X" for a in xs} | {a: "Y" for a in ys}
    edges = [(x, y, 0.97 if i == j else 0.75) for i, x in enumerate(xs) for j, y in enumerate(ys)]
    order = xs + ys
    loose = ClusterConfig(threshold=0.8, support_threshold=0.95, merge_agree=0.0)
    assert set(merge_stories(story_of, edges, loose, order).values()) == {"X"}
    strict = replace(loose, merge_agree=0.5)
    assert merge_stories(story_of, edges, strict, order) == story_of
    # two halves of one story agree on most cross pairs: still merged
    halves = [(x, y, 0.96 if (i + j) % 4 else 0.7) for i, x in enumerate(xs) for j, y in enumerate(ys)]
    assert set(merge_stories(story_of, halves, strict, order).values()) == {"X"}


@dataclass(frozen=True)
class EmbFeat:
    id: str
    terms: dict[str, float]
    embedding: object


class EmbeddingScorer:
    """No shared terms at all; the story shows only in the embedding (a direction per story)."""

    def featurize(self, article: Article) -> EmbFeat:
        import numpy as np

        story, member = article.text.split()
        rng = np.random.default_rng(int(story[1:]))
        v = rng.standard_normal(16) + 0.05 * np.random.default_rng(1000 + int(member[1:])).standard_normal(16)
        return EmbFeat(article.id, {f"only-{article.id}": 1.0}, v / np.linalg.norm(v))

    def score(self, a: EmbFeat, b: EmbFeat) -> PairScore:
        import numpy as np

        s = float(np.dot(a.embedding, b.embedding))  # type: ignore[call-overload]
        return Score(s, "same_story" if s >= 0.9 else "unrelated")


def test_ann_candidates_find_pairs_that_share_no_terms() -> None:
    pytest.importorskip("usearch")
    arts = [art(f"a{s}-{m}", f"s{s} m{m}", s * 0.5 + m) for m in range(3) for s in range(8)]
    cfg = ClusterConfig(threshold=0.9, support_threshold=None, use_minhash=False, ann_k=5)
    without = cluster_stories(arts, replace(cfg, ann_k=0), linker=EmbeddingScorer())
    assert len(without.stories) == len(arts) and without.pairs_scored == 0
    got = cluster_stories(arts, cfg, linker=EmbeddingScorer())
    again = cluster_stories(arts, cfg, linker=EmbeddingScorer())
    assert got.assignment_records() == again.assignment_records()
    gold = {a.id: a.id.split("-")[0] for a in arts}
    groups = {frozenset(x for x in gold if got.story_of[x] == sid) for sid in got.story_of.values()}
    assert groups == {frozenset(x for x in gold if gold[x] == g) for g in set(gold.values())}
    tracker = StoryTracker(EmbeddingScorer(), replace(cfg, max_items=10))
    list(tracker.add_many(arts))
    assert len(tracker.index.ann) == len(tracker.index) == 10  # evicted with the index
    with pytest.raises(Exception, match="ann_k"):
        ClusterConfig(ann_k=-1)
