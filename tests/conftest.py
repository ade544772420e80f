"""Fixtures shared by every test folder: the stand-in pair scorers and one Spark session.

The real scorer is :class:`storyline.link.Linker`; these give exact, cheap similarities so a test
can say which story each article must join. Tests take them through the ``stand_ins`` fixture
(the classes) or ``word_scorer`` (a fresh instance), never by importing this file.

The stand-in scorer implements the whole :class:`storyline.data.Scorer` protocol, its codec
included (JSON, so the store tests persist its features the way they persist the Linker's).
This is the only conftest.py: the Spark tests pickle the stand-in features, and pickle finds
their class by module name, which must be one ``conftest``. ``spark_session`` is shared by
tests/distributed/ (starting a JVM costs seconds); it skips cleanly without pyspark or Java, and
a module that needs another number of shuffle partitions sets it in its own ``spark`` fixture.
``browser`` is Debian's headless Chromium driven by Playwright, one per test module (the sync
API's event loop does not outlive the module), skipping cleanly when either is missing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from storyline.data import Article, PairScore
from storyline.errors import DamagedDataError


@dataclass(frozen=True)
class Feat:
    id: str
    text: str
    terms: dict[str, float]


Score = PairScore  # the stand-in scores are the real vocabulary


class WordScorer:
    """Jaccard of the articles' word sets (words over 3 letters); counts featurize calls so a
    test can check that restoring state does not featurize again."""

    def __init__(self) -> None:
        self.featurized = 0

    codec = "tests.word/1"

    def featurize(self, article: Article, *, normalized: bool = False) -> Feat:
        self.featurized += 1
        words = sorted({w.strip(".,").lower() for w in article.text.split() if len(w) > 3})
        return Feat(article.id, article.text, {w: 1.0 for w in words})

    def featurize_many(self, articles: Iterable[Article], *, normalized: bool = False) -> list[Feat]:
        return [self.featurize(a, normalized=normalized) for a in articles]

    def score(self, a: Feat, b: Feat) -> PairScore:
        sa, sb = set(a.terms), set(b.terms)
        s = len(sa & sb) / max(1, len(sa | sb))
        return PairScore(s, s, "same_story" if s >= 0.3 else "unrelated")

    def index_keys(self, features: Feat) -> dict[str, float]:
        return dict(features.terms)

    def to_bytes(self, features: Feat, text: str) -> bytes:
        own = None if features.text == text else features.text
        return json.dumps({"id": features.id, "text": own, "terms": sorted(features.terms)}).encode()

    def from_bytes(self, data: bytes, text: str) -> Feat:
        try:
            d = json.loads(data)
            return Feat(str(d["id"]), text if d["text"] is None else str(d["text"]),
                        {str(w): 1.0 for w in d["terms"]})
        except (ValueError, TypeError, KeyError) as exc:
            raise DamagedDataError(f"stored word features do not decode ({exc})") from None


@pytest.fixture
def stand_ins() -> SimpleNamespace:
    """The stand-in classes: ``WordScorer``, its features ``Feat`` and scores ``Score``."""
    return SimpleNamespace(WordScorer=WordScorer, Feat=Feat, Score=Score)


@pytest.fixture
def word_scorer() -> WordScorer:
    return WordScorer()


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from storyline.distributed.session import get_session, java_available

    if not java_available():
        pytest.skip("the Spark engine needs Java")
    session = get_session("local[2]", {"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium (Playwright's sync API); skips without playwright or chromium.
    Name it first in a test's fixtures so the skip comes before costlier setup."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(exe):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()
