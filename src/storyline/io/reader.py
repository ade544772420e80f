"""The one entry point: stream Articles from many files with fail/skip accounting."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.config import ReadConfig
from storyline.data import Article, Rejected
from storyline.errors import FormatError, InputError, StorylineError
from storyline.io.base import Bad, ReadStats, Skip
from storyline.io.compression import is_truncation
from storyline.io.registry import detect_format, expand, reader_for


def read_articles(
    paths: Iterable[str | Path],
    config: ReadConfig | None = None,
    stats: ReadStats | None = None,
) -> Iterator[Article]:
    """Yield articles from files/directories/globs in a stable order, constant memory.

    Under ``on_error='fail'`` the first bad record raises a StorylineError naming file and
    line; under ``'skip'`` it is counted in ``stats`` (rejected + rejects) and reading goes on.
    """
    config = config or ReadConfig()
    stats = stats if stats is not None else ReadStats()
    for given in paths:
        for path, root in expand(Path(given)):
            in_dir = root is not None and config.input_format is None
            try:
                fmt = detect_format(path, config.input_format)
            except FormatError as exc:
                if in_dir:  # unrelated files in a directory are not input: counted, listed
                    _skip_file(stats, path, exc)
                    continue
                raise
            try:
                yield from _read_file(path, root, fmt, config, stats)
            except StorylineError as exc:
                if config.on_error == "fail":
                    raise
                _reject(stats, exc.where or str(path), str(exc), "")


def _skip_file(stats: ReadStats, path: Path, exc: FormatError) -> None:
    """A file no reader handles: skipped, and listed with the rejects (the --rejects file)."""
    stats.read += 1
    stats.skipped += 1
    reason = f"skipped: no reader for this file ({exc.message}); {exc.hint}"
    stats.rejects.append(Rejected(str(path), reason, ""))


def _reject(stats: ReadStats, where: str, reason: str, snippet: str) -> None:
    stats.read += 1
    stats.rejected += 1
    stats.rejects.append(Rejected(where, reason, snippet))


def _read_file(path: Path, root: Path | None, fmt: str, config: ReadConfig,
               stats: ReadStats) -> Iterator[Article]:
    reader = reader_for(fmt, root)
    it = reader(path, config)
    while True:
        try:
            item = next(it)
        except StopIteration:
            return
        except StorylineError:
            raise
        except Exception as exc:
            if is_truncation(exc) or isinstance(exc, OSError):
                raise InputError(
                    f"file is truncated or corrupt ({type(exc).__name__}: {exc}); "
                    f"{stats.read} records were read before it",
                    where=str(path), hint="re-download or re-compress the file") from exc
            raise FormatError(f"could not read file ({type(exc).__name__}: {exc})",
                              where=str(path), hint="check the file matches its format") from exc
        if isinstance(item, Skip):
            stats.read += 1
            stats.skipped += 1
            continue
        if isinstance(item, Bad):
            if config.on_error == "fail":
                raise item.error
            _reject(stats, item.error.where or str(path), str(item.error), item.snippet)
            continue
        stats.read += 1
        stats.accepted += 1
        yield item
