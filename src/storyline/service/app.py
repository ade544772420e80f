"""FastAPI app: JSON API over a story store plus server-rendered HTML pages.

Writes go through one :class:`~storyline.store.Indexer` on one writer thread, first come first
served, a batch in short chunks so other posts interleave (:mod:`storyline.service.writes`),
under the store's write lock (inside the process) and SQLite's busy timeout (across
processes); reads use one SQLite connection per worker thread, which WAL lets run alongside
the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import AsyncIterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from storyline.data import Article
from storyline.errors import ConfigError
from storyline.service import handlers
from storyline.service.handlers import error_body
from storyline.service.limits import BodyLimit
from storyline.service.validate import check_articles, check_query_date, dump_json
from storyline.service.writes import WRITE_CHUNK, Pace, PartlyStored, WriteQueue, write_in_chunks
from storyline.store import Indexer, Store, StoreError
from storyline.store.db import DAMAGE_HINT
from storyline.store.indexer import prep_pool, prepare_in_pool

log = logging.getLogger("storyline.service")

MAX_BATCH = 1000
MAX_TEXT = 1_000_000
MAX_MIN_SIZE = 2**31  # larger sizes cannot occur; unbounded ones overflow SQLite's integers


class ArticleIn(BaseModel):
    """One article to add. Unknown fields are refused (a typo must not be silently dropped)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=512, description="Your id for the article (idempotent key).")
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="Body text.")
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000)
    source: str | None = Field(default=None, max_length=500)
    published: str | None = Field(default=None, max_length=64, description="ISO 8601 date-time.")
    lang: str | None = Field(default=None, max_length=20)
    meta: dict[str, Any] = Field(default_factory=dict)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_BATCH)


def _kind(value: Any) -> str:
    return "batch" if isinstance(value, dict) and "articles" in value else "article"


ArticlesBody = Annotated[
    Annotated[ArticleIn, Tag("article")] | Annotated[BatchIn, Tag("batch")], Discriminator(_kind)
]


class ResultOut(BaseModel):
    id: str
    status: str = Field(description="added | exists | conflict (same id, different text: stored one kept)")
    duplicate_of: str | None
    dedup_reason: str | None
    story_id: str | None
    relation: str | None
    is_new_story: bool
    nearest_id: str | None = None
    similarity: float | None = None
    reason: str | None = Field(None, description="a new story: why nothing matched, e.g. "
                               "'window: story S closed 2024-01-12' or 'no candidate shares terms'")


class ResultsOut(BaseModel):
    results: list[ResultOut]


def _json(obj: Any) -> Response:
    """JSON bytes by orjson, sent as is (FastAPI's validation/encoding pass is skipped)."""
    return Response(dump_json(obj), media_type="application/json")


def create_app(
    db: Path | str,
    *,
    token: str | None = None,
    max_body: int = 8_000_000,
    create: bool = False,
    prep_workers: int = 0,
    token_reads: bool = False,
    docs: bool = False,
    write_chunk: int = WRITE_CHUNK,
) -> Any:
    """Build the ASGI app for store ``db``. ``token``: bearer token required on writes.

    ``prep_workers`` > 0: posted articles are normalized, hashed and featurized in that many
    worker processes while the single writer thread assigns and stores earlier ones, so the
    server uses more than one core (one Python process is held to one by the GIL). Results are
    the same either way: preparation depends on the article alone.

    ``token_reads``: every endpoint but /healthz needs the token. ``docs``: serve Swagger UI at
    /docs (it loads its scripts from a CDN, so it is off by default; /openapi.json always works).
    ``write_chunk``: most articles per write transaction of a batch (fewer when the writer is
    slow, so that a chunk takes about 25 ms).
    """
    token = token or os.environ.get("STORYLINE_TOKEN") or None
    if token_reads and token is None:
        raise ConfigError("--token-reads needs a token", hint="pass --token or set STORYLINE_TOKEN")
    store = Store.create(db, exist_ok=True) if create else Store.open(db)
    try:
        indexer = Indexer(store)
        indexer.catch_up()  # rebuild the assigner's state once, before serving
    except sqlite3.DatabaseError as exc:  # damaged pages: a clear error, not a traceback
        store.close()
        raise StoreError(f"{db} cannot be read: SQLite says {exc}", hint=DAMAGE_HINT) from None
    if indexer.damaged:  # served without them; a supervisor must not loop on this
        log.warning("storyline: %d damaged stored records skipped; run 'storyline index check %s'",
                    len(indexer.damaged), db)
    writer = WriteQueue()
    pace = Pace(write_chunk)
    batches = [0]  # batches being written: small posts then skip the preparation pool
    prep: list[Any] = []  # the preparation pool, while serving

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # WAL checkpoints run here, off the request path, instead of inside some POST's commit
        store.defer_checkpoints()
        stop = threading.Event()

        def checkpoints() -> None:
            while not stop.wait(1.0):
                with contextlib.suppress(sqlite3.Error):  # busy: the next round catches up
                    store.checkpoint()

        worker = threading.Thread(target=checkpoints, name="wal-checkpoint", daemon=True)
        worker.start()
        if prep_workers > 0:
            pool = prep_pool(indexer.prep_spec, prep_workers)
            # start every worker now (scorer loaded), not on the first posts
            await asyncio.gather(*(asyncio.wrap_future(pool.submit(prepare_in_pool, []))
                                   for _ in range(prep_workers)))
            prep.append(pool)
        try:
            yield
        finally:
            stop.set()
            for pool in prep:
                pool.shutdown(cancel_futures=True)
            worker.join(5)
            writer.shutdown()
            with contextlib.suppress(sqlite3.Error):
                store.checkpoint()
            store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="storyline",
        summary="Have we seen this? Which story is it part of? What changed?",
        version="1",
        docs_url="/docs" if docs else None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.indexer = indexer
    app.state.prep = prep

    handlers.install(app)

    async def require_token(authorization: Annotated[str | None, Header()] = None) -> None:
        if token is None:
            return
        expected = f"Bearer {token}"
        if authorization is None or not secrets.compare_digest(authorization.encode(), expected.encode()):
            raise HTTPException(
                401,
                {"error": "Unauthorized", "message": "missing or wrong bearer token",
                 "where": "Authorization header", "hint": "send 'Authorization: Bearer <token>'"},
                headers={"WWW-Authenticate": "Bearer"},
            )

    def not_found(kind: str, key: str) -> HTTPException:
        return HTTPException(404, {"error": "NotFound", "message": f"no {kind} with id {key!r}",
                                   "where": kind, "hint": "list stories with GET /stories"
                                   if kind == "story" else None})

    def found(kind: str, key: str, row: dict[str, Any] | None) -> dict[str, Any]:
        """The stored row, or a 404 naming the missing ``kind`` and id (every read by id)."""
        if row is None:
            raise not_found(kind, key)
        return row

    async def prepare(articles: list[Article]) -> list[Any] | None:
        """Prepare in the worker pool (a batch split over the workers); None: it broke (a worker
        was killed, e.g. out of memory), so the writer prepares these inline and a new pool
        serves the next posts."""
        step = -(-len(articles) // prep_workers)
        parts = [articles[i : i + step] for i in range(0, len(articles), step)]
        try:
            done = await asyncio.gather(*(asyncio.wrap_future(prep[0].submit(prepare_in_pool, part))
                                          for part in parts))
        except BrokenProcessPool:
            log.warning("storyline: a preparation worker died; restarting the pool")
            prep[0].shutdown(cancel_futures=True)
            prep[0] = prep_pool(indexer.prep_spec, prep_workers)
            return None
        return [p for part in done for p in part]

    @app.post("/articles", response_model=ResultsOut, dependencies=[Depends(require_token)],
              tags=["write"])
    async def add_articles(body: ArticlesBody) -> Response:
        """Add one article or a batch ({"articles": [...]}, at most 1000). Per article: whether it
        duplicates a stored one, its story, the relation and whether it starts a new story.
        Re-sending an id is idempotent."""
        items = body.articles if isinstance(body, BatchIn) else [body]
        check_articles(items, batch=isinstance(body, BatchIn))
        articles = [
            Article(id=a.id, text=a.text, title=a.title, url=a.url, source=a.source,
                    published=a.published, lang=a.lang, meta=a.meta)
            for a in items
        ]
        loop = asyncio.get_running_loop()

        def store_chunk(chunk: list[Article], prepared: list[Any] | None) -> list[Any]:
            if prepared is None:  # no workers, or the pool broke: the writer prepares
                return indexer.add_batch(chunk)
            return indexer.add_prepared(chunk, prepared)

        job = pace.timed(store_chunk)

        def write(chunk: list[Article], prepared: list[Any] | None, batch: bool) -> Any:
            # one writer thread, in order of arrival: concurrent writes queue here instead of
            # several threads taking turns on the GIL (5 ms slices) while one holds the lock
            return asyncio.wrap_future(writer.submit(job, chunk, prepared, batch=batch), loop=loop)

        try:
            # the pool is busy with the batches' next chunks: a small post would wait there
            # behind them, so the writer prepares it (a few ms of its time) instead
            small = len(articles) <= pace.size()
            pooled = prep and not (small and batches[0])
            batches[0] += not small
            try:
                results = await write_in_chunks(articles, pace, write, prepare if pooled else None)
            finally:
                batches[0] -= not small
        except PartlyStored as exc:
            log.error("storyline: POST /articles stored %d of %d articles, then failed",
                      len(exc.results), exc.total, exc_info=exc.cause)
            done = len(exc.results)
            return Response(dump_json(error_body(
                500, "PartlyStored",
                f"stored {done} of {exc.total} articles (body.articles.0 to {done - 1}), then the "
                f"write failed ({type(exc.cause).__name__})",
                f"body.articles.{done}",
                "re-send the batch: stored articles answer 'exists' and the rest are added; the "
                "server log has the cause",
                stored=[r.id for r in exc.results], results=[r.to_dict() for r in exc.results],
            )), status_code=500, media_type="application/json")
        # a Response is sent as is: no second validation/serialization pass over the results
        return _json({"results": [r.to_dict() for r in results]})

    # Reads are short indexed SQLite lookups (about a millisecond): they run on the event
    # loop (async def), skipping the thread-pool hop, and return JSON bytes (orjson) directly.
    @app.get("/articles/{article_id:path}", tags=["read"])
    async def get_article(article_id: str) -> Response:
        """One stored article: text, metadata, dedup decision and story."""
        return _json(found("article", article_id, store.get_article(article_id)))

    @app.get("/stories", tags=["read"])
    async def list_stories(
        since: Annotated[str | None, Query(description="Stories active at or after (ISO 8601).")] = None,
        until: Annotated[str | None, Query(description="Stories started at or before (ISO 8601).")] = None,
        q: Annotated[str | None, Query(max_length=200, description="Substring of the label.")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        cursor: Annotated[str | None, Query(max_length=500, description="next_cursor of the previous page.")] = None,
        min_size: Annotated[int, Query(ge=1, le=MAX_MIN_SIZE, description="Only stories with at least this many articles.")] = 1,
        sort: Annotated[Literal["recent", "size"], Query(description="recent: latest activity first; size: largest first.")] = "recent",
    ) -> Response:
        """Stories, most recently active first (or largest first), with label, size, first/last
        seen and sources."""
        check_query_date("since", since)
        check_query_date("until", until)
        items, nxt = store.list_stories(since=since, until=until, q=q, limit=limit, cursor=cursor,
                                        min_size=min_size, order=sort)
        return _json({"stories": items, "next_cursor": nxt})

    from storyline.service.timeline import StoryTimelines

    timelines = StoryTimelines(store)

    # before /stories/{story_id:path}, which would take ".../timeline" as part of the id
    @app.get("/stories/{story_id:path}/timeline", tags=["read"])
    def get_story_timeline(story_id: str) -> Response:
        """How the story's facts evolved across its versions: counts, times, names, quotes
        and claims, each with its first report, changes and conflicts (schema: docs/timeline.md;
        plus story_id, label, versions_total and versions_shown, the earliest 200)."""
        got = timelines.json(story_id)  # a build takes CPU: this runs on a worker thread
        if got is None:
            # a story whose own id ends in "/timeline" is still served here, as before
            story = store.get_story(f"{story_id}/timeline")
            if story is not None:
                return _json(story)
            raise not_found("story", story_id)
        return _json(got)

    @app.get("/stories/{story_id:path}", tags=["read"])
    async def get_story(story_id: str) -> Response:
        """One story: members in time order (first report marked), label, sources."""
        return _json(found("story", story_id, store.get_story(story_id)))

    def _compare(a: str, b: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        from storyline.service.comparison import compare_rows

        ra, rb = found("article", a, store.get_article(a)), found("article", b, store.get_article(b))
        return ra, rb, compare_rows(ra, rb)

    @app.get("/compare", tags=["read"])
    def compare(
        a: Annotated[str, Query(min_length=1, description="Article id.")],
        b: Annotated[str, Query(min_length=1, description="Article id.")],
    ) -> dict[str, Any]:
        """Why two stored articles are related and what changed: relation, similarity,
        dimensions and evidence (shared quotes, changed facts, aligned sentences)."""
        return _compare(a, b)[2]

    @app.get("/healthz", tags=["meta"])
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "articles_seq": store.last_seq(), "schema_version": store.schema_version(),
                "auth": token is not None, "damaged_records_skipped": len(indexer.damaged)}

    from storyline.service.pages import add_pages

    add_pages(app, store, _compare, timelines)

    return BodyLimit(app, max_body, token=token, token_reads=token_reads, docs=docs)
