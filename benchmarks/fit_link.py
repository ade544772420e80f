"""Fit the pair scorer and write src/storyline/resources/link-model.json.

Method
- Signals (storyline.link.compute_signals) for the 161 SemEval-2022 Task 8 English training
  pairs (target similarity = (4 - overall) / 3) and for labelled synthetic pairs from
  storyline.synth (same story -> 1, same topic other event -> 1/3, unrelated -> 0).
- Weighted ridge (numpy) on the design features; the synthetic pairs' total weight is a
  fraction of the SemEval weight. alpha and that fraction are chosen by 5-fold CV on SemEval
  (synthetic pairs always in training, never scored).
- Per-dimension ridge models (geography, entities, time, narrative, style, tone) on SemEval only.
- Relation thresholds on the final model's similarity of the synthetic pairs (balanced accuracy
  of same story / related / unrelated); revision_containment by accuracy among same-origin pairs.
Two variants: 'lexical' (no embeddings) and 'embeddings' (adds MiniLM cosine) when available.

Run: .venv/bin/python benchmarks/fit_link.py [--no-embeddings]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from linkdata import (
    ROOT,
    SAME_GROUP,
    SEMEVAL,
    SYNTH_TARGET,
    PairSet,
    embedder_or_none,
    load_semeval,
    machine,
    matrix,
    semeval_pairs,
    synth_pairs,
    timed,
)

from storyline.eval.pairs import binary_scores, pearson
from storyline.link import (
    DIMENSIONS,
    EMBEDDING_FEATURES,
    FEATURE_SIGNS,
    LEXICAL_FEATURES,
    LinearModel,
    Linker,
)
from storyline.linkfit import RidgeFit, cv_predict, fit_logistic, fit_ridge

OUT = ROOT / "src" / "storyline" / "resources" / "link-model.json"
ALPHAS = (0.3, 1.0, 3.0, 10.0, 30.0)
SYNTH_FRACTIONS = (0.0, 0.1, 0.3, 1.0)
SYNTH_SEED, SYNTH_N, SYNTH_PER_KIND = 11, 500, 80


DIM_SIGNS = {k: -v for k, v in FEATURE_SIGNS.items()}  # ratings: 1 = same, 4 = different


def _fitter(names: tuple[str, ...], alpha: float, lo: float, hi: float, signs: dict[str, int]) -> Any:
    def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray | None, _: Any) -> RidgeFit:
        return fit_ridge(X, y, names, alpha=alpha, weights=w, lo=lo, hi=hi, signs=signs)

    return fit


def select_and_cv(
    X: np.ndarray, y: np.ndarray, names: tuple[str, ...], Xs: np.ndarray | None, ys: np.ndarray | None,
    lo: float, hi: float, signs: dict[str, int], fractions: tuple[float, ...] = SYNTH_FRACTIONS,
) -> tuple[float, float, float, dict[str, float]]:
    """Grid over (alpha, synthetic fraction) by 5-fold CV Pearson; returns best and the grid."""
    grid: dict[str, float] = {}
    best = (-2.0, 1.0, 0.0)
    for alpha, frac in itertools.product(ALPHAS, fractions if Xs is not None else (0.0,)):
        extra = None
        if Xs is not None and ys is not None and frac > 0:
            w = np.full(len(ys), frac * len(y) * 0.8 / len(ys))
            extra = (Xs, ys, w)
        pred = cv_predict(X, y, _fitter(names, alpha, lo, hi, signs), k=5, seed=0, extra=extra)
        r = pearson(list(pred), list(y))
        grid[f"alpha={alpha:g} synth={frac:g}"] = round(r, 4)
        if r > best[0]:
            best = (r, alpha, frac)
    return best[0], best[1], best[2], grid


def fit_variant(
    names: tuple[str, ...], sem: PairSet, syn: PairSet
) -> tuple[dict[str, Any], dict[str, Any]]:
    X = matrix(sem.signals, names)
    y = np.array([(4.0 - r["overall"]) / 3.0 for r in sem.ratings])
    Xs = matrix(syn.signals, names)
    ys = np.array([SYNTH_TARGET[lab] for lab in syn.labels])
    r, alpha, frac, grid = select_and_cv(X, y, names, Xs, ys, 0.0, 1.0, FEATURE_SIGNS)
    w = np.concatenate([np.ones(len(y)), np.full(len(ys), frac * len(y) / len(ys))])
    sim_model = fit_ridge(np.vstack([X, Xs]), np.concatenate([y, ys]), names, alpha, w, 0.0, 1.0, FEATURE_SIGNS)
    cv: dict[str, Any] = {"similarity_vs_-overall": round(r, 4), "alpha": alpha, "synth_fraction": frac, "grid": grid}
    dims: dict[str, Any] = {}
    for dim in DIMENSIONS:
        if dim == "overall":
            continue
        yd = np.array([rt[dim] for rt in sem.ratings])
        rd, ad, _, _ = select_and_cv(X, yd, names, None, None, 1.0, 4.0, DIM_SIGNS)
        dims[dim] = fit_ridge(X, yd, names, ad, None, 1.0, 4.0, DIM_SIGNS).to_dict()
        cv[f"dim_{dim}"] = round(rd, 4)
    cv["dim_overall"] = round(r, 4)  # overall = 4 - 3 * similarity
    return {"similarity": sim_model.to_dict(), "dimensions": dims}, cv


META_SIGNALS = ("title", "has_titles", "same_source", "pub_gap")


def strip_meta(signals: list[dict[str, float]]) -> list[dict[str, float]]:
    """The same pairs as if titles, sources and publication dates were unknown."""
    return [s | {k: 0.0 for k in META_SIGNALS} for s in signals]


def same_story_data(
    sem: PairSet, syn: PairSet, names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """SemEval (same story = overall <= 2) and synthetic pairs, the latter also without metadata."""
    X = matrix(sem.signals, names)
    y = np.array([1.0 if r["overall"] <= 2.0 else 0.0 for r in sem.ratings])
    sig = syn.signals + strip_meta(syn.signals)
    Xs = matrix(sig, names)
    ys = np.array([1.0 if lab in SAME_GROUP else 0.0 for lab in syn.labels] * 2)
    ws = np.full(len(ys), SAME_STORY_SYNTH_WEIGHT * len(y) / len(ys))
    return X, y, Xs, ys, ws, np.ones(len(y))


SAME_STORY_ALPHA = 1.0
SAME_STORY_SYNTH_WEIGHT = 1.0  # synthetic pairs' total weight relative to SemEval's


def fit_same_story(sem: PairSet, syn: PairSet, names: tuple[str, ...]) -> tuple[RidgeFit, dict[str, Any]]:
    X, y, Xs, ys, ws, w = same_story_data(sem, syn, names)
    model = fit_logistic(np.vstack([X, Xs]), np.concatenate([y, ys]), names, SAME_STORY_ALPHA, np.concatenate([w, ws]))

    def fit(Xt: np.ndarray, yt: np.ndarray, wt: np.ndarray | None, _: Any) -> RidgeFit:
        return fit_logistic(Xt, yt, names, SAME_STORY_ALPHA, wt)

    pred = cv_predict(X, y, fit, k=5, seed=0, extra=(Xs, ys, ws))
    b = binary_scores(list(pred >= 0.5), list(y >= 0.5))
    return model, {"semeval_cv_same_story_f1": round(b.f1, 4), "semeval_cv_same_story_accuracy": round(b.accuracy, 4)}


def fit_relation(sim_model: RidgeFit, same_model: RidgeFit, syn: PairSet, names: tuple[str, ...]) -> dict[str, Any]:
    X = matrix(syn.signals, names)
    sims = sim_model.predict(X)
    p_same = same_model.predict(X)
    # related vs unrelated among pairs the classifier calls different stories
    rel = [(s, lab) for s, p, lab in zip(sims, p_same, syn.labels, strict=True) if p < 0.5 and lab in ("related", "unrelated")]
    best_r = (-1.0, 0.2)
    for t in [i / 100 for i in range(2, 90)]:
        acc_r = np.mean([s >= t for s, lab in rel if lab == "related"] or [0])
        acc_u = np.mean([s < t for s, lab in rel if lab == "unrelated"] or [0])
        bal = float(acc_r + acc_u) / 2
        if bal > best_r[0] + 1e-12:
            best_r = (bal, t)
    # revision vs same_story among same-origin pairs judged same story
    best = (-1.0, 0.1)
    for c in [i / 100 for i in range(0, 61, 2)]:
        ok = n = 0
        for p, sig, lab in zip(p_same, syn.signals, syn.labels, strict=True):
            if p < 0.5 or lab not in ("revision", "same_story") or sig["jaccard"] >= 0.8:
                continue
            same_origin = sig["same_source"] > 0 or sig["dateline_same"] > 0
            pred = "revision" if same_origin and sig["containment"] >= c else "same_story"
            ok += pred == lab
            n += 1
        acc = ok / n if n else 0.0
        if acc > best[0] + 1e-12:
            best = (acc, c)
    return {
        "near_duplicate_jaccard": 0.8,
        "near_duplicate_containment": 0.9,
        "same_story": 0.5,
        "related": round(best_r[1], 4),
        "revision_containment": best[1],
        "_fit": {"related_balanced_accuracy_train": round(best_r[0], 4), "revision_accuracy_train": round(best[0], 4)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    print(f"fit_link: machine {machine()}; data {SEMEVAL.name} + synth n={SYNTH_N} seed={SYNTH_SEED}")
    if not SEMEVAL.exists():
        raise SystemExit(f"missing {SEMEVAL}")
    embedder = embedder_or_none(not args.no_embeddings)
    linker = Linker(None, embedder=embedder)
    t0 = time.perf_counter()
    sem = semeval_pairs(linker, load_semeval())
    timed("semeval features", t0)
    t0 = time.perf_counter()
    syn = synth_pairs(linker, SYNTH_N, SYNTH_SEED, SYNTH_PER_KIND)
    timed(f"synthetic features ({len(syn.labels)} pairs)", t0)
    models: dict[str, Any] = {}
    cvs: dict[str, Any] = {}
    variants = [("lexical", LEXICAL_FEATURES)]
    if embedder is not None:
        variants.append(("embeddings", EMBEDDING_FEATURES))
    for name, feats in variants:
        t0 = time.perf_counter()
        m, cv = fit_variant(tuple(feats), sem, syn)
        models[name] = m
        cvs[name] = cv
        timed(f"fit {name}", t0)
        print(f"  {name}: 5-fold CV Pearson similarity vs -overall = {cv['similarity_vs_-overall']}")
        print("   dims: " + ", ".join(f"{k[4:]} {v}" for k, v in cv.items() if k.startswith("dim_")))
        same_model, same_cv = fit_same_story(sem, syn, tuple(feats))
        m["same_story"] = same_model.to_dict()
        cv.update(same_cv)
        print(f"  same-story classifier: {same_cv}")
        sm = LinearModel.from_dict(m["similarity"])
        relation = fit_relation(
            RidgeFit(sm.features, sm.mean, sm.scale, sm.coef, sm.intercept, sm.lo, sm.hi),
            same_model, syn, tuple(feats),
        )
        cv["relation_train"] = relation.pop("_fit")
        m["relation"] = relation
        print(f"  relation thresholds: {relation}")
    data = {
        "version": 1,
        "created_by": "benchmarks/fit_link.py",
        "trained_on": f"{SEMEVAL.name} (161 pairs) + storyline.synth n={SYNTH_N} seed={SYNTH_SEED} "
        f"({len(syn.labels)} labelled pairs, {', '.join(SAME_GROUP)} / related / unrelated)",
        "cv": cvs,
        "models": models,
    }
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
