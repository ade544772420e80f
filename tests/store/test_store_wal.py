"""The WAL stays bounded when checkpoints are left to a background thread (the service)."""

from storyline.data import Article
from storyline.store import Indexer, Store, StoreConfig
from storyline.store import db as store_db
from storyline.synth import generate

FIELDS = ("id", "text", "title", "url", "source", "published")


def _wal(path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_store_bounds_the_wal_when_checkpoints_are_deferred(tmp_path, monkeypatch):
    """With the service's deferred checkpoints and a writer that never pauses, the WAL file is
    checkpointed and truncated once it passes the limit (it grew without bound before)."""
    limit = 256 * 1024
    monkeypatch.setattr(store_db, "WAL_LIMIT", limit)
    db = tmp_path / "s.db"
    Store.create(db, StoreConfig(assigner="duplicate-groups")).close()
    sizes = []
    with Store.open(db) as s:
        s.defer_checkpoints()
        ix = Indexer(s)
        arts = [Article(**{k: r[k] for k in FIELDS if r.get(k)}) for r in generate(600, seed=3)]
        for i in range(0, len(arts), 10):
            before = _wal(db)
            ix.add_batch(arts[i : i + 10])
            sizes.append((before, _wal(db)))
        assert s.count("articles") == 600 and s.check() == []
    growth = max(after - before for before, after in sizes)  # one transaction's frames
    assert max(after for _, after in sizes) <= limit + growth
    assert sum(after < before for before, after in sizes) >= 2  # truncated, more than once
