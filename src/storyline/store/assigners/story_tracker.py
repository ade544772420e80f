"""Story assignment by :class:`storyline.stories.StoryTracker`, persisted in the store.

The tracker's features for each article are serialized into the store when the article is
added and fed back on reopen, so the tracker's in-memory state (term index, MinHash bands,
story members inside its time window) is rebuilt without featurizing anything again.

Features are pickled (protocol 5) and zlib-compressed, with the article text left out (the
store already holds it) and put back on restore. Loading uses a restricted unpickler that only
builds the feature classes, dates, containers and numpy arrays, so a tampered store file can
make loading fail but cannot run code; the HTTP API never accepts features.
"""

from __future__ import annotations

import dataclasses
import pickle
import zlib
from collections.abc import Iterable
from typing import Any

from storyline.data import Article
from storyline.store.assigners.base import Assigned, Stored, ToAssign, headline_label

_TEXT_FROM_STORE = "\x00<text in store>"


class _Recording:
    """Wraps the scorer so the features the tracker computed can be persisted (no recompute)."""

    def __init__(self, scorer: Any):
        import inspect

        self.scorer = scorer
        self.last: Any = None
        params = inspect.signature(scorer.featurize).parameters
        self._pre_normalized = "normalized" in params  # the store already normalized the text

    def featurize(self, article: Article) -> Any:
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

    @staticmethod
    def encode(feats: Any, text: str) -> bytes:
        """The stored form of ``feats`` (computed beside them, off the writer's path)."""
        return encode_features(feats, text)


# (module, name) pairs a stored feature record may reference; anything else is refused.
_ALLOWED_GLOBALS: set[tuple[str, str]] = {
    ("storyline.link", "ArticleFeatures"),
    ("storyline.features.facts", "NumberFact"),
    ("storyline.features.facts", "DateFact"),
    ("storyline.features.facts", "Quote"),
    ("datetime", "date"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
}


class _FeatureUnpickler(pickle.Unpickler):
    """Unpickler that only resolves the globals in ``_ALLOWED_GLOBALS`` (no code execution)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(
                f"stored features reference {module}.{name}, which a feature record never holds; "
                "the store file may be corrupt or tampered with (rebuild it with storyline index add)"
            )
        return super().find_class(module, name)


def register_feature_class(cls: type) -> None:
    """Allow a custom scorer's feature class to be loaded back from a store."""
    _ALLOWED_GLOBALS.add((cls.__module__, cls.__qualname__))


def encode_features(feats: Any, text: str) -> bytes:
    register_feature_class(type(feats))  # what this process stores, it may load back
    if dataclasses.is_dataclass(feats) and getattr(feats, "text", None) == text:
        feats = dataclasses.replace(feats, text=_TEXT_FROM_STORE)  # type: ignore[type-var]
    return zlib.compress(pickle.dumps(feats, protocol=5), 1)


def decode_features(data: bytes, text: str | None) -> Any:
    import io

    feats = _FeatureUnpickler(io.BytesIO(zlib.decompress(data))).load()
    if dataclasses.is_dataclass(feats) and getattr(feats, "text", None) == _TEXT_FROM_STORE:
        feats = dataclasses.replace(feats, text=text or "")  # type: ignore[type-var]
    return feats


class TrackerAssigner:
    """:class:`~storyline.store.assigners.StoryAssigner` over a StoryTracker.

    Every article goes through ``StoryTracker.add`` (copies too: they are part of a story's
    support when later articles are scored); the store's dedup decision only names the
    relation ``duplicate`` when the tracker put the copy in its original's story.
    """

    name = "story-tracker"
    features_kind: str | None = "pickle-zlib/1"

    def __init__(self, scorer: Any = None, config: Any = None):
        from storyline.stories import StoryTracker

        if scorer is None:
            from storyline.link import Linker

            scorer = Linker.load()
        self._recording = _Recording(scorer)
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
            encoded = encode_features(feats, item.article.text)
        else:  # encoded in a worker process: this process must be able to load it back too
            register_feature_class(type(feats))
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
        )

    def peek(self, item: ToAssign) -> Assigned:
        """What the tracker would decide for the article now (its state untouched)."""
        if item.duplicate_of is not None and item.duplicate_story is not None:
            return self._duplicate(item)
        feats = item.features if item.features is not None else self._recording.featurize(item.article)
        a = self.tracker.peek(item.article, feats)
        if a.is_new_story:
            return Assigned("", "new", True, a.nearest_id, round(float(a.similarity), 4),
                            round(float(a.novelty), 4))
        return Assigned(a.story_id, str(a.relation or "same_story"), False, a.nearest_id,
                        round(float(a.similarity), 4), round(float(a.novelty), 4))

    def restore(self, rows: Iterable[Stored]) -> None:
        t = self.tracker
        for r in rows:
            if r.features is not None:
                art = Article(id=r.article_id, text="", published=r.published, source=r.source)
                t.restore(art, decode_features(r.features, r.text), r.story_id)

    def reset(self) -> None:
        self._evicted.clear()
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
