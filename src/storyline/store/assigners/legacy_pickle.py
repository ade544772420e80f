"""Read-only support for feature records written before the scorer codecs (kind ``pickle-zlib/1``).

Stores written by earlier storyline versions hold each article's features as a zlib-compressed
pickle. They are read here once, through a restricted unpickler that only builds the feature
classes, dates, containers and numpy arrays (a tampered record can fail, never run code), with
bounded inflation, and the indexer rewrites them in the scorer's own codec
(:meth:`storyline.store.Indexer.upgrade_features`). Nothing writes this format any more.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from typing import Any

from storyline.blobs import FEATURES_LIMIT, inflate
from storyline.errors import DamagedDataError

KIND = "pickle-zlib/1"
_TEXT_FROM_STORE = "\x00<text in store>"

# (module, name) pairs a stored feature record may reference; anything else is refused.
_ALLOWED_GLOBALS: set[tuple[str, str]] = {
    ("storyline.link", "ArticleFeatures"),
    ("storyline.features.facts", "NumberFact"),
    ("storyline.features.facts", "DateFact"),
    ("storyline.features.facts", "Quote"),
    ("datetime", "date"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
}


class _FeatureUnpickler(pickle.Unpickler):
    """Unpickler that only resolves the globals in ``_ALLOWED_GLOBALS`` (no code execution)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_GLOBALS:
            raise DamagedDataError(
                f"stored features reference {module}.{name}, which a feature record never holds; "
                "the store file may be corrupt or tampered with"
            )
        return super().find_class(module, name)


def allow_feature_class(cls: type) -> None:
    """Let old records of a custom scorer's feature class be read back (once, to upgrade)."""
    _ALLOWED_GLOBALS.add((cls.__module__, cls.__qualname__))


def decode_legacy(data: bytes, text: str | None, *, where: str | None = None) -> Any:
    """The features an old store pickled; :class:`DamagedDataError` when they do not load."""
    raw = inflate(data, FEATURES_LIMIT, what="stored features", where=where)
    try:
        feats = _FeatureUnpickler(io.BytesIO(raw)).load()
    except DamagedDataError as exc:
        raise DamagedDataError(exc.message, where=where) from None
    except Exception as exc:  # a pickle stream can fail in many ways; none may escape raw
        raise DamagedDataError(
            f"stored features do not unpickle ({type(exc).__name__}: {exc})", where=where
        ) from None
    if dataclasses.is_dataclass(feats) and getattr(feats, "text", None) == _TEXT_FROM_STORE:
        feats = dataclasses.replace(feats, text=text or "")  # type: ignore[type-var]
    return feats
