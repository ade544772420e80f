"""Streaming story clustering: ``StoryTracker.add(article) -> Assignment``.

A thin composition: a :class:`WindowClock` says what has left the window, a
:class:`CandidateIndex` holds the live articles and finds each one's candidates, the scorer
scores them, and a :class:`StoryBook` decides and records the story. The per-article cost
depends on the window's density and the caps, not on how many stories were seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from storyline.data import Article
from storyline.stories.book import PairScores, StoryBook
from storyline.stories.candidates import CandidateIndex, index_terms
from storyline.stories.config import ClusterConfig
from storyline.stories.idf import with_corpus_idf
from storyline.stories.merge import build_stories
from storyline.stories.types import Assignment, Node, PairScoreLike, Scorer, Story
from storyline.stories.window import WindowClock


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
        self.clock = WindowClock(c.window_s)
        self.book = StoryBook(c)
        self._order = 0
        self.edges: list[tuple[str, str, float]] = []  # every scored pair (for the batch merge)
        self.record_edges = False  # batch: keep every scored pair for the merge pass
        self.pairs_scored = 0
        self.candidates_examined = 0

    @property
    def on_drop(self) -> Callable[[str], None] | None:
        """Told when an article's features leave the window."""
        return self.index.on_drop

    @on_drop.setter
    def on_drop(self, fn: Callable[[str], None] | None) -> None:
        self.index.on_drop = fn

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
        self.index.evict(self.clock.observe(node.time))
        scores = self.scores_for(feats, given)
        for key in self.query(node, feats):
            scores.get(key)
        assignment = self.assign(node, scores, self.index.last_examined)
        self.index.insert(node, feats)
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
        return decision.assignment(node.id, self.index.last_examined)

    def restore(self, article: Article, features: Any, story_id: str) -> None:
        """Put back an article seen before (e.g. loaded from a store) under its known story,
        unscored; windowing and caps behave as when it was first added."""
        node = self.prepare(article, features)
        self.index.evict(self.clock.observe(node.time))
        self.index.insert(node, features)
        self.move(node.id, story_id)
        self.book.states[story_id].add_terms(node.terms)

    def move(self, article_id: str, story_id: str) -> None:
        """Make ``article_id`` (already added) a member of ``story_id``, created if new."""
        self.book.place(article_id, story_id)

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
