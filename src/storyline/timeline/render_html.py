"""The timeline as one self-contained HTML page: charts first, then the version strip and tracks.

No scripts and no external assets (styles inline, charts server-rendered SVG); every piece of
article text is HTML-escaped. The layout fits a 1,280 px wide window.
"""

from __future__ import annotations

from html import escape

from storyline.timeline.chart import count_chart, source_colors
from storyline.timeline.model import Mention, Timeline, Track

__all__ = ["timeline_html"]

_CSS = """
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
margin:0;color:#1d1d1f;background:#fafafa}main{max-width:1240px;margin:0 auto;padding:14px 18px}
h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.3rem 0 .5rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}.muted{color:#666}
.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:10px}
.card{background:#fff;border:1px solid #e2e2e6;border-radius:6px;padding:6px 8px}
svg.chart{display:block}.axis{stroke:#999;stroke-width:1}.tick{font-size:10px;fill:#666}
.ct{font-size:12px;font-weight:600;fill:#1d1d1f}.cl{font-size:10px;fill:#333}
.legend{margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:12px}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;
vertical-align:-1px}ol.strip{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:6px}
ol.strip li{background:#fff;border:1px solid #e2e2e6;border-left-width:4px;border-radius:5px;
padding:4px 7px;width:232px;font-size:12px}ol.strip .rel{font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px;table-layout:fixed}
th,td{border:1px solid #e2e2e6;padding:4px 6px;vertical-align:top;text-align:left;
overflow-wrap:anywhere}th{background:#f0f0f2}mark{background:#ffe08a;padding:0 1px}
.del{color:#b00020;text-decoration:line-through}.ins{color:#0a7a32;font-weight:600}
.sent{color:#333}.v{font-weight:600;white-space:nowrap}
"""
_NAME_KINDS = ("person", "org", "place", "name")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _when(published: str | None) -> str:
    return published[:16].replace("T", " ") if published else "undated"


def _marked(m: Mention) -> str:
    """The mention's sentence, escaped, with the fact itself highlighted."""
    s = m.sentence
    k = s.find(m.text)
    if k < 0 or not m.text:
        return f'<span class="sent">{_e(s)}</span>'
    return (f'<span class="sent">{_e(s[:k])}<mark>{_e(m.text)}</mark>'
            f"{_e(s[k + len(m.text):])}</span>")


def _where(m: Mention) -> str:
    return (f'<span class="v">v{m.version + 1}</span> {_e(m.source or "unknown source")}, '
            f'{_e(_when(m.published))}, <span class="muted">{_e(m.article_id)} '
            f"[{m.start}:{m.end}]</span>")


def _strip(t: Timeline) -> str:
    colors = source_colors(t)
    by_id = {x.id: x for x in t.facts}
    items = []
    for v in t.versions:
        color = colors.get(v.source or "unknown source", ("#888", ""))[0]
        rel = "first report" if v.relation == "first" else (
            f"{v.relation} of v{(v.reference or 0) + 1}")
        added = [by_id[f] for f in v.added]
        firsts = [x.label() for x in added if x.kind not in ("quote", "claim")]
        quotes = sum(1 for x in added if x.kind == "quote")
        claims = sum(1 for x in added if x.kind == "claim")
        changed = []
        for f in v.changed:
            tr = by_id[f]
            for c in tr.changes:
                if c.new.version == v.index:
                    old = c.old.speaker if c.what == "speaker" else c.old.text
                    new = c.new.speaker if c.what == "speaker" else c.new.text
                    changed.append(f"{_e(tr.label())}: <span class=del>{_e(old)}</span> \u2192 "
                                   f"<span class=ins>{_e(new)}</span>")
        body = []
        if changed:
            body.append("changed " + "; ".join(changed))
        if firsts or quotes or claims:
            shown = ", ".join(_e(x) for x in firsts[:8]) + (
                f" (+{len(firsts) - 8})" if len(firsts) > 8 else "")
            if quotes:
                shown += ("; " if firsts else "") + f"{quotes} quote{'s' * (quotes != 1)}"
            if claims:
                shown += ("; " if firsts or quotes else "") + \
                    f"{claims} claim{'s' * (claims != 1)}"
            body.append("first here: " + shown)
        if v.relation != "first":
            s = v.sentences
            body.append(f'<span class="muted">{s["kept"]} kept, {s["edited"]} edited, '
                        f'{s["added"]} added, {s["dropped"]} dropped</span>')
        to_first = ("" if v.relation == "first" else
                    f' <span class="muted">({_e(v.relation_to_first)} of the first)</span>')
        items.append(
            f'<li style="border-left-color:{color}"><span class="v">v{v.index + 1}</span> '
            f'{_e(_when(v.published))} · {_e(v.source or "unknown source")}<br>'
            f'<span class="rel">{_e(rel)}</span>{to_first}<br>' + "<br>".join(body) + "</li>")
    return f'<ol class="strip">{"".join(items)}</ol>'


def _track_rows(tracks: list[Track]) -> str:
    rows = []
    for x in tracks:
        changes = "".join(
            f"<div>{_where(c.new)}: <span class=del>"
            f"{_e(c.old.speaker if c.what == 'speaker' else c.old.text)}</span> \u2192 "
            f"<span class=ins>{_e(c.new.speaker if c.what == 'speaker' else c.new.text)}</span>"
            f"<br>{_marked(c.new)}</div>" for c in x.changes) or '<span class="muted">none</span>'
        values = ([] if x.kind in ("quote", "claim")
                  else list(dict.fromkeys(m.text for m in x.mentions)))
        last = f"{_where(x.last)}"
        if x.stopped is not None:
            last += f'<br>stopped appearing in <span class="v">v{x.stopped[0] + 1}</span>'
        speaker = (f" \u2014 {_e(x.first.speaker)}" if x.first.speaker and x.kind == "quote"
                   else "")
        stated = f'stated as {_e(", ".join(values[:6]))}; ' if values else ""
        n = len(x.mentions)
        rows.append(
            f'<tr id="{_e(x.id)}"><td><b>{_e(x.label())}</b>{speaker}<br>'
            f'<span class="muted">{_e(x.kind)}; {stated}{n} version{"s" * (n != 1)}</span></td>'
            f"<td>{_where(x.first)}<br>{_marked(x.first)}</td><td>{changes}</td>"
            f"<td>{last}</td></tr>")
    return ("<table><colgroup><col style=\"width:19%\"><col style=\"width:33%\">"
            "<col style=\"width:33%\"><col style=\"width:15%\"></colgroup><thead><tr>"
            "<th>fact</th><th>first reported</th><th>changes</th><th>last seen</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def timeline_html(t: Timeline, *, title: str | None = None, max_charts: int = 12) -> str:
    """The page. Charts show the counts that changed or were stated most (``max_charts``)."""
    v = t.versions
    colors = source_colors(t)
    heading = title or (v[0].title or "Story timeline")
    counts = [x for x in t.facts if x.kind == "count"]
    counts.sort(key=lambda x: (-len(x.changes), -len({m.source for m in x.mentions}),
                               -len(x.mentions), x.first.version))
    charts = [c for c in (count_chart(t, x) for x in counts[:max_charts]) if c]
    legend = "".join(f'<span><span class="sw" style="background:{c}"></span>{_e(s)}</span>'
                     for s, (c, _) in colors.items())
    sections = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(heading)} \u2014 storyline timeline</title><style>{_CSS}</style></head>",
        "<body><main>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="muted">{len(v)} version{"s" * (len(v) != 1)} from {len(colors)} '
        f'source{"s" * (len(colors) != 1)}, {_e(_when(v[0].published))} to '
        f'{_e(_when(v[-1].published))}; {len(t.facts)} facts followed, '
        f"{sum(len(x.changes) for x in t.facts)} changes, {len(t.conflicts)} conflicts"
        + (f"; relations by {_e(t.scorer)}" if t.scorer else "") + "</p>",
        '<h2 id="counts">Counts over time</h2>',
        f'<div class="legend">{legend}</div>',
        ('<div class="charts">' + "".join(f'<div class="card">{c}</div>' for c in charts)
         + "</div>") if charts else '<p class="muted">No counts in this story.</p>',
        '<h2 id="versions">Versions: what each one reported first</h2>',
        _strip(t),
    ]
    for title_, kinds in (("Counts", ("count",)), ("Times", ("time",)), ("Quotes", ("quote",)),
                          ("Attributed claims", ("claim",)),
                          ("People, organisations and places", _NAME_KINDS)):
        tracks = [x for x in t.facts if x.kind in kinds]
        if kinds == _NAME_KINDS:  # the names that came and went are the news
            tracks = [x for x in tracks if x.first.version > 0 or x.stopped is not None
                      or x.changes] or tracks[:40]
        sections.append(f'<h2 id="{_e(kinds[0])}">{_e(title_)} ({len(tracks)})</h2>')
        sections.append(_track_rows(tracks) if tracks else '<p class="muted">none</p>')
    sections.append(f'<h2 id="conflicts">Conflicts ({len(t.conflicts)})</h2>')
    if t.conflicts:
        by_id = {x.id: x for x in t.facts}
        sections.append("<table><thead><tr><th>fact</th><th>one source</th><th>another, at the "
                        "same time</th></tr></thead><tbody>" + "".join(
                            f"<tr><td><a href=\"#{_e(c.track)}\">{_e(by_id[c.track].label())}"
                            f"</a></td><td>{_where(c.a)}<br>{_marked(c.a)}</td>"
                            f"<td>{_where(c.b)}<br>{_marked(c.b)}</td></tr>"
                            for c in t.conflicts) + "</tbody></table>")
    else:
        sections.append('<p class="muted">No two sources gave different values at the same '
                        "time.</p>")
    sections.append("</main></body></html>")
    return "\n".join(sections) + "\n"
