"""Stand-in pair scorers for the tracker and store tests (the real one is storyline.link.Linker):
exact, cheap similarities so the tests can say which story each article must join."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.data import Article


@dataclass(frozen=True)
class Feat:
    id: str
    text: str
    terms: dict[str, float]


@dataclass(frozen=True)
class Score:
    similarity: float
    relation: str


class WordScorer:
    """Jaccard of the articles' word sets (words over 3 letters); counts featurize calls so a
    test can check that restoring state does not featurize again."""

    def __init__(self) -> None:
        self.featurized = 0

    def featurize(self, article: Article) -> Feat:
        self.featurized += 1
        words = sorted({w.strip(".,").lower() for w in article.text.split() if len(w) > 3})
        return Feat(article.id, article.text, {w: 1.0 for w in words})

    def score(self, a: Feat, b: Feat) -> Score:
        sa, sb = set(a.terms), set(b.terms)
        s = len(sa & sb) / max(1, len(sa | sb))
        return Score(s, "same_story" if s >= 0.3 else "unrelated")
