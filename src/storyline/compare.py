"""Explain a pair of articles: how they relate, how similar they are, and the evidence.

``compare(a, b)`` normalizes both articles (recording what boilerplate was removed), aligns their
sentences regardless of order, diffs edited sentences word by word, finds changed facts, shared
quotes and entities, and asks the fitted pair scorer (:mod:`storyline.link`) for the relation,
similarity and the SemEval dimensions. ``Comparison.to_dict()`` is the stable, versioned JSON
schema documented in the README (``SCHEMA_VERSION``). Pure computation: no I/O here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from storyline.data import Article
from storyline.explain.align import (
    AlignConfig,
    Alignment,
    Sentence,
    align_sentences,
    locate_sentences,
)
from storyline.explain.extract import Fact, extract_facts, extract_quote_spans
from storyline.explain.fact_pairs import UPDATE_RELATIONS
from storyline.explain.facts_diff import (
    ChangedFact,
    EntityDiff,
    SharedQuote,
    changed_facts,
    entity_diff,
    header_changes,
    shared_quotes,
)
from storyline.normalize import normalize

__all__ = [
    "DIMENSIONS",
    "RELATIONS",
    "SCHEMA_VERSION",
    "ArticleInfo",
    "Comparison",
    "compare",
    "prepare_article",
]

SCHEMA_VERSION = 2  # 2: changed_facts[] gained status (changed | differs) and measure
DIMENSIONS = ("geography", "entities", "time", "narrative", "style", "tone", "overall")
RELATIONS = ("duplicate", "near_duplicate", "revision", "same_story", "related", "unrelated")
_RELATION_TEXT = {
    "duplicate": "B is a copy of A",
    "near_duplicate": "B is a near-copy of A",
    "revision": "B is a revised version of A",
    "same_story": "A and B report the same story",
    "related": "A and B are related but report different events",
    "unrelated": "A and B are unrelated",
}
# Relations under which differing facts are changes of one story's facts (see facts_diff).
SAME_STORY = frozenset({"duplicate", "near_duplicate", "revision", "same_story"})


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    id: str
    title: str | None
    published: str | None
    dateline: str | None
    source: str | None

    def to_dict(self) -> dict[str, str | None]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class Comparison:
    """The result of :func:`compare`; ``to_dict()`` gives the documented JSON."""

    relation: str
    similarity: float
    dimensions: dict[str, float] | None
    a: ArticleInfo
    b: ArticleInfo
    alignment: Alignment
    sentences_a: list[Sentence]
    sentences_b: list[Sentence]
    text_a: str
    text_b: str
    changed_facts: list[ChangedFact]
    shared_quotes: list[SharedQuote]
    entities: EntityDiff
    boilerplate_a: list[str]
    boilerplate_b: list[str]
    scorer: str = "Linker"
    signals: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        pairs = self.alignment.pairs
        return {
            "a": len(self.sentences_a),
            "b": len(self.sentences_b),
            "same": sum(1 for p in pairs if p.kind == "same"),
            "moved": sum(self.alignment.moved()),
            "edited": sum(1 for p in pairs if p.kind == "edited"),
            "only_a": len(self.alignment.only_a),
            "only_b": len(self.alignment.only_b),
        }

    def summary(self) -> str:
        """One readable sentence: the relation, then the strongest evidence for it."""
        n = self.counts()
        head = _RELATION_TEXT.get(self.relation, self.relation)
        parts: list[str] = []
        if self.relation in ("duplicate", "near_duplicate", "revision"):
            parts.append(f"{n['same']} of {n['a']} sentences unchanged, {n['edited']} edited, "
                         f"{n['only_b']} added, {n['only_a']} dropped"
                         + (f", {n['moved']} moved" if n["moved"] else ""))
        elif n["same"] or n["edited"]:
            k = n["same"] + n["edited"]
            parts.append(f"{k} sentence{'s' if k > 1 else ''} in common")
        for status, label, arrow in (("changed", "changed", "\u2192"), ("differs", "differs", "vs")):
            facts = [(f"{f.kind} " if f.kind == "dateline" else "") + f"{f.a} {arrow} {f.b}"
                     for f in self.changed_facts if f.kind != "title" and f.status == status]
            if facts:
                parts.append(f"{label}: " + ", ".join(facts[:4]) + (" ..." if len(facts) > 4 else ""))
        if self.shared_quotes:
            k = len(self.shared_quotes)
            parts.append(f"{k} shared quote{'s' if k > 1 else ''}")
        if self.entities.shared:
            parts.append("shared names: " + ", ".join(self.entities.shared[:4]))
        return head + (": " + "; ".join(parts) if parts else "") + "."

    def to_dict(self) -> dict[str, Any]:
        al = self.alignment
        return {
            "schema_version": SCHEMA_VERSION,
            "relation": self.relation,
            "similarity": round(self.similarity, 4),
            "dimensions": (
                None if self.dimensions is None
                else {k: round(float(v), 3) for k, v in self.dimensions.items()}
            ),
            "scorer": self.scorer,
            "summary": self.summary(),
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "evidence": {
                "shared_quotes": [q.to_dict() for q in self.shared_quotes],
                "changed_facts": [f.to_dict() for f in self.changed_facts],
                "entities": self.entities.to_dict(),
                "sentences": {
                    "counts": self.counts(),
                    "aligned": [
                        {
                            "a": p.a_text,
                            "b": p.b_text,
                            "kind": p.kind,
                            "similarity": p.similarity,
                            "moved": moved,
                            "a_index": [s.index for s in p.a],
                            "b_index": [s.index for s in p.b],
                            "diff": [d.to_dict() for d in p.diff],
                        }
                        for p, moved in zip(al.pairs, al.moved(), strict=True)
                    ],
                    "only_a": [{"index": s.index, "text": s.text} for s in al.only_a],
                    "only_b": [{"index": s.index, "text": s.text} for s in al.only_b],
                },
                "boilerplate_removed": {"a": list(self.boilerplate_a),
                                        "b": list(self.boilerplate_b)},
            },
            "signals": {k: round(float(v), 4) for k, v in sorted(self.signals.items())},
        }


def _prepare(article: Article) -> tuple[Article, list[str]]:
    """Normalized copy of the article and everything normalization removed (never lost)."""
    prior = [str(x) for x in article.meta.get("boilerplate_removed", [])]
    n = normalize(article.text)
    title = " ".join(article.title.split()) if article.title else None
    text = n.text
    if title:  # HTML extraction often repeats the headline as the first line of the body
        first, _, rest = text.partition("\n")
        if first.strip().casefold() == title.casefold() and rest.strip():
            prior.append(first.strip())
            text = rest.lstrip()
            credits = n.credits
            n = normalize(text)  # the dateline may only show up now that the headline is gone
            prior += n.removed
            n.removed = []
            n.credits = credits + n.credits
    prepared = dataclasses.replace(
        article,
        text=n.text,
        title=title or None,
        raw=article.raw if article.raw is not None else article.text,
        dateline=article.dateline or n.dateline,
        source=article.source or n.source,
        published=article.published or n.published,
        meta={**article.meta, "credits": n.credits} if n.credits else article.meta,
    )
    return prepared, prior + n.removed


def prepare_article(article: Article) -> tuple[Article, list[str]]:
    """The article as compare sees it (normalized, headline repeat and dateline parsed off)
    and everything normalization removed. The timeline prepares its versions the same way."""
    return _prepare(article)


def _info(a: Article) -> ArticleInfo:
    return ArticleInfo(a.id, a.title, a.published, a.dateline, a.source)


def _title_entities(a: Article) -> list[Fact]:
    """Names in the headline count as the article's entities too (spans are not used).

    The headline is read together with the body so that a capitalized headline word that the
    body writes in lower case ('Earthquake kills 12') is not taken for a name.
    """
    if not a.title:
        return []
    joined = a.title + "\n\n" + a.text
    n = len(a.title)
    return [f for f in extract_facts(joined, a.published) if f.kind == "entity" and f.end <= n]


# ------------------------------------------------------------------ scoring


@lru_cache(maxsize=1)
def _default_linker() -> Any:
    """The packaged fitted pair scorer (lexical variant), loaded once per process."""
    from storyline.link import Linker

    return Linker.load()


def _as_dict(value: Any) -> dict[str, float]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items() if v is not None}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: float(v) for k, v in dataclasses.asdict(value).items() if v is not None}
    return {k: float(getattr(value, k)) for k in DIMENSIONS if getattr(value, k, None) is not None}


# ------------------------------------------------------------------ the entry point


def compare(
    a: Article,
    b: Article,
    linker: Any = None,
    *,
    align_config: AlignConfig | None = None,
) -> Comparison:
    """Compare two articles and gather the evidence.

    ``linker``: a fitted :class:`storyline.link.Linker` (load it once and pass it for batches);
    ``None`` loads the default one. Relation, similarity and dimensions come from it; the
    evidence is computed here.
    """
    pa, removed_a = _prepare(a)
    pb, removed_b = _prepare(b)
    sa, sb = locate_sentences(pa.text), locate_sentences(pb.text)
    al = align_sentences(sa, sb, align_config)
    facts_a: list[Fact] = extract_facts(pa.text, pa.published)
    facts_b: list[Fact] = extract_facts(pb.text, pb.published)
    quotes = shared_quotes(extract_quote_spans(pa.text), extract_quote_spans(pb.text))

    scorer = linker if linker is not None else _default_linker()
    # pa/pb are already normalized (and the repeated headline is gone): featurize as is
    score = scorer.score(scorer.featurize(pa, normalized=True),
                         scorer.featurize(pb, normalized=True))
    relation, similarity = str(score.relation), float(score.similarity)
    dims = _as_dict(score.dimensions)
    # schema order (geography ... overall), whatever order the scorer used
    dimensions = {k: dims[k] for k in DIMENSIONS if k in dims} or None
    signals = _as_dict(score.signals)
    signals["same_story"] = float(score.same_story)  # P(same event), drives the relation

    facts: list[ChangedFact] = []
    if relation in SAME_STORY:  # facts of two different events differ; they did not "change"
        # only a revision updates its facts; two reports' figures merely differ
        if relation in UPDATE_RELATIONS:  # two outlets' own headlines differ; they did not change
            facts = header_changes(pa.title, pb.title, pa.dateline, pb.dateline)
        facts += changed_facts(al, pa.text, pb.text, facts_a, facts_b, relation=relation)
    return Comparison(
        relation=relation,
        similarity=max(0.0, min(1.0, similarity)),
        dimensions=dimensions,
        a=_info(pa),
        b=_info(pb),
        alignment=al,
        sentences_a=sa,
        sentences_b=sb,
        text_a=pa.text,
        text_b=pb.text,
        changed_facts=facts,
        shared_quotes=quotes,
        entities=entity_diff(_title_entities(pa) + facts_a, _title_entities(pb) + facts_b),
        boilerplate_a=removed_a,
        boilerplate_b=removed_b,
        scorer=type(scorer).__name__,
        signals=signals,
    )
