"""The story book: which story each article belongs to, and the rule that decides it.

An article joins the candidate story with the highest **average** deciding score over the
members it was scored against, if that average is >= ``threshold`` and at least
``min(min_support, members in window)`` of those members score >= ``support_threshold`` (the
story's earliest and latest members are scored too when fewer were candidates); otherwise it
starts a new story, whose id is derived from its own id. One similar member is not enough to
pull an article into a large story, so a chain A~B~C of pairwise look-alikes does not glue two
stories together (single-link would).

:meth:`StoryBook.decide` changes nothing (it may only score more pairs through ``scores``);
:meth:`StoryBook.commit` applies a decision and :meth:`StoryBook.place` puts an article in a
known story (restored from a store, or a Spark component's ghost).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from storyline.data import COPY_RELATIONS, Article
from storyline.errors import InputError
from storyline.index.terms import top_terms
from storyline.stories.config import ClusterConfig
from storyline.stories.types import Assignment, Node, PairScoreLike, story_id_for


def deciding_score(score: PairScoreLike, score_field: str) -> float:
    """The deciding score of a pair (``score_field``, else ``similarity``); a pair the scorer
    calls a duplicate or near duplicate is certain evidence (1.0) whatever the score."""
    if score.relation in COPY_RELATIONS:
        return 1.0
    return float(score.same_story if score_field == "same_story" else score.similarity)


class PairScores:
    """One article's scores against held articles, each pair scored at most once.

    ``fetch(key)`` scores the article against ``key``; ``given`` are scores computed elsewhere
    (a worker, a Spark task). ``scored`` counts the pairs fetched here.
    """

    __slots__ = ("cache", "fetch", "scored")

    def __init__(self, fetch: Callable[[str], PairScoreLike],
                 given: dict[str, PairScoreLike] | None = None):
        self.cache: dict[str, PairScoreLike] = {} if given is None else given
        self.fetch = fetch
        self.scored = 0

    def get(self, key: str) -> PairScoreLike:
        got = self.cache.get(key)
        if got is None:
            got = self.cache[key] = self.fetch(key)
            self.scored += 1
        return got

    def __getitem__(self, key: str) -> PairScoreLike:
        return self.cache[key]

    def __iter__(self) -> Iterator[str]:
        """The keys scored so far, in the order they were first scored."""
        return iter(self.cache)


@dataclass(slots=True)
class StoryState:
    id: str
    seq: int
    members: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)
    last: float | None = None  # publication time of its latest dated member (its window)

    def seen(self, time: float | None) -> None:
        if time is not None and (self.last is None or time > self.last):
            self.last = time

    def add_terms(self, terms: Mapping[str, float], keep: int = 64) -> None:
        """Accumulate member terms for the label, pruned to the ``keep`` heaviest (bounded)."""
        acc = self.terms
        for t, w in terms.items():
            acc[t] = acc.get(t, 0.0) + w
        if len(acc) > 2 * keep:
            self.terms = dict(top_terms(acc, keep))


@dataclass(slots=True)
class Meta:
    """The small per-article record story summaries need (kept after features are dropped)."""

    order: int
    time: float | None
    published: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    """Where :meth:`StoryBook.decide` puts an article: ``story_id`` (new when ``is_new``), its
    nearest scored article (in that story, or at all for a new story) and its deciding score."""

    story_id: str
    is_new: bool
    nearest_id: str | None
    nearest: PairScoreLike | None
    value: float
    novelty: float
    reason: str | None = None

    def assignment(self, article_id: str, candidates: int) -> Assignment:
        near = self.nearest
        return Assignment(
            article_id,
            self.story_id,
            near.relation if near else None,
            self.nearest_id,
            near.similarity if near else 0.0,
            self.is_new,
            self.novelty,
            candidates,
            self.value,
            self.reason,
        )


class StoryBook:
    """Stories so far: members, label terms and the per-article records of summaries."""

    def __init__(self, config: ClusterConfig):
        self.config = config
        self.story_of: dict[str, str] = {}
        self.states: dict[str, StoryState] = {}
        self.meta: dict[str, Meta] = {}

    def __len__(self) -> int:
        return len(self.story_of)

    def check_new(self, article: Article) -> None:
        if article.id in self.story_of:
            raise InputError(
                f"article id {article.id!r} was already seen",
                where=article.where,
                hint="give every article a unique id (e.g. --id-field)",
            )

    def record(self, node: Node) -> None:
        self.meta[node.id] = Meta(node.order, node.time, node.published, node.source)

    def value(self, score: PairScoreLike) -> float:
        return deciding_score(score, self.config.score_field)

    def decide(self, node: Node, scores: PairScores, live: Callable[[str], bool]) -> Decision:
        """The story ``node`` joins given its candidate ``scores``; ``live(key)``: whether a
        member is still held and in the window (only those can support a story)."""
        c = self.config
        val = self.value
        by_story: dict[str, list[str]] = defaultdict(list)
        for key in scores:
            if key in self.story_of:
                by_story[self.story_of[key]].append(key)
        best_story: str | None = None
        best_avg = -1.0
        for sid in sorted(by_story, key=lambda s: self.states[s].seq):
            members = [m for m in self.states[sid].members if live(m)]
            need = min(c.min_support, len(members))
            scored = by_story[sid]
            if len(scored) < need:  # verify against the story's first and latest members
                for key in _support_members(members, scored, need):
                    scores.get(key)
                    scored.append(key)
            sims = [val(scores[k]) for k in scored]
            avg = sum(sims) / len(sims)
            support = sum(1 for s in sims if s >= c.support_at)
            if avg >= c.threshold and support >= need and avg > best_avg:
                best_story, best_avg = sid, avg
        nearest_all = self._nearest(list(scores), scores)
        best = val(scores[nearest_all]) if nearest_all is not None else 0.0
        novelty = 1.0 - best
        if best_story is None:
            near = scores[nearest_all] if nearest_all is not None else None
            reason = None
            if nearest_all is not None:
                reason = (f"no story reaches the threshold {c.threshold:g}: nearest "
                          f"{nearest_all} scores {best:.2f}")
            return Decision(story_id_for(node.id), True, nearest_all, near, best, novelty, reason)
        own = self._nearest(by_story[best_story], scores)
        assert own is not None
        return Decision(best_story, False, own, scores[own], val(scores[own]), novelty)

    def commit(self, node: Node, decision: Decision) -> None:
        """Apply ``decision`` to the book."""
        sid = decision.story_id
        if decision.is_new:
            state = self.states[sid] = StoryState(sid, len(self.states), [node.id])
        else:
            state = self.states[sid]
            state.members.append(node.id)
        state.seen(node.time)
        state.add_terms(node.terms)
        self.story_of[node.id] = sid

    def settle(self, node: Node, scores: PairScores, live: Callable[[str], bool], examined: int,
               edges: list[tuple[str, str, float]] | None = None) -> Assignment:
        """Decide and commit ``node``'s story; with ``edges``, append every scored pair
        (candidate, node, deciding score) for the batch merge pass."""
        decision = self.decide(node, scores, live)
        if edges is not None:
            val = self.value
            edges.extend((k, node.id, val(scores[k])) for k in scores)
        self.commit(node, decision)
        return decision.assignment(node.id, examined)

    def place(self, article_id: str, story_id: str) -> None:
        """Make ``article_id`` a member of ``story_id`` (created if new), leaving its old one."""
        old = self.story_of.get(article_id)
        state = self.states.get(old) if old is not None else None
        if state is not None:
            state.members.remove(article_id)
            if not state.members:
                del self.states[state.id]
        target = self.states.get(story_id)
        if target is None:
            target = self.states[story_id] = StoryState(story_id, len(self.states))
        target.members.append(article_id)
        meta = self.meta.get(article_id)
        target.seen(meta.time if meta is not None else None)
        self.story_of[article_id] = story_id

    def _nearest(self, keys: Sequence[str], scores: PairScores) -> str | None:
        if not keys:
            return None
        val = self.value
        meta = self.meta
        return min(keys, key=lambda k: (-val(scores[k]), meta[k].order))


def _support_members(members: list[str], scored: list[str], need: int) -> list[str]:
    have = set(scored)
    picks: list[str] = []
    for m in (members[0], members[-1], *members[1:-1]):
        if len(scored) + len(picks) >= need:
            break
        if m not in have and m not in picks:
            picks.append(m)
    return picks
