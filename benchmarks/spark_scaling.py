"""Scaling study: the Spark engine (local[1], local[2]) against the local engine.

Method: one synthetic corpus (storyline.synth, JSONL); each system runs as a fresh `storyline
dedup` subprocess, as a user would (Spark: `--engine spark --spark-master local[N]`), timed
wall clock; the Spark runs also report their time without JVM start-up. Decisions of every
Spark run must equal the local engine's byte for byte. Spark event logs give the measured
shuffle volume. Corpus statistics (shingles per article, band-bucket sizes, candidate pairs)
come from the local engine's own stage functions and feed the 10^8-article estimate.

Usage: python benchmarks/spark_scaling.py --n 100000 [--out benchmarks/results/spark-100k.txt]
       python benchmarks/spark_scaling.py --stage cluster --n 5000 (story clustering: local
       `storyline cluster` vs `--engine spark`; assignments and stories must be identical)
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

BIN = Path(sys.executable).parent / "storyline"


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


def _run(cmd: list[str], timeout: float) -> tuple[float, str, str, int]:
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, "", "timeout", -1
    return time.perf_counter() - t0, p.stdout, p.stderr, p.returncode


def _spark_lines(folder: Path) -> list[str]:
    lines: list[str] = []
    for part in sorted(folder.glob("part-*")):
        lines += part.read_text(encoding="utf-8").splitlines()
    return lines


def _shuffle_bytes(log_dir: Path) -> dict[str, int]:
    """Sum of task shuffle write / spill metrics over an uncompressed Spark event log."""
    out = {"shuffle_write": 0, "spill_disk": 0, "peak_exec_mem_max": 0}
    for f in glob.glob(str(log_dir / "**" / "*"), recursive=True):
        if os.path.isdir(f) or "appstatus" in f:
            continue
        with open(f, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                m = json.loads(line).get("Task Metrics") or {}
                out["shuffle_write"] += m.get("Shuffle Write Metrics", {}).get(
                    "Shuffle Bytes Written", 0)
                out["spill_disk"] += m.get("Disk Bytes Spilled", 0)
                out["peak_exec_mem_max"] = max(out["peak_exec_mem_max"],
                                               m.get("Peak Execution Memory", 0))
    return out


def corpus_stats(path: Path, limit: int) -> dict[str, Any]:
    """Shingles per article, bucket sizes and candidate pairs via the local stage functions."""
    from storyline.dedup import DedupConfig, article_text, exact_groups, featurize, lsh_params
    from storyline.features.minhash import is_empty_signature
    from storyline.index.lsh import band_hashes, pairs_from_band_hashes
    from storyline.io import read_articles

    cfg = DedupConfig()
    bands, rows = lsh_params(cfg)
    texts: list[str] = []
    n_sh: list[int] = []
    exact_parts, band_parts, empty_parts = [], [], []
    text_bytes = 0

    def flush() -> None:
        f = featurize(texts, *cfg.feature_args())
        n_sh.extend(np.diff(f.offsets).tolist())
        exact_parts.append(f.exact)
        band_parts.append(band_hashes(f.sigs, bands, rows, cfg.minhash.seed))
        empty_parts.append(np.asarray(is_empty_signature(f.sigs)).reshape(-1))
        texts.clear()

    for i, art in enumerate(read_articles([path])):
        if i >= limit:
            break
        t = article_text(art)
        text_bytes += len(t.encode("utf-8"))
        texts.append(t)
        if len(texts) == 5000:
            flush()
    if texts:
        flush()
    exact = np.concatenate(exact_parts)
    bh = np.concatenate(band_parts)
    empty = np.concatenate(empty_parts)
    n = exact.shape[0]
    rep = exact_groups(exact)
    reps = np.flatnonzero((rep == np.arange(n)) & ~empty)
    sizes = np.concatenate([np.unique(bh[reps, b], return_counts=True)[1] for b in range(bands)])
    pairs = pairs_from_band_hashes(bh[reps], reps, cfg.max_bucket)
    return {
        "articles": n,
        "text_bytes_per_article": text_bytes / n,
        "shingles_per_article": float(np.mean(n_sh)),
        "bands": bands,
        "rows": rows,
        "exact_reps": int(reps.size),
        "band_rows": int(reps.size * bands),
        "buckets_gt1": int((sizes > 1).sum()),
        "bucket_max": int(sizes.max()),
        "bucket_p999": float(np.quantile(sizes, 0.999)),
        "candidate_pairs": int(pairs.shape[0]),
    }


def _spark_command(stage: str, corpus: Path, master: str, out: Path, logs: Path) -> list[str]:
    """The CLI call of one Spark run: a fresh event-log folder (for the shuffle bytes) and
    shuffle partitions scaled to the cores of ``local[N]``."""
    cores = _cores(master)
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    return [str(BIN), stage, str(corpus), "--engine", "spark", "--spark-master", master,
            "--out", str(out), "--format", "json",
            "--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir={logs}",
            "--conf", "spark.eventLog.compress=false",
            "--conf", f"spark.sql.shuffle.partitions={max(8, 4 * cores)}",
            "--conf", "spark.driver.memory=4g"]


def _cores(master: str) -> int:
    found = re.findall(r"\d+", master)
    return int(found[0]) if found else 0


def _json_out(stdout: str) -> dict[str, Any]:
    try:
        rows = json.loads(stdout[stdout.index("[") : stdout.rindex("]") + 1])
    except ValueError:
        return {}
    return rows[0] if rows else {}


def cluster_stage(args: argparse.Namespace, corpus: Path, work: Path, say: Any) -> None:
    """`storyline cluster` local vs `--engine spark` on each master: wall, rate, parity."""
    rows: list[dict[str, Any]] = []
    local_out = work / "c-local"
    secs, out, err, rc = _run([str(BIN), "cluster", str(corpus), "--out", str(local_out),
                               "--format", "json"], args.timeout)
    summ = _json_out(out)
    want_a = (local_out / "assignments.jsonl").read_text().splitlines() if rc == 0 else []
    want_s = (local_out / "stories.jsonl").read_text().splitlines() if rc == 0 else []
    rows.append({"system": "local engine (1 process)", "cores": 1, "wall": secs,
                 "inner": float(summ.get("seconds", secs)), "ok": rc == 0,
                 "parity": "reference", "shuffle": None, "info": "", "err": err[-400:]})
    for master in args.masters.split(","):
        cores = _cores(master)
        o = work / f"c-spark-{cores}"
        logs = work / f"c-events-{cores}"
        cmd = _spark_command("cluster", corpus, master, o, logs)
        secs, out, err, rc = _run(cmd, args.timeout)
        summ = _json_out(out)
        parity = "n/a"
        if rc == 0 and want_a:
            same = _spark_lines(o / "assignments") == want_a and _spark_lines(o / "stories") == want_s
            parity = "identical" if same else "DIFFERENT"
        m = re.search(r"spark: .*", err)
        rows.append({"system": f"spark {master}", "cores": cores, "wall": secs,
                     "inner": float(summ.get("seconds", float("nan"))), "ok": rc == 0,
                     "parity": parity, "shuffle": _shuffle_bytes(logs),
                     "info": m.group(0) if m else "", "err": err[-400:],
                     "pairs": summ.get("pairs scored")})
    say()
    say(f"{'system':26} {'wall s':>8} {'w/o JVM s':>10} {'articles/s':>11} "
        f"{'per core':>9} {'vs local':>9}  assignments+stories")
    say("-" * 96)
    base = rows[0]["wall"]
    for r in rows:
        rate = args.n / r["inner"] if r["ok"] else float("nan")
        say(f"{r['system']:26} {r['wall']:8.1f} {r['inner']:10.1f} {rate:11,.1f} "
            f"{rate / max(r['cores'], 1):9,.1f} {base / r['wall']:8.2f}x  "
            f"{r['parity'] if r['ok'] else 'FAILED'}")
        if r["info"]:
            say(f"   {r['info']}")
        if not r["ok"]:
            say(f"   error: {r['err']}")
    say("vs local = local-engine wall time / this system's wall time (>1: faster).")
    for r in rows[1:]:
        if r["ok"]:
            sh = r["shuffle"]
            say(f"measured shuffle write ({r['system']}): {sh['shuffle_write'] / 1e6:.1f} MB = "
                f"{sh['shuffle_write'] / args.n:,.0f} B per article; spill "
                f"{sh['spill_disk'] / 1e6:.1f} MB; max task peak execution memory "
                f"{sh['peak_exec_mem_max'] / 1e6:.1f} MB; pairs scored {r['pairs']} "
                f"({(r['pairs'] or 0) / args.n:.1f} per article)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=("dedup", "cluster"), default="dedup")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--masters", default="local[1],local[2]")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--keep-dir", type=Path, default=None, help="work dir (default: temp)")
    args = ap.parse_args()

    work = args.keep_dir or Path(tempfile.mkdtemp(prefix="sl-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"synth-{args.n}.jsonl"
    report: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        report.append(line)

    if args.stage == "cluster":
        say("Method: one synthetic corpus (storyline.synth, JSONL); each system runs as a fresh "
            "`storyline cluster` subprocess (Spark: `--engine spark --spark-master local[N]`), "
            "timed wall clock; 'w/o JVM' is the command's own reported seconds. Assignments and "
            "stories of every Spark run must equal the local engine's line for line. Spark "
            "event logs give the measured shuffle volume.")
    else:
        say(__doc__.split("\n\n")[1].replace("\n", " ").strip())
    say(f"data: storyline.synth n={args.n} seed={args.seed}")
    say(f"machine: {platform.platform()}, {os.cpu_count()} cpus, python "
        f"{platform.python_version()}, java 17; load average at start {_loadavg()}"
        + (" (above the core count: other jobs shared the machine, so absolute times are "
           "pessimistic and the ratios within one run are fairer)"
           if os.getloadavg()[0] > (os.cpu_count() or 1) else ""))
    if not corpus.exists():
        t = time.perf_counter()
        _run([str(BIN), "synth", "--out", str(corpus), "--n", str(args.n), "--seed",
              str(args.seed), "--workers", "2", "--quiet"], args.timeout)
        say(f"corpus written in {time.perf_counter() - t:.1f} s "
            f"({corpus.stat().st_size / 1e6:.0f} MB)")
    if args.stage == "cluster":
        say("stage: story clustering (storyline cluster, default settings)")
        cluster_stage(args, corpus, work, say)
        say(f"load average at end: {_loadavg()}")
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
        if args.keep_dir is None:
            shutil.rmtree(work, ignore_errors=True)
        return

    rows: list[dict[str, Any]] = []
    local_out = work / "local"
    secs, _, err, rc = _run([str(BIN), "dedup", str(corpus), "--out", str(local_out),
                             "--quiet"], args.timeout)
    local_lines = (local_out / "decisions.jsonl").read_text(encoding="utf-8").splitlines() \
        if rc == 0 else []
    rows.append({"system": "local engine (1 process)", "cores": 1, "wall": secs, "inner": secs,
                 "ok": rc == 0, "parity": "reference", "shuffle": None})

    for master in args.masters.split(","):
        cores = _cores(master)
        out = work / f"spark-{cores}"
        logs = work / f"events-{cores}"
        cmd = _spark_command("dedup", corpus, master, out, logs)
        secs, _, err, rc = _run(cmd, args.timeout)
        m = re.search(r"\(([\d.]+) s\)", err)
        inner = float(m.group(1)) if m else float("nan")
        parity = "n/a"
        if rc == 0 and local_lines:
            parity = "identical" if _spark_lines(out / "decisions") == local_lines else "DIFFERENT"
        rows.append({"system": f"spark {master}", "cores": cores, "wall": secs, "inner": inner,
                     "ok": rc == 0, "parity": parity, "shuffle": _shuffle_bytes(logs),
                     "err": "" if rc == 0 else err[-400:]})

    say()
    say(f"{'system':26} {'wall s':>8} {'w/o JVM s':>10} {'articles/s':>11} "
        f"{'per core':>9} {'vs local':>9}  decisions")
    say("-" * 92)
    base = rows[0]["wall"]
    for r in rows:
        rate = args.n / r["inner"] if r["ok"] else float("nan")
        per_core = rate / max(r["cores"], 1)
        say(f"{r['system']:26} {r['wall']:8.1f} {r['inner']:10.1f} {rate:11,.0f} "
            f"{per_core:9,.0f} {base / r['wall']:8.2f}x  {r['parity'] if r['ok'] else 'FAILED'}")
        if not r["ok"]:
            say(f"   error: {r.get('err', '')}")
    say("vs local = local-engine wall time / this system's wall time (>1: faster).")

    stats = corpus_stats(corpus, args.n)
    say()
    say("corpus statistics (local stage functions): " + json.dumps(stats))
    spark_rows = [r for r in rows[1:] if r["ok"]]
    if spark_rows:
        sh = spark_rows[-1]["shuffle"]
        say(f"measured Spark shuffle write ({spark_rows[-1]['system']}): "
            f"{sh['shuffle_write'] / 1e6:.1f} MB total = {sh['shuffle_write'] / args.n:.0f} B per "
            f"article; disk spill {sh['spill_disk'] / 1e6:.1f} MB; "
            f"max task peak execution memory {sh['peak_exec_mem_max'] / 1e6:.1f} MB")
        one = next((r for r in spark_rows if r["cores"] == 1), spark_rows[0])
        per_core = args.n / one["inner"] / max(one["cores"], 1)
        say()
        say("Estimate for 10^8 articles (linear in articles; measured per-core rate, "
            "measured shuffle bytes per article):")
        total = 1e8
        core_h = total / per_core / 3600
        say(f"  per-core rate (Spark local[1], this machine): {per_core:,.0f} articles/s "
            f"-> {core_h:,.0f} core-hours")
        for cores in (64, 128, 256):
            say(f"  {cores:4d} cores at 70% efficiency: ~{core_h / cores / 0.7:.1f} h wall")
        say(f"  shuffle: ~{sh['shuffle_write'] / args.n * total / 1e9:,.0f} GB written in "
            f"total; shingle sets cached: ~{stats['shingles_per_article'] * 4 * total / 1e9:,.0f}"
            f" GB (4 B per shingle, spread over executors, spills to disk)")
        say(f"  band rows: {stats['bands']} per article -> {stats['bands'] * total / 1e9:.1f} "
            f"billion (band, hash, idx) rows; largest bucket here {stats['bucket_max']} "
            f"(cap {500}: bigger buckets become stars, so one bucket costs O(size) not O(size^2))")
    say(f"load average at end: {_loadavg()}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    if args.keep_dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
