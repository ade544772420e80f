import json
import multiprocessing
import sqlite3
import threading

import pytest

from storyline.config import MinHashParams
from storyline.data import Article
from storyline.errors import InputError, StorylineError
from storyline.store import Assigned, Indexer, Store, StoreConfig, Stored, StoreError, ToAssign
from storyline.synth import generate

BASE = (
    "The city council voted on Tuesday to close the old harbour bridge for repairs after "
    "inspectors found cracks in two of its main supports. Mayor Ana Ortiz said the bridge "
    "would reopen in spring. Traffic will be diverted through the northern ring road, and "
    "ferries will run every twenty minutes during rush hour."
)
OTHER = (
    "A late goal from the substitute striker gave the visitors a narrow win in the cup "
    "semi-final on Saturday night, ending a run of five home victories for the champions."
)


def art(i, text, published=None, source="Wire"):
    return Article(id=str(i), text=text, title=f"t{i}", source=source, published=published)


def corpus(n, seed=5):
    return [
        Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                published=r.get("published"), meta={"kind": r.get("kind")})
        for r in generate(n, seed=seed)
    ]


@pytest.fixture
def store(tmp_path):
    s = Store.create(tmp_path / "s.db")
    yield s
    s.close()


def test_create_sets_wal_schema_and_config(tmp_path):
    with Store.create(tmp_path / "a.db", StoreConfig(threshold=0.7, minhash=MinHashParams(num_perm=64))) as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.schema_version() >= 1
        assert s.config.minhash.bands * s.config.minhash.rows <= 64
    with Store.open(tmp_path / "a.db") as s:  # config comes from the file, not the defaults
        assert s.config.threshold == 0.7 and s.config.minhash.num_perm == 64
    with pytest.raises(StoreError):
        Store.create(tmp_path / "a.db")


def test_config_meta_keeps_the_flat_format(tmp_path):
    """A store keeps its config flat in meta (the format every store version reads): the
    nested MinHashParams goes in and comes back, banding fixed at create time."""
    with Store.create(tmp_path / "m.db") as s:
        row = s.conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0]
        meta = json.loads(row)
        want_bands = s.config.minhash.bands
    assert sorted(meta) == ["assigner", "bands", "candidate_threshold", "containment", "k",
                            "max_candidates", "num_perm", "rows", "seed", "threshold"]
    assert meta["candidate_threshold"] == 0.65 and meta["bands"] == want_bands > 0
    cfg = StoreConfig.from_meta(meta)
    assert cfg.to_meta() == meta and cfg.minhash.threshold == 0.65
    old = meta | {"candidate_threshold": 0.0, "bands": 0, "rows": 0}  # "not set" sentinels
    assert StoreConfig.from_meta(old).fixed().to_meta() == meta


def test_open_refuses_missing_and_foreign_files(tmp_path):
    with pytest.raises(StoreError, match="index create"):
        Store.open(tmp_path / "nope.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(StoreError, match="not a storyline store"):
        Store.open(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store.open(junk)


def test_open_refuses_newer_schema(tmp_path):
    Store.create(tmp_path / "a.db").close()
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("INSERT INTO migrations VALUES (999, 'future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(tmp_path / "a.db")


def test_exact_near_and_unique_decisions(store):
    ix = Indexer(store)
    noisy = "Advertisement\n\n" + BASE.replace("twenty", "20") + "\n\nShare this article"
    res = ix.add_batch([art(1, BASE), art(2, BASE), art(3, noisy), art(4, OTHER)])
    assert [r.status for r in res] == ["added"] * 4
    assert res[0].duplicate_of is None and res[0].is_new_story
    assert res[1].duplicate_of == "1" and res[1].dedup_reason == "exact"
    assert res[2].duplicate_of == "1" and res[2].dedup_reason.startswith(("near", "contained"))
    assert res[3].duplicate_of is None and res[3].story_id != res[0].story_id
    assert res[1].story_id == res[2].story_id == res[0].story_id
    assert store.check() == []


def test_readding_is_idempotent_and_conflicts_are_reported(store):
    ix = Indexer(store)
    ix.add_batch([art(1, BASE), art(2, OTHER)])
    again = ix.add_batch([art(1, BASE), art(2, OTHER + " Extra.")])
    assert [r.status for r in again] == ["exists", "conflict"]
    assert store.count("articles") == 2
    assert store.get_article("2")["original"] == OTHER  # the stored version is kept


def test_failed_batch_stores_nothing(store):
    ix = Indexer(store)
    ix.add_batch([art(1, BASE)])

    class Boom(Exception):
        pass

    real = ix._insert
    calls = []

    def flaky(conn, p):
        calls.append(p.article.id)
        if len(calls) == 2:
            raise Boom
        return real(conn, p)

    ix._insert = flaky
    with pytest.raises(Boom):
        ix.add_batch([art(2, OTHER), art(3, OTHER + " More.")])
    assert store.count("articles") == 1
    assert store.count("lsh_buckets") == store.config.minhash.bands
    assert store.check() == []


def test_late_earlier_article_becomes_first_report(store):
    ix = Indexer(store)
    ix.add_batch([art("late", BASE, "2024-05-02T10:00:00Z")])
    ix.add_batch([art("early", BASE + " Update.", "2024-05-01T08:00:00+00:00", source="Other")])
    story = store.get_story(store.get_article("late")["story_id"])
    assert story["first_report"] == "early"
    assert [m["id"] for m in story["members"]] == ["early", "late"]
    assert story["first_seen"] < story["last_seen"]
    assert set(story["sources"]) == {"Wire", "Other"}


def test_story_listing_pagination_and_filters(store):
    ix = Indexer(store)
    arts = corpus(120)
    list(ix.add_many(arts, batch_size=50))
    seen, cursor = [], None
    while True:
        page, cursor = store.list_stories(limit=7, cursor=cursor)
        seen += [s["id"] for s in page]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == store.count("stories")
    keys = [(s["last_seen"], s["id"]) for s in (store.get_story(i) for i in seen)]
    assert keys == sorted(keys, reverse=True)  # newest activity first, ties by id
    label = store.get_story(seen[0])["label"]
    hits, _ = store.list_stories(q=label[:10].upper())
    assert seen[0] in [h["id"] for h in hits]
    assert all(label[:10].lower() in h["label"].lower() for h in hits)
    late, _ = store.list_stories(since="2099-01-01")
    assert late == []
    # largest first: every story once, by (size, last activity, id) descending
    by_size, cursor = [], None
    while True:
        page, cursor = store.list_stories(limit=7, cursor=cursor, order="size")
        by_size += page
        if cursor is None:
            break
    assert sorted(s["id"] for s in by_size) == sorted(seen)
    keys = [(s["size"], s["last_seen"], s["id"]) for s in by_size]
    assert keys == sorted(keys, reverse=True) and keys[0][0] > 1
    brief = store.story_members_brief([by_size[0]["id"]])[by_size[0]["id"]]
    story = store.get_story(by_size[0]["id"])
    assert [m[0] for m in brief] == [m["id"] for m in story["members"]]  # time order
    with pytest.raises(InputError, match="unknown story order"):
        store.list_stories(order="biggest")
    recent_cursor = store.list_stories(limit=3)[1]
    with pytest.raises(InputError, match="invalid cursor"):  # one order's cursor only
        store.list_stories(cursor=recent_cursor, order="size")


def test_reopen_does_not_recompute_signatures(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    with Store.create(path) as s:
        list(Indexer(s).add_many(corpus(60), batch_size=20))
    import storyline.store.indexer as mod

    def no_hashing(*a, **k):
        raise AssertionError("reopening must not recompute features")

    monkeypatch.setattr(mod.Indexer, "prepare", no_hashing)
    with Store.open(path) as s:
        ix = Indexer(s)
        assert ix.catch_up() == 60
        assert s.check() == []


class RecordingAssigner:
    """A stateful assigner: a story per source; persists features and must get them back."""

    name = "recording"
    features_kind = "test-json"

    def __init__(self):
        self.state: dict[str, str] = {}
        self.restored: list[Stored] = []

    def _decide(self, item: ToAssign, remember: bool) -> Assigned:
        src = item.article.source or ""
        sid = self.state.get(src)
        new = sid is None
        if new:
            sid = f"src-{len(self.state)}"
            if remember:
                self.state[src] = sid
        return Assigned(sid, "new" if new else "same_story", new,
                        features=json.dumps({"source": src}).encode())

    def assign(self, item):
        return self._decide(item, True)

    def peek(self, item):
        return self._decide(item, False)

    def restore(self, rows):
        for r in rows:
            self.restored.append(r)
            self.state.setdefault(json.loads(r.features)["source"], r.story_id)

    def reset(self):
        self.state.clear()


def test_assigner_state_is_rebuilt_from_stored_features(tmp_path):
    path = tmp_path / "s.db"
    with Store.create(path) as s:
        ix = Indexer(s, RecordingAssigner())
        ix.add_batch([art(1, BASE, source="A"), art(2, OTHER, source="B")])
    with Store.open(path) as s:
        fresh = RecordingAssigner()
        ix = Indexer(s, fresh)
        (res,) = ix.add_batch([art(3, OTHER + " Later that night.", source="A")])
        assert [r.article_id for r in fresh.restored] == ["1", "2"]
        assert res.story_id == s.get_article("1")["story_id"] and not res.is_new_story
        with pytest.raises(StorylineError, match="recording"):
            Indexer(s)  # the store remembers which assigner built it


def _writer(path, start, n):
    from storyline.store import Indexer, Store

    with Store.open(path) as s:
        ix = Indexer(s)
        for i in range(start, start + n, 5):
            ix.add_batch([art(f"p{j}", f"{OTHER} Number {j} of many. " * 3) for j in range(i, i + 5)])


def test_concurrent_writers_threads_and_processes(tmp_path):
    path = tmp_path / "s.db"
    Store.create(path).close()
    shared = Store.open(path)
    ix = Indexer(shared)
    errors = []

    def thread_writer(k):
        try:
            for b in range(4):
                ix.add_batch([art(f"t{k}-{b}-{j}", f"{BASE} Thread {k} batch {b} item {j}.")
                              for j in range(5)])
                ix.add_batch([art(f"t{k}-{b}-0", f"{BASE} Thread {k} batch {b} item 0.")])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), 100 * p, 40)) for p in range(2)]
    for p in procs:
        p.start()
    threads = [threading.Thread(target=thread_writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert not errors
    shared.close()
    with Store.open(path) as s:
        assert s.check() == []
        assert s.count("articles") == 4 * 4 * 5 + 2 * 40
        ids = [r[0] for r in s.conn.execute("SELECT id FROM articles")]
        assert len(ids) == len(set(ids))


def test_store_refuses_other_hashing_code(tmp_path):
    path = tmp_path / "s.db"
    with Store.create(path) as s:
        Indexer(s).add_batch([art(1, BASE)])
        with s.transaction() as conn:
            conn.execute("UPDATE meta SET value = 'other' WHERE key = 'hashing'")
    with Store.open(path) as s, pytest.raises(StoreError, match="rebuild"):
        Indexer(s)
