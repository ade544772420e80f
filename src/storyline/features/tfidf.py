"""Content-word TF-IDF with a packaged background IDF that the user's corpus can refine.

The background document frequencies come from general English word frequencies (the
``wordfreq`` package, turned into per-document probabilities by ``benchmarks/build_idf.py``),
never from evaluation data, so IDF works on a single pair and on the first article of a stream.
A corpus refines it: ``IdfModel.default().fit(texts)`` or ``.update(text)`` per article;
the background acts as ``prior_docs`` pseudo-documents so small corpora do not swing weights.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from itertools import repeat
from operator import mul

__all__ = [
    "STOP_WORDS",
    "IdfModel",
    "background_probability",
    "content_tokens",
    "cosine",
    "document_frequencies",
    "stem",
    "tfidf_weights",
]

STOP_WORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and another
    any are around as at back be became because been before being below between both but by
    can cannot could did do does doing done down during each either else even ever every few
    for from further get gets got had has have having he her here hers herself him himself his
    how however i if in into is it its itself just least less like made make many may me might
    more most much must my myself near neither never no nor not now of off often on once one only
    or other others otherwise our ours ourselves out over own per perhaps put rather said same
    say says see seem seemed several shall she should since so some still such than that the
    their theirs them themselves then there therefore these they this those though through thus
    to together too toward towards under until up upon us very via was we well were what
    whatever when where whether which while who whom whose why will with within without would
    yet you your yours yourself yourselves mr mrs ms told also according just s t
    """.split()  # noqa: SIM905 - word lists read better as text
)
_TOKEN = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper (plural, -ing, -ed, -ly): enough to match 'floods'/'flooding'.

    Deliberately conservative; a real stemmer would add a dependency for little gain here.
    """
    w = word.lower().replace("'", "")
    if len(w) <= 3:
        return w
    for suf, rep, min_len in (
        ("ies", "y", 4), ("sses", "ss", 4), ("ing", "", 4), ("ed", "", 3), ("ly", "", 5),
        ("es", "", 5), ("s", "", 3),
    ):
        if w.endswith(suf) and len(w) - len(suf) >= min_len - len(rep):
            if suf == "s" and w.endswith(("ss", "us", "is")):
                continue
            if suf == "es" and not w.endswith(("ches", "shes", "xes", "zes", "sses")):
                continue
            base = w[: len(w) - len(suf)] + rep
            if suf in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # 'stopped' -> 'stop'
            return base
    return w


_CONTENT: dict[str, str] = {}  # raw regex token -> stemmed content word ('' = not one)
_CONTENT_MAX = 500_000


def _content_word(t: str) -> str:
    w = t.strip("'-")
    return "" if len(w) < 2 or w in STOP_WORDS else stem(w)


def content_tokens(text: str) -> list[str]:
    """Lowercased, stemmed content words (no stop words, no numbers, no 1-letter tokens)."""
    # One dict lookup per token: the strip/stop-word/stem decision is memoized per raw token
    # (news vocabularies are small next to their token counts). Bounded: cleared when full.
    cache = _CONTENT
    raw = _TOKEN.findall(text.lower())
    try:
        words = [cache[t] for t in raw]
    except KeyError:
        if len(cache) > _CONTENT_MAX:
            cache.clear()
        for t in raw:
            if t not in cache:
                cache[t] = _content_word(t)
        words = [cache[t] for t in raw]
    return [w for w in words if w]


def tfidf_weights(tokens: Iterable[str], idf: IdfModel) -> dict[str, float]:
    """L2-normalized sublinear TF x IDF weights of a token list."""
    counts = Counter(tokens)
    w = {t: (1.0 + math.log(c)) * idf.idf(t) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in w.values()))
    if norm == 0:
        return {}
    return {t: v / norm for t, v in w.items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two L2-normalized sparse vectors (iterates the smaller one)."""
    if len(a) > len(b):
        a, b = b, a
    # the same products summed in the same order as a generator would, but all in C
    return float(sum(map(mul, a.values(), map(b.get, a.keys(), repeat(0.0)))))


_RESOURCE = "idf-en.json.gz"


class IdfModel:
    """Inverse document frequency from background probabilities plus counted documents.

    ``idf(t) = log((prior_docs + n_docs + 1) / (prior_docs * p_bg(t) + df(t) + 1))``, where
    ``p_bg`` is the background probability that a document contains ``t`` (unknown words get
    ``min_prob``). With no corpus documents this is the background IDF; with many it tends to
    the corpus IDF.
    """

    def __init__(
        self,
        background: Mapping[str, float] | None = None,
        prior_docs: float = 100.0,
        min_prob: float = 1e-6,
        source: str = "",
    ):
        self.background: dict[str, float] = dict(background or {})
        self.prior_docs = float(prior_docs)
        self.min_prob = float(min_prob)
        self.source = source
        self.df: Counter[str] = Counter()
        self.n_docs = 0
        self._cache: dict[str, float] = {}

    @classmethod
    def default(cls, prior_docs: float = 100.0) -> IdfModel:
        """The packaged English background (cached; returns a fresh, independent model)."""
        data = _load_background()
        prob = data["prob"]
        assert isinstance(prob, dict)
        return cls(prob, prior_docs=prior_docs, source=str(data.get("source", "")))

    def fit(self, texts: Iterable[str]) -> IdfModel:
        """Replace corpus counts with those of ``texts`` (background kept as the prior)."""
        self.df = Counter()
        self.n_docs = 0
        for t in texts:
            self._add(t)
        self._cache.clear()
        return self

    def fit_counts(self, df: Mapping[str, int], n_docs: int) -> IdfModel:
        """Like :meth:`fit`, from document frequencies counted elsewhere (e.g. by
        :func:`document_frequencies` in worker processes): the same model as ``fit(texts)``."""
        self.df = Counter(df)
        self.n_docs = int(n_docs)
        self._cache.clear()
        return self

    def update(self, text: str) -> IdfModel:
        """Count one more document (streaming); IDF values change gradually."""
        self._add(text)
        self._cache.clear()
        return self

    def _add(self, text: str) -> None:
        self.df.update(set(content_tokens(text)))
        self.n_docs += 1

    def idf(self, term: str) -> float:
        v = self._cache.get(term)
        if v is None:
            p = self.background.get(term, self.min_prob)
            v = math.log(
                (self.prior_docs + self.n_docs + 1.0)
                / (self.prior_docs * p + self.df.get(term, 0) + 1.0)
            )
            v = max(v, 0.0)
            self._cache[term] = v
        return v

    def weights(self, text: str) -> dict[str, float]:
        """TF-IDF weights of ``text`` under this model."""
        return tfidf_weights(content_tokens(text), self)


def document_frequencies(texts: Iterable[str]) -> tuple[Counter[str], int]:
    """(documents containing each content word, number of documents), as :meth:`IdfModel.fit`
    counts them; counts of parts of a corpus add up to the counts of the whole."""
    df: Counter[str] = Counter()
    n = 0
    for t in texts:
        df.update(set(content_tokens(t)))
        n += 1
    return df, n


def background_probability(term: str) -> float:
    """Probability that a general English document contains (stemmed) ``term``; 0 if unknown."""
    prob = _load_background()["prob"]
    assert isinstance(prob, dict)
    return float(prob.get(term, 0.0))


@lru_cache(maxsize=1)
def _load_background() -> dict[str, object]:
    path = resources.files("storyline.resources").joinpath(_RESOURCE)
    with path.open("rb") as fh, gzip.open(fh, "rt", encoding="utf-8") as g:
        data: dict[str, object] = json.load(g)
    return data
