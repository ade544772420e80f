import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient  # noqa: E402

from storyline.data import Article  # noqa: E402
from storyline.service import create_app  # noqa: E402
from storyline.store import Indexer, Store  # noqa: E402
from storyline.synth import generate  # noqa: E402

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
WIRE = (
    "The city council voted on Tuesday to close the old harbour bridge for repairs after "
    "inspectors found cracks in two of its main supports. Mayor Ana Ortiz said the bridge "
    "would reopen in spring. Traffic will be diverted through the northern ring road."
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One store for the module (building it scores every article); each test gets a copy."""
    path = tmp_path_factory.mktemp("svc") / "s.db"
    with Store.create(path) as s:
        ix = Indexer(s)
        arts = [
            Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                    published=r.get("published"))
            for r in generate(80, seed=11)
        ]
        list(ix.add_many(arts))
        ix.add_batch([
            Article(id="evil-1", text=f"{WIRE} {EVIL}", title=f"Bridge {EVIL}", source=EVIL,
                    published="2024-06-01T10:00:00Z"),
            Article(id="evil-2", text=f"{WIRE} {EVIL} Officials said 12 workers were hurt.",
                    title=f"Bridge update {EVIL}", source="Other", published="2024-06-01T12:00:00Z"),
        ])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db(built, tmp_path):
    import shutil

    path = tmp_path / "s.db"
    shutil.copyfile(built, path)
    return path


@pytest.fixture
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


def test_post_single_and_batch_then_read_back(client):
    r = client.post("/articles", json={"id": "n1", "text": WIRE, "source": "X"})
    assert r.status_code == 200
    (res,) = r.json()["results"]
    assert res["status"] == "added" and res["duplicate_of"] == "evil-1"
    assert res["relation"] == "duplicate" and res["is_new_story"] is False
    r = client.post("/articles", json={"articles": [
        {"id": "n1", "text": WIRE, "source": "X"},
        {"id": "n2", "text": "A completely different article about a football match on Sunday."},
    ]})
    out = r.json()["results"]
    assert [o["status"] for o in out] == ["exists", "added"]
    assert out[1]["is_new_story"] is True and out[1]["duplicate_of"] is None
    art = client.get("/articles/n1").json()
    assert art["original"] == WIRE and art["story_id"] == res["story_id"]
    story = client.get(f"/stories/{res['story_id']}").json()
    assert story["first_report"] == "evil-1"
    assert [m["id"] for m in story["members"]][0] == "evil-1"
    assert {m["id"] for m in story["members"]} >= {"evil-1", "evil-2", "n1"}


def test_validation_errors_are_clear_json(client):
    r = client.post("/articles", json={"id": "x"})
    assert r.status_code == 422
    body = r.json()
    assert body["where"] == "body.text" and "required" in body["message"].lower()
    r = client.post("/articles", json={"articles": [{"id": "x", "text": ""}]})
    assert r.status_code == 422 and r.json()["where"] == "body.articles.0.text"
    r = client.post("/articles", json={"id": "x", "text": "t", "txet": "typo"})
    assert r.status_code == 422 and "txet" in r.json()["where"]
    r = client.post("/articles", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert client.get("/stories?limit=0").status_code == 422
    r = client.get("/stories?since=yesterday")
    assert r.status_code == 400 and r.json()["where"] == "query.since"
    r = client.get("/stories?cursor=garbage")
    assert r.status_code == 400 and "cursor" in r.json()["message"]
    assert client.get("/articles/missing").status_code == 404
    assert client.get("/stories/missing").json()["error"] == "NotFound"
    assert client.get("/compare?a=evil-1&b=missing").status_code == 404


def test_body_limit(db):
    with TestClient(create_app(db, max_body=2000)) as c:
        r = c.post("/articles", json={"id": "big", "text": "word " * 1000})
        assert r.status_code == 413 and r.json()["error"] == "PayloadTooLarge"

        def chunks():  # no Content-Length: the limit still holds
            yield b'{"id": "big", "text": "'
            for _ in range(100):
                yield b"x" * 100
            yield b'"}'

        r = c.post("/articles", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert c.get("/articles/big").status_code == 404


def test_bearer_token_guards_writes_only(db):
    with TestClient(create_app(db, token="s3cret")) as c:
        body = {"id": "t1", "text": "Some article text for the token test."}
        r = c.post("/articles", json=body)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.post("/articles", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/articles", json=body, headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/stories").status_code == 200 and c.get("/healthz").json()["auth"] is True


def test_token_from_environment(db, monkeypatch):
    monkeypatch.setenv("STORYLINE_TOKEN", "envtok")
    with TestClient(create_app(db)) as c:
        assert c.post("/articles", json={"id": "e", "text": "x y z"}).status_code == 401


def test_stories_listing_paginates(client):
    seen, sizes, cursor = [], 0, None
    while True:
        url = "/stories?limit=9" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json()
        seen += [s["id"] for s in page["stories"]]
        sizes += sum(s["size"] for s in page["stories"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert sizes == client.get("/healthz").json()["articles_seq"]  # every article in one story
    hits = client.get("/stories?q=bridge").json()["stories"]
    assert hits and all("bridge" in h["label"].lower() for h in hits)
    assert client.get("/stories?until=2000-01-01").json()["stories"] == []


def test_compare_json_shape(client):
    c = client.get("/compare?a=evil-1&b=evil-2").json()
    assert {"relation", "similarity", "dimensions", "evidence"} <= set(c)
    ev = c["evidence"]
    assert {"shared_quotes", "changed_facts", "sentences"} <= set(ev)
    assert {"aligned", "only_a", "only_b"} <= set(ev["sentences"])
    assert ev["sentences"]["aligned"]


def test_openapi_and_health(client):
    spec = client.get("/openapi.json").json()
    assert {"/articles", "/stories", "/stories/{story_id}", "/compare", "/healthz"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 404  # Swagger UI needs a CDN: off unless --docs
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.parametrize(
    "url",
    ["/ui/stories", "/ui/stories?q=bridge", "STORY", "/ui/articles/evil-1", "/ui/articles/evil-2",
     "/ui/compare?a=evil-1&b=evil-2"],
)
def test_script_in_article_is_inert_on_every_page(client, url):
    if url == "STORY":
        url = "/ui/stories/" + client.get("/articles/evil-1").json()["story_id"]
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "script-src 'none'" in html  # CSP as a second line of defence


def test_ids_with_slashes_and_spaces(client):
    r = client.post("/articles", json={"id": "dir/sub file.txt", "text": "A short article in a folder."})
    sid = r.json()["results"][0]["story_id"]
    from urllib.parse import quote

    assert client.get("/articles/" + quote("dir/sub file.txt")).json()["id"] == "dir/sub file.txt"
    assert client.get("/stories/" + quote(sid)).status_code == 200
    assert client.get("/ui/articles/" + quote("dir/sub file.txt")).status_code == 200
    assert client.get("/ui/stories/" + quote(sid)).status_code == 200


def test_story_page_counts_follow_writes(client):
    """The list page caches store stats between writes; a POST must show up at once."""
    import re

    def counts():
        page = client.get("/ui/stories").text
        m = re.search(r"(\d+) articles in (\d+) stories", page)
        assert m, page[:500]
        return int(m.group(1)), int(m.group(2))

    n, stories = counts()
    assert counts() == (n, stories)  # served from the cache, same answer
    r = client.post("/articles", json={"id": "fresh-1", "text": "A brand new story about a "
                                       "lighthouse keeper who rescued three sailors off the coast.",
                                       "published": "2030-01-01T00:00:00Z"})
    assert r.status_code == 200 and r.json()["results"][0]["is_new_story"]
    assert counts() == (n + 1, stories + 1)


def test_reads_are_json_with_content_type(client):
    r = client.get("/stories?limit=2")
    assert r.headers["content-type"].startswith("application/json")
    sid = r.json()["stories"][0]["id"]
    story = client.get(f"/stories/{sid}").json()
    assert story["id"] == sid and story["members"]
    assert all("text" not in m for m in story["members"])  # listings carry no article text
    art = client.get(f"/articles/{story['members'][0]['id']}").json()
    assert art["text"] and art["story_id"] == sid


def test_server_checkpoints_wal_in_the_background(db):
    """Under the server, commits do not checkpoint (no request pays for it); a background
    thread does, while serving, and the store stays consistent."""
    import threading
    import time

    with TestClient(create_app(db)) as c:
        store = c.app.app.state.store  # BodyLimit wraps the FastAPI app
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        calls: list[str] = []
        real = store.checkpoint

        def counted() -> None:
            calls.append(threading.current_thread().name)
            real()

        store.checkpoint = counted
        for i in range(5):
            assert c.post("/articles", json={"id": f"wal-{i}", "text": f"{WIRE} Item {i}."}).status_code == 200
        deadline = time.time() + 10
        while not calls and time.time() < deadline:
            time.sleep(0.1)
        assert calls and calls[0] == "wal-checkpoint"
    with Store.open(db) as s:
        assert s.check() == [] and s.get_article("wal-4") is not None


def _posts() -> list[dict]:
    extra = [{"id": f"p-{r['id']}", "text": r["text"], "title": r.get("title"),
              "source": r.get("source"), "published": r.get("published")}
             for r in generate(10, seed=12)]
    return [{"id": "p-wire", "text": WIRE, "source": "X"}, *extra]


def test_prep_workers_give_the_same_results(built, tmp_path):
    """Preparing posts in worker processes (the default of `storyline serve`) changes where the
    work runs, not what is decided: same results as preparing in the writer, single and batch."""
    import os
    import shutil
    import signal

    outs = []
    for workers in (0, 2):
        path = tmp_path / f"w{workers}.db"
        shutil.copyfile(built, path)
        with TestClient(create_app(path, prep_workers=workers)) as c:
            posts = _posts()
            got = [c.post("/articles", json=p).json()["results"][0] for p in posts[:4]]
            got += c.post("/articles", json={"articles": posts[4:]}).json()["results"]
            if workers:
                # a killed worker: that post is prepared in the writer, the pool is replaced
                pool = c.app.app.state.prep[0]
                for pid in list(pool._processes):
                    os.kill(pid, signal.SIGKILL)
                r = c.post("/articles", json={"id": "after-kill", "text": f"{WIRE} More later."})
                assert r.status_code == 200 and r.json()["results"][0]["status"] == "added"
                assert c.app.app.state.prep[0] is not pool
                r = c.post("/articles", json={"id": "after-kill-2", "text": "Another new text, on a quiet river."})
                assert r.status_code == 200 and r.json()["results"][0]["is_new_story"] is True
            outs.append(got)
        with Store.open(path) as s:
            assert s.check() == []
    assert outs[0] == outs[1]
    assert outs[0][0]["duplicate_of"] == "evil-1" and len(outs[0]) == 11


def test_story_pages_name_the_latest_version_and_sort(client):
    """A story is named by its latest headline, the first report's kept under it; the list
    sorts by size (default) or recency, with a lanes chart of its stories."""
    sid = client.get("/articles/evil-2").json()["story_id"]
    assert client.get("/articles/evil-1").json()["story_id"] == sid
    page = client.get("/ui/stories/" + sid).text
    h1 = page.split('<h1 id="label">')[1].split("</h1>")[0]
    assert h1.startswith("Bridge update &lt;script&gt;")
    assert 'id="first-headline">first report: Bridge &lt;script&gt;' in page
    assert 'class="chart lanes"' in page and "<script>" not in page
    by_size = client.get("/ui/stories").text
    sizes = [int(x.split("</td>")[0]) for x in by_size.split("<td>")[1:]
             if x.split("</td>")[0].isdigit()]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 1
    assert '<b class="sort-current">largest first</b>' in by_size
    recent = client.get("/ui/stories?sort=recent").text
    first_row = recent.split("</thead>")[1].split("</tr>")[0]
    assert "Bridge update &lt;script&gt;" in first_row  # June 2024: the latest activity
    assert client.get("/ui/stories?sort=biggest").status_code == 422
    api = client.get("/stories?sort=size&limit=5").json()["stories"]
    assert [x["size"] for x in api] == sorted((x["size"] for x in api), reverse=True)
    assert client.get("/stories?sort=biggest").status_code == 422
