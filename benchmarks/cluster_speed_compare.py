"""Held-out story clustering, before vs after the speed work, in one run on one machine.

Runs ``story_clusters.py heldout`` (synthetic seed 11, 10,000 articles, the thresholds chosen
on seed 5) twice in subprocesses: once with the code of another checkout on PYTHONPATH (the
baseline, default ../main/src) and once with this checkout's code; prints both results, the
CPU-seconds ratio (user+sys of the process and its workers: less sensitive than wall time to
the other jobs on this shared machine) and whether the two outputs are byte-identical.

Run: .venv/bin/python benchmarks/cluster_speed_compare.py [--baseline-src ../main/src] [--n 10000]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(src: Path, n: int, workers: int, dump: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, str(ROOT / "benchmarks" / "story_clusters.py"), "heldout", "--n", str(n),
           "--workers", str(workers), "--dump", str(dump)]
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline-src", type=Path, default=ROOT.parent / "main" / "src")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "stories-heldout-compare.txt")
    args = ap.parse_args()
    lines = [f"benchmark: {Path(__file__).name} (baseline = code in {args.baseline_src}, "
             f"this = {ROOT / 'src'}), workers={args.workers}"]
    with tempfile.TemporaryDirectory() as tmp:
        outs = {}
        cpu = {}
        for name, src in (("baseline", args.baseline_src), ("this", ROOT / "src")):
            dump = Path(tmp) / f"{name}.json"
            text = run(src, args.n, args.workers, dump)
            outs[name] = dump.read_bytes()
            lines.append(f"--- {name} ---")
            lines.extend(text.strip().splitlines())
            m = re.search(r"cpu_seconds=(\d+)", text)
            cpu[name] = float(m.group(1)) if m else float("nan")
    lines.append(
        f"cpu seconds: baseline {cpu['baseline']:.0f}, this {cpu['this']:.0f} "
        f"-> {cpu['baseline'] / cpu['this']:.2f}x less CPU; identical output: {outs['baseline'] == outs['this']}"
    )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    args.out.write_text(text, encoding="utf-8")
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
