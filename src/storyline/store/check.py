"""``storyline index check``: find every damaged record of a store, by row, with the fix.

SQLite's ``integrity_check`` finds damaged pages; it cannot see a blob whose bytes were
replaced (random bytes, a zlib bomb, a foreign pickle) or a config row edited by hand. So the
check also decodes every stored blob the way the store reads it (bounded inflation, the
assigner's own feature codec) and parses the config row, and adds the cross-table consistency
checks of :meth:`Store.check`. Each problem names its row (table, seq and article id) and the
fix, so a user can restore those articles (re-add them to a rebuilt store) or the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from storyline.errors import DamagedDataError, StorylineError
from storyline.store import tables as T
from storyline.store.db import DAMAGE_HINT, Store, parse_config, unpack

_REBUILD = ("rebuild the store without them: storyline index export DB --text --out all.jsonl "
            "(damaged rows come out without text), then storyline index add NEW.db with the "
            "articles' original files; or restore the file from a backup")
FIX = {
    "file": DAMAGE_HINT,
    "config": "restore the file from a backup (the config row fixes how every stored signature "
              "was computed, so it cannot be guessed back)",
    "text": "re-add these articles from their original files to a rebuilt store: " + _REBUILD,
    "signature": "re-add these articles from their original files to a rebuilt store: " + _REBUILD,
    "features": "the articles themselves are intact and still served; their story state is "
                "rebuilt without them. To restore it: " + _REBUILD,
    "consistency": DAMAGE_HINT,
}


@dataclass(frozen=True, slots=True)
class Damage:
    """One problem: what kind (file, config, text, signature, features, consistency), which
    row (``seq``/``id`` when it is one article's), what is wrong and how to fix it."""

    kind: str
    where: str
    problem: str
    seq: int | None = None
    id: str | None = None

    @property
    def fix(self) -> str:
        return FIX[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"fix": self.fix}


def check_store(store: Store, decode: Callable[[str | None, bytes, str | None], Any] | None = None,
                *, batch: int = 500) -> list[Damage]:
    """Every problem found in ``store`` (empty when it is sound). ``decode(kind, data, text)``
    reads a features blob (the assigner's codec); without it features are not decoded."""
    out: list[Damage] = []
    try:
        ic = [str(r[0]) for r in store.conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        ic = [str(exc)]
    if ic != ["ok"]:
        out += [Damage("file", str(store.path), f"integrity_check: {m}") for m in ic]
    for step in (_config, _texts, _signatures, _features, _consistency):
        try:
            out += list(step(store, decode, batch))
        except sqlite3.DatabaseError as exc:  # a damaged page ends this scan, not the check
            out.append(Damage("file", f"{store.path} ({step.__name__.strip('_')})",
                              f"SQLite cannot read on: {exc}"))
    return out


def _config(store: Store, decode: Any, batch: int) -> Iterator[Damage]:
    row = store.conn.execute(T.GET_META, ("config",)).fetchone()
    if row is None:
        yield Damage("config", "meta row 'config'", "the config row is missing")
        return
    try:
        parse_config(row[0])
    except StorylineError as exc:
        yield Damage("config", "meta row 'config'", exc.message)


def _rows(store: Store, sql: str, batch: int) -> Iterator[tuple[Any, ...]]:
    """Every row of ``sql`` (keyed by seq, first column), read ``batch`` rows at a time."""
    last = 0
    while True:
        rows = store.conn.execute(sql, (last, batch)).fetchall()
        if not rows:
            return
        yield from rows
        last = int(rows[-1][0])


def _texts(store: Store, decode: Any, batch: int) -> Iterator[Damage]:
    for seq, aid, raw, original, text in _rows(store, T.TEXTS_AFTER, batch):
        for name, blob in (("raw", raw), ("original", original), ("text", text)):
            where = f"articles row {seq} ({aid!r}), {name}"
            try:
                unpack(None if blob is None else bytes(blob), where=where)
            except DamagedDataError as exc:
                yield Damage("text", where, exc.message, seq, aid)


def _signatures(store: Store, decode: Any, batch: int) -> Iterator[Damage]:
    want = 4 * store.config.minhash.num_perm
    for seq, aid, sig in _rows(store, T.SIGNATURES_AFTER, batch):
        if sig is None or len(sig) != want:
            size = "none" if sig is None else f"{len(sig)} bytes"
            yield Damage("signature", f"signatures row {seq} ({aid!r})",
                         f"MinHash signature is {size}, not {want} bytes", seq, aid)


def _features(store: Store, decode: Any, batch: int) -> Iterator[Damage]:
    if decode is None:
        return
    for seq, aid, kind, data, text_z in _rows(store, T.FEATURES_AFTER, batch):
        try:
            text = unpack(None if text_z is None else bytes(text_z))
        except DamagedDataError:
            text = None  # reported with the article's texts
        try:
            decode(kind, bytes(data), text)
        except DamagedDataError as exc:
            yield Damage("features", f"features row {seq} ({aid!r})", exc.message, seq, aid)


def _consistency(store: Store, decode: Any, batch: int) -> Iterator[Damage]:
    for p in store.check(integrity=False):
        yield Damage("consistency", str(store.path), p)
