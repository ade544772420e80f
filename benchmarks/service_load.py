"""Load test of `storyline serve` on loopback: index build, single-article POST, story reads.

Usage: python benchmarks/service_load.py [--n 100000] [--post 2000] [--clients 4]
       [--reads 2000] [--seconds 60] [--db PATH] [--out benchmarks/results/service_load.txt]

1. Build: N synthetic articles (storyline.synth, seed 7) added with storyline.store.Indexer in
   batches of 500 (one transaction each), timed; store size on disk after a WAL checkpoint.
   With --db PATH an existing store is reused (and built there first if missing).
2. Serve: `storyline serve DB` in its own process (uvicorn, one worker) on 127.0.0.1.
3. Writes: --clients concurrent asyncio clients (httpx) POST /articles with one new article
   each (the next --post articles of the same synthetic stream: copies, revisions, rewrites of
   stored stories and new stories), until --post requests or --seconds elapse.
4. Reads: the same clients GET /stories?limit=50 (a random page of the list via its cursor
   for a quarter of the requests) and GET /stories/{id} for random stories.
Every response must be 200; the error count is printed. Loopback only, bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from storyline.data import Article
from storyline.store import Indexer, Store, StoreConfig
from storyline.store.db import to_ts
from storyline.synth import generate


def _article(rec: dict) -> Article:
    return Article(id=rec["id"], text=rec["text"], title=rec.get("title"), url=rec.get("url"),
                   source=rec.get("source"), published=rec.get("published"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), for per-request CPU cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q)) if xs else float("nan")


def build(db: Path, recs: list[dict], log: list[str], assigner: str) -> None:
    t0 = time.perf_counter()
    if not db.exists():
        Store.create(db, StoreConfig(assigner=assigner)).close()
    with Store.open(db) as store:
        ix = Indexer(store)
        have = store.count("articles")
        todo = [_article(r) for r in recs[have:]]
        for i in range(0, len(todo), 500):
            ix.add_batch(todo[i : i + 500])
            if (i // 500) % 20 == 0:
                print(f"  built {have + i + len(todo[i:i + 500]):,}", file=sys.stderr, flush=True)
        n_added = len(todo)
        assigner = ix.assigner.name
        store.compact()
    dt = time.perf_counter() - t0
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    with Store.open(db) as s:
        free = s.stats()["free_bytes"]
    if n_added:
        log.append(f"build: {n_added:,} articles in {dt:.1f} s = {n_added / dt:,.0f} articles/s "
                   f"(assigner {assigner})")
    else:
        log.append(f"build: reused existing store ({have:,} articles, assigner {assigner})")
    log.append(f"store size on disk: {size / 1e6:.1f} MB ({size / max(1, len(recs)):,.0f} bytes/article), "
               f"of which {free / 1e6:.1f} MB free pages (evicted features; reused by later adds)")


async def load(url: str, posts: list[dict], clients: int, reads: int, seconds: float,
               story_ids: list[str], pid: int) -> dict[str, list[float] | int]:
    import httpx

    post_lat: list[float] = []
    list_lat: list[float] = []
    story_lat: list[float] = []
    errors = 0
    queue = list(reversed(posts))
    rng = random.Random(1)
    deadline = time.perf_counter() + seconds

    async def writer(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while queue and time.perf_counter() < deadline:
            rec = queue.pop()
            body = {k: rec[k] for k in ("id", "text", "title", "url", "source", "published") if rec.get(k)}
            t = time.perf_counter()
            r = await client.post(url + "/articles", json=body)
            post_lat.append(time.perf_counter() - t)
            if r.status_code != 200 or r.json()["results"][0]["status"] != "added":
                errors += 1

    budget = {"reads": reads}
    cursors: list[str] = []

    async def reader(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while budget["reads"] > 0 and time.perf_counter() < deadline + seconds:
            budget["reads"] -= 1
            if rng.random() < 0.5:
                q = "/stories?limit=50"
                if cursors and rng.random() < 0.5:
                    q += "&cursor=" + rng.choice(cursors)
                t = time.perf_counter()
                r = await client.get(url + q)
                list_lat.append(time.perf_counter() - t)
                if r.status_code == 200 and r.json()["next_cursor"] and len(cursors) < 50:
                    cursors.append(r.json()["next_cursor"])
            else:
                t = time.perf_counter()
                r = await client.get(url + "/stories/" + rng.choice(story_ids))
                story_lat.append(time.perf_counter() - t)
            if r.status_code != 200:
                errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        t0, c0 = time.perf_counter(), _cpu_s(pid)
        await asyncio.gather(*(writer(client) for _ in range(clients)))
        write_s, write_cpu = time.perf_counter() - t0, _cpu_s(pid) - c0
        t0, c0 = time.perf_counter(), _cpu_s(pid)
        await asyncio.gather(*(reader(client) for _ in range(clients)))
        read_s, read_cpu = time.perf_counter() - t0, _cpu_s(pid) - c0
    return {"post": post_lat, "list": list_lat, "story": story_lat, "errors": errors,  # type: ignore[dict-item]
            "write_s": write_s, "read_s": read_s, "write_cpu": write_cpu, "read_cpu": read_cpu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="articles stored before the load")
    ap.add_argument("--post", type=int, default=2000, help="single-article POSTs (max)")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--reads", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=60.0, help="time bound of each phase")
    ap.add_argument("--db", type=Path, default=None,
                    help="build the store here once and reuse it (the load runs on a copy)")
    ap.add_argument("--out", type=Path, default=None, help="also write the report here")
    ap.add_argument("--assigner", default="auto", help="auto | story-tracker | duplicate-groups")
    args = ap.parse_args()

    log: list[str] = []
    say = log.append
    say("Method: build a store of N synthetic articles with storyline.store.Indexer (batches of 500,")
    say("one transaction each); serve it with `storyline serve` (uvicorn, 1 process) on 127.0.0.1;")
    say(f"{args.clients} concurrent asyncio httpx clients POST /articles one new article per request,")
    say("then GET /stories?limit=50 (half with a cursor) and GET /stories/{id}. Latency = client-side")
    say("wall time per request, including the client's own CPU on the same machine.")
    say(f"data: storyline.synth seed 7, {args.n + args.post:,} articles in publication order: first "
        f"{args.n:,} stored, next {args.post:,} posted")
    say(f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
        f"sqlite {sqlite3.sqlite_version}; load average at start "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (shared machine)")
    # a live feed arrives in publication order: sort the synthetic corpus by time, store the
    # first N, post the next ones
    recs = sorted(generate(args.n + args.post, seed=7), key=lambda r: to_ts(r.get("published"), "~"))
    stored, posts = recs[: args.n], recs[args.n :]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "stories.db"
        build(db, stored, log, args.assigner)
        if args.db is not None:  # keep the built store pristine for reruns: load a copy
            import shutil

            run_db = Path(tmp) / "run.db"
            shutil.copyfile(db, run_db)
            db = run_db
        with Store.open(db) as s:
            story_ids = [r[0] for r in s.conn.execute("SELECT id FROM stories ORDER BY id")]
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", "from storyline.cli import main; main()", "serve", str(db),
             "--port", str(port), "--log-level", "warning"],
        )
        url = f"http://127.0.0.1:{port}"
        try:
            import httpx

            for _ in range(600):
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            res = asyncio.run(
                load(url, posts, args.clients, args.reads, args.seconds, story_ids, server.pid)
            )
        finally:
            server.terminate()
            server.wait(30)
        with Store.open(db) as s:
            problems = s.check()
            total = s.count("articles")
    post, lst, sty = res["post"], res["list"], res["story"]
    assert isinstance(post, list) and isinstance(lst, list) and isinstance(sty, list)
    say("")
    say(f"{'request':<28} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>8}")
    say(f"{'POST /articles (1 article)':<28} {len(post):>6} {_pct(post, 50):>8.1f} {_pct(post, 99):>8.1f} "
        f"{_pct(post, 100):>8.1f} {len(post) / float(res['write_s']):>8.0f}")
    reads_n = len(lst) + len(sty)
    say(f"{'GET /stories?limit=50':<28} {len(lst):>6} {_pct(lst, 50):>8.1f} {_pct(lst, 99):>8.1f} "
        f"{_pct(lst, 100):>8.1f} {'':>8}")
    say(f"{'GET /stories/{id}':<28} {len(sty):>6} {_pct(sty, 50):>8.1f} {_pct(sty, 99):>8.1f} "
        f"{_pct(sty, 100):>8.1f} {'':>8}")
    say(f"{'reads (both) throughput':<28} {reads_n:>6} {'':>8} {'':>8} {'':>8} "
        f"{reads_n / float(res['read_s']):>8.0f}")
    say(f"server CPU per request (user+sys of the server process / requests): POST "
        f"{1000 * float(res['write_cpu']) / max(1, len(post)):.1f} ms, reads "
        f"{1000 * float(res['read_cpu']) / max(1, reads_n):.1f} ms")
    say(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    say(f"errors: {res['errors']}; store after the run: {total:,} articles, consistent: {not problems}")
    ok_w = _pct(post, 99) < 50
    ok_r = max(_pct(lst, 99), _pct(sty, 99)) < 20
    say(f"targets: POST p99 < 50 ms: {'met' if ok_w else 'NOT met'}; reads p99 < 20 ms: "
        f"{'met' if ok_r else 'NOT met'}; zero errors: {'met' if res['errors'] == 0 else 'NOT met'}")
    text = "\n".join(log)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
