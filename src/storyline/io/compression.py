"""Transparent gzip/zstd decompression so every text format also works compressed."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

from storyline.errors import InputError

COMPRESSIONS = (".gz", ".zst")


def strip_compression(path: Path) -> tuple[str, str | None]:
    """Return (name without compression suffix, compression suffix or None)."""
    name = path.name.lower()
    for suf in COMPRESSIONS:
        if name.endswith(suf):
            return name[: -len(suf)], suf
    return name, None


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for binary reading, decompressing by suffix; missing files give InputError."""
    if not path.exists():
        raise InputError(
            f"input file {path} does not exist",
            where=str(path),
            hint="check the path and that the file was not moved",
        )
    _, comp = strip_compression(path)
    raw = open(path, "rb")  # noqa: SIM115 - returned to caller, closed by it
    if comp == ".gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if comp == ".zst":
        import zstandard

        # the zstd reader has no readline(); buffering adds it
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))
    return raw


def is_truncation(exc: BaseException) -> bool:
    """True when ``exc`` means a compressed stream ended early or is corrupt."""
    if isinstance(exc, (EOFError, gzip.BadGzipFile)):
        return True
    mod = type(exc).__module__ or ""
    return mod.startswith("zstd") or (isinstance(exc, OSError) and "zstd" in str(exc).lower())
