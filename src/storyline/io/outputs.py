"""A run's JSONL outputs as one thing, whichever engine wrote them.

The local engine writes ``OUT/NAME.jsonl``; the Spark engine writes a folder of part files,
``OUT/NAME/part-*.jsonl`` (in output order by part name), or ``OUT/NAME.jsonl`` with
``--single-file``. The lines are the same either way, so one reader serves both.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.errors import InputError, RecordError
from storyline.io.writers import atomic_path

PART_GLOB = "part-*"


def output_files(out: str | Path, name: str, ext: str = ".jsonl") -> list[Path]:
    """The files that hold output ``name`` of a run in ``out``, to be read in this order:
    ``[OUT/NAME.jsonl]``, or the part files of ``OUT/NAME/`` sorted by name."""
    out = Path(out)
    single, folder = out / f"{name}{ext}", out / name
    parts = sorted(folder.glob(f"{PART_GLOB}{ext}")) if folder.is_dir() else []
    if single.is_file() and folder.is_dir():
        raise InputError(f"both {single} and the folder {folder}/ exist", where=str(out),
                         hint="they come from two runs: delete the older one")
    if single.is_file():
        return [single]
    if folder.is_dir():
        return parts
    raise InputError(f"no output {name!r} in {out}", where=str(out),
                     hint=f"expected {single.name} (local engine, or --single-file) or "
                          f"{name}/part-*{ext} (Spark engine)")


def read_output(out: str | Path, name: str) -> Iterator[dict[str, Any]]:
    """The records of JSONL output ``name`` (``decisions``, ``deduped``, ``assignments``,
    ``stories``, ``summary``...) of a run in ``out``, in output order, from either engine."""
    for path in output_files(out, name):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise RecordError(f"invalid JSON: {exc.msg}", where=f"{path}:{n}",
                                          hint="the output is damaged: run the job again") from exc


def name_parts(folder: Path, old: str = ".txt", new: str = ".jsonl") -> int:
    """Give the part files of a local Spark output folder the extension of what they hold (Spark's
    text writer always names them ``.txt``), checksum files too; return how many were renamed."""
    n = 0
    for part in sorted(folder.glob(f"{PART_GLOB}{old}")):
        renamed = part.with_name(part.name[: -len(old)] + new)
        part.rename(renamed)
        crc = folder / f".{part.name}.crc"
        if crc.exists():
            crc.rename(folder / f".{renamed.name}.crc")
        n += 1
    return n


def merge_parts(folder: Path, dest: Path, ext: str = ".jsonl") -> None:
    """Concatenate the part files of a local output folder, by name, into ``dest`` (atomically),
    then remove the folder: the single file a local run writes."""
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        for part in sorted(folder.glob(f"{PART_GLOB}{ext}")):
            with part.open("rb") as src:
                shutil.copyfileobj(src, fh)
    shutil.rmtree(folder)
