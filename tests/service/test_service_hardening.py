"""The service under hostile and careless input (issue 17): every bad post is a 422 naming the
field, every error has one shape, stored rows always read back, pages link only http(s)."""

import math

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient  # noqa: E402

from storyline.data import Article  # noqa: E402
from storyline.service import create_app  # noqa: E402
from storyline.store import Indexer, Store, StoreConfig  # noqa: E402

TEXT = ("The harbour authority said on Monday that the northern pier will close for two weeks "
        "while engineers replace the damaged pilings under the ferry terminal.")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "h.db"
    with Store.create(path, StoreConfig(assigner="duplicate-groups")):
        pass
    return path


@pytest.fixture
def client(db):
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        yield c


def _post(client, **fields):
    return client.post("/articles", json={"id": "a1", "text": TEXT} | fields)


def _nested(depth):
    v: object = 1
    for _ in range(depth):
        v = [v]
    return v


@pytest.mark.parametrize(
    ("meta", "where"),
    [
        ({"big": 2**64}, "body.meta.big"),
        ({"neg": -(2**63) - 1}, "body.meta.neg"),
        ({"x": {"y": _nested(40)}}, "body.meta.x.y" + ".0" * 31),
        ({"s": "x" * 70_000}, "body.meta"),
    ],
)
def test_meta_is_checked_at_the_door(client, meta, where):
    r = _post(client, meta=meta)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["where"] == where and body["error"] == "ValidationError" and body["hint"]
    assert client.get("/articles/a1").status_code == 404  # nothing stored


def test_meta_nan_and_batch_position(client):
    r = client.post("/articles", content=b'{"id": "a1", "text": "%s", "meta": {"f": NaN}}' % TEXT.encode(),
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["where"] == "body.meta.f"
    r = client.post("/articles", json={"articles": [{"id": "ok", "text": TEXT},
                                                    {"id": "b", "text": TEXT, "meta": {"n": 10**30}}]})
    assert r.status_code == 422 and r.json()["where"] == "body.articles.1.meta.n"
    assert client.get("/articles/ok").status_code == 404  # the batch is refused whole
    ok = _post(client, meta={"n": 2**63 - 1, "f": 1.5, "deep": _nested(30), "s": "ü"})
    assert ok.status_code == 200
    assert client.get("/articles/a1").json()["meta"]["n"] == 2**63 - 1


def test_one_bad_row_already_stored_reads_back(db):
    """A row stored before the checks (or by `index add`) must not turn reads into 500s."""
    with Store.open(db) as s:
        Indexer(s).add_batch([
            Article(id="bad", text=TEXT, meta={"big": 2**70, "deep": _nested(300), "nan": math.nan}),
            Article(id="good", text=TEXT + " Updated."),
        ])
    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        r = c.get("/articles/bad")
        assert r.status_code == 200, r.text
        meta = r.json()["meta"]
        assert meta["big"] == str(2**70) and meta["nan"] is None
        sid = r.json()["story_id"]
        story = c.get(f"/stories/{sid}")
        assert story.status_code == 200 and {m["id"] for m in story.json()["members"]} >= {"bad"}
        assert c.get("/ui/articles/bad").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)",
     "\x01javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x",
     "//evil.example/x", "http:\n//evil.example"],
)
def test_only_http_urls_become_links(client, url):
    assert _post(client, url=url).status_code == 200
    html = client.get("/ui/articles/a1").text
    assert "rel=\"noopener" not in html  # no link at all
    assert "href=\"java" not in html.lower() and "href=\"data" not in html.lower()


@pytest.mark.parametrize("url", ["http://example.com/a?b=1", "HTTPS://Example.com/x"])
def test_http_urls_are_links(client, url):
    assert _post(client, url=url).status_code == 200
    html = client.get("/ui/articles/a1").text
    assert f'<a href="{url.replace("&", "&amp;")}" rel="noopener' in html


def _security_headers_ok(r, csp_has="frame-ancestors 'none'"):
    assert csp_has in r.headers.get("content-security-policy", ""), (r.url, r.headers)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_security_headers_on_every_response(db):
    with TestClient(create_app(db, max_body=2000), raise_server_exceptions=False) as c:
        for r in (c.get("/ui/stories"), c.get("/stories"), c.get("/healthz"), c.get("/nope"),
                  c.post("/articles", json={"id": "x"}), c.get("/openapi.json"),
                  c.post("/articles", json={"id": "big", "text": "word " * 1000})):
            _security_headers_ok(r)
        assert "script-src 'none'" in c.get("/ui/stories").headers["content-security-policy"]


def test_docs_off_by_default_and_local_when_asked(db):
    with TestClient(create_app(db)) as c:
        assert c.get("/docs").status_code == 404
        assert c.get("/openapi.json").status_code == 200
    with TestClient(create_app(db, docs=True)) as c:
        r = c.get("/docs")
        assert r.status_code == 200
        _security_headers_ok(r)
        assert "cdn.jsdelivr.net" in r.headers["content-security-policy"]
        assert "cdn.jsdelivr.net" not in c.get("/ui/stories").headers["content-security-policy"]


def test_overflowing_dates_and_sizes_are_4xx(client):
    r = _post(client, published="9999-12-31T23:59:59-05:00")
    assert r.status_code == 422 and r.json()["where"] == "body.published"
    for q in ("since", "until"):
        r = client.get(f"/stories?{q}=9999-12-31T23:59:59-05:00")
        assert r.status_code == 400 and r.json()["where"] == f"query.{q}"
    r = client.get("/stories?min_size=99999999999999999999999")
    assert r.status_code == 422 and r.json()["where"] == "query.min_size"
    r = client.get("/ui/stories?min_size=99999999999999999999999")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")


def test_every_error_has_the_documented_shape(client, monkeypatch):
    keys = {"error", "code", "message", "where", "hint"}
    r = client.get("/no/such/endpoint")
    assert r.status_code == 404 and keys <= set(r.json()) and r.json()["code"] == "E404"
    r = client.delete("/stories")
    assert r.status_code == 405 and keys <= set(r.json())
    store = client.app.app.state.store
    monkeypatch.setattr(store, "get_story", lambda *_a, **_k: 1 / 0)
    r = client.get("/stories/some-story")
    assert r.status_code == 500 and keys <= set(r.json())
    assert r.json()["error"] == "InternalError" and "ZeroDivision" in r.json()["message"]


@pytest.mark.parametrize("path", ["/ui/nope", "/ui/articles/missing", "/ui/stories/missing"])
def test_ui_errors_are_html_pages(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<h1>404 Not Found</h1>" in r.text and "All stories" in r.text and "/ui/stories" in r.text
    assert r.headers["content-security-policy"]


@pytest.mark.parametrize("bad_id", ["a\nb", "a\x00b", "tab\there", "\x7f", "..", "a/./b", "x/../y"])
def test_ids_with_control_characters_or_dot_segments(client, bad_id):
    r = client.post("/articles", json={"id": bad_id, "text": TEXT})
    assert r.status_code == 422 and r.json()["where"] == "body.id"


@pytest.mark.parametrize("text", [" ", "\u200b", "\u200b\u200b\n\t ", "Advertisement", "ADVERTISEMENT\n\n",
                                  "...", "\ufeff"])
def test_blank_or_junk_text_is_refused(client, text):
    r = client.post("/articles", json={"id": "blank", "text": text})
    assert r.status_code == 422 and r.json()["where"] == "body.text", r.text


@pytest.mark.parametrize("published", ["not a date", "yesterday", "2024-13-01", "12/03/2024"])
def test_unparsed_dates_are_refused(client, published):
    r = _post(client, published=published)
    assert r.status_code == 422 and r.json()["where"] == "body.published"
    assert client.get("/articles/a1").status_code == 404


def test_valid_dates_still_accepted(client):
    for i, d in enumerate(["2024-03-01", "2024-03-01T12:00:00Z", "2024-03-01T12:00:00+05:30"]):
        r = client.post("/articles", json={"id": f"d{i}", "text": f"{TEXT} Item {i}.", "published": d})
        assert r.status_code == 200, r.text


def test_token_reads_guards_everything_but_health(db):
    auth = {"Authorization": "Bearer tok"}
    with TestClient(create_app(db, token="tok", token_reads=True)) as c:
        for path in ("/stories", "/articles/a1", "/ui/stories", "/openapi.json"):
            r = c.get(path)
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", path
            assert r.json()["error"] == "Unauthorized"
        assert c.get("/healthz").status_code == 200
        assert c.post("/articles", json={"id": "a1", "text": TEXT}).status_code == 401
        assert c.post("/articles", json={"id": "a1", "text": TEXT}, headers=auth).status_code == 200
        assert c.get("/articles/a1", headers=auth).status_code == 200
        assert c.get("/ui/stories", headers=auth).status_code == 200
    with TestClient(create_app(db, token="tok")) as c:  # default: reads stay open
        assert c.get("/stories").status_code == 200


def test_token_reads_needs_a_token(db, monkeypatch):
    from storyline.errors import ConfigError

    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="token"):
        create_app(db, token_reads=True)


def test_exposure_warnings():
    from storyline.service.limits import exposure_warnings

    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert exposure_warnings(host, None, False) == []
    assert "--token-reads" in exposure_warnings("0.0.0.0", "t", False)[0]
    assert "without a token" in exposure_warnings("192.168.1.5", None, False)[0]
    assert exposure_warnings("example.org", "t", False)
    assert exposure_warnings("0.0.0.0", "t", True) == []


def test_serve_warns_and_passes_token_reads(db, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from storyline.cli import app

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: seen.update(asgi=asgi, **kw))
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    res = CliRunner().invoke(app, ["serve", str(db), "--host", "0.0.0.0", "--token", "t",
                                   "--prep-workers", "0"])
    assert res.exit_code == 0, res.output
    assert "--token-reads" in res.output and seen["host"] == "0.0.0.0"
    assert seen["asgi"].read_token is None
    res = CliRunner().invoke(app, ["serve", str(db), "--host", "0.0.0.0", "--token", "t",
                                   "--token-reads", "--prep-workers", "0"])
    assert res.exit_code == 0 and "warning" not in res.output
    assert seen["asgi"].read_token == b"Bearer t"
