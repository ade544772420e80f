"""Pair scorer on real rated news pairs: Pearson with the human 'overall' rating, per encoder.

Data: the 161 English SemEval-2022 Task 8 training pairs (``../shared/data``), rated by people
1 (same) ... 4 (different); target -overall. Synthetic pairs from ``storyline synth`` seed 23
(never 5 or 11, which the clustering benchmarks test on) may join the training folds, never the
scored ones.

Method, per setting (no encoder / all-MiniLM-L6-v2 / all-mpnet-base-v2):
- every single signal's Pearson with -overall on all 161 pairs (no fitting; the best one is the
  bar the fitted model must clear);
- the fitting procedure of ``benchmarks/fit_link.py`` (designs from few signals or the encoder
  cosine alone up to every signal, ridge alpha, synthetic share; the simplest configuration
  within 0.01 CV of the best) evaluated by NESTED 5-fold CV: the whole selection runs again
  inside each outer training fold, and the outer folds are drawn with 5 seeds; reported as
  mean, standard deviation and range over the seeds, and the gap to the best single signal;
- the configuration the packaged model uses (selected on all 161 pairs) and its plain CV.
Run time is CPU seconds of this process (features include encoding on the CPU).

Run: ``PYTHONPATH=src python benchmarks/real_news_pairs.py [--data DIR] [--out FILE]``; also
the ``pairs`` section of ``benchmarks/real_news.py`` when that script is present.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_link import SYNTH_HARD, SYNTH_N, SYNTH_PER_KIND, SYNTH_SEED, fit_variant  # noqa: E402
from linkdata import (  # noqa: E402
    SHARED_DATA,
    embedder_or_none,
    load_semeval,
    markdown_table,
    semeval_pairs,
    synth_pairs,
    tee_stdout,
)

from storyline.eval.pairs import pearson  # noqa: E402
from storyline.link import SIGNALS, Linker, model_variant  # noqa: E402

SEMEVAL_FILE = "semeval2022-task8-en-train.jsonl"
OUTER_SEEDS = (0, 1, 2, 3, 4)
ENCODERS: tuple[str | None, ...] = (None, "all-MiniLM-L6-v2", "all-mpnet-base-v2")


@dataclass
class PairsContext:
    """What the section needs (``benchmarks/real_news.py``'s Context has these too)."""

    data: Path
    verbose: bool = True
    timings: dict[str, float] = field(default_factory=dict)


def _singles(signals: list[dict[str, float]], target: list[float]) -> list[tuple[str, float]]:
    out = []
    for name in SIGNALS:
        x = [s[name] for s in signals]
        if np.std(x) > 0:
            out.append((name, pearson(x, target)))
    return sorted(out, key=lambda t: -t[1])


def evaluate(ctx: Any, encoder: str | None) -> dict[str, Any] | None:
    """Single signals and nested CV of one setting; None when the encoder is not installed."""
    t0 = time.process_time()
    with redirect_stdout(io.StringIO()) as quiet:
        embedder = embedder_or_none(True, encoder) if encoder else None
    if encoder and embedder is None:
        print(f"{encoder}: skipped ({quiet.getvalue().strip()})")
        return None
    linker = Linker(None, embedder=embedder)
    sem = semeval_pairs(linker, load_semeval(Path(ctx.data) / SEMEVAL_FILE))
    syn = synth_pairs(linker, SYNTH_N, SYNTH_SEED, SYNTH_PER_KIND, SYNTH_HARD)
    t_feat = time.process_time() - t0
    target = [-r["overall"] for r in sem.ratings]
    singles = _singles(sem.signals, target)
    t0 = time.process_time()
    with redirect_stdout(io.StringIO()):
        _, cv, _ = fit_variant(model_variant(encoder), sem, syn, outer_seeds=OUTER_SEEDS)
    t_fit = time.process_time() - t0
    label = encoder or "none (lexical)"
    ctx.timings[f"pairs: {label} features (161 SemEval + {len(syn.labels)} synthetic pairs)"] = t_feat
    ctx.timings[f"pairs: {label} nested CV ({len(OUTER_SEEDS)} seeds)"] = t_fit
    return {"encoder": label, "singles": singles, "cv": cv}


def section_pairs(ctx: Any) -> None:
    print("\n## pairs: same-story pair scoring vs human ratings (SemEval-2022 Task 8, 161 en pairs)")
    print(f"method: nested 5-fold CV (selection inside each outer fold), outer fold seeds {OUTER_SEEDS}; "
          f"synthetic pairs: storyline.synth n={SYNTH_N} seed={SYNTH_SEED} (+{SYNTH_HARD} hard), "
          "training folds only; target -overall")
    results = [r for e in ENCODERS if (r := evaluate(ctx, e)) is not None]
    rows: list[tuple[str, ...]] = [(
        "encoder", "best single signal", "nested CV mean", "sd", "range", "gap to best single",
        "chosen on all pairs (plain CV)",
    )]
    for r in results:
        cv, (best, best_r) = r["cv"], r["singles"][0]
        runs = cv["similarity_vs_-overall_nested_runs"]
        rows.append((
            r["encoder"], f"{best} {best_r:.3f}", f"{np.mean(runs):.3f}", f"{np.std(runs):.3f}",
            f"{min(runs):.3f}-{max(runs):.3f}", f"{np.mean(runs) - best_r:+.3f}",
            f"{cv['design']}, alpha {cv['alpha']:g}, synth {cv['synth_fraction']:g} ({cv['similarity_vs_-overall']:.3f})",
        ))
    print(markdown_table(rows))
    if ctx.verbose:
        for r in results:
            top = ", ".join(f"{n} {v:.3f}" for n, v in r["singles"][:5])
            print(f"{r['encoder']}: top single signals: {top}")
            runs = [float(v) for v in r["cv"]["similarity_vs_-overall_nested_runs"]]
            print(f"{r['encoder']}: nested CV per seed: {runs}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    ap.add_argument("--out", type=Path, help="also write the output here")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if not (args.data / SEMEVAL_FILE).exists():
        print(f"data not found: {args.data / SEMEVAL_FILE} (pass --data)", file=sys.stderr)
        return 2
    ctx = PairsContext(args.data, verbose=not args.quiet)
    start = time.perf_counter()
    with tee_stdout() as buf:
        print("# storyline pair scorer on real rated pairs (benchmarks/real_news_pairs.py)")
        print(f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}, "
              f"{platform.system()} (shared with other jobs); encoders run on the CPU")
        section_pairs(ctx)
        print("\n## run time")
        for k, v in ctx.timings.items():
            print(f"{k}: {v:.1f} cpu s")
        print(f"total wall: {time.perf_counter() - start:.1f} s")
    if args.out:
        args.out.write_text(buf.getvalue(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
