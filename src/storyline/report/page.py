"""The page every report shares: one self-contained HTML file (styles inline, charts as
server-rendered SVG, no scripts, no external assets) that fits a 1,280 px window. Every value
is HTML-escaped; metric names carry a one-line explanation where they appear."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from storyline.charts import CHART_CSS, short_id
from storyline.output import format_cell

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;
background:#fafafa}main{max-width:1240px;margin:0 auto;padding:14px 18px}
h1{font-size:1.45rem;margin:.3rem 0 .6rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff;table-layout:fixed}
th,td{border-bottom:1px solid #e4e4e8;padding:4px 7px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}th{background:#f0f0f2;font-weight:600}
.kv{max-width:1000px}.kv td:first-child{font-weight:600;width:15rem}.kv td:nth-child(2){width:12rem}
.muted,.what{color:#666}.what{font-size:12px}.num{text-align:right;white-space:nowrap}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;color:#555}
.card{background:#fff;border:1px solid #e2e2e6;border-radius:6px;padding:6px 8px;margin:.5rem 0}
.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:10px;align-items:start}
.note{font-size:12px;color:#555;margin:.2rem 0 .6rem}code{overflow-wrap:anywhere}
.rel{display:inline-block;padding:0 .45em;border-radius:.8em;font-size:12px;background:#e8eef6}
.rel-duplicate,.rel-near_duplicate{background:#e6e6e6}.rel-revision{background:#fde8c8}
.rel-first{background:#ffe9a8;font-weight:600}
details.story{background:#fff;border:1px solid #e2e2e6;border-radius:6px;margin:.5rem 0;
padding:.3rem .7rem}details.story>summary{cursor:pointer;font-weight:600;padding:.2rem 0}
details.story>summary .muted{font-weight:400}
.sorter{margin:.3rem 0 .5rem;font-size:13px}.sorter label{margin-right:1rem;cursor:pointer}
#sort-recent:checked~.by-size,#sort-size:checked~.by-recent{display:none}
.sorter-in{position:absolute;opacity:0;pointer-events:none}
#sort-size:checked~.sorter label[for=sort-size],#sort-recent:checked~.sorter label[for=sort-recent]
{font-weight:700;text-decoration:underline}
""" + CHART_CSS

# One line per metric name, shown next to the metric wherever it appears.
GLOSSARY: dict[str, str] = {
    "read": "records read from the inputs",
    "kept": "articles kept: one per duplicate group, plus every unique article",
    "removed": "copies removed as duplicates of a kept article",
    "rejected": "records refused as bad input (see --rejects)",
    "skipped": "records that were not articles (e.g. non-article pages)",
    "clusters": "duplicate groups, a unique article counting as a group of one",
    "exact": "removed copies whose cleaned text is identical to the kept one",
    "near": "removed near copies: word-shingle Jaccard similarity at or above the threshold",
    "contained": "removed texts found (almost) whole inside a longer kept article",
    "via cluster": "removed because they match another member of the group, not the kept one",
    "duplicate pairs precision": "share of the pairs called duplicates that the labels call "
                                 "duplicates too",
    "duplicate pairs recall": "share of the labelled duplicate pairs that were found",
    "duplicate pairs F1": "harmonic mean of the pair precision and recall (1 = perfect)",
    "seconds (read + dedup)": "wall-clock seconds to read the corpus and find its duplicates",
    "seconds (story clustering)": "wall-clock seconds to group the articles into stories",
    "seconds": "wall-clock seconds of the run (reading and clustering)",
    "accounting": "every record read is accounted for: accepted + rejected (+ skipped)",
    "stories found": "stories the clustering made, single-article ones included",
    "stories": "stories made, single-article ones included",
    "stories (labels)": "stories in the corpus labels",
    "story B-cubed F1": "per article, how much its found story and its labelled story overlap "
                        "(precision and recall, averaged over articles; 1 = identical)",
    "story ARI": "adjusted Rand index: agreement of every article pair (same story or not) "
                 "with the labels; 0 = chance, 1 = identical",
    "first reports found": "labelled first reports that start a found story",
    "mode": "batch: all articles, ordered by time, merged; stream: in input order, no revisions",
    "clustered": "articles grouped into stories",
    "multi-article stories": "stories with more than one article",
    "largest story": "articles in the largest story",
    "pairs scored": "article pairs the pair scorer compared",
    "kind (label)": "how the synthetic corpus made this article (copy, revision, rewrite, "
                    "original): the answer the dedup is scored against",
    "relation": "how an article relates to its nearest story member: duplicate, near_duplicate,"
                " revision (an update), same_story (another write-up)",
}


def e(value: Any) -> str:
    """Escaped display text of any value (floats to 4 significant digits)."""
    return html.escape(format_cell(value), quote=True)


def id_html(value: str | None, keep: int = 18) -> str:
    """An id shortened for display, the whole id in its tooltip."""
    if not value:
        return ""
    return f'<span class="id" title="{e(value)}">{e(short_id(value, keep))}</span>'


def what(name: str) -> str:
    """The one-line explanation of a metric name ('' when it has none)."""
    return GLOSSARY.get(name, "")


def table_html(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """An HTML table of ``rows``; ``columns`` defaults to the first row's keys. A column with
    a glossary entry explains itself in its header's tooltip and a line under the table."""
    if not rows:
        return '<p class="muted">(none)</p>'
    cols = list(columns or rows[0].keys())
    head = "".join(
        f'<th title="{e(what(c))}">{e(c)}</th>' if what(c) else f"<th>{e(c)}</th>" for c in cols
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{e(r.get(c))}</td>" for c in cols) + "</tr>" for r in rows
    )
    notes = "".join(f"<div><b>{e(c)}</b>: {e(what(c))}</div>" for c in cols if what(c))
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            + (f'<div class="note">{notes}</div>' if notes else ""))


def summary_html(summary: Mapping[str, Any]) -> str:
    """The key/value summary: name, value and what the name means."""
    rows = "".join(
        f"<tr><td>{e(k)}</td><td>{e(v)}</td><td class=what>{e(what(str(k)))}</td></tr>"
        for k, v in summary.items()
    )
    return f'<table class="kv"><tbody>{rows}</tbody></table>'


def page_html(title: str, blocks: Sequence[str], subtitle: str = "") -> str:
    """The whole page around ready-made (already escaped) HTML ``blocks``."""
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{e(title)}</h1>",
        f'<p class="muted">{e(subtitle)}</p>' if subtitle else "",
        *blocks,
        "</main></body></html>",
    ]
    return "\n".join(p for p in parts if p)


def report_html(
    title: str,
    summary: Mapping[str, Any],
    sections: Sequence[tuple[str, Sequence[Mapping[str, Any]]]],
) -> str:
    """A full page: a key/value summary, then one titled table per section."""
    blocks = [summary_html(summary)]
    for name, rows in sections:
        blocks.append(f"<h2>{e(name)}</h2>")
        blocks.append(table_html(rows))
    return page_html(title, blocks)
