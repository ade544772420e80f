"""Server-rendered HTML pages (Jinja2, autoescaped): story list, story timeline, comparison.

All article text reaches the page through Jinja2 autoescaping or :func:`highlight` (which
escapes first and only then adds ``<mark>``), so stored text can never inject markup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from storyline.charts import CHART_CSS, Lane, short_id, story_lanes
from storyline.data import parse_instant
from storyline.service.timeline import StoryTimelines, timeline_view
from storyline.service.validate import http_url
from storyline.store import Store

log = logging.getLogger("storyline.service")

_env = Environment(
    loader=PackageLoader("storyline.service", "templates"),
    autoescape=select_autoescape(["html"], default=True),
)


def highlight(text: str | None, terms: list[str]) -> Markup:
    """Escape ``text`` then wrap every occurrence of ``terms`` in <mark> (longest first)."""
    if not text:
        return Markup("")
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(str(escape(text[pos : m.start()])))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def short_ts(ts: str | None) -> str:
    if not ts:
        return ""
    return ts.replace("T", " ")[:16]


def id_span(value: str | None, keep: int = 18) -> Markup:
    """An id shortened for display (hashes, URLs), the whole id in its tooltip."""
    if not value:
        return Markup("")
    return Markup('<span class="id" title="{}">{}</span>').format(value, short_id(value, keep))


SORTS = {"size": "largest first", "recent": "most recent activity first"}
# one line per relation, shown as the badge's tooltip and under the story's member table
RELATIONS = {
    "first report": "the story's earliest article",
    "new": "it started a story when it arrived",
    "duplicate": "the same text as its nearest member",
    "near_duplicate": "a copy with small edits (boilerplate, a changed word)",
    "revision": "an update of an earlier version: facts changed, sentences added or dropped",
    "same_story": "another write-up of the same event",
    "related": "about the same subject, not the same event",
}
LANES = 15


def _epoch(ts: str | None) -> float | None:
    dt = parse_instant(ts)
    return dt.timestamp() if dt else None


def _headlines(story: dict[str, Any], members: list[tuple[str, str, str | None]]) -> None:
    """Name a story by its latest version's headline (the news as it stands); keep the first
    report's headline when it differs (the stored label is the first report's)."""
    latest = next((t for _, _, t in reversed(members) if t), None)
    first = next((t for aid, _, t in members if aid == story["first_report"] and t), None)
    story["headline"] = latest or story["label"] or story["id"]
    story["first_headline"] = first if first and first != story["headline"] else None


def _lanes(stories: list[dict[str, Any]], brief: dict[str, list[tuple[str, str, str | None]]],
           title: str) -> Markup:
    """The lanes chart (storyline.charts) of up to LANES stories, multi-article ones first."""
    chosen = [s for s in stories if s["size"] > 1][:LANES] or stories[:LANES]
    lanes = [Lane(s["headline"], s["size"],
                  [t for _, ts, _ in brief.get(s["id"], []) if (t := _epoch(ts)) is not None],
                  href="/ui/stories/" + quote(s["id"], safe=""))
             for s in chosen]
    return Markup(story_lanes(lanes, title=title))


_env.filters["short_ts"] = short_ts
_env.filters["sid"] = id_span
_env.globals["chart_css"] = Markup(CHART_CSS)
_env.globals["relations"] = RELATIONS
_env.globals["highlight"] = highlight
_env.tests["http_url"] = http_url  # only http(s) URLs become links


def _render(name: str, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**ctx))


render_page = _render  # for the error pages (storyline.service.handlers)


def _fact_terms(facts: list[Any], side: str) -> list[str]:
    """The values of changed facts on one side, whatever shape a fact has."""
    terms: list[str] = []
    for f in facts:
        if isinstance(f, dict):
            for key in (side, f"value_{side}", f"{side}_value"):
                v = f.get(key)
                if isinstance(v, str | int | float):
                    terms.append(str(v))
                elif isinstance(v, list):
                    terms += [str(x) for x in v]
    return terms


def diff_side(ops: list[Any], side: str) -> Markup:
    """One side of a word diff: equal text plus this side's deletions (A) or insertions (B),
    each escaped; the changed words are wrapped in <del>/<ins>."""
    keep, tag = ("delete", "del") if side == "a" else ("insert", "ins")
    out: list[str] = []
    for d in ops:
        if not isinstance(d, dict):
            continue
        op, text = d.get("op"), str(d.get("text", ""))
        if op == "equal":
            out.append(str(escape(text)))
        elif op == keep:
            lead = text[: len(text) - len(text.lstrip())]
            out.append(f"{escape(lead)}<{tag}>{escape(text.lstrip())}</{tag}>")
    return Markup("".join(out))


def _aligned_rows(items: list[Any], terms_a: list[str], terms_b: list[str]) -> list[dict[str, Any]]:
    rows = []
    for x in items:
        sa, sb = _sentence_text(x, "a"), _sentence_text(x, "b")
        ops = x.get("diff") if isinstance(x, dict) else None
        if ops:
            ha, hb = diff_side(ops, "a"), diff_side(ops, "b")
        else:
            ha, hb = highlight(sa, terms_a), highlight(sb, terms_b)
        kind = x.get("kind") if isinstance(x, dict) else None
        rows.append({
            "a": ha,
            "b": hb,
            "changed": sa != sb,
            "kind": kind or ("same" if sa == sb else "edited"),
            "moved": bool(x.get("moved")) if isinstance(x, dict) else False,
        })
    return rows


def _sentence_text(x: Any, side: str) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, dict):
        for key in (side, f"sentence_{side}", f"text_{side}", "text", "sentence"):
            if isinstance(x.get(key), str):
                return str(x[key])
    if isinstance(x, list | tuple) and len(x) >= 2:
        return str(x[0] if side == "a" else x[1])
    return str(x)


def _facts_section(timelines: StoryTimelines, story_id: str) -> dict[str, Any]:
    """The story page's fact timeline; a story it cannot be built for still gets its page
    (the reason is logged and shown), since the member list is useful on its own."""
    try:
        got = timelines.get(story_id)
    except Exception as exc:  # a bad stored text must not take the whole page down
        log.exception("storyline: timeline of story %r failed", story_id)
        return {"error": f"the timeline could not be built ({type(exc).__name__}); see the server log"}
    if got is None:
        return {"error": "the story is gone"}
    return timeline_view(*got)


def add_pages(app: FastAPI, store: Store, compare: Callable[..., Any],
              timelines: StoryTimelines | None = None) -> None:
    timelines = timelines or StoryTimelines(store)
    cached: dict[str, Any] = {}

    def _stats() -> dict[str, Any]:
        """Store stats scan whole tables: recompute only after articles were added."""
        seq = store.last_seq()
        if cached.get("seq") != seq:
            cached["stats"], cached["seq"] = store.stats(), seq
        return dict(cached["stats"])

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/stories")

    @app.get("/ui/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request,
        q: Annotated[str | None, Query(max_length=200)] = None,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
        min_size: Annotated[int, Query(ge=1, le=2**31)] = 1,
        sort: Annotated[Literal["size", "recent"], Query()] = "size",
    ) -> HTMLResponse:
        items, nxt = store.list_stories(q=q or None, cursor=cursor, limit=50, min_size=min_size,
                                        order=sort)
        brief = store.story_members_brief([s["id"] for s in items])
        for s in items:
            _headlines(s, brief[s["id"]])
        what = "largest" if sort == "size" else "most recently active"
        chart = _lanes(items, brief, f"Story sizes over time: the {what} on this page")
        return _render("stories.html", stories=items, q=q or "", next_cursor=nxt,
                       min_size=min_size, stats=_stats(), sort=sort, sorts=SORTS, chart=chart)

    @app.get("/ui/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        story = store.get_story(story_id)
        if story is None:
            raise HTTPException(404, {"error": "NotFound", "message": f"no story {story_id!r}"})
        brief = {story_id: [(m["id"], m.get("seen") or "", m.get("title")) for m in story["members"]]}
        _headlines(story, brief[story_id])
        chart = _lanes([story], brief, "How the story grew")
        return _render("story.html", story=story, chart=chart,
                       facts=_facts_section(timelines, story_id))

    @app.get("/ui/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        art = store.get_article(article_id)
        if art is None:
            raise HTTPException(404, {"error": "NotFound", "message": f"no article {article_id!r}"})
        return _render("article.html", article=art)

    @app.get("/ui/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        a: Annotated[str, Query(min_length=1)], b: Annotated[str, Query(min_length=1)]
    ) -> HTMLResponse:
        ra, rb, cmp = compare(a, b)
        ev = cmp.get("evidence") or {}
        facts = ev.get("changed_facts") or []
        sents = ev.get("sentences") or {}
        terms_a, terms_b = _fact_terms(facts, "a"), _fact_terms(facts, "b")
        aligned = _aligned_rows(list(sents.get("aligned") or []), terms_a, terms_b)
        return _render(
            "compare.html", a=ra, b=rb, cmp=cmp, evidence=ev, facts=facts,
            terms_a=terms_a, terms_b=terms_b, aligned=aligned,
            n_changed=sum(1 for r in aligned if r["changed"]),
            only_a=[_sentence_text(x, "a") for x in sents.get("only_a") or []],
            only_b=[_sentence_text(x, "b") for x in sents.get("only_b") or []],
        )
