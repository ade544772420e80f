"""Incremental indexing into a store: dedup lookup, story assignment, one transaction per batch.

Pure work (normalization, shingles, MinHash, band hashes) runs before the write lock is taken;
inside the transaction the indexer looks up exact copies (content hash) and near copies (LSH
buckets in SQLite, verified by exact shingle Jaccard / containment), asks the story assigner,
and writes every row of the article. Re-adding a stored id is a no-op, so an interrupted
``index add`` is resumed by running it again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import xxhash

from storyline.config import MinHashParams
from storyline.data import Article
from storyline.dedup import CONTAINED, EXACT, NEAR, reason_text, set_overlap
from storyline.errors import DamagedDataError
from storyline.features.minhash import MinHasher, estimate_jaccard, is_empty_signature
from storyline.index.lsh import band_hashes
from storyline.parallel import Executor, worker_state
from storyline.store import tables as T
from storyline.store.assigners import Assigned, Stored, StoryAssigner, ToAssign, make_assigner
from storyline.store.db import Store, pack, to_ts, unpack, utc_now

log = logging.getLogger("storyline.store")


@dataclass(slots=True)
class AddResult:
    """Outcome for one article. ``status``: added, exists (same id, same text: nothing to do),
    or conflict (same id, different text: the stored version is kept)."""

    id: str
    status: str
    duplicate_of: str | None
    dedup_reason: str
    story_id: str | None
    relation: str | None
    is_new_story: bool
    nearest_id: str | None = None
    similarity: float | None = None
    reason: str | None = None  # a new story: why nothing matched (e.g. "window: story ... closed")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Prepared:
    article: Article  # normalized; raw holds the record as read
    original: str  # text before normalization
    content_hash: bytes
    shingles: np.ndarray
    sig: np.ndarray
    bands: np.ndarray  # int64 view of the band hashes
    ts: str
    features: Any = None  # the assigner's features, when it featurizes ahead of assignment
    # the stored forms, compressed here so the writer does not spend its time on it
    original_z: bytes = b""
    text_z: bytes = b""
    features_z: bytes | None = None  # the assigner's encoding of ``features``


@dataclass(frozen=True, slots=True)
class _PrepSpec:
    """What preparation needs (picklable: sent once to each worker process)."""

    minhash: MinHashParams
    bands: int
    rows: int
    featurizer: Any = None  # object with .featurize(normalized article), or None


_HASHERS: dict[MinHashParams, MinHasher] = {}


def prepare_in_pool(articles: list[Article]) -> list[_Prepared]:
    """:func:`prepare_chunk` in a :func:`prep_pool` worker, with the spec it was started with."""
    spec: _PrepSpec = worker_state()
    return prepare_chunk(spec, articles)


def prep_pool(spec: _PrepSpec, workers: int) -> Any:
    """Worker processes that run :func:`prepare_chunk` with ``spec`` (spawned, so they are safe
    beside threads); submit :func:`prepare_in_pool` to them."""
    return Executor(workers, "spawn").pool(spec)


def prepare_chunk(spec: _PrepSpec, articles: list[Article], store: bool = True) -> list[_Prepared]:
    """Normalize, shingle, MinHash and band many articles at once (pure, no store access).

    Each article's result depends on that article alone, so it is the same whichever process
    or chunk computes it: a worker pool changes speed, never results. ``store=False`` (queries)
    leaves out the compressed texts and encoded features that only storing needs.
    """
    from storyline.normalize import normalize_article

    hasher = _HASHERS.get(spec.minhash)
    if hasher is None:
        hasher = _HASHERS[spec.minhash] = spec.minhash.hasher()
    norms = [normalize_article(a) for a in articles]
    if not norms:
        return []
    flat, offsets = hasher.shingle_batch([n.text for n in norms])
    sigs = hasher.signatures_from_batch(flat, offsets)
    bands = band_hashes(sigs, spec.bands, spec.rows, spec.minhash.seed).view(np.int64)
    feat = spec.featurizer
    encode = getattr(feat, "encode", None)
    out: list[_Prepared] = []
    for i, (art, norm) in enumerate(zip(articles, norms, strict=True)):
        features = None if feat is None else feat.featurize(norm)
        out.append(
            _Prepared(
                norm,
                art.text,
                xxhash.xxh3_128_digest(norm.text.encode("utf-8")),
                flat[offsets[i] : offsets[i + 1]].copy(),
                sigs[i].copy(),
                bands[i].copy(),
                to_ts(norm.published, ""),
                features,
                pack(art.text) if store else b"",
                pack(norm.text) if store else b"",
                encode(features, norm.text) if store and encode and features is not None else None,
            )
        )
    return out


@dataclass(slots=True)
class Match:
    """A stored article that a new text duplicates, with the verified overlap."""

    seq: int
    jaccard: float
    containment: float

    def reason(self, threshold: float) -> str:
        """Dedup's wording: near when the Jaccard passes ``threshold``, else contained."""
        if self.jaccard >= threshold:
            return reason_text(NEAR, self.jaccard)
        return reason_text(CONTAINED, self.containment)


class Indexer:
    """Adds articles to a :class:`Store` and answers "have we seen this?" queries."""

    def __init__(self, store: Store, assigner: StoryAssigner | None = None, *, workers: int = 1):
        """``workers`` > 1: prepare (normalize, MinHash, featurize) batches in that many
        processes, one batch ahead of the writer; results are the same for any count."""
        self.store = store
        cfg = store.config
        self.hasher = cfg.minhash.hasher()
        if assigner is None:
            name = store.meta("assigner") or cfg.assigner
            assigner = make_assigner(name)
        self.assigner = assigner
        get = getattr(assigner, "featurizer", None)
        self._spec = _PrepSpec(cfg.minhash, *cfg.banding(),
                               None if get is None else get())
        self.workers = max(1, int(workers))
        self._pool: Any = None
        self._restored_seq = 0
        self._bucket_sql: dict[int, str] = {}
        self._damaged: list[tuple[int, str, str]] = []
        self._check_hashing()
        stored = store.meta("assigner")
        if stored is None:
            with store.transaction() as conn:
                conn.execute(T.SET_META_ONCE, ("assigner", assigner.name))
        elif stored != assigner.name:
            from storyline.store.db import StoreError

            raise StoreError(
                f"{store.path} was built with story assigner {stored!r}, not {assigner.name!r}",
                hint="use the same assigner, or build a new store",
            )
        self.upgrade_features()

    def _check_hashing(self) -> None:
        """Stored signatures and buckets are only comparable with the same hashing code: keep a
        fingerprint (bands of a fixed probe text) and refuse a store this code would misread."""
        probe = (
            "Storyline probe: the quick brown fox jumps over the lazy dog, 12 times in 2024; "
            "officials said the bridge would reopen on Monday after repairs."
        )
        cfg = self.store.config
        sig = self.hasher.signature(probe)
        bands = band_hashes(sig[None, :], *cfg.banding(), cfg.minhash.seed)[0]
        digest = xxhash.xxh3_64_hexdigest(sig.astype("<u4").tobytes() + bands.astype("<u8").tobytes())
        stored = self.store.meta("hashing")
        if stored is None:
            with self.store.transaction() as conn:
                conn.execute(T.SET_META_ONCE, ("hashing", digest))
        elif stored != digest:
            from storyline.store.db import StoreError

            raise StoreError(
                f"{self.store.path} was built by a storyline whose shingling/MinHash differs from "
                "this one, so its duplicate lookup would silently miss copies",
                hint="rebuild it: storyline index export DB --text --out all.jsonl, then "
                "storyline index add NEW.db all.jsonl",
            )

    # ------------------------------------------------------------------ pure preparation

    def prepare(self, article: Article) -> _Prepared:
        """Everything that needs no store access (safe to run outside the write lock)."""
        return prepare_chunk(self._spec, [article])[0]

    def prepare_many(self, articles: list[Article]) -> list[_Prepared]:
        return prepare_chunk(self._spec, articles)

    @property
    def prep_spec(self) -> _PrepSpec:
        """What :func:`prepare_chunk` needs for this store (picklable, for worker processes)."""
        return self._spec

    def _prepare_async(self, articles: list[Article]) -> Any:
        """Start preparing ``articles``; returns a function that gives the results in order."""
        if self.workers <= 1 or len(articles) < 2:
            return lambda: self.prepare_many(articles)
        if self._pool is None:
            self._pool = prep_pool(self._spec, self.workers)
        step = -(-len(articles) // self.workers)
        futs = [self._pool.submit(prepare_in_pool, articles[i : i + step])
                for i in range(0, len(articles), step)]
        return lambda: [p for f in futs for p in f.result()]

    def close(self) -> None:
        """Stop the worker processes (if any)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    # ------------------------------------------------------------------ lookups

    def _exact(self, digest: bytes) -> int | None:
        row = self.store.conn.execute(T.FIRST_WITH_HASH, (digest,)).fetchone()
        return None if row is None else int(row[0])

    def _near(self, p: _Prepared, first_only: bool = False) -> list[Match]:
        """Verified near copies among LSH candidates, best first (at most max_candidates checked,
        in order of estimated Jaccard; ``first_only`` stops at the first verified copy)."""
        if is_empty_signature(p.sig):
            return []
        conn = self.store.conn
        hashes = p.bands.tolist()
        sql = self._bucket_sql.get(len(hashes))
        if sql is None:  # one statement for all bands (each term a primary-key lookup)
            sql = self._bucket_sql[len(hashes)] = T.bucket_lookup(len(hashes))
        cands = {r[0] for r in conn.execute(sql, hashes)}
        if not cands:
            return []
        ordered = sorted(cands)
        sigs: dict[int, np.ndarray] = {}
        for start in range(0, len(ordered), 500):
            part = ordered[start : start + 500]
            q = T.signatures_of(len(part))
            sigs.update((int(s), np.frombuffer(b, dtype="<u4")) for s, b in conn.execute(q, part))
        cfg = self.store.config
        est = {s: estimate_jaccard(p.sig, sigs[s]) for s in ordered}
        # containment of a short text in a long one shows as a low Jaccard estimate: keep a
        # wide margin, verify exactly, and let the estimate only decide the order of checks
        floor = min(cfg.threshold, cfg.lsh_threshold) - 0.25
        ranked = sorted((s for s in ordered if est[s] >= floor), key=lambda s: (-est[s], s))
        out: list[Match] = []
        for seq in ranked[: cfg.max_candidates]:
            try:
                text = unpack(conn.execute(T.TEXT_OF, (seq,)).fetchone()[0], where=f"articles row {seq}, text") or ""
            except DamagedDataError as exc:  # a damaged candidate cannot be verified: not a match
                log.warning("storyline: skipped a damaged stored record: %s", exc)
                continue
            jac, cont = set_overlap(p.shingles, self.hasher.shingles(text))
            if jac >= cfg.threshold or cont >= cfg.containment:
                out.append(Match(seq, jac, cont))
                if first_only:
                    break
        out.sort(key=lambda m: (-max(m.jaccard, m.containment), m.seq))
        return out

    def _root(self, seq: int) -> int:
        """The original a stored article duplicates (itself when it is an original)."""
        row = self.store.conn.execute(T.DUPLICATE_OF, (seq,)).fetchone()
        return seq if row is None or row[0] is None else int(row[0])

    def _dedup(self, p: _Prepared) -> tuple[int | None, float, str]:
        exact = self._exact(p.content_hash)
        if exact is not None:
            return self._root(exact), 1.0, reason_text(EXACT, 1.0)
        matches = self._near(p, first_only=True)
        if matches:
            m = matches[0]
            return self._root(m.seq), round(max(m.jaccard, m.containment), 4), m.reason(
                self.store.config.threshold
            )
        return None, 1.0, "unique"

    def _story_of(self, seq: int) -> str | None:
        row = self.store.conn.execute(T.STORY_OF, (seq,)).fetchone()
        return None if row is None else str(row[0])

    def _id_of(self, seq: int) -> str:
        return str(self.store.conn.execute(T.ID_OF, (seq,)).fetchone()[0])

    # ------------------------------------------------------------------ assigner state

    def catch_up(self) -> int:
        """Feed articles stored since the assigner last saw the store (reopen, other writers).

        A record whose text does not decode is skipped (logged, counted in :attr:`damaged`),
        as the assigner skips features that do not: one damaged row never stops the rest."""
        conn = self.store.conn
        n = 0
        while True:
            rows = conn.execute(T.STORED_AFTER, (self._restored_seq,)).fetchall()
            if not rows:
                return n
            self.assigner.restore(self._stored(r) for r in rows)
            self._restored_seq = int(rows[-1][0])
            n += len(rows)

    def _stored(self, r: tuple[Any, ...]) -> Stored:
        data = None if r[5] is None else bytes(r[5])
        try:
            text = unpack(r[7], where=f"articles row {r[0]} ({r[1]!r}), text")
        except DamagedDataError as exc:
            self._damaged.append((int(r[0]), r[1], exc.message))
            log.warning("storyline: skipped a damaged stored record: %s", exc)
            data = text = None
        return Stored(int(r[0]), r[1], r[2], r[3], r[4], data, r[6], text, r[8])

    @property
    def damaged(self) -> list[tuple[int, str, str]]:
        """(seq, id, problem) of the stored records skipped so far because they do not decode."""
        return self._damaged + list(getattr(self.assigner, "damaged", []))

    def upgrade_features(self) -> int:
        """Rewrite feature records of an older format (pickles) in the assigner's codec: each
        is read once through the assigner's safe legacy path; returns how many were rewritten.
        Records that do not decode are left as they are (skipped on restore, named by
        ``storyline index check``)."""
        upgrade = getattr(self.assigner, "upgrade", None)
        kind = self.assigner.features_kind
        if upgrade is None or kind is None:
            return 0
        done, last = 0, 0
        while True:
            rows = self.store.conn.execute(T.FEATURES_NOT_OF_KIND, (kind, last)).fetchall()
            if not rows:
                return done
            out = []
            for seq, old, data, text_z in rows:
                try:
                    got = upgrade(old, bytes(data), unpack(text_z))
                except DamagedDataError:
                    continue
                if got is not None:
                    out.append((got[0], got[1], seq))
            if out:
                with self.store.transaction() as conn:
                    conn.executemany(T.REWRITE_FEATURES, out)
                done += len(out)
            last = int(rows[-1][0])

    # ------------------------------------------------------------------ writes

    def add_many(self, articles: Iterable[Article], batch_size: int = 256) -> Iterator[AddResult]:
        """Add articles in batches; each batch is one transaction. Yields one result each.

        With workers, the next batch is prepared while the current one is written."""
        pending: tuple[list[Article], Any] | None = None

        def batches() -> Iterator[list[Article]]:
            batch: list[Article] = []
            for art in articles:
                batch.append(art)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        for batch in batches():
            ahead = (batch, self._start(batch))
            if pending is not None:
                yield from self._add_prepared(pending[0], pending[1]())
            pending = ahead
        if pending is not None:
            yield from self._add_prepared(pending[0], pending[1]())

    def _start(self, articles: list[Article]) -> Any:
        """Begin preparing the articles of a batch not stored yet; a function gives them."""
        known = self.store.known_ids([a.id for a in articles])
        todo = [i for i, a in enumerate(articles) if a.id not in known]
        get = self._prepare_async([articles[i] for i in todo])
        return lambda: dict(zip(todo, get(), strict=True))

    def add_batch(self, articles: list[Article]) -> list[AddResult]:
        """Add one batch atomically: all its articles are stored, or none are."""
        return self._add_prepared(articles, self._start(articles)())

    def add_prepared(self, articles: list[Article], prepared: list[_Prepared]) -> list[AddResult]:
        """:meth:`add_batch` for articles already prepared elsewhere (e.g. by a
        :func:`prep_pool` while the writer was busy); ``prepared[i]`` belongs to ``articles[i]``."""
        if len(prepared) != len(articles):
            raise ValueError(f"{len(prepared)} prepared for {len(articles)} articles")
        return self._add_prepared(articles, dict(enumerate(prepared)))

    def _add_prepared(self, articles: list[Article], prepared: dict[int, _Prepared]) -> list[AddResult]:
        results: list[AddResult] = []
        with self.store.write_lock:
            return self._add_locked(articles, prepared, results)

    def _add_locked(
        self, articles: list[Article], prepared: dict[int, _Prepared], results: list[AddResult]
    ) -> list[AddResult]:
        store = self.store
        try:
            with store.transaction() as conn:
                self.catch_up()
                known = store.existing_ids([a.id for a in articles])  # another writer may have won
                for i, art in enumerate(articles):
                    if art.id in known:
                        results.append(self._existing(art, known[art.id]))
                        continue
                    p = prepared.get(i) or self.prepare(art)
                    res = self._insert(conn, p)
                    known[art.id] = p.original
                    results.append(res)
                self._drop_evicted(conn)
        except BaseException:
            # the in-memory assigner may hold articles that were rolled back: rebuild it
            self.assigner.reset()
            self._restored_seq = 0
            self._damaged.clear()
            raise
        return results

    def _drop_evicted(self, conn: Any) -> None:
        """Delete stored features the assigner will never need again (outside its window)."""
        evicted = getattr(self.assigner, "evicted", None)
        ids = evicted() if evicted is not None else []
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            conn.execute(T.drop_features_of(len(part)), part)

    def _existing(self, art: Article, stored_original: str) -> AddResult:
        row = self.store.get_article(art.id, text=False)
        assert row is not None
        status = "exists" if art.text == stored_original else "conflict"
        return AddResult(
            art.id,
            status,
            row["duplicate_of"],
            row["dedup_reason"],
            row["story_id"],
            row["relation"],
            False,
            row["nearest_id"],
            row["similarity"],
        )

    def _insert(self, conn: Any, p: _Prepared) -> AddResult:
        art = p.article
        now = utc_now()
        ts = p.ts or now
        dup_seq, score, reason = self._dedup(p)
        cur = conn.execute(
            T.INSERT_ARTICLE,
            (
                art.id, art.title, art.url, art.source, art.published, art.lang, art.dateline,
                json.dumps(art.meta, ensure_ascii=False, sort_keys=True, default=str),
                None if art.raw is None or art.raw == p.original else pack(art.raw),
                p.original_z or pack(p.original), p.text_z or pack(art.text),
                p.content_hash, ts, now,
            ),
        )
        seq = int(cur.lastrowid)
        conn.execute(T.INSERT_SIGNATURE, (seq, p.sig.astype("<u4").tobytes()))
        if not is_empty_signature(p.sig):
            conn.executemany(
                T.INSERT_BUCKET,
                [(b, h, seq) for b, h in enumerate(p.bands.tolist())],
            )
        conn.execute(
            T.INSERT_DECISION,
            (seq, dup_seq, score, reason),
        )
        dup_id = None if dup_seq is None else self._id_of(dup_seq)
        item = ToAssign(
            seq,
            art,
            dup_id,
            None if dup_seq is None else self._story_of(dup_seq),
            score if dup_seq is not None else 0.0,
            p.features,
            p.features_z,
        )
        a = self.assigner.assign(item)
        self._restored_seq = seq
        self._write_assignment(conn, seq, ts, art, a)
        return AddResult(
            art.id, "added", dup_id, reason, a.story_id, a.relation, a.is_new_story,
            a.nearest_id, a.similarity, a.reason,
        )

    def _write_assignment(self, conn: Any, seq: int, ts: str, art: Article, a: Assigned) -> None:
        nearest = None if a.nearest_id is None else self.store.seq_of(a.nearest_id)
        conn.execute(
            T.INSERT_ASSIGNMENT,
            (seq, a.story_id, a.relation, nearest, a.similarity, int(a.is_new_story), a.novelty),
        )
        if a.features is not None and self.assigner.features_kind:
            conn.execute(
                T.INSERT_FEATURES,
                (seq, self.assigner.features_kind, a.features),
            )
        row = conn.execute(T.STORY_SUMMARY, (a.story_id,)).fetchone()
        source = art.source or "(unknown)"
        if row is None:
            conn.execute(
                T.INSERT_STORY,
                (a.story_id, a.label or art.title, seq, ts, ts, json.dumps({source: 1})),
            )
            return
        sources = json.loads(row[1])
        sources[source] = sources.get(source, 0) + 1
        conn.execute(
            T.GROW_STORY,
            (json.dumps(sources, sort_keys=True), ts, a.label, a.story_id),
        )
        if ts < row[0]:  # an earlier report arrived late: it becomes the first report
            conn.execute(T.MOVE_FIRST_REPORT, (ts, seq, a.story_id))

    # ------------------------------------------------------------------ queries

    def query(self, article: Article, limit: int = 10) -> dict[str, Any]:
        """Which stored articles and stories ``article`` matches, and why (nothing is written)."""
        self.catch_up()
        p = prepare_chunk(self._spec, [article], store=False)[0]
        matches: list[dict[str, Any]] = []
        exact = self._exact(p.content_hash)
        seen: set[int] = set()
        if exact is not None:
            matches.append({"seq": exact, "score": 1.0, "reason": reason_text(EXACT, 1.0)})
            seen.add(exact)
        for m in self._near(p):
            if m.seq not in seen:
                matches.append(
                    {"seq": m.seq, "score": round(max(m.jaccard, m.containment), 4),
                     "reason": m.reason(self.store.config.threshold)}
                )
                seen.add(m.seq)
        dup_seq = self._root(matches[0]["seq"]) if matches else None
        dup_id = None if dup_seq is None else self._id_of(dup_seq)
        item = ToAssign(
            0, p.article, dup_id, None if dup_seq is None else self._story_of(dup_seq),
            matches[0]["score"] if matches else 0.0,
            p.features,
        )
        a = self.assigner.peek(item)
        info = self.store.articles_by_seq([m["seq"] for m in matches[:limit]])
        rows = [
            {
                "match_id": info[m["seq"]]["id"],
                "story_id": info[m["seq"]]["story_id"],
                "score": m["score"],
                "reason": m["reason"],
                "title": info[m["seq"]]["title"],
            }
            for m in matches[:limit]
        ]
        return {
            "id": article.id,
            "duplicate_of": dup_id,
            "story_id": None if a.is_new_story else a.story_id,
            "relation": a.relation,
            "nearest_id": a.nearest_id,
            "similarity": a.similarity,
            "matches": rows,
        }
