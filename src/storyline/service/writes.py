"""The service's write path: a batch is stored in short transactions so other posts interleave.

One writer thread (:class:`WriteQueue`) takes write jobs in order of arrival; its queue is the
service's fair lock. A batch used to be one job and one transaction, so a single post that
arrived just after a 1,000-article batch waited for all of it (7.6 s). Now a batch goes to the
writer one chunk at a time, each sized to take about :data:`WRITE_TARGET_S` of the writer's
time, and the next chunk is queued only once the previous one is committed; a chunk also
counts as arriving :data:`BATCH_YIELD_S` late, so a single post queued just after it goes
first. With preparation workers the next chunk is prepared while the current one is written
(the service prepares small posts on the writer while a batch runs, rather than behind the
batch's chunks in the pool).

Each chunk is one transaction (atomic); the batch as a whole is not. What a batch stores does
not depend on where it is split (articles are assigned one after another in batch order either
way); another post may land between two chunks, exactly as if it had been sent between two
smaller batches. A failure part-way raises :class:`PartlyStored` with the results of the chunks
that were committed; re-sending the batch is safe, since stored ids answer ``exists``.
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

WRITE_CHUNK = 64
"""Most articles per write transaction of a batch."""
WRITE_TARGET_S = 0.025
"""Writer time a chunk aims at: what a single post may wait behind a batch, per chunk."""
FIRST_CHUNK = 8
"""Chunk size before the writer's speed has been measured."""
BATCH_YIELD_S = 0.1
"""A batch's chunk is queued as if it had come this much later: posts that arrive just after
it (a single post, a small batch) go first, but none can hold a batch back for longer."""


class WriteQueue:
    """The writer thread: jobs run one at a time in order of arrival, a batch's chunks as if
    they had arrived :data:`BATCH_YIELD_S` later. With two batches in flight a single post
    would otherwise wait for a chunk of each; here it waits for the chunk being written."""

    def __init__(self, name: str = "storyline-writer", batch_yield: float = BATCH_YIELD_S):
        self.batch_yield = batch_yield
        self._jobs: queue.PriorityQueue[tuple[float, int, Any]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any, batch: bool = False) -> Future[Any]:
        fut: Future[Any] = Future()
        due = time.monotonic() + (self.batch_yield if batch else 0.0)
        self._jobs.put((due, next(self._order), (fut, fn, args)))
        return fut

    def _run(self) -> None:
        while True:
            _, _, job = self._jobs.get()
            if job is None:
                return
            fut, fn, args = job
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # handed to the waiting request
                fut.set_exception(exc)

    def shutdown(self) -> None:
        """Run the jobs already queued, then stop."""
        self._jobs.put((float("inf"), next(self._order), None))
        self._thread.join()


class Pace:
    """Articles per chunk, from the writer's measured seconds per article (a moving average:
    the assigner, the store's size and the machine's load all change it)."""

    def __init__(self, most: int = WRITE_CHUNK, target: float = WRITE_TARGET_S):
        self.most = max(1, int(most))
        self.target = target
        self.per_article: float | None = None
        self._lock = threading.Lock()

    def size(self) -> int:
        per = self.per_article
        if per is None:
            return min(self.most, FIRST_CHUNK)
        return max(1, min(self.most, int(self.target / max(per, 1e-6) + 1e-6)))

    def observe(self, articles: int, seconds: float) -> None:
        per = seconds / max(1, articles)
        with self._lock:
            old = self.per_article
            self.per_article = per if old is None else 0.7 * old + 0.3 * per

    def timed(self, job: Callable[[list[Any], Any], list[Any]]) -> Callable[[list[Any], Any], list[Any]]:
        """``job`` (run on the writer thread) with its time per article observed."""

        def run(chunk: list[Any], prepared: Any) -> list[Any]:
            t = time.perf_counter()
            out = job(chunk, prepared)
            self.observe(len(chunk), time.perf_counter() - t)
            return out

        return run


class PartlyStored(Exception):
    """A write failed after some chunks of the batch were committed."""

    def __init__(self, results: list[Any], total: int, cause: BaseException):
        super().__init__(f"stored {len(results)} of {total} articles, then {type(cause).__name__}")
        self.results = results
        self.total = total
        self.cause = cause


async def write_in_chunks(
    articles: list[Any],
    pace: Pace,
    write: Callable[[list[Any], Any, bool], Awaitable[list[Any]]],
    prepare: Callable[[list[Any]], Awaitable[Any]] | None = None,
) -> list[Any]:
    """Store ``articles`` chunk by chunk; ``write(chunk, prepared, batch)`` queues one chunk on
    the writer (``batch``: the post is split in several), ``prepare(chunk)`` (optional) prepares
    one elsewhere, and the next chunk's preparation overlaps the current chunk's write.
    Results come back in input order."""
    results: list[Any] = []
    start, n = 0, pace.size()
    batch = len(articles) > n
    ahead = asyncio.ensure_future(prepare(articles[:n])) if prepare is not None else None
    try:
        while start < len(articles):
            chunk = articles[start : start + n]
            try:
                prepared = await ahead if ahead is not None else None
                start += n
                n = pace.size()
                more = start < len(articles)
                ahead = asyncio.ensure_future(prepare(articles[start : start + n])) if prepare and more else None
                results += await write(chunk, prepared, batch)
            except Exception as exc:
                if not results:
                    raise  # nothing stored: the error as it is
                raise PartlyStored(results, len(articles), exc) from exc
    finally:
        if ahead is not None and not ahead.done():
            ahead.cancel()
    return results
