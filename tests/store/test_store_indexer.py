"""Batch preparation and the worker pool of the indexer: same results, fewer queries."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from storyline.data import Article
from storyline.index.lsh import band_hashes
from storyline.store import Indexer, Store, StoreConfig
from storyline.synth import generate


def corpus(n: int, seed: int = 5) -> list[Article]:
    return [
        Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                published=r.get("published"))
        for r in generate(n, seed=seed)
    ]


def dump(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT a.id, a.content_hash, g.sig, d.duplicate_of, d.reason, s.story_id, s.relation"
            " FROM articles a JOIN signatures g USING(seq) JOIN decisions d USING(seq)"
            " JOIN assignments s USING(seq) ORDER BY a.seq"
        ).fetchall() + conn.execute("SELECT * FROM lsh_buckets ORDER BY seq, band").fetchall()
    finally:
        conn.close()


def test_batch_preparation_matches_one_at_a_time(tmp_path) -> None:
    with Store.create(tmp_path / "s.db") as s:
        ix = Indexer(s)
        arts = corpus(30)
        many = ix.prepare_many(arts)
        cfg = s.config
        hasher = cfg.minhash.hasher()
        for a, p in zip(arts, many, strict=True):
            sig = hasher.signature(p.article.text)
            assert np.array_equal(p.sig, sig)
            assert np.array_equal(p.shingles, hasher.shingles(p.article.text))
            want = band_hashes(sig[None, :], *cfg.banding(), cfg.minhash.seed)[0].view(np.int64)
            assert np.array_equal(p.bands, want)
            assert p.original == a.text


@pytest.mark.slow
def test_worker_pool_gives_the_same_store(tmp_path) -> None:
    arts = corpus(400, seed=3)
    results = {}
    for workers in (1, 2):
        path = tmp_path / f"w{workers}.db"
        with Store.create(path, StoreConfig(assigner="duplicate-groups")) as s:
            ix = Indexer(s, workers=workers)
            try:
                results[workers] = [r.to_dict() for r in ix.add_many(arts, batch_size=64)]
            finally:
                ix.close()
            assert s.check() == []
    assert results[1] == results[2]
    assert dump(tmp_path / "w1.db") == dump(tmp_path / "w2.db")
    dups = [r for r in results[1] if r["duplicate_of"]]
    assert dups, "the synthetic corpus has copies: dedup must find some"
