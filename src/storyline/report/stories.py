"""The stories part of a report (``storyline cluster``, the demo, the Spark engine): the lanes
chart of the largest stories, the story list (by size or by recency, picked with two radio
buttons and CSS, no script) and a drill-down per large story (members in time order with
source, relation and a link to their comparison with the first report).

A story is named by its latest version's headline (the news as it stands), with the first
report's headline kept under it when the two differ, and the clustering's keywords.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storyline.charts import Lane, story_lanes
from storyline.data import parse_instant
from storyline.report.page import e, id_html, page_html, summary_html, what

if TYPE_CHECKING:
    from storyline.stories import Story

REPORT_STORIES = 50  # rows of the story list
DRILL_STORIES = 10  # stories with a drill-down
DRILL_MEMBERS = 40  # members listed per drill-down
LANES = 15  # stories on the lanes chart


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """What a report shows of one story member (all optional: the Spark engine only has
    titles)."""

    title: str | None = None
    source: str | None = None
    published: str | None = None
    relation: str | None = None
    similarity: float | None = None


def headlines(story: Story, titles: Mapping[str, str]) -> tuple[str, str]:
    """(latest headline, first report's headline): the last titled member's title (members
    are in time order) and the first report's; either may be ''."""
    first = titles.get(story.first_report, "") or ""
    latest = next((t for m in reversed(story.members) if (t := titles.get(m))), first)
    return latest, first


def _when(ts: str | None) -> str:
    return ts.replace("T", " ")[:16] if ts else ""


def _epoch(ts: str | None) -> float | None:
    dt = parse_instant(ts)
    return dt.timestamp() if dt else None


def _name_html(story: Story, titles: Mapping[str, str]) -> str:
    latest, first = headlines(story, titles)
    out = f'<span class="headline">{e(latest or story.label or story.id)}</span>'
    if first and first != latest:
        out += f'<br><span class="muted">first report: {e(first)}</span>'
    if story.label:
        out += f'<br><span class="what">keywords: {e(story.label)}</span>'
    return out


def lanes_chart(stories: Sequence[Story], titles: Mapping[str, str],
                members: Mapping[str, MemberInfo] | None, anchors: Mapping[str, str]) -> str:
    """The lanes chart of the largest ``stories`` (already chosen and ordered)."""
    lanes = []
    for s in stories:
        if members:
            times = [t for m in s.members if (t := _epoch(members.get(m, MemberInfo()).published))
                     is not None]
            note = ""
        else:  # only the ends are known (the Spark engine's report)
            times = [t for t in (_epoch(s.first_seen), _epoch(s.last_seen)) if t is not None]
            note = "member times not in this report: first and last only"
        latest, _ = headlines(s, titles)
        lanes.append(Lane(latest or s.label or s.id, s.size, times,
                          href=f"#{anchors[s.id]}" if s.id in anchors else None, note=note))
    return story_lanes(lanes)


def _list_table(stories: Sequence[Story], titles: Mapping[str, str],
                anchors: Mapping[str, str]) -> str:
    rows = []
    for i, s in enumerate(stories, 1):
        link = (f' <a href="#{anchors[s.id]}">members</a>' if s.id in anchors else "")
        sources = ", ".join(s.sources[:4]) + (f" +{len(s.sources) - 4}" if len(s.sources) > 4
                                              else "")
        rows.append(
            f"<tr><td class=num>{i}</td><td>{_name_html(s, titles)}{link}</td>"
            f"<td class=num>{s.size}</td><td>{e(_when(s.first_seen))}</td>"
            f"<td>{e(_when(s.last_seen))}</td><td>{e(sources)}</td>"
            f"<td>{id_html(s.first_report)}</td></tr>")
    return ('<table class="stories"><colgroup><col style="width:3rem"><col>'
            '<col style="width:4.5rem"><col style="width:8.5rem"><col style="width:8.5rem">'
            '<col style="width:13rem"><col style="width:10rem"></colgroup><thead><tr><th>#</th>'
            '<th>story (latest headline)</th><th class=num>articles</th><th>first seen</th>'
            "<th>last seen</th><th>sources</th><th>first report</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def story_list(stories: Sequence[Story], titles: Mapping[str, str],
               anchors: Mapping[str, str], n: int = REPORT_STORIES) -> str:
    """The story list twice (largest first; most recently active first) and the CSS radio
    buttons that show one of them."""
    by_size = list(stories[:n])  # stories come largest first
    pool = [s for s in stories if s.size > 1] or list(stories)
    by_recent = sorted(pool, key=lambda s: (s.last_seen or "", s.size, s.id), reverse=True)[:n]
    return (
        '<input type="radio" name="sort" id="sort-size" class="sorter-in" checked>'
        '<input type="radio" name="sort" id="sort-recent" class="sorter-in">'
        '<div class="sorter">sort: <label for="sort-size">largest first</label>'
        '<label for="sort-recent">most recent activity first</label>'
        f'<span class="muted">(the {len(by_size)} largest, or the {len(by_recent)} most recently '
        f'active{" multi-article" if pool is not stories and len(pool) < len(stories) else ""} '
        "stories)</span></div>"
        f'<div class="by-size">{_list_table(by_size, titles, anchors)}</div>'
        f'<div class="by-recent">{_list_table(by_recent, titles, anchors)}</div>')


def drill_down(story: Story, anchor: str, titles: Mapping[str, str],
               members: Mapping[str, MemberInfo] | None, compare: Mapping[str, str],
               open_: bool = False) -> str:
    """One story's members in time order: when, source, relation, headline, id, comparison."""
    info = members or {}
    latest, first = headlines(story, titles)
    rows = []
    for i, m in enumerate(story.members[:DRILL_MEMBERS], 1):
        mi = info.get(m, MemberInfo())
        is_first = m == story.first_report
        rel = "first report" if is_first else (mi.relation or "")
        cls = "rel-first" if is_first else f"rel-{mi.relation or 'none'}"
        sim = "" if is_first or mi.similarity is None else f" {mi.similarity:.2f}"
        href = compare.get(m)
        cmp_cell = (f'<a class="compare-first" href="{e(href)}" title="what changed from the '
                    f'first report">compare</a>' if href and not is_first else "")
        title = titles.get(m) or mi.title or ""
        rows.append(
            f"<tr><td class=num>{i}</td><td>{e(_when(mi.published))}</td>"
            f"<td>{e(mi.source or '')}</td><td><span class='rel {e(cls)}'>{e(rel)}</span>"
            f"<span class=muted>{e(sim)}</span></td><td>{e(title)}</td><td>{id_html(m)}</td>"
            f"<td>{cmp_cell}</td></tr>")
    more = story.size - min(story.size, DRILL_MEMBERS)
    extra = (f'<p class="muted">+{more} more members in stories.jsonl.</p>' if more else "")
    extra += ('<p class="note">Compare any member with the first report: <code>storyline '
              f"compare INPUT#{e(story.first_report)} INPUT#ID</code> (INPUT: the input file; "
              "add --format html --out diff.html for a page like the linked ones).</p>")
    head = (f"{e(latest or story.label or story.id)} <span class=muted>&middot; {story.size} "
            f"articles &middot; {e(_when(story.first_seen))} &ndash; {e(_when(story.last_seen))}"
            "</span>")
    first_line = (f'<p class="muted">first report: {e(first)} ({id_html(story.first_report)})'
                  f"{'; keywords: ' + e(story.label) if story.label else ''}; story "
                  f"{id_html(story.id, 28)}</p>")
    return (
        f'<details class="story" id="{e(anchor)}"{" open" if open_ else ""}><summary>{head}'
        f"</summary>{first_line}"
        '<table class="members"><colgroup><col style="width:2.5rem"><col style="width:8.5rem">'
        '<col style="width:10rem"><col style="width:10rem"><col><col style="width:10rem">'
        '<col style="width:5.5rem"></colgroup><thead><tr><th>#</th><th>seen</th><th>source</th>'
        f'<th title="{e(what("relation"))}">relation</th><th>headline</th><th>id</th>'
        "<th>vs first</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{extra}</details>")


def stories_blocks(stories: Sequence[Story], titles: Mapping[str, str], *,
                   members: Mapping[str, MemberInfo] | None = None,
                   compare: Mapping[str, str] | None = None) -> list[str]:
    """The stories part of a report as HTML blocks: chart, list, drill-downs."""
    if not stories:
        return ["<h2>Stories</h2>", '<p class="muted">(none)</p>']
    drilled = list(stories[:DRILL_STORIES])
    anchors = {s.id: f"story-{i + 1}" for i, s in enumerate(drilled)}
    chart = lanes_chart(stories[:LANES], titles, members, anchors)
    blocks = [
        f'<h2 id="story-sizes">Story sizes over time (the {min(LANES, len(stories))} largest)'
        "</h2>",
        '<p class="note">One lane per story: it starts at the first report (dark tick), rises '
        "by one at every new article and ends at the last one; its height is its size against "
        "the largest story. Click a lane for its members.</p>",
        f'<div class="card">{chart}</div>' if chart
        else '<p class="muted">No dated articles: nothing to put on a time axis.</p>',
        '<h2 id="story-list">Stories</h2>',
        story_list(stories, titles, anchors),
        f'<h2 id="drill-down">The {len(drilled)} largest stories, article by article</h2>',
        '<p class="note">Members in time order. <b>relation</b>: '
        f"{e(what('relation'))}; the number after it is their similarity (0 to 1).</p>",
    ]
    cmp = compare or {}
    blocks += [drill_down(s, anchors[s.id], titles, members, cmp, open_=i == 0)
               for i, s in enumerate(drilled)]
    return blocks


def story_report(title: str, summary: Mapping[str, Any], stories: Sequence[Story],
                 titles: Mapping[str, str], *, members: Mapping[str, MemberInfo] | None = None,
                 compare: Mapping[str, str] | None = None) -> str:
    """The whole stories page: the summary, then :func:`stories_blocks`."""
    return page_html(title, [summary_html(summary),
                             *stories_blocks(stories, titles, members=members, compare=compare)])
