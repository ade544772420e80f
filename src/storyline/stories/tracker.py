"""Streaming story clustering: ``StoryTracker.add(article) -> Assignment``.

A thin composition: a :class:`WindowClock` says what has left the window, a
:class:`CandidateIndex` holds the live articles and finds each one's candidates, the scorer
scores them, and a :class:`StoryBook` decides and records the story. The per-article cost
depends on the window's density and the caps, not on how many stories were seen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from storyline.data import Article
from storyline.index.terms import TermIndex
from storyline.stories.book import PairScores, StoryBook
from storyline.stories.candidates import CandidateIndex, index_terms
from storyline.stories.config import ClusterConfig
from storyline.stories.idf import with_corpus_idf
from storyline.stories.merge import build_stories
from storyline.stories.types import Assignment, Node, PairScoreLike, Scorer, Story
from storyline.stories.window import WindowClock, parse_time

CLOSED_KEEP = 10_000  # closed stories remembered for the "why" of a late article (bounded)


def _day(t: float | None) -> str:
    return "undated" if t is None else datetime.fromtimestamp(t, UTC).date().isoformat()


def default_scorer() -> Scorer:
    from storyline.link import Linker  # imported lazily: clustering works with any Scorer

    linker: Scorer = Linker.load()
    return linker


class StoryTracker:
    """Streaming story clustering: ``add(article) -> Assignment``.

    Keeps only what the time window (and ``max_items``) needs: features and index entries of
    older articles are dropped, so memory and per-article work stay bounded on an endless stream.
    """

    def __init__(self, linker: Scorer | None = None, config: ClusterConfig | None = None):
        self.config = c = config or ClusterConfig()
        self.scorer: Scorer = linker if linker is not None else default_scorer()
        self._idf: Any = None
        if c.corpus_idf:
            self.scorer = with_corpus_idf(self.scorer)
            self._idf = getattr(self.scorer, "idf", None)
        self.index = CandidateIndex(c, getattr(self.scorer, "index_keys", index_terms))
        self.index.on_drop = self._dropped
        self._on_drop: Callable[[str], None] | None = None
        self.clock = WindowClock(c.window_s)
        self.book = StoryBook(c)
        self._held: dict[str, int] = {}  # story -> members whose features are held
        # stories whose every member left the window, by their label terms (for the "why")
        self.closed: TermIndex[str] = TermIndex(c.max_terms, c.max_postings, CLOSED_KEEP)
        self._order = 0
        self.edges: list[tuple[str, str, float]] = []  # every scored pair (for the batch merge)
        self.record_edges = False  # batch: keep every scored pair for the merge pass
        self.pairs_scored = 0
        self.candidates_examined = 0

    @property
    def on_drop(self) -> Callable[[str], None] | None:
        """Told when an article's features leave the window."""
        return self._on_drop

    @on_drop.setter
    def on_drop(self, fn: Callable[[str], None] | None) -> None:
        self._on_drop = fn

    # public API ---------------------------------------------------------------------------

    def add(self, article: Article, features: Any = None) -> Assignment:
        """Assign one article to a story (a new one if nothing in the window is close enough).
        ``features``: ``scorer.featurize(article)`` when already computed (e.g. in a worker)."""
        if self._idf is not None:
            self._idf.update(article.text)
        feats = self.scorer.featurize(article) if features is None else features
        return self.add_featurized(article, feats)

    def add_featurized(self, article: Article, feats: Any,
                       given: dict[str, PairScoreLike] | None = None) -> Assignment:
        """``add`` with features computed (and, in ``given``, pair scores already known)."""
        node = self.prepare(article, feats)
        self.evict(self.clock.observe(node.time))
        scores = self.scores_for(feats, given)
        for key in self.query(node, feats):
            scores.get(key)
        assignment = self.assign(node, scores, self.index.last_examined)
        if assignment.is_new_story:
            assignment = replace(assignment, reason=self.why_new(node, assignment.reason))
        self.hold(node, feats)
        return assignment

    def peek(self, article: Article, features: Any = None) -> Assignment:
        """What ``add`` would decide now, leaving the stories and index as they are."""
        feats = self.scorer.featurize(article) if features is None else features
        node = self.index.prepare(article, feats, self._order)
        scores = self.scores_for(feats)
        for key in self.query(node, feats):
            scores.get(key)
        decision = self.book.decide(node, scores, lambda m: self.index.live(node, m))
        self.pairs_scored += scores.scored
        out = decision.assignment(node.id, self.index.last_examined)
        if out.is_new_story:
            out = replace(out, reason=self.why_new(node, out.reason))
        return out

    def restore(self, article: Article, features: Any, story_id: str) -> None:
        """Put back an article seen before (e.g. loaded from a store) under its known story,
        unscored; windowing and caps behave as when it was first added. Restoring every article
        in the order it was added rebuilds the state one uninterrupted stream would have.
        ``features`` None: the article has left the window (its features were dropped); it
        still moves the clock, takes its processing order and counts in its story (members,
        last date), as it did when it was added."""
        if features is None:
            self.book.check_new(article)
            node = Node(article.id, self._order, parse_time(article.published),
                        article.published, article.source, {})
            self._order += 1
            self.book.record(node)
            self.evict(self.clock.observe(node.time))
            self.book.place(node.id, story_id)
            return
        node = self.prepare(article, features)
        node.sig = self.index.signature(features)  # its MinHash bands, as ``query`` set them
        self.evict(self.clock.observe(node.time))
        self.book.place(node.id, story_id)
        self.hold(node, features)
        self.book.states[story_id].add_terms(node.terms)

    def move(self, article_id: str, story_id: str) -> None:
        """Make ``article_id`` (already added) a member of ``story_id``, created if new."""
        old = self.book.story_of.get(article_id)
        self.book.place(article_id, story_id)
        if article_id in self.index and old is not None and old != story_id:
            self._held[old] -= 1
            if not self._held[old]:
                del self._held[old]
            self._held[story_id] = self._held.get(story_id, 0) + 1

    # the window, per story ------------------------------------------------------------------

    def evict(self, cut: float | None) -> None:
        """Forget articles older than ``cut`` whose story is closed too (or which are older
        than the window relative to their story's last article): see window.py."""
        self.index.evict(cut, hold=self._hold_until)

    def hold(self, node: Node, feats: Any) -> None:
        """Insert ``node`` (already placed in its story) in the candidate index."""
        sid = self.book.story_of[node.id]
        self._held[sid] = self._held.get(sid, 0) + 1
        self.index.insert(node, feats)

    def _hold_until(self, key: str) -> float | None:
        w = self.config.window_s
        sid = self.book.story_of.get(key)
        state = self.book.states.get(sid) if sid is not None else None
        meta = self.book.meta.get(key)
        if w is None or state is None or state.last is None or meta is None or meta.time is None:
            return None
        return state.last if meta.time >= state.last - w else None

    def _dropped(self, key: str) -> None:
        sid = self.book.story_of.get(key)
        if sid is not None and sid in self._held:
            self._held[sid] -= 1
            if not self._held[sid]:
                del self._held[sid]
                state = self.book.states.get(sid)
                if state is not None and sid not in self.closed:
                    self.closed.insert(sid, state.terms, state.last)
        if self._on_drop is not None:
            self._on_drop(key)

    def why_new(self, node: Node, scored: str | None = None) -> str:
        """Why ``node`` matched no story although it may look like one: a closed story shares
        its terms (said first), its candidates scored too low (``scored``, the book's reason),
        a held story is too far away in time, or no candidate shares terms."""
        c = self.config
        found = self.closed.query(node.terms, 1, min_score=c.min_term_score)
        if found:
            closed = found[0][0]
            why = f"window: story {closed} closed {_day(self.closed.time_of(closed))}"
            return why if scored is None else f"{why}; {scored}"
        if scored is not None:
            return scored
        # any time apart (held keys too): the nearest look-alike, to say how far it is
        near = [k for k, _ in self.index.terms.query(node.terms, 2, node.time, math.inf,
                                                     c.min_term_score) if k != node.id]
        if near and node.time is not None:
            held = self.book.story_of.get(near[0])
            state = self.book.states.get(held) if held is not None else None
            if state is not None and state.last is not None and c.window_days is not None:
                return (f"window: story {held} (last article {_day(state.last)}) is more than "
                        f"{c.window_days:g} days from {_day(node.time)}")
        return "no candidate shares terms"

    def add_many(self, articles: Iterable[Article]) -> Iterator[Assignment]:
        """Assignments for many articles in order (same result as calling ``add`` on each)."""
        for a in articles:
            yield self.add(a)

    def story_of(self, article_id: str) -> str | None:
        return self.book.story_of.get(article_id)

    def stories(self) -> list[Story]:
        """The stories so far, largest first. A stream keeps the id its story got when it
        started (from the first article *seen*); ``first_report`` is the earliest published."""
        b = self.book
        return build_stories(b.meta, b.story_of, b.states, self.config.label_terms)

    def __len__(self) -> int:
        return len(self.book)

    # steps (the batch engine runs them in another order) ------------------------------------

    def prepare(self, article: Article, feats: Any) -> Node:
        """Check the id is new, give the article the next processing order and record it."""
        self.book.check_new(article)
        node = self.index.prepare(article, feats, self._order)
        self._order += 1
        self.book.record(node)
        return node

    def query(self, node: Node, feats: Any) -> list[str]:
        """Candidates of ``node`` (counted in ``candidates_examined``)."""
        cands = self.index.query(node, feats)
        self.candidates_examined += self.index.last_examined
        return cands

    def scores_for(self, feats: Any, given: dict[str, PairScoreLike] | None = None) -> PairScores:
        """Scores of an article with features ``feats`` against held articles (scored lazily)."""
        held = self.index.features
        return PairScores(lambda key: self.scorer.score(held[key], feats), given)

    def assign(self, node: Node, scores: PairScores, examined: int) -> Assignment:
        """Decide and record ``node``'s story (the caller inserts it in the index)."""
        edges = self.edges if self.record_edges else None
        assignment = self.book.settle(node, scores, lambda m: self.index.live(node, m), examined, edges)
        self.pairs_scored += scores.scored
        return assignment
