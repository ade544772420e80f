"""Adapter from the feature extractors (storyline.features) to the facts compare reasons about.

Everything compare needs from an article text is a list of :class:`Fact` (a kind, the surface
text, a comparison key and a span) plus quotes and entities. Keeping that conversion here means
the extractors can change without touching the diff logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["Fact", "QuoteSpan", "extract_facts", "extract_quote_spans"]


@dataclass(frozen=True, slots=True)
class Fact:
    """A comparable fact in an article.

    ``kind``: number | date | weekday | entity. ``key`` decides equality across articles (a
    number's value, a date's resolved day or wording, an entity's normalized name); ``unit``
    is the noun a number counts ("people", "%"), a date's form (date | month | relative) or
    the entity kind (PERSON | PLACE | ORG | MISC). For numbers, ``measure`` is what the count
    reports ('dead', 'injured', 'money', 'percent', or the counted noun; see
    :func:`storyline.features.facts.count_measure`) and ``subject`` who is counted.
    """

    kind: str
    text: str
    key: str
    start: int
    end: int
    unit: str = ""
    measure: str = ""
    subject: str = ""


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    text: str
    start: int
    end: int


def _as_date(published: str | None) -> date | None:
    """'2026-11-23' or '2026-11-23T06:10:00Z' as a date (relative dates resolve against it)."""
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def _number_key(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def extract_facts(text: str, published: str | None = None, *,
                  entities: str | None = None) -> list[Fact]:
    """Numbers, dates, weekdays and entity mentions of ``text``, in order of position.

    ``entities``: the name extractor (auto | rules | spacy); None = the one explanations show
    (``storyline.features.entities.DISPLAY_BACKEND``).
    """
    from storyline.features.entities import DISPLAY_BACKEND, extract_entities
    from storyline.features.facts import count_measure, extract_dates, extract_numbers

    facts: list[Fact] = []
    for n in extract_numbers(text):
        unit = (n.unit or "").lower()
        measure, subject = count_measure(text, n.start, n.end, unit)
        facts.append(Fact("number", n.text, _number_key(n.value), n.start, n.end, unit,
                          measure, subject))
    for d in extract_dates(text, _as_date(published)):
        kind = "weekday" if d.kind == "weekday" else "date"
        key = str(d.resolved) if d.resolved else " ".join(d.text.lower().split())
        if kind == "weekday":
            key = d.text.lower().strip(" .,")
        facts.append(Fact(kind, d.text, key, d.start, d.end, "" if kind == "weekday" else d.kind))
    backend = DISPLAY_BACKEND if entities is None else entities
    for e in extract_entities(text, backend=backend):  # type: ignore[arg-type]
        facts.append(Fact("entity", e.text, e.key, e.start, e.end, e.kind))
    facts.sort(key=lambda f: (f.start, f.end, f.kind))
    return facts


def extract_quote_spans(text: str) -> list[QuoteSpan]:
    """Quoted speech in ``text`` (quote marks already straightened by normalization)."""
    from storyline.features.facts import extract_quotes

    return [QuoteSpan(q.text, q.start, q.end) for q in extract_quotes(text)]
