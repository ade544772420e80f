"""Story assignment by :class:`storyline.stories.StoryTracker`, persisted in the store.

The tracker's features for each article are serialized into the store when the article is
added and fed back on reopen, so the tracker's in-memory state (term index, MinHash bands,
story members inside its time window) is rebuilt without featurizing anything again.

Features are stored through the scorer's own codec (``to_bytes``/``from_bytes``, named by its
``codec``, which is recorded as the row's ``kind``): data with an explicit layout, never a
pickle, with the article text left out (the store already holds it) and put back on restore.
A record that does not decode (damaged, foreign, hostile) is skipped, logged and counted
(:attr:`TrackerAssigner.damaged`): the rest of the store still serves, and ``storyline index
check`` names it. Records written by older versions as pickles are read once through a
restricted unpickler (legacy_pickle.py) and rewritten (:meth:`TrackerAssigner.upgrade`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import Any

from storyline.data import Article
from storyline.errors import ConfigError, DamagedDataError
from storyline.store.assigners import legacy_pickle
from storyline.store.assigners.base import Assigned, Stored, ToAssign, headline_label

log = logging.getLogger("storyline.store")


class _Recording:
    """Wraps the scorer so the features the tracker computed can be persisted (no recompute)."""

    def __init__(self, scorer: Any):
        import inspect

        self.scorer = scorer
        self.last: Any = None
        params = inspect.signature(scorer.featurize).parameters
        self._pre_normalized = "normalized" in params  # the store already normalized the text

    def featurize(self, article: Article, *, normalized: bool = False) -> Any:
        if self._pre_normalized:
            self.last = self.scorer.featurize(article, normalized=True)
        else:
            self.last = self.scorer.featurize(article)
        return self.last

    def score(self, a: Any, b: Any) -> Any:
        return self.scorer.score(a, b)

    def __getattr__(self, name: str) -> Any:  # index_terms and any other scorer hook
        if name.startswith("__") or name in ("scorer", "last", "_pre_normalized"):
            raise AttributeError(name)  # copy/pickle probe these before __init__ ran
        return getattr(self.scorer, name)


class _Featurizer:
    def __init__(self, scorer: Any, pre_normalized: bool):
        self.scorer = scorer
        self.pre_normalized = pre_normalized

    def featurize(self, article: Article) -> Any:
        if self.pre_normalized:
            return self.scorer.featurize(article, normalized=True)
        return self.scorer.featurize(article)

    def encode(self, feats: Any, text: str) -> bytes:
        """The stored form of ``feats`` (computed beside them, off the writer's path)."""
        return bytes(self.scorer.to_bytes(feats, text))


def _codec_of(scorer: Any) -> str:
    """The scorer's codec name; a scorer without one cannot be used in a store."""
    codec = getattr(scorer, "codec", None)
    if not isinstance(codec, str) or not callable(getattr(scorer, "to_bytes", None)) \
            or not callable(getattr(scorer, "from_bytes", None)):
        raise ConfigError(
            f"scorer {type(scorer).__name__} has no codec (codec, to_bytes, from_bytes), so a "
            "store cannot keep its features",
            hint="implement the storyline.data.Scorer protocol",
        )
    return codec


class TrackerAssigner:
    """:class:`~storyline.store.assigners.StoryAssigner` over a StoryTracker.

    Every article goes through ``StoryTracker.add`` (copies too: they are part of a story's
    support when later articles are scored); the store's dedup decision only names the
    relation ``duplicate`` when the tracker put the copy in its original's story.
    """

    name = "story-tracker"

    def __init__(self, scorer: Any = None, config: Any = None):
        from storyline.stories import StoryTracker

        if scorer is None:
            from storyline.link import Linker

            scorer = Linker.load()
        self._recording = _Recording(scorer)
        self.features_kind: str | None = _codec_of(scorer)
        self.damaged: list[tuple[int, str, str]] = []  # (seq, id, problem) of skipped records
        self._config = self._store_config(config)
        self._new = lambda: StoryTracker(self._recording, self._config)
        self._evicted: list[str] = []
        self.tracker = self._watch(self._new())

    @staticmethod
    def _store_config(config: Any) -> Any:
        """The tracker settings used in a store: ``corpus_idf`` is turned off, because a
        stream-refined IDF is state that depends on every article ever added and would have to
        be recomputed from all stored texts on reopen; stored features then stay exactly what
        the tracker computed."""
        from storyline.stories import ClusterConfig

        cfg = config or ClusterConfig()
        if getattr(cfg, "corpus_idf", False):
            cfg = dataclasses.replace(cfg, corpus_idf=False)
        return cfg

    def _watch(self, tracker: Any) -> Any:
        """Record the articles the tracker forgets (out of its window): their stored features
        will never be read again, so the indexer can delete them and keep the store small."""
        tracker.on_drop = self._evicted.append
        return tracker

    def evicted(self) -> list[str]:
        """Ids forgotten since the last call (their features may be dropped from the store)."""
        out = list(self._evicted)
        self._evicted.clear()  # in place: the tracker's on_drop appends to this list
        return out

    # -- the protocol ------------------------------------------------------------------

    def featurizer(self) -> Any:
        """A picklable object whose ``featurize(normalized article)`` gives the tracker's
        features (pure: the indexer may run it ahead, in worker processes)."""
        return _Featurizer(self._recording.scorer, self._recording._pre_normalized)

    def assign(self, item: ToAssign) -> Assigned:
        encoded = item.encoded
        if item.features is not None:
            feats = item.features
            a = self.tracker.add(item.article, feats)
        else:
            a = self.tracker.add(item.article)
            feats, encoded = self._recording.last, None
        if encoded is None:
            encoded = bytes(self._recording.scorer.to_bytes(feats, item.article.text))
        story_id, is_new = a.story_id, a.is_new_story
        relation = "new" if is_new else (a.relation or "same_story")
        nearest, similarity = a.nearest_id, float(a.similarity)
        if item.duplicate_of is not None and item.duplicate_story is not None:
            # a verified copy always shares its original's story (the store's invariant),
            # whatever the tracker's support rules decided
            if story_id != item.duplicate_story:
                self.tracker.move(item.article.id, item.duplicate_story)
                story_id, is_new = item.duplicate_story, False
            relation, nearest, similarity = "duplicate", item.duplicate_of, item.duplicate_score
        return Assigned(
            story_id=story_id,
            relation=relation,
            is_new_story=is_new,
            nearest_id=nearest,
            similarity=round(similarity, 4),
            novelty=round(float(a.novelty), 4),
            label=self._label(story_id, item.article) if is_new else None,
            features=encoded,
            reason=a.reason if is_new else None,
        )

    def peek(self, item: ToAssign) -> Assigned:
        """What the tracker would decide for the article now (its state untouched)."""
        if item.duplicate_of is not None and item.duplicate_story is not None:
            return self._duplicate(item)
        feats = item.features if item.features is not None else self._recording.featurize(item.article)
        a = self.tracker.peek(item.article, feats)
        if a.is_new_story:
            return Assigned("", "new", True, a.nearest_id, round(float(a.similarity), 4),
                            round(float(a.novelty), 4), reason=a.reason)
        return Assigned(a.story_id, str(a.relation or "same_story"), False, a.nearest_id,
                        round(float(a.similarity), 4), round(float(a.novelty), 4))

    def restore(self, rows: Iterable[Stored]) -> None:
        """Replay every stored article in the order it was added, those whose features were
        dropped (out of the window) included: they moved the window's clock and their
        stories' last dates, so a resumed store decides exactly as an uninterrupted one."""
        t = self.tracker
        for r in rows:
            feats = None
            if r.features is not None:
                try:
                    feats = self.decode(r.kind, r.features, r.text,
                                        where=f"features row {r.seq} ({r.article_id!r})")
                except DamagedDataError as exc:  # replayed like an article out of the window
                    self.damaged.append((r.seq, r.article_id, exc.message))
                    log.warning("storyline: skipped a damaged stored record: %s (fix: run "
                                "'storyline index check' for the list, then re-add those articles)",
                                exc)
            art = Article(id=r.article_id, text="", published=r.published, source=r.source)
            t.restore(art, feats, r.story_id)

    def decode(self, kind: str | None, data: bytes, text: str | None, *, where: str | None = None) -> Any:
        """Stored features back (any kind this assigner reads); DamagedDataError otherwise."""
        if kind == legacy_pickle.KIND:
            return legacy_pickle.decode_legacy(data, text, where=where)
        if kind is not None and kind != self.features_kind:
            raise DamagedDataError(
                f"stored features are of kind {kind!r}, not this scorer's {self.features_kind!r}",
                where=where, hint="open the store with the scorer that built it",
            )
        try:
            return self._recording.scorer.from_bytes(data, text or "")
        except DamagedDataError as exc:
            raise DamagedDataError(exc.message, where=where) from None

    def upgrade(self, kind: str, data: bytes, text: str | None) -> tuple[str, bytes] | None:
        """An old-format record rewritten in this scorer's codec (None: it is current).
        The text the features leave out is the store's, so it is left out again."""
        if kind == self.features_kind or self.features_kind is None:
            return None
        feats = self.decode(kind, data, text)
        return self.features_kind, bytes(self._recording.scorer.to_bytes(feats, text or ""))

    def reset(self) -> None:
        self._evicted.clear()
        self.damaged.clear()  # the restore that follows finds them again
        self.tracker = self._watch(self._new())

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _duplicate(item: ToAssign) -> Assigned:
        assert item.duplicate_story is not None
        return Assigned(item.duplicate_story, "duplicate", False, item.duplicate_of,
                        round(item.duplicate_score, 4), round(1.0 - item.duplicate_score, 4))

    @staticmethod
    def _label(story_id: str, article: Article) -> str | None:
        """The first report's headline (or opening words); cheap, no pass over all stories."""
        return headline_label(article) or None
