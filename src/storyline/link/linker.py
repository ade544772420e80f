"""The :class:`Linker`: featurize articles once, score pairs with the fitted model, decide the relation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.data import Article, PairScore
from storyline.errors import ConfigError
from storyline.features.tfidf import IdfModel
from storyline.index.terms import keyed_terms
from storyline.link.codec import CODEC, decode_features, encode_features
from storyline.link.designs import design_row, model_variant
from storyline.link.features import ArticleFeatures, embed_text, featurize_article
from storyline.link.model import LinkModel, load_model_file, parse_model
from storyline.link.relation import is_revision
from storyline.link.signals import compute_signals
from storyline.normalize import normalize_article

if TYPE_CHECKING:
    from storyline.features.embeddings import Embedder


class Linker:
    """Featurize articles and score pairs with the fitted model.

    ``Linker.load()`` uses the packaged model; with an ``embedder`` it uses that encoder's
    variant (:func:`model_variant`: embedding cosine as a signal), otherwise the lexical one.
    """

    def __init__(
        self,
        model: LinkModel | None,
        embedder: Embedder | None = None,
        idf: IdfModel | None = None,
        entity_backend: str = "rules",
    ):
        self.model = model
        self.embedder = embedder
        self.idf = idf if idf is not None else IdfModel.default()
        self.entity_backend = entity_backend

    def _model(self) -> LinkModel:
        if self.model is None:
            raise ConfigError("this Linker has no model (featurize only)", hint="use Linker.load()")
        return self.model

    @classmethod
    def load(
        cls,
        model_path: str | Path | None = None,
        embedder: Embedder | None = None,
        idf: IdfModel | None = None,
        entity_backend: str = "rules",
    ) -> Linker:
        data = load_model_file(Path(model_path) if model_path is not None else None)
        variant = model_variant(embedder.name if embedder is not None else None)
        return cls(parse_model(data, variant), embedder, idf, entity_backend)

    @property
    def uses_embeddings(self) -> bool:
        return self.embedder is not None

    # ------------------------------------------------------------ features

    def featurize(self, article: Article, *, normalized: bool = False) -> ArticleFeatures:
        """Features of one article (normalizes it first unless ``normalized``)."""
        f = self._featurize(article if normalized else normalize_article(article))
        if self.embedder is not None:
            f.embedding = self.embedder.encode([embed_text(f)])[0]
        return f

    def featurize_many(
        self, articles: Iterable[Article], *, normalized: bool = False
    ) -> list[ArticleFeatures]:
        """Features of many articles; embeddings (when used) are encoded in batches."""
        feats = [self._featurize(a if normalized else normalize_article(a)) for a in articles]
        if self.embedder is not None and feats:
            vecs = self.embedder.encode([embed_text(f) for f in feats])
            for f, v in zip(feats, vecs, strict=True):
                f.embedding = v
        return feats

    def _featurize(self, art: Article) -> ArticleFeatures:
        return featurize_article(art, self.idf, self.entity_backend)

    def index_keys(self, features: ArticleFeatures) -> dict[str, float]:
        """The weighted keys candidate search looks up: TF-IDF terms and entity keys."""
        return keyed_terms(features.terms, features.entity_keys)

    # ------------------------------------------------------------ the stored form

    codec = CODEC  # names the byte layout of to_bytes (stored beside each record)

    def to_bytes(self, features: ArticleFeatures, text: str) -> bytes:
        """The versioned, pickle-free stored form of ``features`` (``text`` left out when it is
        the store's text); see :mod:`storyline.link.codec`."""
        return encode_features(features, text)

    def from_bytes(self, data: bytes, text: str) -> ArticleFeatures:
        """Features back from :meth:`to_bytes`; :class:`~storyline.errors.DamagedDataError` on
        bytes it did not write (damaged, foreign, or hostile)."""
        return decode_features(data, text)

    # ------------------------------------------------------------ scoring

    def score(self, a: ArticleFeatures, b: ArticleFeatures) -> PairScore:
        """Similarity, relation, signals and dimensions of one pair."""
        model = self._model()
        s = compute_signals(a, b)
        sim, p_same, dims = model.predict_all(design_row(s, model.similarity.features))
        dims = {k: round(v, 4) for k, v in dims.items()}
        dims["overall"] = round(4.0 - 3.0 * sim, 4)
        relation = self.decide(a, b, s, sim, p_same)
        return PairScore(
            similarity=round(sim, 6),
            same_story=round(p_same, 6),
            relation=relation,
            signals={k: round(v, 6) for k, v in s.items()},
            dimensions=dims,
        )

    def similarity(self, a: ArticleFeatures, b: ArticleFeatures) -> float:
        """Just the similarity (skips dimensions and relation: for candidate ranking)."""
        m = self._model().similarity
        return m.predict(design_row(compute_signals(a, b), m.features))

    def same_story_probability(self, a: ArticleFeatures, b: ArticleFeatures) -> float:
        """Just the same-story probability (the cheapest call for clustering)."""
        m = self._model().same_story
        return m.predict(design_row(compute_signals(a, b), m.features))

    def decide(
        self,
        a: ArticleFeatures,
        b: ArticleFeatures,
        s: Mapping[str, float],
        sim: float,
        p_same: float,
    ) -> str:
        """The relation from the scores and signals (thresholds in the model file).

        duplicate: same normalized words; near_duplicate: 5-shingle Jaccard (or containment of
        a similar-length text) above threshold; revision: same story (``p_same``) that one origin
        rewrote (see :func:`is_revision`); same_story by ``p_same``; otherwise related or
        unrelated by ``sim``.
        """
        t = self._model().thresholds
        if a.text_hash == b.text_hash and a.n_words > 0:
            return "duplicate"
        if s["jaccard"] >= t.near_duplicate_jaccard or (
            s["containment"] >= t.near_duplicate_containment and s["len_ratio"] >= 0.5
        ):
            return "near_duplicate"
        if p_same >= t.same_story:
            return "revision" if is_revision(a.source, b.source, s, t) else "same_story"
        if sim >= t.related:
            return "related"
        return "unrelated"

    def score_texts(
        self,
        text_a: str,
        text_b: str,
        *,
        title_a: str | None = None,
        title_b: str | None = None,
        published_a: str | None = None,
        published_b: str | None = None,
    ) -> PairScore:
        """Score two raw texts (normalized here)."""
        fa, fb = self.featurize_many(
            [
                Article(id="a", text=text_a, title=title_a, published=published_a),
                Article(id="b", text=text_b, title=title_b, published=published_b),
            ]
        )
        return self.score(fa, fb)

