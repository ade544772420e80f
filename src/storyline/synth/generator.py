"""Deterministic generator of a labelled synthetic news corpus.

Every story draws from its own ``random.Random`` seeded from ``(seed, story index)``, so any
range of stories can be generated independently (process pools, Spark) with output identical
to one serial pass. Ids are global record positions, computed from cheap per-story plans.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from storyline.errors import ConfigError
from storyline.parallel import Executor
from storyline.synth import templates as T
from storyline.synth import vocab as V

KINDS = ("original", "copy", "revision", "rewrite", "distractor")
_BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
_TOPICS = tuple(sorted(T.TOPICS))
_TITLES = {
    "earthquake": (
        "Earthquake near {place} kills {n1}",
        "{n1} dead after magnitude {mag} quake hits {place}",
    ),
    "flood": ("Floods in {place} leave {n1} dead", "{n2} displaced as floodwaters hit {place}"),
    "wildfire": (
        "Wildfire near {place} kills {n1}",
        "Thousands flee as fire burns {n3} hectares near {place}",
    ),
    "election": ("{country} votes in tight election", "{party} leads early count in {country}"),
    "football": ("{team1} beat {team2} {n1}-{n2}", "{p2} double sinks {team2}"),
    "earnings": (
        "{company} profit rises {n2} percent",
        "{company} beats forecasts with {n1} million profit",
    ),
    "court": ("Court strikes down protest ban", "Judges overturn {n1}-year protest ban"),
    "protest": (
        "{n1} arrested at fuel protest in {place}",
        "Thousands march in {place} over fuel prices",
    ),
    "launch": ("{company} unveils {product}", "{company} launches {product} at {n1} dollars"),
    "transport": ("Train derailment near {place} kills {n1}", "{n1} dead in {place} train crash"),
}
_FILLER_SUBJ = (
    "Officials",
    "Local residents",
    "Several experts",
    "Community leaders",
    "Regional authorities",
    "Business owners",
    "Aid workers",
    "Observers",
    "Journalists at the scene",
    "Hospital staff",
)
_FILLER_VERB = (
    "warned about",
    "pointed to",
    "raised concerns over",
    "drew attention to",
    "spoke about",
    "expressed frustration with",
    "asked questions about",
    "highlighted",
)
_FILLER_OBJ = (
    "the lack of funding for {x}",
    "delays in {x}",
    "the long-term cost of {x}",
    "the state of {x}",
    "earlier promises on {x}",
    "plans for {x}",
    "the handling of {x}",
    "public debate on {x}",
)
_FILLER_X = (
    "local infrastructure",
    "emergency planning",
    "housing",
    "public transport",
    "the health service",
    "water supplies",
    "school buildings",
    "road safety",
    "insurance claims",
    "the national budget",
    "warning systems",
    "energy prices",
)
_FILLER_TAIL = (
    "in recent months",
    "over the past decade",
    "since the last election",
    "this year",
    "in the wider region",
    "according to people familiar with the matter",
    "in interviews",
)

Item = tuple[tuple[str, ...], int]  # (variants, chosen variant)


@dataclass(frozen=True, slots=True)
class SynthConfig:
    """The corpus mix. Fractions of copy/revision/rewrite are among non-original story members
    and are normalised; ``distractor_fraction`` is the share of stories that are hard negatives."""

    copy_fraction: float = 0.45
    revision_fraction: float = 0.30
    rewrite_fraction: float = 0.25
    distractor_fraction: float = 0.15
    mean_story_size: float = 5.0
    min_words: int = 200
    max_words: int = 1200

    def __post_init__(self) -> None:
        fr = (self.copy_fraction, self.revision_fraction, self.rewrite_fraction)
        if any(f < 0 for f in fr) or sum(fr) <= 0:
            raise ConfigError(
                f"copy/revision/rewrite fractions must be >= 0 with a positive sum, got {fr}"
            )
        if not 0 <= self.distractor_fraction < 1:
            raise ConfigError(
                f"distractor_fraction must be in [0, 1), got {self.distractor_fraction}"
            )
        if self.mean_story_size < 1:
            raise ConfigError(f"mean_story_size must be >= 1, got {self.mean_story_size}")
        if not 50 <= self.min_words <= self.max_words:
            raise ConfigError(
                f"need 50 <= min_words <= max_words, got {self.min_words}, {self.max_words}"
            )


def _rng(seed: int, i: int, what: str) -> random.Random:
    return random.Random(f"{seed}/{i}/{what}")


def _plan(seed: int, i: int, cfg: SynthConfig) -> list[str]:
    """Member kinds of story ``i`` — cheap, so global ids can be computed before generation."""
    r = _rng(seed, i, "plan")
    if i > 0 and r.random() < cfg.distractor_fraction:
        return ["distractor"]
    extra = 0
    p = 1.0 / cfg.mean_story_size  # geometric with mean (mean_story_size - 1)
    while r.random() > p and extra < 60:
        extra += 1
    kinds = r.choices(
        ("copy", "revision", "rewrite"),
        weights=(cfg.copy_fraction, cfg.revision_fraction, cfg.rewrite_fraction),
        k=extra,
    )
    return ["original", *kinds]


def _core(seed: int, i: int, cfg: SynthConfig) -> tuple[str, int]:
    """(topic, place index); a distractor inherits its predecessor's topic and often its place."""
    r = _rng(seed, i, "core")
    topic, place = r.choice(_TOPICS), r.randrange(len(V.PLACES))
    if i > 0 and _plan(seed, i, cfg) == ["distractor"]:
        ptopic, pplace = _core(seed, i - 1, cfg)
        return ptopic, (pplace if r.random() < 0.6 else place)
    return topic, place


def _name(r: random.Random) -> str:
    return f"{r.choice(V.FIRST_NAMES)} {r.choice(V.LAST_NAMES)}"


def _facts(r: random.Random, place_idx: int, topic: str) -> dict[str, Any]:
    place, country = V.PLACES[place_idx]
    t1 = r.choice(V.OFFICIAL_TITLES)
    day_i = r.randrange(7)
    teams = r.sample(V.TEAMS, 2)
    return {
        "place": place,
        "country": country,
        "agency": r.choice(V.AGENCIES),
        "day": V.WEEKDAYS[day_i],
        "day2": V.WEEKDAYS[(day_i + r.randint(1, 3)) % 7],
        "mag": f"{r.uniform(4.5, 7.9):.1f}",
        "n1": r.randint(2, 95),
        "n2": r.randint(10, 900),
        "n3": r.randint(20, 5000),
        "n4": r.randint(2, 40),
        "n5": r.randint(3, 89),
        "n6": r.randint(2, 9),
        "n7": r.randint(5, 120),
        "n8": r.randint(100, 9000),
        "ordinal": r.choice(T.ORDINALS),
        "ordinal2": r.choice(T.ORDINALS),
        "p1": _name(r),
        "p2": _name(r),
        "p3": _name(r),
        "t1": t1,
        "t1_cap": t1.capitalize(),
        "org": r.choice(V.ORGANISATIONS),
        "company": r.choice(V.COMPANIES),
        "product": r.choice(V.PRODUCTS),
        "team1": teams[0],
        "team2": teams[1],
        "party": r.choice(V.PARTIES),
        "quote1": r.choice(T.QUOTES),
        "quote2": r.choice(T.QUOTES),
    } | _topic_numbers(r, topic)


def _topic_numbers(r: random.Random, topic: str) -> dict[str, int]:
    """Plausible ranges where the generic ones would read oddly (scores, seats, votes)."""
    if topic == "football":
        a = r.randint(1, 5)
        return {"n1": a, "n2": r.randint(0, a - 1), "n3": r.randint(5000, 60000)}
    if topic == "election":
        seats = r.randint(100, 400)
        return {"n1": r.randint(40, 85), "n2": r.randint(seats // 4, seats // 2), "n3": seats}
    if topic == "court":
        return {"n1": r.randint(1, 10), "n2": r.randint(5, 9), "n3": r.randint(0, 4)}
    return {}


def _filler(r: random.Random) -> tuple[str, ...]:
    """A unique-ish background sentence with three wordings of the same content."""
    s, v, t = r.choice(_FILLER_SUBJ), r.choice(_FILLER_VERB), r.choice(_FILLER_TAIL)
    o = r.choice(_FILLER_OBJ).replace("{x}", r.choice(_FILLER_X))
    return (
        f"{s} {v} {o} {t}.",
        f"{t.capitalize()}, {s.lower()} {v} {o}.",
        f"{o[0].upper()}{o[1:]} was a concern {v.split()[0]} by {s.lower()} {t}.",
    )


def _words(items: Iterable[Item]) -> int:
    return sum(v[i].count(" ") + 1 for v, i in items)


def _body(r: random.Random, topic: str, cfg: SynthConfig) -> list[Item]:
    target = r.randint(cfg.min_words, cfg.max_words)
    items: list[Item] = [(s, r.randrange(len(s))) for s in T.TOPICS[topic]]
    ctx = [*T.QUOTE_SLOTS, *r.sample(T.CONTEXT_SLOTS, r.randint(3, len(T.CONTEXT_SLOTS)))]
    r.shuffle(ctx)
    for s in ctx:
        items.insert(r.randint(2, len(items)), (s, r.randrange(len(s))))
    while _words(items) < target:
        f = _filler(r)
        items.insert(r.randint(3, len(items)), (f, r.randrange(3)))
    return items


def _paragraphs(r: random.Random, items: list[Item]) -> list[list[Item]]:
    """Group sentences into 6-12 paragraphs (fewer only when there are fewer sentences)."""
    n = min(len(items), r.randint(6, 12))
    cuts = sorted(r.sample(range(1, len(items)), n - 1))
    return [items[a:b] for a, b in zip([0, *cuts], [*cuts, len(items)], strict=True)]


def _cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _render(paras: list[list[Item]], facts: Mapping[str, Any], dateline: str) -> str:
    out = [" ".join(_cap(v[i].format_map(facts)) for v, i in p) for p in paras]
    out[0] = dateline + out[0]
    return "\n\n".join(out)


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:80]


def _wrap_copy(
    r: random.Random,
    text: str,
    outlet: tuple[str, str, tuple[str, ...], tuple[str, ...]],
    agency: str,
) -> str:
    """Site boilerplate and scrape noise around an unchanged article body."""
    _, _, head, foot = outlet
    paras = text.split("\n\n")
    if r.random() < 0.4:  # bad scrape: sentences glued without a space
        k = r.randrange(len(paras))
        paras[k] = paras[k].replace(". ", ".", 1)
    if r.random() < 0.3:
        k = r.randrange(len(paras))
        paras[k] = paras[k].replace(" ", "   ", 2)
    if r.random() < 0.5:
        paras.insert(r.randint(1, len(paras)), "Advertisement")
    if r.random() < 0.5:
        paras.insert(1, r.choice(V.PHOTO_CREDITS).format(agency=agency))
    byline = f"By {agency}" if r.random() < 0.7 else f"By {_name(r)}"
    if head and head[-1] == "Supported by" and r.random() < 0.6:
        pre = [*head[:-1], f"Supported by{byline}"]  # byline glued to boilerplate
    else:
        pre = [*head, byline]
    related = r.choice(V.RELATED)
    post = [f.format(related=related) for f in foot]
    sep = "\n\n" if r.random() < 0.7 else "\n \n"
    return sep.join([*pre, *paras, *post]) + ("\n" if r.random() < 0.5 else "")


def _revise(
    r: random.Random, facts: dict[str, Any], items: list[Item], topic: str
) -> tuple[dict[str, Any], list[Item]]:
    """An agency update: facts change, sentences reworded, dropped, added and reordered."""
    f = dict(facts)
    f["n1"] = int(f["n1"]) + r.randint(1, 9)
    if r.random() < 0.6:
        f["n2"] = int(f["n2"]) + r.randint(3, 60)
    if r.random() < 0.5:
        i = V.WEEKDAYS.index(f["day"])
        f["day"], f["day2"] = V.WEEKDAYS[(i + 1) % 7], V.WEEKDAYS[(i + 2) % 7]
    if r.random() < 0.3:
        f["p1"] = _name(r)
    new = list(items)
    for _ in range(r.randint(1, max(1, len(new) // 4))):
        if len(new) > 4:
            del new[r.randrange(3, len(new))]
    reword = r.uniform(0.2, 0.95)
    new = [
        (v, (i + r.randint(1, len(v) - 1)) % len(v))
        if len(v) > 1 and r.random() < reword
        else (v, i)
        for v, i in new
    ]
    for _ in range(r.randint(1, 4)):
        new.insert(r.randint(1, len(new)), (_filler(r), r.randrange(3)))
    if r.random() < 0.7:
        head, rest = new[:1], new[1:]
        r.shuffle(rest)
        new = head + rest
    return f, new


_CHANGE_KINDS = {"day": "weekday", "day2": "weekday", "p1": "person"}


def _shown(items: list[Item], field: str) -> bool:
    mark = "{" + field + "}"
    return any(mark in v[i] for v, i in items)


def change_labels(
    old: Mapping[str, Any], new: Mapping[str, Any], old_items: list[Item], new_items: list[Item]
) -> list[dict[str, Any]]:
    """Every fact a revision changed against its parent: field, kind (count | weekday |
    person), old and new value as written, and ``shown``: whether both bodies state the field
    (a change of a fact neither body states cannot be seen in the text). Uses no randomness, so
    recording it leaves the generated corpus unchanged."""
    return [
        {
            "field": k,
            "kind": _CHANGE_KINDS.get(k, "count"),
            "old": str(old[k]),
            "new": str(new[k]),
            "shown": _shown(old_items, k) and _shown(new_items, k),
        }
        for k in sorted(new, key=lambda k: (len(k), k))
        if old.get(k) != new[k]
    ]


def _rewrite(r: random.Random, facts: dict[str, Any], items: list[Item]) -> list[Item]:
    """Another outlet's own article: same template facts, other wordings and order, own background."""
    kept: list[Item] = [
        (v, (i + r.randint(1, len(v) - 1)) % len(v))
        for v, i in items
        if len(v) == 3 and v in _SLOTSET
    ]
    lead, rest = kept[:1], kept[1:]
    rest = [x for x in rest if r.random() < 0.8]
    r.shuffle(rest)
    fill = [(_filler(r), r.randrange(3)) for _ in range(r.randint(2, 12))]
    out: list[Item] = lead + rest
    for x in fill:
        out.insert(r.randint(1, len(out)), x)
    return out


_SLOTSET = (
    frozenset(s for slots in T.TOPICS.values() for s in slots)
    | frozenset(T.QUOTE_SLOTS)
    | frozenset(T.CONTEXT_SLOTS)
)


def generate_stories(
    start: int,
    stop: int,
    seed: int = 0,
    config: SynthConfig | None = None,
    first_id: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Records of stories ``start..stop-1``; ``first_id`` is the global index of the first record
    (computed from plans when omitted), so chunks concatenate to exactly the serial output."""
    cfg = config or SynthConfig()
    idx = first_id if first_id is not None else sum(len(_plan(seed, i, cfg)) for i in range(start))
    for s in range(start, stop):
        plan = _plan(seed, s, cfg)
        yield from _story(s, plan, idx, seed, cfg)
        idx += len(plan)


def _story(
    s: int, plan: list[str], idx: int, seed: int, cfg: SynthConfig
) -> Iterator[dict[str, Any]]:
    r = _rng(seed, s, "story")
    topic, place_idx = _core(seed, s, cfg)
    facts = _facts(r, place_idx, topic)
    items = _body(r, topic, cfg)
    dateline = f"{facts['place'].upper()}, {facts['country']} ({facts['agency']}) - "
    t = _BASE_TIME + timedelta(seconds=s * 600 + r.randrange(3600))
    if plan[0] == "distractor":
        t += timedelta(days=r.randint(2, 60))
    story_id = f"s{s:07d}"
    versions: list[
        tuple[str, dict[str, Any], list[Item], str, str]
    ] = []  # id, facts, items, text, title
    orig_id = ""
    for k, kind in enumerate(plan):
        rid = f"a{idx + k:08d}"
        source, domain, parent, title = facts["agency"], "", None, ""
        changes: list[dict[str, Any]] = []
        if kind in ("original", "distractor"):
            text = _render(_paragraphs(r, items), facts, dateline)
            title = r.choice(_TITLES[topic]).format_map(facts)
            domain, orig_id = facts["agency"].lower().replace(" ", "") + ".example", rid
            versions.append((rid, facts, items, text, title))
        elif kind == "copy":
            parent, _f, _it, ptext, ptitle = r.choice(versions)
            outlet = r.choice(V.OUTLETS)
            source, domain = outlet[0], outlet[1]
            text = _wrap_copy(r, ptext, outlet, facts["agency"])
            title = ptitle if r.random() < 0.6 else f"{ptitle} | {outlet[0]}"
        elif kind == "revision":
            parent, pf, pit, _t, _ti = versions[-1]
            nf, nit = _revise(r, pf, pit, topic)
            changes = change_labels(pf, nf, pit, nit)
            text = _render(_paragraphs(r, nit), nf, dateline)
            title = r.choice(_TITLES[topic]).format_map(nf)
            domain = facts["agency"].lower().replace(" ", "") + ".example"
            versions.append((rid, nf, nit, text, title))
        else:  # rewrite
            parent = orig_id
            outlet = r.choice(V.OUTLETS)
            source, domain = outlet[0], outlet[1]
            lead = f"{facts['place'].upper()} - " if r.random() < 0.5 else ""
            text = _render(_paragraphs(r, _rewrite(r, facts, items)), facts, lead)
            title = r.choice(_TITLES[topic][::-1]).format_map(facts)
        t += timedelta(seconds=r.randint(60, 7200))
        yield {
            "id": rid,
            "text": text,
            "title": title,
            "url": f"https://{domain}/{t:%Y/%m/%d}/{_slug(title)}-{rid}",
            "source": source,
            "published": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "story_id": story_id,
            "kind": kind,
            "parent_id": parent,
            "topic": topic,
            "changes": changes,
        }


def generate_story(
    kinds: Iterable[str], seed: int = 0, index: int = 0, config: SynthConfig | None = None
) -> list[dict[str, Any]]:
    """One story with the given member kinds ('original' first, then copy | revision |
    rewrite, in any number): for benchmarks that need stories of a chosen size."""
    plan = list(kinds)
    if not plan or plan[0] != "original" or not set(plan[1:]) <= {"copy", "revision", "rewrite"}:
        raise ConfigError(
            f"kinds must be 'original' then copy/revision/rewrite, got {plan[:5]}..."
        )
    return list(_story(index, plan, 0, seed, config or SynthConfig()))


def _stories_for(n: int, seed: int, cfg: SynthConfig) -> list[int]:
    """Sizes of the stories needed to reach ``n`` records."""
    sizes: list[int] = []
    total = 0
    while total < n:
        sizes.append(len(_plan(seed, len(sizes), cfg)))
        total += sizes[-1]
    return sizes


def generate(n: int, seed: int = 0, config: SynthConfig | None = None) -> Iterator[dict[str, Any]]:
    """Exactly ``n`` records, stories in order (the last story may be cut short)."""
    if n < 0:
        raise ConfigError(f"n must be >= 0, got {n}")
    cfg = config or SynthConfig()
    count = 0
    s = 0
    while count < n:
        for rec in generate_stories(s, s + 1, seed, cfg, first_id=count):
            yield rec
            count += 1
            if count >= n:
                return
        s += 1


def _chunk(args: tuple[int, int, int, SynthConfig, int, int]) -> list[dict[str, Any]]:
    start, stop, seed, cfg, first, limit = args
    out = []
    for rec in generate_stories(start, stop, seed, cfg, first_id=first):
        if int(rec["id"][1:]) >= limit:
            break
        out.append(rec)
    return out


def generate_parallel(
    n: int,
    seed: int = 0,
    workers: int | Executor = 2,
    config: SynthConfig | None = None,
    chunk_stories: int = 2000,
) -> Iterator[dict[str, Any]]:
    """Same records as :func:`generate`, produced over story ranges by ``workers`` (an
    :class:`~storyline.parallel.Executor`, or its worker count) in worker processes."""
    ex = workers if isinstance(workers, Executor) else Executor(workers)
    if n < 0 or ex.workers < 1:
        raise ConfigError(f"need n >= 0 and workers >= 1, got n={n}, workers={ex.workers}")
    cfg = config or SynthConfig()
    sizes = _stories_for(n, seed, cfg)
    offsets = [0, *accumulate(sizes)]
    jobs = [
        (a, min(a + chunk_stories, len(sizes)), seed, cfg, offsets[a], n)
        for a in range(0, len(sizes), chunk_stories)
    ]
    if ex.workers == 1:
        for j in jobs:
            yield from _chunk(j)
        return
    with ex.pool() as pool:
        for recs in pool.map(_chunk, jobs):
            yield from recs


def duplicate_groups(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """id -> duplicate group: a copy joins the group of the article it copies (transitively)."""
    parent: dict[str, str | None] = {}
    kind: dict[str, str] = {}
    for rec in records:
        parent[rec["id"]] = rec.get("parent_id")
        kind[rec["id"]] = rec["kind"]
    out: dict[str, str] = {}
    for rid in parent:
        root = rid
        while kind.get(root) == "copy" and parent.get(root) in parent:
            root = parent[root]  # type: ignore[assignment]
        out[rid] = root
    return out


def story_labels(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """id -> story id (the ground truth for story linking)."""
    return {rec["id"]: rec["story_id"] for rec in records}
