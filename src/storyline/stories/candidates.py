"""Which earlier articles one article is scored against: a bounded candidate index.

Candidates come from salient terms with capped postings (:class:`storyline.index.terms.TermIndex`),
MinHash bands (catch copies whose terms are all common) and, when features carry an embedding
and ``ann_k`` > 0, approximate nearest neighbours; all inside the time window. The index holds
each live article's features, so the caller can score against them; what leaves the window is
forgotten (``on_drop`` is told), which keeps memory bounded on an endless stream.

``prepare`` / ``query`` / ``insert`` / ``evict`` are the whole surface: the local tracker and
Spark's candidate replay both drive it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from storyline.data import Article
from storyline.index.terms import TermIndex, keyed_terms, top_terms
from storyline.stories.config import ClusterConfig
from storyline.stories.types import Node
from storyline.stories.window import parse_time


def index_terms(features: Any, entity_weight: float = 0.5) -> dict[str, float]:
    """Weighted salient keys of an article: TF-IDF terms plus entity keys (prefixed ``e:``).

    Reads the :class:`storyline.link.ArticleFeatures` fields ``terms`` (TF-IDF weights) and
    ``entity_keys``; a stand-in may use ``tfidf`` / ``entities`` (an iterable of keys) instead.
    A scorer may define ``index_keys(features)`` to override this altogether.
    """
    tf = getattr(features, "terms", None)
    if not isinstance(tf, Mapping):
        tf = getattr(features, "tfidf", None)
    ents = getattr(features, "entity_keys", None)
    if ents is None:
        ents = getattr(features, "entities", None)
    if isinstance(ents, Mapping):  # kind -> keys
        ents = [k for keys in ents.values() for k in keys]
    return keyed_terms(tf if isinstance(tf, Mapping) else {}, ents or (), entity_weight)


def embedding_of(features: Any) -> np.ndarray | None:
    emb = getattr(features, "embedding", None)
    return emb if isinstance(emb, np.ndarray) and emb.size else None


def shingles_of(features: Any) -> np.ndarray | None:
    sh = getattr(features, "shingles", None)
    return sh if isinstance(sh, np.ndarray) else None


class CandidateIndex:
    """Live articles (features + index entries) inside the window, and their candidates.

    ``terms_of``: the article's weighted index keys (default :func:`index_terms`).
    ``signature_of``: its MinHash signature (default: hashed from ``features.shingles``).
    ``postings``: False keeps only the window (the caller brings its candidates).
    """

    def __init__(
        self,
        config: ClusterConfig,
        terms_of: Callable[[Any], dict[str, float]] = index_terms,
        signature_of: Callable[[Any], np.ndarray | None] | None = None,
        postings: bool = True,
    ):
        c = self.config = config
        self.terms_of = terms_of
        self.postings = postings
        self.terms: TermIndex[str] = TermIndex(c.max_terms, c.max_postings, c.max_items)
        self.lsh: Any = None
        self._hasher: Any = None
        if c.use_minhash:
            from storyline.index.lsh import LSHIndex

            self._hasher = c.minhash.hasher()
            self.lsh = LSHIndex(num_perm=c.minhash.num_perm, params=c.minhash.banding(0.5))
        self._signature_of = signature_of or self._hashed_signature
        self.ann: Any = None  # storyline.index.ann.VectorIndex, made on the first embedding
        self.features: dict[str, Any] = {}
        self.nodes: dict[str, Node] = {}
        self.on_drop: Callable[[str], None] | None = None  # told when an article's features go
        self.last_examined = 0

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, key: object) -> bool:
        return key in self.features

    def prepare(self, article: Article, features: Any, order: int) -> Node:
        """The node of ``article``: its time and top ``max_terms`` index terms."""
        terms = dict(top_terms(self.terms_of(features), self.config.max_terms))
        return Node(article.id, order, parse_time(article.published), article.published,
                    article.source, terms)

    def evict(self, cut: float | None, drop: bool = True,
              hold: Callable[[str], float | None] | None = None) -> list[str]:
        """Forget articles published before ``cut``; with ``drop=False`` their features stay
        (drop them later with :meth:`drop`); ``hold(key)``: keep a key until the cut passes that
        time (its story is still open). Returns the evicted keys."""
        if cut is None:
            return []
        gone = self.terms.evict_before(cut, hold)
        for key in gone:
            self.forget(key, drop)
        return gone

    def query(self, node: Node, features: Any) -> list[str]:
        """Candidates of ``node`` in the window: terms, then MinHash bands, then ANN neighbours
        (each capped). Sets ``node.sig`` and ``last_examined``."""
        c = self.config
        found = self.terms.query(node.terms, c.k, node.time, c.window_s, c.min_term_score)
        examined = self.terms.last_examined
        out = [key for key, _ in found]
        if self.lsh is not None:
            sig = node.sig = self._signature_of(features)
            if sig is not None:
                extra = [
                    key
                    for key in self.lsh.query(sig)
                    if key in self.features and self.in_window(node, key)
                ]
                examined += len(extra)
                have = set(out)
                out.extend(key for key in extra[: c.k] if key not in have)
        emb = embedding_of(features) if c.ann_k > 0 else None
        if emb is not None and self.ann is not None:
            near = [
                key
                for key, _ in self.ann.query(emb, c.ann_k)
                if key in self.features and self.in_window(node, key)
            ]
            examined += len(near)
            have = set(out)
            out.extend(key for key in near if key not in have)
        self.last_examined = examined
        return out

    def signature(self, features: Any) -> np.ndarray | None:
        """The MinHash signature the index would use (None without MinHash or shingles)."""
        return self._signature_of(features) if self.lsh is not None else None

    def insert(self, node: Node, features: Any) -> None:
        """Hold ``node`` and its features; what the ``max_items`` cap pushes out is forgotten."""
        terms = node.terms if self.postings else {}
        for key in self.terms.insert(node.id, terms, node.time):
            self.forget(key)
        self.features[node.id] = features
        self.nodes[node.id] = node
        if self.lsh is not None and node.sig is not None:
            self.lsh.insert(node.id, node.sig)
        emb = embedding_of(features) if self.config.ann_k > 0 else None
        if emb is not None:
            if self.ann is None:
                from storyline.index.ann import VectorIndex

                self.ann = VectorIndex()
            self.ann.insert(node.id, emb)

    def in_window(self, node: Node, key: str) -> bool:
        """Whether ``key`` may be compared with ``node``: both dated within the window, or
        one undated; an undated node is not compared with a key held past the window's edge
        (its story is open, but nothing places the undated article in that story's time)."""
        w = self.config.window_s
        if w is None:
            return True
        if node.time is None:
            return not self.terms.is_held(key)
        other = self.nodes[key].time if key in self.nodes else None
        return other is None or abs(other - node.time) <= w

    def live(self, node: Node, key: str) -> bool:
        """Whether ``key`` is held and inside ``node``'s window (a story member can support it)."""
        return key in self.features and self.in_window(node, key)

    def forget(self, key: str, drop: bool = True) -> None:
        if drop:
            self.drop(key)
        if self.lsh is not None and key in self.lsh:
            self.lsh.remove(key)
        if self.ann is not None and key in self.ann:
            self.ann.remove(key)

    def drop(self, key: str) -> None:
        self.features.pop(key, None)
        self.nodes.pop(key, None)
        if self.on_drop is not None:
            self.on_drop(key)

    def _hashed_signature(self, features: Any) -> np.ndarray | None:
        sh = shingles_of(features)
        if sh is None or self._hasher is None:
            return None
        return np.asarray(self._hasher.signature_from_shingles(sh))
