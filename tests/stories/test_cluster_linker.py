"""Story clustering end to end with the packaged Linker on a hand-written set."""

from __future__ import annotations

import pytest

from storyline.data import Article
from storyline.stories import ClusterConfig, StoryTracker, cluster_stories

QUAKE_1 = (
    "SARIN, Veloria (NWI) - A magnitude 6.4 earthquake struck near the coastal city of Sarin on "
    "Monday, killing at least 12 people and injuring 140, officials said. Interior minister Lucia "
    "Adeyemi said rescue teams were searching collapsed buildings in the old town. \"We are "
    "doing everything we can to reach people trapped under the rubble,\" Adeyemi told reporters. "
    "The quake hit at a depth of 10 kilometres, the Veloria Seismological Institute said."
)
QUAKE_1_UPDATE = (
    "SARIN, Veloria (NWI) - The death toll from Monday's magnitude 6.4 earthquake near Sarin rose "
    "to 19 on Tuesday as rescuers pulled more bodies from collapsed buildings. Interior minister "
    "Lucia Adeyemi said 160 people were injured. \"We are doing everything we can to reach people "
    "trapped under the rubble,\" Adeyemi said. Aftershocks rattled the old town overnight. The "
    "Veloria Seismological Institute put the depth at 10 kilometres."
)
QUAKE_1_OTHER = (
    "Rescuers in Sarin dug through rubble on Tuesday after the 6.4 magnitude quake that killed 19 "
    "people in the Veloria port city. Minister Lucia Adeyemi, who visited the old town, promised "
    "help for the 160 injured, according to the Seismological Institute and local officials."
)
QUAKE_2 = (
    "BRISCA, Almora (APX) - A magnitude 5.1 earthquake shook the mountain town of Brisca on "
    "Thursday, killing 3 people, the regional governor Tomas Ferreira said. Several houses "
    "collapsed and 25 people were taken to hospital. The Almora Geological Survey said the quake "
    "struck at a depth of 35 kilometres."
)
MATCH_1 = (
    "Port Sarin Rovers beat Aldhaven City 2-1 on Saturday with a late goal from Amara Moreau. "
    "Moreau scored in the 88th minute after City had equalised through Jonas Lindqvist. "
    "\"It was a special night for the club,\" Rovers coach Elena Petrova said."
)
MATCH_1_COPY = (
    "Advertisement\n\nPort Sarin Rovers beat Aldhaven City 2-1 on Saturday with a late goal from "
    "Amara Moreau. Moreau scored in the 88th minute after City had equalised through Jonas "
    "Lindqvist. \"It was a special night for the club,\" Rovers coach Elena Petrova said.\n\n"
    "Share this article"
)


def _articles() -> list[Article]:
    rows = [
        ("q1", QUAKE_1, "2024-03-04T08:00:00Z", "NWI"),
        ("m1", MATCH_1, "2024-03-09T20:00:00Z", "Sport Daily"),
        ("q1u", QUAKE_1_UPDATE, "2024-03-05T09:00:00Z", "NWI"),
        ("q2", QUAKE_2, "2024-03-07T10:00:00Z", "APX"),
        ("q1o", QUAKE_1_OTHER, "2024-03-05T12:00:00Z", "City Herald"),
        ("m1c", MATCH_1_COPY, "2024-03-09T21:00:00Z", "Metro Bulletin"),
    ]
    return [Article(id=i, text=t, published=p, source=s) for i, t, p, s in rows]


@pytest.fixture(scope="module")
def linker():  # type: ignore[no-untyped-def]
    from storyline.link import Linker

    return Linker.load()


def test_two_stories_and_another_quake(linker) -> None:  # type: ignore[no-untyped-def]
    res = cluster_stories(_articles(), ClusterConfig(), linker)
    s = res.story_of
    assert s["m1"] == s["m1c"]
    assert s["q1"] == s["q1u"] == s["q1o"], "the update and another outlet's write-up belong"
    assert len(res.stories) == 3
    assert s["q2"] not in {s["q1"], s["m1"]}, "another earthquake is another story"
    by_id = {st.id: st for st in res.stories}
    assert by_id[s["q1"]].first_report == "q1"
    asg = {a.article_id: a for a in res.assignments}
    assert asg["m1c"].relation in ("duplicate", "near_duplicate")
    assert asg["q1u"].relation in ("revision", "same_story")
    assert asg["q1o"].relation in ("revision", "same_story")
    assert asg["q2"].is_new_story and asg["q2"].relation in ("related", "unrelated", None)


def test_stream_agrees_on_ordered_input(linker) -> None:  # type: ignore[no-untyped-def]
    arts = sorted(_articles(), key=lambda a: a.published or "")
    tracker = StoryTracker(linker, ClusterConfig())
    got = {a.article_id: a for a in tracker.add_many(arts)}
    assert got["q1u"].story_id == got["q1"].story_id
    assert got["q2"].is_new_story and got["m1"].is_new_story and not got["m1c"].is_new_story
    assert got["q1"].novelty == pytest.approx(1.0)


def test_workers_give_the_same_result_as_serial(linker) -> None:  # type: ignore[no-untyped-def]
    """Forked featurization (running ahead of assignment), forked IDF counting and forked pair
    scoring must not change a single assignment, score or story."""
    from dataclasses import replace

    from storyline.synth import generate

    arts = [
        Article(id=r["id"], text=r["text"], title=r["title"], source=r["source"], published=r["published"])
        for r in generate(240, seed=7)
    ]
    base = ClusterConfig(chunk=50)
    serial = cluster_stories(arts, base, linker)
    par = cluster_stories(arts, replace(base, workers=2), linker)
    assert par.assignment_records() == serial.assignment_records()
    assert [s.to_dict() for s in par.stories] == [s.to_dict() for s in serial.stories]
    assert par.pairs_scored == serial.pairs_scored > 0
    assert len({s.id for s in serial.stories}) < len(arts)  # some stories were actually grouped
