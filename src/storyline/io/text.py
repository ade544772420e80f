"""Plain-text files: one article per file, id = path relative to the input root."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storyline.config import ReadConfig
from storyline.data import Article
from storyline.errors import RecordError
from storyline.io.base import TOO_LARGE_HINT, Bad, Item, check_text, guard
from storyline.io.compression import open_binary
from storyline.io.jsonl import decode


def read_limited(path: Path, config: ReadConfig) -> bytes:
    """Read at most max_bytes (+1 to detect overflow) so a huge file never loads whole."""
    with open_binary(path) as stream:
        data = stream.read(config.max_bytes + 1)
    if len(data) > config.max_bytes:
        raise RecordError(f"document is larger than max_bytes={config.max_bytes}",
                          where=f"{path}#0", hint=TOO_LARGE_HINT)
    return data


def read_txt(path: Path, config: ReadConfig, root: Path | None = None) -> Iterator[Item]:
    try:
        data = read_limited(path, config)
    except RecordError as exc:
        yield Bad(exc)
        return
    rel = path.relative_to(root).as_posix() if root else path.name
    yield guard(_to_article, data, path, rel, config)


def _to_article(data: bytes, path: Path, rel: str, config: ReadConfig) -> Article:
    where = f"{path}#0"
    text = check_text(decode(data, where, config), where, config)
    return Article(id=rel, text=text, raw=text, where=where)
