"""The optional ANN index over embeddings (usearch): nearest first, removal, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.errors import ConfigError

pytest.importorskip("usearch")

from storyline.index.ann import VectorIndex  # noqa: E402


def _vectors(n: int, dim: int = 24, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_nearest_first_and_removal() -> None:
    x = _vectors(200)
    idx: VectorIndex[str] = VectorIndex()
    for i, v in enumerate(x):
        idx.insert(f"k{i}", v)
    assert len(idx) == 200 and "k5" in idx
    got = idx.query(x[5], 5)
    assert got[0][0] == "k5" and got[0][1] == pytest.approx(1.0, abs=1e-5)
    exact = np.argsort(-(x @ x[5]))[:5]
    assert {k for k, _ in got} == {f"k{i}" for i in exact}  # small index: search is exact
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
    idx.remove("k5")
    assert "k5" not in idx and all(k != "k5" for k, _ in idx.query(x[5], 10))
    with pytest.raises(KeyError):
        idx.remove("k5")


def test_repeatable_and_checked() -> None:
    x = _vectors(300, seed=3)
    runs = []
    for _ in range(2):
        idx: VectorIndex[int] = VectorIndex()
        for i, v in enumerate(x):
            idx.insert(i, v)
        runs.append([idx.query(v, 8) for v in x[:50]])
    assert runs[0] == runs[1]
    with pytest.raises(ConfigError):
        idx.insert(0, x[0])  # duplicate key
    with pytest.raises(ConfigError):
        idx.insert(999, np.ones(5))  # wrong dimension
    assert VectorIndex().query(x[0], 3) == []
