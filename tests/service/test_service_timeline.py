"""GET /stories/{id}/timeline and the story page's Timeline section (charts, fact tracks,
compare links), through FastAPI's TestClient."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient  # noqa: E402

from storyline.data import Article  # noqa: E402
from storyline.service import create_app  # noqa: E402
from storyline.store import Indexer, Store  # noqa: E402

FIX = Path(__file__).parents[1] / "fixtures" / "timeline"
STORY = "story:nordwire-kessel-1"
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
BRIDGE = ("The city council voted on Tuesday to close the old harbour bridge for repairs after "
          "inspectors found cracks in two of its main supports. Mayor Ana Ortiz said the bridge "
          "would reopen in spring. Officials said 12 workers were hurt.")


def _article(name: str) -> Article:
    r = json.loads((FIX / name).read_text(encoding="utf-8"))
    return Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                   published=r.get("published"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("tl") / "s.db"
    with Store.create(path) as s:
        ix = Indexer(s)
        ix.add_batch([_article(n) for n in ("agency_lead.json", "syndicated_lead.json",
                                            "other_outlet.json")])
        ix.add_batch([
            Article(id="evil-1", text=f'{BRIDGE} "{EVIL} is what we found," he said.',
                    title=f"Bridge {EVIL}", source=EVIL, published="2024-06-01T10:00:00Z"),
            Article(id="evil-2", text=BRIDGE.replace("12 workers", "15 workers") +
                    f' "{EVIL} is what we found," he said.', title="Bridge update",
                    source=EVIL, published="2024-06-02T10:00:00Z"),
        ])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def client(built, tmp_path):
    db = tmp_path / "s.db"
    shutil.copyfile(built, db)
    with TestClient(create_app(db)) as c:
        yield c


def test_timeline_json_is_the_schema_with_the_story(client):
    r = client.get(f"/stories/{STORY}/timeline")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    d = r.json()
    assert d["story_id"] == STORY and d["schema_version"] == 1
    members = [m["id"] for m in client.get(f"/stories/{STORY}").json()["members"]]
    assert [v["article_id"] for v in d["versions"]] == members
    assert d["versions_total"] == d["versions_shown"] == 3
    dead = next(f for f in d["facts"] if f["kind"] == "count" and f["measure"] == "dead")
    assert dead["first"]["article_id"] == "nordwire-kessel-1"
    assert {(c["a"]["value"], c["b"]["value"]) for c in d["conflicts"]} >= {("37", "35")}
    assert client.get(f"/stories/{STORY}/timeline").json() == d  # deterministic


def test_timeline_follows_a_new_version(client):
    before = client.get(f"/stories/{STORY}/timeline").json()
    up = json.loads((FIX / "agency_update.json").read_text(encoding="utf-8"))
    r = client.post("/articles", json={k: up[k] for k in ("id", "text", "title", "source",
                                                           "published")})
    assert r.json()["results"][0]["story_id"] == STORY
    d = client.get(f"/stories/{STORY}/timeline").json()  # not the cached build
    assert len(d["versions"]) == len(before["versions"]) + 1
    dead = next(f for f in d["facts"] if f["kind"] == "count" and f["measure"] == "dead")
    assert [(c["old"], c["new"]) for c in dead["changes"]] == [("37", "41")]


def test_unknown_story_is_a_404_in_the_error_shape(client):
    r = client.get("/stories/no-such-story/timeline")
    assert r.status_code == 404
    assert r.json() == {"error": "NotFound", "code": "E404",
                        "message": "no story with id 'no-such-story'", "where": "story",
                        "hint": "list stories with GET /stories"}
    assert client.get(f"/stories/{STORY}").json()["id"] == STORY  # the story route still works


def test_story_page_section_has_charts_tracks_and_compare_links(client):
    up = json.loads((FIX / "agency_update.json").read_text(encoding="utf-8"))
    client.post("/articles", json={k: up[k] for k in ("id", "text", "title", "source",
                                                       "published")})
    r = client.get(f"/ui/stories/{STORY}")
    assert r.status_code == 200
    assert "script-src 'none'" in r.headers["content-security-policy"]
    page = r.text
    section = page[page.index('<section id="fact-timeline">'):page.index("</section>")]
    assert section.count("<svg") >= 1 and 'class="chart"' in section
    assert "<script" not in page
    # the toll's change links to the compare page of the two versions where it changed
    row = section[section.index("<b>dead (people)</b>"):]
    row = row[:row.index("</tr>")]
    assert "<del>37</del> &rarr; <ins>41</ins>" in row
    assert 'href="/ui/compare?a=nordwire-kessel-1&amp;b=nordwire-kessel-2"' in row
    assert 'href="/stories/story%3Anordwire-kessel-1/timeline"' in section
    for href in set(re.findall(r'href="(/ui/compare\?[^"]+)"', section)):
        assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_story_page_escapes_stored_text(client):
    sid = client.get("/articles/evil-1").json()["story_id"]
    assert client.get("/articles/evil-2").json()["story_id"] == sid
    page = client.get(f"/ui/stories/{sid}").text
    section = page[page.index('<section id="fact-timeline">'):page.index("</section>")]
    assert "<script" not in page and "<img" not in section
    assert "&lt;script&gt;" in section  # the quote and the source are shown, as text
    assert "<del>12</del> &rarr; <ins>15</ins>" in section


def test_large_story_shows_its_earliest_versions(client, monkeypatch):
    from storyline.service import timeline

    monkeypatch.setattr(timeline, "MAX_VERSIONS", 2)
    d = client.get(f"/stories/{STORY}/timeline").json()
    assert (d["versions_total"], d["versions_shown"], len(d["versions"])) == (3, 2, 2)
    assert "the earliest 2 of 3" in client.get(f"/ui/stories/{STORY}").text


def test_a_failed_build_leaves_the_page_usable(client, monkeypatch):
    from storyline.service import timeline

    def broken(_articles):
        raise ValueError("bad text")

    monkeypatch.setattr(timeline, "build_timeline", broken)
    r = client.get(f"/ui/stories/{STORY}")
    assert r.status_code == 200
    assert 'id="fact-timeline-error"' in r.text and "ValueError" in r.text
    assert 'id="timeline"' in r.text  # the member list is still there
    r = TestClient(client.app, raise_server_exceptions=False).get(f"/stories/{STORY}/timeline")
    assert r.status_code == 500 and r.json()["error"] == "InternalError"


@pytest.mark.parametrize("aid", ["x y/(1)?z&b=2", "plain/timeline"])
def test_awkward_story_ids_reach_their_timeline_and_page(client, aid):
    r = client.post("/articles", json={"id": aid, "text": BRIDGE.replace("bridge", "tunnel"),
                                       "source": "Wire", "published": "2024-07-01T10:00:00Z"})
    sid = r.json()["results"][0]["story_id"]
    page = client.get(f"/ui/stories/{quote(sid, safe='')}")
    assert page.status_code == 200 and 'id="fact-timeline-error"' not in page.text
    (href,) = re.findall(r'href="(/stories/[^"]+/timeline)"', page.text)
    d = client.get(href.replace("&amp;", "&")).json()
    assert d["story_id"] == sid and d["versions"][0]["article_id"] == aid
    assert client.get(f"/stories/{quote(sid, safe='/')}").json()["id"] == sid
