"""The fitted link model: standardized linear models, relation thresholds, the model file.

Coefficients live in ``storyline/resources/link-model.json`` (written by ``benchmarks/fit_link.py``);
inference is plain numpy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import ConfigError

_MODEL_FILE = "link-model.json"


@dataclass(frozen=True)
class LinearModel:
    """Standardized linear model: ``y = intercept + coef . ((x - mean) / scale)``, clipped;
    ``link='logistic'`` applies the logistic function first."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    lo: float
    hi: float
    link: str = "identity"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LinearModel:
        return cls(
            tuple(d["features"]),
            np.asarray(d["mean"], dtype=np.float64),
            np.asarray(d["scale"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            float(d["intercept"]),
            float(d["lo"]),
            float(d["hi"]),
            str(d.get("link", "identity")),
        )

    @property
    def weights(self) -> tuple[np.ndarray, float]:
        """Coefficients folded onto raw inputs: ``y = w . x + b`` (before link and clipping)."""
        w = self.coef / self.scale
        return w, self.intercept - float(np.dot(w, self.mean))

    def finish(self, y: float) -> float:
        if self.link == "logistic":
            y = 1.0 / (1.0 + math.exp(-max(min(y, 50.0), -50.0)))
        return min(max(y, self.lo), self.hi)

    def predict(self, x: np.ndarray) -> float:
        return self.finish(self.intercept + float(np.dot(self.coef, (x - self.mean) / self.scale)))

    def predict_many(self, X: np.ndarray) -> np.ndarray:
        """:meth:`predict` for every row of ``X`` at once (used when fitting and in CV)."""
        y = self.intercept + ((X - self.mean) / self.scale) @ self.coef
        if self.link == "logistic":
            y = 1.0 / (1.0 + np.exp(-np.clip(y, -50.0, 50.0)))
        return np.clip(y, self.lo, self.hi)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form :meth:`from_dict` reads (what ``benchmarks/fit_link.py`` ships)."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "coef": [round(float(v), 8) for v in self.coef],
            "intercept": round(self.intercept, 8),
            "lo": self.lo,
            "hi": self.hi,
            "link": self.link,
        }


@dataclass(frozen=True)
class RelationThresholds:
    """Cut-offs of the relation decision (fitted on labelled synthetic pairs; see README)."""

    near_duplicate_jaccard: float = 0.8
    near_duplicate_containment: float = 0.9
    same_story: float = 0.5  # on the same_story probability
    related: float = 0.2  # on similarity
    revision_containment: float = 0.15
    # without a known source on both sides: share of verbatim sentences a revision must keep
    revision_sentences: float = 0.3


@dataclass(frozen=True)
class LinkModel:
    version: int
    similarity: LinearModel
    same_story: LinearModel
    dimensions: dict[str, LinearModel]
    thresholds: RelationThresholds
    info: dict[str, Any]

    def __post_init__(self) -> None:
        models = [self.similarity, self.same_story, *self.dimensions.values()]
        feats = self.similarity.features
        if any(m.features != feats for m in models):
            raise ConfigError("link model parts use different feature lists", hint="refit the model")
        ws = [m.weights for m in models]
        object.__setattr__(self, "_W", np.vstack([w for w, _ in ws]))
        object.__setattr__(self, "_b", np.array([b for _, b in ws]))
        object.__setattr__(self, "_parts", models)

    def predict_all(self, x: np.ndarray) -> tuple[float, float, dict[str, float]]:
        """(similarity, same-story probability, dimensions) from one design vector."""
        raw = self._W @ x + self._b  # type: ignore[attr-defined]
        parts: list[LinearModel] = self._parts  # type: ignore[attr-defined]
        sim = parts[0].finish(float(raw[0]))
        p_same = parts[1].finish(float(raw[1]))
        dims = {
            name: parts[2 + i].finish(float(raw[2 + i])) for i, name in enumerate(self.dimensions)
        }
        return sim, p_same, dims




def load_model_file(path: Path | None) -> dict[str, Any]:
    """The model file's JSON (``None``: the packaged model); ConfigError when unreadable."""
    if path is None:
        return _packaged_model()
    try:
        data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read link model {path}: {exc}",
            hint="pass a file written by benchmarks/fit_link.py, or omit it for the packaged model",
        ) from exc
    return data


@lru_cache(maxsize=1)
def _packaged_model() -> dict[str, Any]:
    path = resources.files("storyline.resources").joinpath(_MODEL_FILE)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def parse_model(data: Mapping[str, Any], variant: str) -> LinkModel:
    """One variant of a model file (``lexical``, ``embeddings``, ...) as a LinkModel."""
    if data.get("version") != 1:
        raise ConfigError(
            f"unsupported link model version {data.get('version')!r}", hint="refit with benchmarks/fit_link.py"
        )
    if variant not in data["models"]:
        raise ConfigError(f"link model has no {variant!r} variant", hint="refit with benchmarks/fit_link.py")
    m = data["models"][variant]
    dims = {k: LinearModel.from_dict(v) for k, v in m["dimensions"].items()}
    return LinkModel(
        version=1,
        similarity=LinearModel.from_dict(m["similarity"]),
        same_story=LinearModel.from_dict(m["same_story"]),
        dimensions=dims,
        thresholds=RelationThresholds(**m.get("relation", {})),
        info={k: data[k] for k in ("created_by", "trained_on", "cv") if k in data},
    )

