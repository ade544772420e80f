"""End-to-end near-duplicate detection on a storyline.synth corpus: storyline vs peers.

Usage: python benchmarks/dedup.py [--n 20000] [--seed 0] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THRESHOLD = 0.8
NUM_PERM = 128
K = 5
RENSA_BANDS = 16
SYSTEMS = ("storyline", "datasketch", "rensa")


def _read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _shingles(text: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < K:
        return [" ".join(words)]
    return [" ".join(words[i : i + K]) for i in range(len(words) - K + 1)]


def _clusters(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(n)]


def run_storyline(path: str, workers: int) -> dict[str, str]:
    from storyline.data import Article
    from storyline.dedup import DedupConfig, dedup

    recs = _read(path)
    arts = [Article(id=r["id"], text=r["text"], published=r.get("published")) for r in recs]
    cfg = DedupConfig(threshold=THRESHOLD, num_perm=NUM_PERM, workers=workers)
    result = dedup(arts, cfg)
    return {d.id: d.cluster_id for d in result.decisions}


def run_datasketch(path: str, workers: int) -> dict[str, str]:
    from datasketch import MinHash, MinHashLSH

    recs = _read(path)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    hashes = []
    for i, r in enumerate(recs):
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in _shingles(r["text"])])
        lsh.insert(i, m)
        hashes.append(m)
    pairs = [(i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i]
    roots = _clusters(len(recs), pairs)
    return {r["id"]: recs[root]["id"] for r, root in zip(recs, roots, strict=True)}


def run_rensa(path: str, workers: int) -> dict[str, str]:
    from rensa import RMinHash, RMinHashLSH

    recs = _read(path)
    lsh = RMinHashLSH(THRESHOLD, NUM_PERM, RENSA_BANDS)
    hashes = []
    for i, r in enumerate(recs):
        m = RMinHash(NUM_PERM, 42)
        m.update(_shingles(r["text"]))
        lsh.insert(i, m)
        hashes.append(m)
    pairs = [(i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i]
    roots = _clusters(len(recs), pairs)
    return {r["id"]: recs[root]["id"] for r, root in zip(recs, roots, strict=True)}


RUNNERS = {"storyline": run_storyline, "datasketch": run_datasketch, "rensa": run_rensa}
IMPORTS = {"storyline": "storyline", "datasketch": "datasketch", "rensa": "rensa"}


def child(system: str, corpus: str, out: str, workers: int) -> None:
    try:
        __import__(IMPORTS[system])
    except ImportError:
        Path(out).write_text(json.dumps({"skipped": "not installed"}))
        return
    t0 = time.perf_counter()
    pred = RUNNERS[system](corpus, workers)
    secs = time.perf_counter() - t0
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    Path(out).write_text(json.dumps({"seconds": secs, "rss_mib": rss_mib, "pred": pred}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--_child", choices=SYSTEMS, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        child(args._child, args.corpus, args.out, args.workers)
        return

    from storyline.eval import pairwise_prf
    from storyline.io import write_records
    from storyline.synth import duplicate_groups, generate

    records = list(generate(args.n, args.seed))
    gold = duplicate_groups(records)
    gold_pairs = pairwise_prf(gold, gold).gold_pairs

    print("Method: each system runs in a fresh subprocess on the same synth corpus JSONL;")
    print("time = read JSONL -> cluster per article (wall clock); peak RSS = ru_maxrss of that")
    print("subprocess. Score = pairwise P/R/F1 vs gold duplicate groups (copies of one original).")
    print(f"  storyline: dedup(DedupConfig(threshold={THRESHOLD}, num_perm={NUM_PERM}, "
          f"workers={args.workers})), library defaults otherwise:")
    print("    exact-duplicate grouping, LSH candidates verified by exact shingle Jaccard >= 0.8")
    print("    or containment >= 0.9.")
    print(f"  datasketch: word {K}-shingles of lowercased text, MinHash(num_perm={NUM_PERM}) "
          f"update_batch, MinHashLSH(threshold={THRESHOLD}),")
    print("    insert all then query each, union-find over candidate pairs, no verification.")
    print(f"  rensa: same shingling in Python, RMinHash({NUM_PERM}, seed=42), "
          f"RMinHashLSH({THRESHOLD}, {NUM_PERM}, bands={RENSA_BANDS}),")
    print("    insert all then query each, union-find over candidate pairs, no verification.")
    print("  Peers are single-process. text-dedup not included (heavy dependencies).")
    print(f"data: storyline.synth, n={args.n}, seed={args.seed}, gold duplicate pairs={gold_pairs}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    print()

    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = str(Path(tmp) / "corpus.jsonl")
        write_records(records, corpus)
        del records
        for system in SYSTEMS:
            out = str(Path(tmp) / f"{system}.json")
            cmd = [sys.executable, __file__, "--_child", system, "--corpus", corpus,
                   "--out", out, "--workers", str(args.workers)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
                rows[system] = {"skipped": f"failed: {tail[0]}"}
                continue
            rows[system] = json.loads(Path(out).read_text())

    base = rows.get("storyline", {})
    hdr = (f"{'system':<11} {'seconds':>8} {'docs/s':>9} {'RSS MiB':>8} {'prec':>6} "
           f"{'recall':>6} {'F1':>6} {'storyline/peer':>15}")
    print(hdr)
    print("-" * len(hdr))
    for system in SYSTEMS:
        row = rows[system]
        if "skipped" in row:
            print(f"{system:<11} skipped: {row['skipped']}")
            continue
        prf = pairwise_prf(row["pred"], gold)
        dps = args.n / row["seconds"]
        ratio = ""
        if "seconds" in base:
            ratio = f"{row['seconds'] / base['seconds']:.2f}x"
        print(f"{system:<11} {row['seconds']:>8.2f} {dps:>9.0f} {row['rss_mib']:>8.0f} "
              f"{prf.precision:>6.3f} {prf.recall:>6.3f} {prf.f1:>6.3f} {ratio:>15}")
    print()
    print("storyline/peer = storyline docs/s divided by that system's docs/s (>1: storyline faster).")


if __name__ == "__main__":
    main()
