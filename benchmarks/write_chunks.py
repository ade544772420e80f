"""What writing a batch in small transactions costs the store's writer.

Usage: python benchmarks/write_chunks.py --db STORE [--articles 400] [--chunks 4,16,64,0]
       [--out benchmarks/results/write-chunks.txt]

The service writes a POST batch in chunks of a few articles, one transaction each, so single
posts interleave (storyline.service.writes). For each chunk size (0: the whole batch in one
transaction) this copies STORE, prepares the next --articles articles of the synthetic stream
that STORE was built from (benchmarks/service_load.py --build-only: seed 7, publication order),
then times only the writer (Indexer.add_prepared: dedup lookups, story assignment, SQL,
commit) with checkpoints deferred as in the service: writer CPU and wall per article, and WAL
bytes written per article (no checkpoint runs, so the WAL holds every frame written). A second
pass with the service's background passive checkpoint (every second) and its WAL limit times
each truncating checkpoint that the writer runs after a commit.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from storyline.data import Article
from storyline.store import Indexer, Store
from storyline.store import db as store_db
from storyline.store.db import to_ts
from storyline.synth import generate


def _articles(total: int, start: int, n: int) -> list[Article]:
    recs = sorted(generate(total, seed=7), key=lambda r: to_ts(r.get("published"), "~"))[start : start + n]
    return [Article(id=r["id"], text=r["text"], title=r.get("title"), url=r.get("url"),
                    source=r.get("source"), published=r.get("published")) for r in recs]


def _write(db: Path, arts: list[Article], chunk: int) -> tuple[float, float, int]:
    with Store.open(db) as s:
        s.defer_checkpoints()
        ix = Indexer(s)
        ix.add_batch(arts[:8])  # warm-up: JIT kernels, page cache
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rest = arts[8:]
        prep = ix.prepare_many(rest)
        step = chunk or len(rest)
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, len(rest), step):
            ix.add_prepared(rest[i : i + step], prep[i : i + step])
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        wal = s.wal_bytes()
    return wall / len(rest), cpu / len(rest), wal // len(rest)


def _checkpoints(db: Path, arts: list[Article], chunk: int) -> list[float]:
    """Durations of the truncating checkpoints the writer runs, with the background thread."""
    times: list[float] = []
    bound = store_db.Store._bound_wal

    def timed(self: store_db.Store, conn: sqlite3.Connection) -> None:
        over = self.wal_bytes() > store_db.WAL_LIMIT
        t = time.perf_counter()
        bound(self, conn)
        if over:
            times.append(time.perf_counter() - t)

    store_db.Store._bound_wal = timed  # type: ignore[method-assign]
    try:
        with Store.open(db) as s:
            s.defer_checkpoints()
            stop = threading.Event()

            def passive() -> None:
                while not stop.wait(1.0):
                    s.checkpoint()

            th = threading.Thread(target=passive, daemon=True)
            th.start()
            ix = Indexer(s)
            prep = ix.prepare_many(arts)
            for i in range(0, len(arts), chunk):
                ix.add_prepared(arts[i : i + chunk], prep[i : i + chunk])
            stop.set()
            th.join()
    finally:
        store_db.Store._bound_wal = bound  # type: ignore[method-assign]
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True, help="a store built by service_load.py --build-only")
    ap.add_argument("--stream", type=int, default=5000, help="--n + --post of the run that built it")
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--chunks", default="4,16,64,0")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    log: list[str] = []
    say = log.append
    with Store.open(args.db) as s:
        have = s.count("articles")
        assigner = s.meta("assigner")
    arts = _articles(args.stream, have, args.articles)
    say("method: " + " ".join((__doc__ or "").split("\n\n")[2].split()))
    say(f"store: {args.db} ({have:,} articles, assigner {assigner}); {len(arts)} articles written per run")
    say(f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
        f"sqlite {sqlite3.sqlite_version}; load average at start "
        + " ".join(f"{x:.1f}" for x in os.getloadavg()) + " (shared machine: wall times are noisy, CPU less so)")
    say("")
    say(f"{'chunk':>8} {'writer CPU ms/article':>22} {'wall ms/article':>16} {'WAL KB/article':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        old = store_db.WAL_LIMIT
        store_db.WAL_LIMIT = 1 << 40  # no truncation: the WAL keeps every frame written
        try:
            for chunk in [int(x) for x in args.chunks.split(",")]:
                db = Path(tmp) / f"c{chunk}.db"
                shutil.copyfile(args.db, db)
                wall, cpu, wal = _write(db, arts, chunk)
                name = "all" if chunk == 0 else str(chunk)
                say(f"{name:>8} {1000 * cpu:>22.2f} {1000 * wall:>16.2f} {wal / 1000:>15.1f}")
        finally:
            store_db.WAL_LIMIT = old
        db = Path(tmp) / "ck.db"
        shutil.copyfile(args.db, db)
        times = _checkpoints(db, arts, 4)
    say("")
    say(f"truncating checkpoints (WAL limit {store_db.WAL_LIMIT / 2**20:.0f} MiB, chunks of 4, passive "
        f"checkpoint every second): {len(times)}, taking "
        + (", ".join(f"{1000 * t:.0f}" for t in times) + " ms" if times else "-"))
    say("load average at end: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    text = "\n".join(log)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
