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
from typing import Any

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


def _machine() -> str:
    return (f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
            f"sqlite {sqlite3.sqlite_version}")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _self_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes, once they have exited
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def build(db: Path, recs: list[dict], log: list[str], assigner: str, workers: int = 1,
          batch: int = 500, seconds: float = 0.0) -> None:
    """Index ``recs`` into ``db`` (resuming a partial store); ``seconds`` > 0 stops adding new
    batches after that long (the store then holds a prefix of the stream)."""
    t0, c0 = time.perf_counter(), _self_cpu()
    load0 = _load()
    if not db.exists():
        Store.create(db, StoreConfig(assigner=assigner)).close()
    stopped = False
    with Store.open(db) as store:
        ix = Indexer(store, workers=workers)
        have = store.count("articles")
        todo = [_article(r) for r in recs[have:]]
        n_added = 0
        try:
            for i in range(0, len(todo), batch):
                if seconds and time.perf_counter() - t0 > seconds:
                    stopped = True
                    break
                n_added += len(ix.add_batch(todo[i : i + batch]))
                if (i // batch) % 20 == 0:
                    print(f"  built {have + n_added:,} ({n_added / (time.perf_counter() - t0):.0f}/s)",
                          file=sys.stderr, flush=True)
        finally:
            ix.close()
        assigner = ix.assigner.name
        store.compact()
        total = store.count("articles")
    dt, cpu = time.perf_counter() - t0, _self_cpu() - c0
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    with Store.open(db) as s:
        free = s.stats()["free_bytes"]
    if n_added:
        log.append(f"build: {n_added:,} articles in {dt:.1f} s = {n_added / dt:,.0f} articles/s wall, "
                   f"{1000 * cpu / n_added:.2f} ms CPU/article (this process + workers), assigner "
                   f"{assigner}, batches of {batch}, workers {workers}; load average {load0} -> {_load()}")
        if stopped:
            log.append(f"build STOPPED at the {seconds:.0f} s bound: the store holds {total:,} of the "
                       f"{len(recs):,} articles asked for")
    else:
        log.append(f"build: reused existing store ({have:,} articles, assigner {assigner})")
    log.append(f"store size on disk: {size / 1e6:.1f} MB for {total:,} articles "
               f"({size / max(1, total):,.0f} bytes/article), of which {free / 1e6:.1f} MB free pages "
               "(evicted features; reused by later adds)")


async def load(url: str, posts: list[dict], clients: int, reads: int, seconds: float,
               story_ids: list[str], article_ids: list[str], pid: int) -> dict[str, Any]:
    import httpx

    lat: dict[str, list[float]] = {"post": [], "list": [], "story": [], "article": []}
    errors = 0
    queue = list(reversed(posts))
    rng = random.Random(1)

    async def writer(client: httpx.AsyncClient, deadline: float) -> None:
        nonlocal errors
        while queue and time.perf_counter() < deadline:
            rec = queue.pop()
            body = {k: rec[k] for k in ("id", "text", "title", "url", "source", "published") if rec.get(k)}
            t = time.perf_counter()
            r = await client.post(url + "/articles", json=body)
            lat["post"].append(time.perf_counter() - t)
            if r.status_code != 200 or r.json()["results"][0]["status"] != "added":
                errors += 1

    budget = {"reads": reads}
    cursors: list[str] = []

    async def reader(client: httpx.AsyncClient, deadline: float) -> None:
        nonlocal errors
        while budget["reads"] > 0 and time.perf_counter() < deadline:
            budget["reads"] -= 1
            x = rng.random()
            if x < 0.4:
                q, kind = "/stories?limit=50", "list"
                if cursors and rng.random() < 0.5:
                    q += "&cursor=" + rng.choice(cursors)
            elif x < 0.7:
                q, kind = "/stories/" + rng.choice(story_ids), "story"
            else:
                q, kind = "/articles/" + rng.choice(article_ids), "article"
            t = time.perf_counter()
            r = await client.get(url + q)
            lat[kind].append(time.perf_counter() - t)
            if r.status_code != 200:
                errors += 1
            elif kind == "list" and r.json()["next_cursor"] and len(cursors) < 50:
                cursors.append(r.json()["next_cursor"])

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        t0, c0 = time.perf_counter(), _cpu_s(pid)
        await asyncio.gather(*(writer(client, t0 + seconds) for _ in range(clients)))
        write_s, write_cpu = time.perf_counter() - t0, _cpu_s(pid) - c0
        t0, c0 = time.perf_counter(), _cpu_s(pid)
        await asyncio.gather(*(reader(client, t0 + seconds) for _ in range(clients)))
        read_s, read_cpu = time.perf_counter() - t0, _cpu_s(pid) - c0
    return {**lat, "errors": errors, "write_s": write_s, "read_s": read_s,
            "write_cpu": write_cpu, "read_cpu": read_cpu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="articles stored before the load")
    ap.add_argument("--post", type=int, default=2000, help="single-article POSTs (max)")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--reads", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=60.0, help="time bound of each load phase")
    ap.add_argument("--db", type=Path, default=None,
                    help="build the store here once and reuse it (the load runs on a copy)")
    ap.add_argument("--out", type=Path, default=None, help="also write the report here")
    ap.add_argument("--build-only", action="store_true", help="build (or resume) the store, no load")
    ap.add_argument("--build-seconds", type=float, default=0.0,
                    help="stop the build after this long (0: no bound); the report says so")
    ap.add_argument("--workers", type=int, default=1, help="indexer preparation processes")
    ap.add_argument("--assigner", default="auto", help="auto | story-tracker | duplicate-groups")
    args = ap.parse_args()

    log: list[str] = []
    say = log.append
    say("Method: build a store of N synthetic articles with storyline.store.Indexer (batches of 500,")
    say("one transaction each, time order); " + ("no load phase (--build-only)." if args.build_only else
        "serve it with `storyline serve` (uvicorn, 1 process) on"))
    if not args.build_only:
        say(f"127.0.0.1; {args.clients} concurrent asyncio httpx clients POST /articles one new article "
            "per request, then GET")
        say("/stories?limit=50 (half with a cursor), /stories/{id} and /articles/{id} at random. "
            "Latency = client-side")
        say("wall time per request (includes the client's own CPU on the same machine); server CPU = "
            "user+sys of the")
        say("server process over the phase / requests (robust to other jobs' load). Each phase is "
            f"bounded by {args.seconds:.0f} s and by count.")
    say(f"data: storyline.synth seed 7, {args.n + args.post:,} articles in publication order: first "
        f"{args.n:,} stored" + ("" if args.build_only else f", next {args.post:,} posted"))
    say(_machine() + f"; load average at start {_load()} (shared machine)")
    # a live feed arrives in publication order: sort the synthetic corpus by time, store the
    # first N, post the next ones
    recs = sorted(generate(args.n + args.post, seed=7), key=lambda r: to_ts(r.get("published"), "~"))
    stored, posts = recs[: args.n], recs[args.n :]
    res: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "stories.db"
        build(db, stored, log, args.assigner, args.workers, seconds=args.build_seconds)
        if not args.build_only:
            if args.db is not None:  # keep the built store pristine for reruns: load a copy
                import shutil

                run_db = Path(tmp) / "run.db"
                shutil.copyfile(db, run_db)
                db = run_db
            res = _serve_and_load(db, posts, args)
    if res:
        _report(res, args, say)
    say(f"load average at end: {_load()}")
    text = "\n".join(log)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


def _serve_and_load(db: Path, posts: list[dict], args: argparse.Namespace) -> dict[str, Any]:
    with Store.open(db) as s:
        story_ids = [r[0] for r in s.conn.execute("SELECT id FROM stories ORDER BY id")]
        article_ids = [r[0] for r in s.conn.execute("SELECT id FROM articles ORDER BY seq")]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from storyline.cli import main; main()", "serve", str(db),
         "--port", str(port), "--log-level", "warning"],
    )
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(1200):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        res = asyncio.run(load(url, posts, args.clients, args.reads, args.seconds, story_ids,
                               article_ids, server.pid))
    finally:
        server.terminate()
        server.wait(30)
    with Store.open(db) as s:
        res["problems"] = s.check()
        res["total"] = s.count("articles")
    return res


def _report(res: dict[str, Any], args: argparse.Namespace, say: Any) -> None:
    post = res["post"]
    say("")
    say(f"{'request':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>8}")

    def row(name: str, xs: list[float], rate: str = "") -> None:
        say(f"{name:<28} {len(xs):>6} {_pct(xs, 50):>8.1f} {_pct(xs, 95):>8.1f} {_pct(xs, 99):>8.1f} "
            f"{_pct(xs, 100):>8.1f} {rate:>8}")

    row("POST /articles (1 article)", post, f"{len(post) / float(res['write_s']):.0f}")
    row("GET /stories?limit=50", res["list"])
    row("GET /stories/{id}", res["story"])
    row("GET /articles/{id}", res["article"])
    reads = res["list"] + res["story"] + res["article"]
    row("all reads", reads, f"{len(reads) / float(res['read_s']):.0f}")
    say(f"server CPU per request (user+sys of the server process / requests): POST "
        f"{1000 * float(res['write_cpu']) / max(1, len(post)):.1f} ms, reads "
        f"{1000 * float(res['read_cpu']) / max(1, len(reads)):.2f} ms")
    say(f"errors: {res['errors']}; store after the run: {res['total']:,} articles, consistent: "
        f"{not res['problems']}")
    ok_w = _pct(post, 99) < 50
    ok_r = _pct(reads, 99) < 20
    say(f"targets (wall latency, shared machine): POST p99 < 50 ms: {'met' if ok_w else 'NOT met'}; "
        f"reads p99 < 20 ms: {'met' if ok_r else 'NOT met'}; zero errors: "
        f"{'met' if res['errors'] == 0 else 'NOT met'}")


if __name__ == "__main__":
    main()
