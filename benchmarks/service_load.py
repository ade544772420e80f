"""Load test of `storyline serve` on loopback: index build, single-article POST, story reads.

Usage: python benchmarks/service_load.py [--n 100000] [--post 2000] [--clients 4]
       [--reads 2000] [--seconds 60] [--db PATH] [--out benchmarks/results/service_load.txt]

Usage: python benchmarks/service_load.py --n 100000 --build-only --db /tmp/s.db --out FILE
       (build report only; --build-seconds bounds the build, --workers N preparation processes)

1. Build: N synthetic articles (storyline.synth, seed 7, in publication order) added with
   storyline.store.Indexer in batches of 500 (one transaction each), timed (wall and CPU per
   article); store size on disk after a WAL checkpoint. With --db PATH an existing store is
   reused/resumed. --build-seconds stops adding batches after that long (said in the report).
2. Serve: `storyline serve DB` in its own process (uvicorn, one worker) on 127.0.0.1.
3. Writes: --clients concurrent keep-alive asyncio clients POST /articles with one new article
   each (the articles that follow the stored ones in the same synthetic stream: copies,
   revisions, rewrites of stored stories and new stories), until --post requests or --seconds.
4. Reads: the same clients GET /stories?limit=50 (half of them a later page via a cursor),
   GET /stories/{id} and GET /articles/{id} at random, until --reads requests or --seconds.
Every response must be 200; the error count is printed, with server CPU per request (from
/proc, robust to other jobs on a shared machine) next to wall latency. Loopback only.

Usage: python benchmarks/service_load.py --n 3000 --during-batch 3 [--batch-size 1000] --db PATH
       (single posts during batches, instead of steps 3-4)

3'. Single posts during a batch: one client POSTs --during-batch batches of --batch-size new
   articles back to back; --single-delay s after the first batch was sent, another client POSTs
   one new article at a time (the articles after the batches' in the stream) until the last
   batch is answered. Latency of the single posts sent while a batch was in flight, each batch's
   time, and the size of the store's -wal file, sampled every 50 ms (its high-water mark is what
   the WAL costs on disk). --idle-first S: the single posts start at once and the batches S
   seconds later; the posts sent before the first batch are a control (same run, no batch).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from urllib.parse import quote

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
    """User + system CPU seconds of a process and its live child processes (the server's
    preparation workers), from Linux /proc, for per-request CPU cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = (task / "children").read_text().split()
        except OSError:  # the thread ended meanwhile
            continue
        total += sum(_cpu_s(int(k)) for k in kids)
    return total


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
          batch: int = 500, seconds: float = 0.0) -> int:
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
    return int(total)


class _Conn:
    """A minimal keep-alive HTTP/1.1 client connection (asyncio streams): the load generator
    shares the machine with the server, so it must cost far less CPU per request than a full
    client library would (its own CPU per request is reported next to the server's)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.r: asyncio.StreamReader | None = None
        self.w: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.w is None:
            self.r, self.w = await asyncio.open_connection(self.host, self.port)
        assert self.r is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.w.write(head.encode() + b"\r\n" + (body or b""))
        await self.w.drain()
        lines = (await self.r.readuntil(b"\r\n\r\n")).split(b"\r\n")
        status = int(lines[0].split()[1])
        length = None
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        if length is None:
            raise RuntimeError(f"{method} {path}: response without Content-Length")
        return status, await self.r.readexactly(length)

    def close(self) -> None:
        if self.w is not None:
            self.w.close()


async def load(host: str, port: int, posts: list[dict], clients: int, reads: int, seconds: float,
               story_ids: list[str], article_ids: list[str], pid: int) -> dict[str, Any]:
    import orjson

    lat: dict[str, list[float]] = {"post": [], "list": [], "story": [], "article": []}
    errors = 0
    queue = list(reversed(posts))
    rng = random.Random(1)

    async def writer(conn: _Conn, deadline: float) -> None:
        nonlocal errors
        while queue and time.perf_counter() < deadline:
            rec = queue.pop()
            body = {k: rec[k] for k in ("id", "text", "title", "url", "source", "published") if rec.get(k)}
            data = orjson.dumps(body)
            t = time.perf_counter()
            status, out = await conn.request("POST", "/articles", data)
            lat["post"].append(time.perf_counter() - t)
            if status != 200 or orjson.loads(out)["results"][0]["status"] != "added":
                errors += 1

    budget = {"reads": reads}
    cursors: list[str] = []

    async def reader(conn: _Conn, deadline: float) -> None:
        nonlocal errors
        while budget["reads"] > 0 and time.perf_counter() < deadline:
            budget["reads"] -= 1
            x = rng.random()
            if x < 0.4:
                q, kind = "/stories?limit=50", "list"
                if cursors and rng.random() < 0.5:
                    q += "&cursor=" + rng.choice(cursors)
            elif x < 0.7:
                q, kind = "/stories/" + quote(rng.choice(story_ids), safe=""), "story"
            else:
                q, kind = "/articles/" + quote(rng.choice(article_ids), safe=""), "article"
            t = time.perf_counter()
            status, out = await conn.request("GET", q)
            lat[kind].append(time.perf_counter() - t)
            if status != 200:
                errors += 1
            elif kind == "list":
                nxt = orjson.loads(out)["next_cursor"]
                if nxt and len(cursors) < 50:
                    cursors.append(nxt)

    conns = [_Conn(host, port) for _ in range(clients)]
    # warm-up, not timed: first calls pay one-time costs (JIT-compiled shingling kernels,
    # SQLite page cache, imports); the first posts of the stream are added here
    for _ in range(min(len(queue), 2 * clients)):
        rec = queue.pop()
        body = {k: rec[k] for k in ("id", "text", "title", "url", "source", "published") if rec.get(k)}
        await conns[0].request("POST", "/articles", orjson.dumps(body))
    for sid in story_ids[:clients]:
        await conns[0].request("GET", "/stories/" + quote(sid, safe=""))
        await conns[0].request("GET", "/stories?limit=50")
    try:
        t0, c0, m0 = time.perf_counter(), _cpu_s(pid), _self_cpu()
        await asyncio.gather(*(writer(c, t0 + seconds) for c in conns))
        write_s, write_cpu, write_client = time.perf_counter() - t0, _cpu_s(pid) - c0, _self_cpu() - m0
        t0, c0, m0 = time.perf_counter(), _cpu_s(pid), _self_cpu()
        await asyncio.gather(*(reader(c, t0 + seconds) for c in conns))
        read_s, read_cpu, read_client = time.perf_counter() - t0, _cpu_s(pid) - c0, _self_cpu() - m0
    finally:
        for c in conns:
            c.close()
    return {**lat, "errors": errors, "write_s": write_s, "read_s": read_s, "write_cpu": write_cpu,
            "read_cpu": read_cpu, "write_client": write_client, "read_client": read_client}


async def during_batch(host: str, port: int, batches: list[list[dict]], singles: list[dict],
                       delay: float, db: Path, pid: int, batch_clients: int = 1,
                       idle_first: float = 0.0) -> dict[str, Any]:
    """Batches back to back on ``batch_clients`` connections, single posts on another meanwhile;
    WAL sampled."""
    import orjson

    def body(rec: dict) -> dict:
        return {k: rec[k] for k in ("id", "text", "title", "url", "source", "published") if rec.get(k)}

    wal = Path(str(db) + "-wal")
    state = {"batch": False, "done": False, "errors": 0, "wal_max": 0, "since": 0.0, "singles": 0}
    lat: list[float] = []
    alone: list[float] = []  # single posts sent before the first batch (--idle-first): control
    slow: list[tuple[float, float]] = []  # (latency, seconds since the batch in flight was sent)
    spans: list[float] = []
    bconns = [_Conn(host, port) for _ in range(batch_clients)]
    bconn, sconn = bconns[0], _Conn(host, port)
    queue = list(reversed(singles))
    # warm-up (untimed): one single post and a small batch
    await sconn.request("POST", "/articles", orjson.dumps(body(queue.pop())))
    await bconn.request("POST", "/articles", orjson.dumps({"articles": [body(queue.pop()) for _ in range(8)]}))

    async def sample() -> None:
        while not state["done"]:
            with contextlib.suppress(OSError):
                state["wal_max"] = max(state["wal_max"], wal.stat().st_size)
            await asyncio.sleep(0.05)

    todo = list(reversed(batches))
    in_flight = [0]

    async def batcher(conn: _Conn) -> None:
        while todo:
            b = todo.pop()
            data = orjson.dumps({"articles": [body(r) for r in b]})
            t = time.perf_counter()
            state["batch"], state["since"] = True, t
            in_flight[0] += 1
            status, out = await conn.request("POST", "/articles", data)
            in_flight[0] -= 1
            state["batch"] = in_flight[0] > 0
            spans.append(time.perf_counter() - t)
            if status != 200 or len(orjson.loads(out)["results"]) != len(b):
                state["errors"] += 1

    async def batchers() -> None:
        if idle_first:
            await asyncio.sleep(idle_first)
            for c in bconns:  # idle past the server's keep-alive timeout: it closed them
                c.close()
            bconns[:] = [_Conn(host, port) for _ in range(batch_clients)]
        state["started"] = True
        await asyncio.gather(*(batcher(c) for c in bconns))
        state["done"] = True

    async def single() -> None:
        await asyncio.sleep(0.0 if idle_first else delay)  # with --idle-first: from the start
        while not state["done"] and queue:
            data = orjson.dumps(body(queue.pop()))
            during, before = state["batch"], not state.get("started")
            t = time.perf_counter()
            status, out = await sconn.request("POST", "/articles", data)
            dt = time.perf_counter() - t
            state["singles"] += 1
            if status != 200 or orjson.loads(out)["results"][0]["status"] != "added":
                state["errors"] += 1
            if during:  # sent while a batch was in flight
                lat.append(dt)
                slow.append((dt, t - float(state["since"])))
            elif before:
                alone.append(dt)
            await asyncio.sleep(0.02)  # a trickle, not a flood: 1 post per ~20 ms + its latency

    t0, c0 = time.perf_counter(), _cpu_s(pid)
    try:
        await asyncio.gather(batchers(), single(), sample())
    finally:
        for c in [*bconns, sconn]:
            c.close()
    with contextlib.suppress(OSError):
        state["wal_end"] = wal.stat().st_size
    return {"single": lat, "alone": alone, "singles_total": state["singles"], "slowest": sorted(slow, reverse=True)[:5], "spans": spans, "errors": state["errors"], "wal_max": state["wal_max"],
            "wal_end": state.get("wal_end", 0), "seconds": time.perf_counter() - t0,
            "cpu": _cpu_s(pid) - c0, "batch_size": len(batches[0]) if batches else 0}


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
    ap.add_argument("--prep-workers", type=int, default=1,
                    help="`storyline serve --prep-workers` (its default: 1)")
    ap.add_argument("--during-batch", type=int, default=0,
                    help="instead of the load phases: this many batches back to back, single posts meanwhile")
    ap.add_argument("--batch-size", type=int, default=1000, help="articles per batch (--during-batch)")
    ap.add_argument("--batch-clients", type=int, default=1,
                    help="clients posting the batches at once (2: the writer never pauses)")
    ap.add_argument("--idle-first", type=float, default=0.0,
                    help="single posts alone for this long before the first batch (a control)")
    ap.add_argument("--single-delay", type=float, default=1.0,
                    help="seconds after the first batch is sent before the single posts start")
    args = ap.parse_args()
    if args.during_batch and args.post < args.during_batch * args.batch_size + 200:
        # --post is also the length of the synthetic stream after the store (it seeds the
        # corpus), so it is asked for, not derived: the same --n/--post reuse a built --db
        ap.error("--during-batch needs --post >= batches * --batch-size + 200 (the single posts)")

    log: list[str] = []
    say = log.append
    say("Method: build a store of N synthetic articles with storyline.store.Indexer (batches of 500,")
    say("one transaction each, time order); " + ("no load phase (--build-only)." if args.build_only else
        "serve it with `storyline serve` (uvicorn, 1 process) on"))
    if args.during_batch and not args.build_only:
        say(f"127.0.0.1 (--prep-workers {args.prep_workers}); {args.batch_clients} client(s) POST "
            f"{args.during_batch} batches of {args.batch_size} new articles back to back; "
            f"{args.single_delay:.1f} s after")
        say("the first was sent, a second client POSTs one new article at a time (20 ms pause "
            "between) until the last batch is answered." + (
                f" With --idle-first {args.idle_first:.0f}: the single posts start at once, the "
                f"batches {args.idle_first:.0f} s later; the posts sent before the first batch are "
                "the control." if args.idle_first else ""))
        say("Single-post latency = client-side wall time of the posts sent while a batch was in "
            "flight. WAL = size of")
        say("the store's -wal file, sampled every 50 ms. A single post and an 8-article batch warm "
            "the server up first, untimed.")
    elif not args.build_only:
        say(f"127.0.0.1 (--prep-workers {args.prep_workers}); {args.clients} concurrent keep-alive HTTP/1.1 clients (asyncio) POST /articles one new article "
            "per request, then GET")
        say("/stories?limit=50 (half with a cursor), /stories/{id} and /articles/{id} at random. "
            "Latency = client-side")
        say("wall time per request (includes the client's own CPU on the same machine); server CPU = "
            "user+sys of the")
        say("server process and its preparation workers over the phase / requests (robust to other "
            "jobs' load). Each phase is "
            f"bounded by {args.seconds:.0f} s and by count; {2 * args.clients} posts and a few reads "
            "warm the server up first, untimed.")
    say(f"data: storyline.synth seed 7, {args.n + args.post:,} articles in publication order: first "
        f"{args.n:,} stored" + ("" if args.build_only else f", next {args.post:,} posted"))
    say(_machine() + f"; load average at start {_load()}")
    # a live feed arrives in publication order: sort the synthetic corpus by time, store the
    # first N, post the next ones
    recs = sorted(generate(args.n + args.post, seed=7), key=lambda r: to_ts(r.get("published"), "~"))
    res: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "stories.db"
        total = build(db, recs[: args.n], log, args.assigner, args.workers, seconds=args.build_seconds)
        posts = recs[total : total + args.post]  # the stream goes on where the store stops
        if total < args.n:
            say(f"note: the store holds only the first {total:,} articles of that stream (its build "
                f"was bounded); the posts are the {len(posts):,} articles that follow them")
        if not args.build_only:
            if args.db is not None:  # keep the built store pristine for reruns: load a copy
                import shutil

                run_db = Path(tmp) / "run.db"
                shutil.copyfile(db, run_db)
                db = run_db
            res = _serve_and_load(db, posts, args)
    if res and args.during_batch:
        _report_during(res, say)
    elif res:
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
         "--port", str(port), "--log-level", "warning", "--prep-workers", str(args.prep_workers)],
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
        if args.during_batch:
            n, b = args.during_batch, args.batch_size
            res = asyncio.run(during_batch("127.0.0.1", port, [posts[i * b : (i + 1) * b] for i in range(n)],
                                           posts[n * b :], args.single_delay, db, server.pid,
                                           args.batch_clients, args.idle_first))
        else:
            res = asyncio.run(load("127.0.0.1", port, posts, args.clients, args.reads, args.seconds,
                                   story_ids, article_ids, server.pid))
    finally:
        server.terminate()
        server.wait(30)
    with Store.open(db) as s:
        res["problems"] = s.check()
        res["total"] = s.count("articles")
        res["db_bytes"] = db.stat().st_size
    return res


def _report_during(res: dict[str, Any], say: Any) -> None:
    lat, spans = res["single"], res["spans"]
    say("")
    say(f"batches: {len(spans)} of {res['batch_size']} articles, each answered in "
        + ", ".join(f"{s:.1f}" for s in spans) + f" s; {res['batch_size'] * len(spans) / res['seconds']:.0f} "
        f"batch articles/s and {res['singles_total']} single posts stored over the {res['seconds']:.1f} s run")
    say(f"{'request':<40} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    if res["alone"]:
        a = res["alone"]
        say(f"{'POST 1 article, no batch yet (control)':<40} {len(a):>6} {_pct(a, 50):>8.1f} "
            f"{_pct(a, 95):>8.1f} {_pct(a, 99):>8.1f} {_pct(a, 100):>8.1f}")
    say(f"{'POST 1 article, during a batch':<40} {len(lat):>6} {_pct(lat, 50):>8.1f} {_pct(lat, 95):>8.1f} "
        f"{_pct(lat, 99):>8.1f} {_pct(lat, 100):>8.1f}")
    say("slowest single posts (ms, sent s after the latest batch was sent): "
        + ", ".join(f"{1000 * d:.0f} at {t:+.2f}" for d, t in res["slowest"]))
    say(f"WAL file: at most {res['wal_max'] / 1e6:.1f} MB during the run, {res['wal_end'] / 1e6:.1f} MB "
        f"after it; database file {res['db_bytes'] / 1e6:.1f} MB after the server stopped")
    say(f"server CPU over the run: {res['cpu']:.1f} s in {res['seconds']:.1f} s wall")
    say(f"errors: {res['errors']}; store after the run: {res['total']:,} articles, consistent: "
        f"{not res['problems']}")
    ok = bool(lat) and _pct(lat, 99) < 200
    say(f"target: single posts during a batch p99 < 200 ms: {'met' if ok else 'NOT met'}")


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
    say(f"server CPU per request (user+sys of the server process and its workers / requests): POST "
        f"{1000 * float(res['write_cpu']) / max(1, len(post)):.1f} ms, reads "
        f"{1000 * float(res['read_cpu']) / max(1, len(reads)):.2f} ms; load client's own CPU per "
        f"request: POST {1000 * float(res['write_client']) / max(1, len(post)):.2f} ms, reads "
        f"{1000 * float(res['read_client']) / max(1, len(reads)):.2f} ms")
    say(f"errors: {res['errors']}; store after the run: {res['total']:,} articles, consistent: "
        f"{not res['problems']}")
    ok_w = _pct(post, 99) < 50
    ok_r = _pct(reads, 99) < 20
    say(f"targets (wall latency): POST p99 < 50 ms: {'met' if ok_w else 'NOT met'}; "
        f"reads p99 < 20 ms: {'met' if ok_r else 'NOT met'}; zero errors: "
        f"{'met' if res['errors'] == 0 else 'NOT met'}")


if __name__ == "__main__":
    main()
