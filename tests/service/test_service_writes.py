"""The service's write path under a large batch: single posts interleave, results do not depend
on how a batch is split, a failure part-way says what was stored, and the WAL stays bounded."""

import threading
import time

import pytest

pytest.importorskip("fastapi")

from starlette.testclient import TestClient  # noqa: E402

from storyline.data import Article  # noqa: E402
from storyline.service import create_app  # noqa: E402
from storyline.service.writes import FIRST_CHUNK, Pace, WriteQueue  # noqa: E402
from storyline.store import Indexer, Store, StoreConfig  # noqa: E402
from storyline.store import db as store_db  # noqa: E402
from storyline.synth import generate  # noqa: E402

FIELDS = ("id", "text", "title", "url", "source", "published")


def _body(rec: dict) -> dict:
    return {k: rec[k] for k in FIELDS if rec.get(k)}


@pytest.fixture(scope="module")
def recs() -> list[dict]:
    return list(generate(700, seed=3))


def _store(path, assigner: str = "duplicate-groups"):
    Store.create(path, StoreConfig(assigner=assigner)).close()
    return path


def _wal(path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.parametrize("prep_workers", [0, 1])
def test_single_post_runs_between_the_chunks_of_a_large_batch(tmp_path, recs, prep_workers):
    """A post sent while a 600-article batch is being written is stored and answered before the
    batch ends (between two of its transactions), not after all 600; with a preparation worker
    the batch's chunks are prepared there one ahead and the single post by the writer."""
    db = _store(tmp_path / "s.db")
    batch = [_body(r) for r in recs[:600]]
    single = _body(recs[650])
    done = threading.Event()
    out: dict = {}
    with Store.open(db) as probe, TestClient(create_app(db, prep_workers=prep_workers)) as client:

        def post_batch() -> None:
            out["batch"] = client.post("/articles", json={"articles": batch})
            done.set()

        t = threading.Thread(target=post_batch)
        t.start()
        while probe.count("articles") == 0 and not done.is_set():  # the first chunk committed
            time.sleep(0.001)
        r = client.post("/articles", json=single)
        answered_before_batch = not done.is_set()
        t.join(120)
        seqs = [probe.seq_of(a["id"]) for a in batch]
        single_seq = probe.seq_of(single["id"])
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "added"
    assert out["batch"].status_code == 200
    res = out["batch"].json()["results"]
    assert [x["id"] for x in res] == [a["id"] for a in batch]  # every article reported, in order
    assert all(x["status"] == "added" for x in res)
    assert answered_before_batch
    assert None not in seqs and single_seq is not None
    assert min(seqs) < single_seq < max(seqs)


def _rows(path) -> list[tuple]:
    with Store.open(path) as s:
        return [
            (a["id"], a["duplicate_of"], a["dedup_reason"], a["dedup_score"], a["story_id"],
             a["relation"], a["nearest_id"], a["similarity"], a["is_new_story"], a["novelty"])
            for a in s.iter_articles(text=False)
        ] + [tuple(st.values()) for st in s.list_stories(limit=1000)[0]]


@pytest.mark.parametrize("assigner", ["duplicate-groups", "story-tracker"])
def test_splitting_a_batch_does_not_change_what_is_stored(tmp_path, recs, assigner):
    """One transaction per article (the smallest split) stores exactly what one transaction for
    the whole batch stores: same decisions, stories, relations and labels."""
    part = recs[:160]
    whole = _store(tmp_path / "whole.db", assigner)
    with Store.open(whole) as s:
        ix = Indexer(s)
        ix.add_batch([Article(**_body(r)) for r in part])
        assert s.stats()["multi_article_stories"] >= 10  # the split has joins to get wrong
    split = _store(tmp_path / "split.db", assigner)
    with TestClient(create_app(split, write_chunk=1)) as client:
        r = client.post("/articles", json={"articles": [_body(x) for x in part]})
        assert r.status_code == 200
    assert _rows(split) == _rows(whole)


def test_a_failure_part_way_says_what_was_stored_and_a_resend_completes(tmp_path, recs):
    db = _store(tmp_path / "s.db")
    batch = [_body(r) for r in recs[:40]]
    with TestClient(create_app(db, write_chunk=8), raise_server_exceptions=False) as client:
        ix = client.app.app.state.indexer
        real = ix.add_batch
        calls = []

        def flaky(articles):
            calls.append(len(articles))
            if len(calls) == 3:
                raise OSError("disk full")
            return real(articles)

        ix.add_batch = flaky
        r = client.post("/articles", json={"articles": batch})
        assert r.status_code == 500
        err = r.json()
        assert {"error", "code", "message", "where", "hint"} <= set(err)
        assert err["stored"] == [a["id"] for a in batch[:16]]
        assert "16 of 40" in err["message"] and "re-send" in err["hint"]
        assert client.get(f"/articles/{batch[15]['id']}").status_code == 200
        assert client.get(f"/articles/{batch[16]['id']}").status_code == 404
        ix.add_batch = real
        r = client.post("/articles", json={"articles": batch})
        assert r.status_code == 200
        assert [x["status"] for x in r.json()["results"]] == ["exists"] * 16 + ["added"] * 24


def test_service_wal_stays_bounded_under_posting(tmp_path, recs, monkeypatch):
    limit = 256 * 1024
    monkeypatch.setattr(store_db, "WAL_LIMIT", limit)
    db = _store(tmp_path / "s.db")
    high = 0
    with TestClient(create_app(db)) as client:
        for i in range(0, 500, 50):
            r = client.post("/articles", json={"articles": [_body(x) for x in recs[i : i + 50]]})
            assert r.status_code == 200
            high = max(high, _wal(db))
        for rec in recs[500:560]:
            assert client.post("/articles", json=_body(rec)).status_code == 200
            high = max(high, _wal(db))
    # a chunk is at most 64 articles: its frames are the most the WAL can pass the limit by
    assert high <= limit + 2 * 1024 * 1024
    assert high <= 3 * limit


def test_chunks_follow_the_writers_speed():
    pace = Pace(64, target=0.025)
    assert pace.size() == FIRST_CHUNK  # not measured yet
    pace.observe(8, 8 * 0.0001)  # 0.1 ms an article: capped at the most
    assert pace.size() == 64
    for _ in range(20):  # the writer slows to 20 ms an article (a loaded machine, a big store)
        pace.observe(4, 4 * 0.020)
    assert pace.size() == 1
    for _ in range(20):
        pace.observe(4, 4 * 0.005)
    assert 4 <= pace.size() <= 5  # 25 ms / 5 ms, the average still settling


@pytest.mark.parametrize("batch_yield, order", [(60.0, ["single", "chunk"]), (0.0, ["chunk", "single"])])
def test_a_single_post_goes_before_a_batch_chunk_queued_just_before_it(batch_yield, order):
    """While the writer is busy, a batch's chunk and then a single post are queued: the post
    runs first (the chunk yields to posts that arrive within batch_yield), and in plain
    arrival order when the chunk has waited longer than that."""
    q = WriteQueue(batch_yield=batch_yield)
    gate, ran = threading.Event(), []
    busy = q.submit(gate.wait, 10)
    chunk = q.submit(ran.append, "chunk", batch=True)
    single = q.submit(ran.append, "single")
    failing = q.submit(lambda: 1 / 0)
    gate.set()
    for f in (busy, chunk, single):
        f.result(10)
    with pytest.raises(ZeroDivisionError):
        failing.result(10)
    q.shutdown()
    assert ran == order
