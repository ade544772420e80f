"""The story window in the service: outliers dated weeks ahead do not close live stories, and a
POST that starts a new story says why (issue 14 item 6)."""

import pytest

pytest.importorskip("fastapi")

from starlette.testclient import TestClient  # noqa: E402

from storyline.data import Article  # noqa: E402
from storyline.service import create_app  # noqa: E402
from storyline.store import Indexer, Store  # noqa: E402
from storyline.synth import generate  # noqa: E402

TAIL = ("Harbour authorities in {place} reported {n} vessels delayed by {what} on the northern "
        "approach, and the ferry operator said timetables would be revised.")
PLACES = ["Vigo", "Tromso", "Lerwick", "Galway", "Bastia", "Split"]
WHAT = ["fog", "ice", "a strike", "a storm", "engine trouble"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A demo-shaped store: about 580 articles over two January days, then 45 distractors spread
    over the next two months (with the corpus's own, 53 of the last 101), ingested sorted by
    date as ``index add`` does: the old median clock jumped into that sparse tail."""
    path = tmp_path_factory.mktemp("win") / "s.db"
    arts = [Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                    published=r.get("published"))
            for r in generate(600, seed=5) if r["published"] < "2024-01-20"]
    for i in range(45):
        text = TAIL.format(place=PLACES[i % 6], n=i + 3, what=WHAT[i % 5])
        arts.append(Article(id=f"tail{i}", text=text, source="Port",
                            published=f"2024-0{2 + i // 23}-{1 + i % 28:02d}T09:00:00Z"))
    arts.sort(key=lambda a: a.published or "")
    with Store.create(path) as s:
        list(Indexer(s).add_many(arts))
    return path, arts


def follow_up(arts: list[Article]) -> tuple[Article, Article]:
    """A January story and a reworded follow-up of it dated that same day."""
    jan = [a for a in arts if not a.id.startswith("tail")]
    orig = next(a for a in jan[len(jan) // 3:] if a.title and len(a.text.split()) > 40)
    words = orig.text.split()
    text = " ".join(words[: len(words) // 2]) + (
        " In a later update, investigators said the records had been inspected last month and "
        "officials called for a full inquiry, while residents gathered near the scene.")
    return orig, Article(id="follow", text=text, source="Other",
                         published=orig.published[:10] + "T20:00:00Z")


def test_far_future_posts_do_not_close_a_live_story(built, tmp_path) -> None:
    import shutil

    path, arts = built
    db = tmp_path / "s.db"
    shutil.copyfile(path, db)
    orig, late = follow_up(arts)
    with TestClient(create_app(db)) as c:
        future = [{"id": f"fut{i}", "text": f"Regatta number {i} in Bergen drew {i + 9} boats "
                   f"and strong winds, organisers said on Sunday.",
                   "published": f"2024-0{5 + i % 3}-1{i}T10:00:00Z"} for i in range(5)]
        assert c.post("/articles", json={"articles": future}).status_code == 200
        got = c.post("/articles", json={"id": late.id, "text": late.text, "source": late.source,
                                        "published": late.published}).json()["results"][0]
        story = c.get(f"/articles/{orig.id}").json()["story_id"]
    assert got["status"] == "added" and got["duplicate_of"] is None
    assert got["is_new_story"] is False and got["story_id"] == story
    assert got["reason"] is None
    with Store.open(db) as s:  # the January stories' features are still held
        held = s.conn.execute("SELECT count(*) FROM features").fetchone()[0]
    assert held >= 600


def test_a_new_story_says_why(built, tmp_path) -> None:
    import shutil

    path, _ = built
    db = tmp_path / "s.db"
    shutil.copyfile(path, db)
    with TestClient(create_app(db)) as c:
        got = c.post("/articles", json={
            "id": "odd", "text": "Zorblax quintuple vextrom plimsy garandol orvatine.",
            "published": "2024-01-04T10:00:00Z"}).json()["results"][0]
    assert got["relation"] == "new" and got["is_new_story"] is True
    assert got["reason"] == "no candidate shares terms"
