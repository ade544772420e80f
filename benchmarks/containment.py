"""Containment recall: is a short article found inside a page k times longer?

Usage:
  python benchmarks/containment.py [--pairs 100] [--background 5000] [--seed 0]

Method: original articles of distinct stories from ``storyline.synth`` (seed ``--seed``).
For each of ``--pairs`` short articles and each factor k, a page about k times longer is
built from the short article plus other stories' articles around it (each page its own); a background of
``--background`` further synthetic articles is added. ``storyline.dedup`` runs with and
without ``containment_candidates``; recall = share of short articles reported
``contained`` in their page; false = pages or background articles reported contained in
something that does not contain them (checked against the construction).
"""

from __future__ import annotations

import argparse
import platform
import time

from storyline.data import Article
from storyline.dedup import DedupConfig, dedup
from storyline.synth.generator import generate

FACTORS = (1.5, 2, 3, 5, 10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=100)
    ap.add_argument("--background", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    records = list(generate(2 * args.background + 80 * args.pairs, seed=args.seed))
    stories: dict[str, str] = {}
    for r in records:
        if r["kind"] == "original" and r["story_id"] not in stories:
            stories[r["story_id"]] = r["text"]
    texts = list(stories.values())
    n_used = min(len(texts), 25 * args.pairs)
    used = set(list(stories)[:n_used])
    shorts, fill = texts[: args.pairs], texts[args.pairs : n_used]
    # background: other stories only, so any containment found there is a false one
    background = [r["text"] for r in records if r["story_id"] not in used][: args.background]
    print(__doc__.split("Method: ")[1].split("\n\n")[0].replace("\n", " "))
    print(
        f"data: {len(shorts)} short articles x factors {FACTORS}, {len(fill)} filler "
        f"articles, {len(background)} background; "
        f"machine: {platform.platform()}, python {platform.python_version()}"
    )
    print(f"{'factor':>6} {'mode':<12} {'recall':>7} {'false':>6} {'docs':>6} {'seconds':>8}")
    per = len(fill) // len(shorts)  # each page has its own filler articles
    for k in FACTORS:
        arts: list[Article] = []
        for i, short in enumerate(shorts):
            target = k * len(short.split())
            parts, words, j = [], len(short.split()), 0
            while words < target:
                if j >= per:
                    raise SystemExit(f"not enough filler articles for factor {k}")
                parts.append(fill[i * per + j])
                words += len(parts[-1].split())
                j += 1
            half = len(parts) // 2
            page = "\n\n".join([*parts[:half], short, *parts[half:]])
            arts += [Article(id=f"s{i}", text=short), Article(id=f"p{i}", text=page)]
        arts += [Article(id=f"b{i}", text=t) for i, t in enumerate(background)]
        for mode in (True, False):
            t0 = time.perf_counter()
            res = dedup(arts, DedupConfig(keep="longest", containment_candidates=mode))
            secs = time.perf_counter() - t0
            hit = sum(
                d.reason.startswith("contained") and d.duplicate_of == f"p{d.id[1:]}"
                for d in res.decisions
                if d.id.startswith("s")
            )
            wrong = sum(
                d.reason.startswith("contained")
                and not (d.id.startswith("s") and d.duplicate_of == f"p{d.id[1:]}")
                for d in res.decisions
            )
            label = "samples+LSH" if mode else "LSH only"
            print(
                f"{k:>6} {label:<12} {hit / len(shorts):>7.3f} {wrong:>6} {len(arts):>6} "
                f"{secs:>8.1f}"
            )


if __name__ == "__main__":
    main()
