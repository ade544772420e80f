"""Fitting the link model: weighted ridge regression in numpy, k-fold CV, threshold search.

Used by ``benchmarks/fit_link.py`` (writes the packaged model) and ``benchmarks/stories.py``
(reports cross-validated numbers). Kept out of ``storyline.link`` so inference stays small.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from storyline.eval.pairs import pearson
from storyline.link import LinearModel

__all__ = [
    "fit_ridge",
    "widen",
    "kfold_indices",
    "cv_predict",
    "fit_thresholds",
]


def _weighted_scaling(
    X: np.ndarray, n: int, weights: np.ndarray | None
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """The row weights, their sum, and the weighted column mean and spread (a constant column
    gets spread 1): both fits standardize with these so that alpha means the same on any scale."""
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    wsum = w.sum()
    mean = (w[:, None] * X).sum(axis=0) / wsum
    scale = np.sqrt((w[:, None] * (X - mean) ** 2).sum(axis=0) / wsum)
    scale[scale < 1e-9] = 1.0
    return w, wsum, mean, scale


def fit_ridge(
    X: np.ndarray,
    y: np.ndarray,
    features: Sequence[str],
    alpha: float = 1.0,
    weights: np.ndarray | None = None,
    lo: float = -np.inf,
    hi: float = np.inf,
    signs: Mapping[str, int] | None = None,
) -> LinearModel:
    """Weighted ridge on standardized columns (alpha scaled by total weight).

    ``signs`` constrains coefficients (+1: >= 0, -1: <= 0, absent/0: free) so that more overlap
    never lowers the score and a conflict never raises it: the model then extrapolates sanely
    to pairs unlike its training data (solved with scipy's bounded least squares).
    """
    w, wsum, mean, scale = _weighted_scaling(X, len(y), weights)
    Z = (X - mean) / scale
    ym = float((w * y).sum() / wsum)
    lam = alpha * wsum / len(y)
    A = Z.T @ (w[:, None] * Z) + lam * np.eye(Z.shape[1])
    coef = np.linalg.solve(A, Z.T @ (w * (y - ym)))
    sgn = np.array([signs.get(f, 0) if signs else 0 for f in features])
    if signs and np.any(sgn * coef < -1e-12):  # a constraint is violated: solve bounded
        from scipy.optimize import lsq_linear

        sw = np.sqrt(w)
        A = np.vstack([sw[:, None] * Z, math.sqrt(lam) * np.eye(Z.shape[1])])
        b = np.concatenate([sw * (y - ym), np.zeros(Z.shape[1])])
        lo_b = np.array([0.0 if signs.get(f, 0) > 0 else -np.inf for f in features])
        hi_b = np.array([0.0 if signs.get(f, 0) < 0 else np.inf for f in features])
        coef = lsq_linear(A, b, bounds=(lo_b, hi_b), method="bvls").x
    return LinearModel(tuple(features), mean, scale, coef, ym, float(lo), float(hi))


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    features: Sequence[str],
    alpha: float = 1.0,
    weights: np.ndarray | None = None,
    iters: int = 50,
) -> LinearModel:
    """L2-regularized weighted logistic regression by Newton steps on standardized columns."""
    w, wsum, mean, scale = _weighted_scaling(X, len(y), weights)
    Z = np.hstack([np.ones((len(y), 1)), (X - mean) / scale])
    beta = np.zeros(Z.shape[1])
    reg = alpha * wsum / len(y) * np.eye(Z.shape[1])
    reg[0, 0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(Z @ beta)))
        g = Z.T @ (w * (p - y)) + reg @ beta
        H = Z.T @ ((w * p * (1 - p))[:, None] * Z) + reg + 1e-9 * np.eye(Z.shape[1])
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return LinearModel(tuple(features), mean, scale, beta[1:], float(beta[0]), 0.0, 1.0, "logistic")


def widen(model: LinearModel, features: Sequence[str]) -> LinearModel:
    """The same model over a wider feature list (zero weight on the added inputs), so that parts
    fitted on different designs share one input vector (``LinkModel`` needs one list)."""
    pos = {f: i for i, f in enumerate(model.features)}
    if missing := [f for f in model.features if f not in set(features)]:
        raise ValueError(f"widen: {missing} not in the new feature list")
    take = [pos.get(f, -1) for f in features]
    pick = lambda v, fill: np.array([v[i] if i >= 0 else fill for i in take])  # noqa: E731
    return LinearModel(
        tuple(features), pick(model.mean, 0.0), pick(model.scale, 1.0), pick(model.coef, 0.0),
        model.intercept, model.lo, model.hi, model.link,
    )


def kfold_indices(n: int, k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """k disjoint test folds over range(n), shuffled with a fixed seed."""
    idx = list(range(n))
    random.Random(seed).shuffle(idx)
    return [np.array(sorted(idx[i::k])) for i in range(k)]


def cv_predict(
    X: np.ndarray,
    y: np.ndarray,
    fit: Callable[[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None], LinearModel],
    k: int = 5,
    seed: int = 0,
    extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Out-of-fold predictions for (X, y); ``extra`` (X, y, weights) is added to every training
    fold but never predicted (the synthetic pairs)."""
    pred = np.empty(len(y))
    for test in kfold_indices(len(y), k, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        Xt, yt = X[train], y[train]
        wt = np.ones(len(train))
        if extra is not None:
            Xt = np.vstack([Xt, extra[0]])
            yt = np.concatenate([yt, extra[1]])
            wt = np.concatenate([wt, extra[2]])
        model = fit(Xt, yt, wt, None)
        pred[test] = model.predict_many(X[test])
    return pred


def cv_pearson(pred: np.ndarray, target: np.ndarray) -> float:
    return pearson(list(map(float, pred)), list(map(float, target)))


def fit_thresholds(
    sims: Sequence[float], labels: Sequence[str], grid: Sequence[float] | None = None
) -> dict[str, Any]:
    """Pick same_story and related cut-offs that maximize balanced accuracy over three groups:
    same story (duplicate/near_duplicate/revision/same_story), related and unrelated."""
    grid = grid or [i / 100 for i in range(5, 96)]
    group = ["same" if lab in ("duplicate", "near_duplicate", "revision", "same_story") else lab for lab in labels]
    classes = sorted(set(group))
    best: tuple[float, float, float] = (-1.0, 0.5, 0.2)
    for hi in grid:
        for lo in grid:
            if lo >= hi:
                continue
            pred = ["same" if s >= hi else "related" if s >= lo else "unrelated" for s in sims]
            accs = []
            for c in classes:
                members = [p for p, g in zip(pred, group, strict=True) if g == c]
                accs.append(sum(1 for p in members if p == c) / len(members))
            bal = float(np.mean(accs))
            if bal > best[0] + 1e-12:
                best = (bal, hi, lo)
    return {"balanced_accuracy": best[0], "same_story": best[1], "related": best[2]}


def group_counts(labels: Sequence[str]) -> Mapping[str, int]:
    out: dict[str, int] = {}
    for lab in labels:
        out[lab] = out.get(lab, 0) + 1
    return out
