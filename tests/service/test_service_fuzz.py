"""Random JSON documents posted to POST /articles (hypothesis): never a 500, and every row the
server says it stored comes back from GET /articles/{id}, its story and its page."""

import json
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from storyline.service import create_app  # noqa: E402
from storyline.store import Store, StoreConfig  # noqa: E402

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**80), max_value=2**80)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20))
json_values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4)
                           | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=30)
words = st.lists(st.sampled_from(["quake", "bridge", "council", "vote", "\u200b", "Advertisement",
                                  "mayor", "flood", "\n", "\t", "12", "é"]), min_size=0, max_size=12)
texts = words.map(" ".join) | st.text(max_size=60)
ids = st.text(max_size=12) | st.sampled_from(["..", ".", "a/b", "a\nb", "x/../y", "%2F", " "])
dates = (st.none() | st.sampled_from(["2024-03-01", "2024-03-01T10:00:00Z", "yesterday",
                                      "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
         | st.text(max_size=12))
urls = st.none() | st.sampled_from(["http://a.example/x", "javascript:alert(1)", "java\tscript:x"]) | st.text(max_size=10)
article = st.fixed_dictionaries(
    {"id": ids, "text": texts},
    optional={"title": st.none() | st.text(max_size=20), "url": urls, "source": st.text(max_size=10),
              "published": dates, "lang": st.none() | st.text(max_size=3),
              "meta": st.dictionaries(st.text(max_size=6), json_values, max_size=4),
              "extra": json_values},
)
documents = (article | st.fixed_dictionaries({"articles": st.lists(article, min_size=0, max_size=3)})
             | json_values)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "f.db"
    with Store.create(path, StoreConfig(assigner="duplicate-groups")):
        pass
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def _seg(key: str) -> str:
    """A path segment for ``key``. Quoted twice because the test client decodes the path twice
    (httpx's ``url.path`` is decoded, then starlette's TestClient unquotes it again); a real
    server (uvicorn) decodes once, so a client there quotes once."""
    return quote(quote(key, safe=""), safe="")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents)
def test_random_posts_never_500_and_stored_rows_read_back(client, doc):
    body = json.dumps(doc, allow_nan=True)  # NaN/Infinity tokens too, as careless clients send
    r = client.post("/articles", content=body, headers={"content-type": "application/json"})
    assert r.status_code < 500, r.text
    out = r.json()
    assert {"error", "code", "message", "where", "hint"} <= set(out) if r.status_code >= 400 else "results" in out
    if r.status_code != 200:
        return
    for res in out["results"]:
        got = client.get("/articles/" + _seg(res["id"]))
        assert got.status_code == 200, (res, got.text)
        assert got.json()["id"] == res["id"]
        assert client.get("/stories/" + _seg(res["story_id"])).status_code == 200
        page = client.get("/ui/articles/" + _seg(res["id"]))
        assert page.status_code == 200 and "<script" not in page.text.lower()
