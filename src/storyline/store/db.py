"""The SQLite store: connection setup, migrations, transactions and read queries.

One file, WAL mode (readers never block the writer), a busy timeout so concurrent writers
wait instead of failing, and every write batch inside one ``BEGIN IMMEDIATE`` transaction: a
crash (even SIGKILL) leaves the store at the last committed batch, never half a batch.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.blobs import TEXT_LIMIT, inflate
from storyline.errors import DamagedDataError, InputError, StorylineError
from storyline.store import tables as T
from storyline.store.config import StoreConfig, parse_config
from storyline.store.cursors import STORY_ORDERS, decode_cursor, decode_size_cursor, encode_cursor
from storyline.store.schema import LATEST, MIGRATIONS

WAL_LIMIT = 16 * 1024 * 1024
"""Bytes the WAL file may reach before the committing writer checkpoints and truncates it (and
the size SQLite truncates it to when it restarts the log: ``journal_size_limit``)."""


class StoreError(StorylineError):
    """The store file is missing, not a storyline store, too new, or inconsistent."""

    code = "E020"


def pack(text: str) -> bytes:
    """Compress a text column: texts are most of a store's size and read only per article."""
    return zlib.compress(text.encode("utf-8"), 6)


def unpack(data: bytes | None, *, where: str | None = None) -> str | None:
    """A text column back; :class:`DamagedDataError` (never a raw zlib error, never unbounded
    memory) when the stored bytes are damaged."""
    if data is None:
        return None
    raw = inflate(data, TEXT_LIMIT, what="stored text", where=where)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DamagedDataError(f"stored text is not UTF-8 ({exc})", where=where) from None


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_ts(published: str | None, fallback: str) -> str:
    """A sortable UTC timestamp from a published date, or ``fallback`` when it does not parse."""
    if published:
        try:
            d = datetime.fromisoformat(published.strip())
        except ValueError:
            return fallback
        if d.tzinfo is not None:
            d = d.astimezone(UTC)
        return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return fallback


DAMAGE_HINT = ("run 'storyline index check DB' to list the damage; restore the file from a "
               "backup, or rebuild it: storyline index export DB --text --out all.jsonl, then "
               "storyline index add NEW.db all.jsonl")


class Store:
    """A storyline SQLite store. Use :meth:`create` or :meth:`open`; close when done.

    Thread use: each thread gets its own connection (``self.conn`` is per thread), so one Store
    can serve a threaded web server; writes take :attr:`write_lock` inside the process and
    SQLite's lock across processes.
    """

    def __init__(self, path: Path, config: StoreConfig, *, timeout: float = 30.0):
        self.path = Path(path)
        self.config = config
        self.timeout = timeout
        self.write_lock = threading.RLock()
        self.autocheckpoint = 1000  # WAL pages; 0: checkpoints are left to checkpoint()
        self._wal_path = self.path.with_name(self.path.name + "-wal")
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()

    # ------------------------------------------------------------------ open / create

    @classmethod
    def create(cls, path: Path | str, config: StoreConfig | None = None, *, exist_ok: bool = False) -> Store:
        """Create a new store file (or open an existing one when ``exist_ok``)."""
        path = Path(path)
        if path.exists():
            if exist_ok:
                return cls.open(path)
            raise StoreError(
                f"{path} already exists", hint="use another path, or add to it with 'storyline index add'"
            )
        cfg = (config or StoreConfig()).fixed()
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path, cfg)
        store._migrate()
        with store.transaction() as conn:
            conn.executemany(
                T.SET_META,
                [("config", json.dumps(cfg.to_meta(), sort_keys=True)), ("created_at", utc_now())],
            )
        return store

    @classmethod
    def open(cls, path: Path | str, *, timeout: float = 30.0, lenient: bool = False) -> Store:
        """Open an existing store, applying pending migrations; refuse a store from newer code.

        ``lenient`` (for ``storyline index check``): a damaged config row leaves the default
        settings in :attr:`config` instead of raising, so the rest can still be checked."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"no store at {path}", hint=f"create it with 'storyline index create {path}'")
        probe = cls(path, StoreConfig(), timeout=timeout)
        try:
            known = probe.conn.execute(T.IS_STORE).fetchone()[0]
            if known != 2:
                raise sqlite3.DatabaseError("no migrations/meta tables")
            probe._migrate()
            row = probe.conn.execute(T.GET_META, ("config",)).fetchone()
        except sqlite3.DatabaseError as exc:
            probe.close()
            if "malformed" in str(exc):
                raise StoreError(f"{path} is damaged: SQLite says {exc}", hint=DAMAGE_HINT) from None
            raise StoreError(f"{path} is not a storyline store ({exc})", hint="check the path") from exc
        if row is None:
            probe.close()
            raise StoreError(f"{path} has no storyline config", hint="create stores with 'storyline index create'")
        try:
            probe.config = parse_config(row[0])
        except StorylineError as exc:
            if lenient:
                return probe
            probe.close()
            raise StoreError(f"{path}: the stored config row is damaged ({exc.message})",
                             where=f"{path}#meta/config", hint=DAMAGE_HINT) from None
        return probe

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            # takes effect only on a new, empty file (before WAL and tables): lets compact() shrink
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            # bulk loads and reads of a large store: a bigger page cache, temp b-trees in
            # memory, reads through mmap (WAL keeps writes safe; this changes no semantics)
            conn.execute("PRAGMA cache_size = -65536")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA mmap_size = 268435456")
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(self.autocheckpoint)}")
            conn.execute(f"PRAGMA journal_size_limit = {int(WAL_LIMIT)}")
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        conn = self.conn
        with self.transaction() as c:
            c.execute(T.CREATE_MIGRATIONS)
            have = {r[0] for r in c.execute(T.APPLIED_VERSIONS)}
            if have and max(have) > LATEST:
                raise StoreError(
                    f"{self.path} has schema version {max(have)}, newer than this storyline ({LATEST})",
                    hint="upgrade storyline",
                )
            for version, name, sql in MIGRATIONS:
                if version in have:
                    continue
                for stmt in sql.split(";"):
                    if stmt.strip():
                        c.execute(stmt)
                c.execute(
                    T.RECORD_MIGRATION,
                    (version, name, utc_now()),
                )
        del conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE takes the write lock up front, so two writers
        never deadlock on lock upgrade); commit on success, roll back on any exception."""
        conn = self.conn
        with self.write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            self._bound_wal(conn)

    # ------------------------------------------------------------------ reads

    def schema_version(self) -> int:
        return int(self.conn.execute(T.SCHEMA_VERSION).fetchone()[0])

    def last_seq(self) -> int:
        """The newest article's internal key (0 when empty): changes whenever articles are added."""
        return int(self.conn.execute(T.LAST_SEQ).fetchone()[0])

    def count(self, table: str) -> int:
        if table not in {"articles", "signatures", "lsh_buckets", "features", "decisions", "assignments", "stories"}:
            raise ValueError(table)
        return int(self.conn.execute(T.count_rows(table)).fetchone()[0])

    def existing_ids(self, ids: list[str]) -> dict[str, str]:
        """id -> original (pre-normalization) text for the given ids that are already stored."""
        out: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            q = T.originals_of(len(part))
            out.update((r[0], self._original(r[0], r[1])) for r in self.conn.execute(q, part))
        return out

    @staticmethod
    def _original(article_id: str, data: bytes) -> str:
        """A stored original text, or "" when it is damaged (a re-sent id is then a conflict
        and the stored row is kept; ``storyline index check`` names it)."""
        try:
            return unpack(data, where=f"article {article_id!r}, original") or ""
        except DamagedDataError:
            return ""

    def known_ids(self, ids: list[str]) -> set[str]:
        """The given ids that are already stored (no text read)."""
        out: set[str] = set()
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            q = T.ids_among(len(part))
            out.update(r[0] for r in self.conn.execute(q, part))
        return out

    def seq_of(self, article_id: str) -> int | None:
        row = self.conn.execute(T.SEQ_OF, (article_id,)).fetchone()
        return None if row is None else int(row[0])

    @staticmethod
    def _article_row(r: tuple[Any, ...], *, text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": r[1],
            "title": r[2],
            "url": r[3],
            "source": r[4],
            "published": r[5],
            "lang": r[6],
            "dateline": r[7],
            "meta": json.loads(r[8]),
            "seen": r[11],
            "added_at": r[12],
            "duplicate_of": r[15],
            "dedup_score": r[16],
            "dedup_reason": r[17],
            "story_id": r[18],
            "relation": r[19],
            "nearest_id": r[20],
            "similarity": r[21],
            "is_new_story": None if r[22] is None else bool(r[22]),
            "novelty": r[23],
        }
        if text:
            try:
                d["original"] = unpack(r[9], where=f"articles row {r[0]}, original")
                d["text"] = unpack(r[10], where=f"articles row {r[0]}, text")
                d["raw"] = unpack(r[13], where=f"articles row {r[0]}, raw") if r[13] is not None else d["original"]
            except DamagedDataError as exc:  # one damaged row still reads: without its texts
                d["original"] = d["text"] = d["raw"] = None
                d["damaged"] = f"{exc.message} (fix: {DAMAGE_HINT})"
        return d

    def get_article(self, article_id: str, *, text: bool = True) -> dict[str, Any] | None:
        sql = T.ARTICLE if text else T.ARTICLE_NOTEXT
        r = self.conn.execute(sql + T.WHERE_ID, (article_id,)).fetchone()
        return None if r is None else self._article_row(r, text=text)

    def articles_by_seq(self, seqs: list[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(seqs), 500):
            part = seqs[start : start + 500]
            q = T.articles_by_seq(len(part))
            out.update((int(r[0]), self._article_row(r)) for r in self.conn.execute(q, part))
        return out

    def iter_articles(self, *, text: bool = True, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every stored article with its decision and assignment, in insertion order."""
        last = 0
        sql = T.ARTICLE if text else T.ARTICLE_NOTEXT
        while True:
            rows = self.conn.execute(sql + T.WHERE_AFTER_SEQ, (last, batch)).fetchall()
            if not rows:
                return
            for r in rows:
                yield self._article_row(r, text=text)
            last = int(rows[-1][0])

    @staticmethod
    def _story_row(r: tuple[Any, ...]) -> dict[str, Any]:
        sources = json.loads(r[6])
        return {
            "id": r[0],
            "label": r[1],
            "first_report": r[2],
            "first_seen": r[3],
            "last_seen": r[4],
            "size": r[5],
            "sources": sorted(sources, key=lambda s: (-sources[s], s)),
        }

    def list_stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        q: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        min_size: int = 1,
        order: str = "recent",
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Stories newest-first by last activity (``order="size"``: largest first, then by
        last activity); keyset pagination with an opaque cursor (one order's cursor only).

        ``since``/``until`` keep stories whose [first_seen, last_seen] overlaps the interval;
        ``q`` is a case-insensitive substring of the label.
        """
        if order not in STORY_ORDERS:
            raise InputError(f"unknown story order {order!r}",
                             hint=f"use one of {', '.join(STORY_ORDERS)}")
        where: list[str] = ["st.size >= ?"]
        args: list[Any] = [min_size]
        if since:
            where.append("st.last_ts >= ?")
            args.append(to_ts(since, since))
        if until:
            where.append("st.first_ts <= ?")
            args.append(to_ts(until, until))
        if q:
            where.append("instr(lower(st.label), lower(?)) > 0")
            args.append(q)
        by_size = order == "size"
        if cursor and by_size:
            where.append("(st.size, st.last_ts, st.id) < (?, ?, ?)")
            args += list(decode_size_cursor(cursor))
        elif cursor:
            last_ts, sid = decode_cursor(cursor)
            where.append("(st.last_ts, st.id) < (?, ?)")
            args += [last_ts, sid]
        sql = (
            T.STORY
            + " WHERE "
            + " AND ".join(where)
            + (" ORDER BY st.size DESC, st.last_ts DESC, st.id DESC LIMIT ?" if by_size
               else " ORDER BY st.last_ts DESC, st.id DESC LIMIT ?")
        )
        rows = self.conn.execute(sql, [*args, limit + 1]).fetchall()
        items = [self._story_row(r) for r in rows[:limit]]
        nxt = None
        if len(rows) > limit:
            last = rows[limit - 1]
            nxt = encode_cursor((last[5], last[4], last[0]) if by_size else (last[4], last[0]))
        return items, nxt

    def story_members_brief(self, story_ids: list[str]) -> dict[str, list[tuple[str, str, str | None]]]:
        """Each story's members as (article id, time, title), in time order: what the story
        list needs for its chart (when each story grew) and its labels (latest headline)."""
        out: dict[str, list[tuple[str, str, str | None]]] = {sid: [] for sid in story_ids}
        for start in range(0, len(story_ids), 500):
            part = story_ids[start : start + 500]
            for sid, aid, ts, title in self.conn.execute(T.members_brief(len(part)), part):
                out[sid].append((aid, ts, title))
        return out

    def get_story(self, story_id: str, *, text: bool = False) -> dict[str, Any] | None:
        r = self.conn.execute(T.STORY + T.WHERE_STORY_ID, (story_id,)).fetchone()
        if r is None:
            return None
        story = self._story_row(r)
        sql = T.ARTICLE if text else T.ARTICLE_NOTEXT
        rows = self.conn.execute(sql + T.WHERE_MEMBER_OF, (story_id,)).fetchall()
        members = [self._article_row(m, text=text) for m in rows]
        for m in members:
            m["first_report"] = m["id"] == story["first_report"]
        story["members"] = members
        return story

    def stats(self) -> dict[str, Any]:
        c = self.conn
        n_art = self.count("articles")
        n_dup = int(c.execute(T.COUNT_DUPLICATES).fetchone()[0])
        rel = dict(c.execute(T.COUNT_RELATIONS).fetchall())
        page_size = int(c.execute("PRAGMA page_size").fetchone()[0])
        pages = int(c.execute("PRAGMA page_count").fetchone()[0])
        free = int(c.execute("PRAGMA freelist_count").fetchone()[0])
        span = c.execute(T.TIME_SPAN).fetchone()
        return {
            "path": str(self.path),
            "schema_version": self.schema_version(),
            "articles": n_art,
            "duplicates": n_dup,
            "stories": self.count("stories"),
            "multi_article_stories": int(
                c.execute(T.COUNT_MULTI_STORIES).fetchone()[0]
            ),
            "relations": rel,
            "first_seen": span[0],
            "last_seen": span[1],
            "bytes": page_size * pages,
            "free_bytes": page_size * free,  # freed pages (e.g. evicted features), reused by later adds
            "assigner": self.meta("assigner") or self.config.assigner,
        }

    def defer_checkpoints(self) -> None:
        """Stop committing writers from copying the WAL back into the database file (a
        checkpoint every 1000 pages adds tens of milliseconds to the unlucky request); call
        :meth:`checkpoint` from a background thread instead."""
        self.autocheckpoint = 0
        with self._all_lock:
            for conn in self._all:
                conn.execute("PRAGMA wal_autocheckpoint = 0")

    def checkpoint(self) -> None:
        """A passive WAL checkpoint: never waits for or blocks readers and writers."""
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def wal_bytes(self) -> int:
        """Size of the WAL file (0 when there is none)."""
        try:
            return self._wal_path.stat().st_size
        except FileNotFoundError:
            return 0

    def _bound_wal(self, conn: sqlite3.Connection) -> None:
        """Checkpoint and truncate the WAL once it has passed :data:`WAL_LIMIT` (called by the
        writer right after a commit, holding the write lock).

        SQLite rewinds the WAL only when a write starts with every frame already copied back.
        A writer that never pauses (a long batch, back-to-back posts) always finds frames
        appended since the background checkpoint began, so the log grew without bound (190 MB
        beside a 32 MB database). Here no writer of this process can append meanwhile; the
        background passive checkpoints have copied most frames already, so this one is short.
        Readers still on old frames make it give up after a short wait: it retries after a
        later commit.
        """
        if self.wal_bytes() <= WAL_LIMIT:
            return
        conn.execute("PRAGMA busy_timeout = 100")
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:  # busy or locked: the next commit tries again
            pass
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    def compact(self) -> int:
        """Give freed pages (evicted features) back to the file system; returns bytes freed."""
        c = self.conn
        page = int(c.execute("PRAGMA page_size").fetchone()[0])
        before = int(c.execute("PRAGMA page_count").fetchone()[0])
        with self.write_lock:
            c.executescript("PRAGMA incremental_vacuum;")  # execute() would stop after one page
        return page * (before - int(c.execute("PRAGMA page_count").fetchone()[0]))

    def meta(self, key: str) -> str | None:
        row = self.conn.execute(T.GET_META, (key,)).fetchone()
        return None if row is None else str(row[0])

    def check(self, *, integrity: bool = True) -> list[str]:
        """Integrity and cross-table consistency problems (empty list when all is well); blobs
        are decoded by :func:`storyline.store.check.check_store`, which also runs this."""
        c = self.conn
        problems: list[str] = []
        ic = [r[0] for r in c.execute("PRAGMA integrity_check")] if integrity else ["ok"]
        if ic != ["ok"]:
            problems.extend(f"integrity: {m}" for m in ic)
        n = self.count("articles")
        for table in ("signatures", "decisions", "assignments"):
            m = self.count(table)
            if m != n:
                problems.append(f"{table}: {m} rows for {n} articles")
        total = c.execute(T.STORY_SIZES_TOTAL).fetchone()[0]
        if int(total) != n:
            problems.append(f"stories: sizes add up to {total}, not {n}")
        bad = c.execute(T.STORIES_WITH_WRONG_SIZE).fetchone()[0]
        if bad:
            problems.append(f"stories: {bad} stories whose size differs from their assignments")
        fk = c.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign keys: {len(fk)} dangling references")
        return problems
