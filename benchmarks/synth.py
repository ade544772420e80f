"""Throughput of `storyline synth`: articles/s to generate and write a labelled JSONL corpus.

Usage: python benchmarks/synth.py [--n 100000] [--workers 1 2] [--seed 0]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from storyline.io import write_records
from storyline.synth import generate, generate_parallel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    print("Method: generate N articles with storyline.synth and write them with the JSONL writer")
    print("(atomic file write included), wall time per worker count; the output digest must be")
    print("identical for every worker count (determinism check).")
    print(f"data: synthetic, n={args.n}, seed={args.seed}")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    print()
    print(f"{'workers':>7} {'seconds':>8} {'articles/s':>11} {'MB':>7}  sha256[:16]")
    digests = set()
    with tempfile.TemporaryDirectory() as tmp:
        for w in args.workers:
            out = Path(tmp) / f"corpus-{w}.jsonl"
            t0 = time.perf_counter()
            recs = generate(args.n, args.seed) if w <= 1 else generate_parallel(args.n, args.seed, w)
            count = write_records(recs, out)
            dt = time.perf_counter() - t0
            h = hashlib.sha256()
            with out.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            digests.add(h.hexdigest())
            size = out.stat().st_size / 1e6
            print(f"{w:>7} {dt:>8.1f} {count / dt:>11,.0f} {size:>7.0f}  {h.hexdigest()[:16]}")
            out.unlink()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS (main process): {rss:.0f} MiB; identical output across workers: {len(digests) == 1}")


if __name__ == "__main__":
    main()
