"""First run vs later runs of `storyline dedup`: what compiling the numba kernels costs.

Each run is a fresh `storyline dedup` CLI process on one synthetic corpus, with NUMBA_CACHE_DIR
pointing at a new empty directory per scenario:
  cold      run 1 compiles every kernel it uses and writes them to the cache; runs 2.. load them
  warmed    `python -m storyline.kernels` (what `make` runs after an install) fills the cache
            first; then the same runs
Wall seconds and CPU seconds (user + sys of the child) per run; the first-run overhead is
run 1 minus the median of the later runs.

Usage: python benchmarks/first_run.py [--n 30000] [--runs 3] [--workers 1]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=30_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    exe = shutil.which("storyline") or str(Path(sys.executable).with_name("storyline"))
    print(__doc__.split("Usage:")[0].strip())
    print(f"data: synthetic, n={args.n}, seed={args.seed}; dedup --workers {args.workers}")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, python "
        f"{platform.python_version()}, numba {numba.__version__}; load average at start "
        f"{os.getloadavg()[0]:.1f} (a shared machine: compare runs within this output)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        subprocess.run(
            [exe, "synth", "--n", str(args.n), "--seed", str(args.seed), "--out", str(corpus), "-q"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        dedup = [exe, "dedup", str(corpus), "--workers", str(args.workers), "-q"]
        print(f"\n{'scenario':<8} {'run':>3} {'wall s':>7} {'CPU s':>6}")
        for scenario in ("cold", "warmed"):
            env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(tmp) / f"cache-{scenario}"))
            if scenario == "warmed":
                wall, cpu = timed([sys.executable, "-m", "storyline.kernels"], env)
                print(f"{scenario:<8} {'pre':>3} {wall:>7.1f} {cpu:>6.1f}  python -m storyline.kernels")
            rows = []
            for run in range(1, args.runs + 1):
                out = Path(tmp) / f"out-{scenario}-{run}"
                wall, cpu = timed([*dedup, "--out", str(out)], env)
                rows.append((wall, cpu))
                print(f"{scenario:<8} {run:>3} {wall:>7.1f} {cpu:>6.1f}")
            later_wall = statistics.median(w for w, _ in rows[1:])
            later_cpu = statistics.median(c for _, c in rows[1:])
            print(
                f"{scenario:<8} first-run overhead: {rows[0][0] - later_wall:+.1f} s wall, "
                f"{rows[0][1] - later_cpu:+.1f} s CPU (run 1 / later runs: "
                f"{rows[0][1] / later_cpu:.2f}x CPU)"
            )


if __name__ == "__main__":
    main()
