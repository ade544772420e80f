"""Self-contained HTML report (no external assets); every value is HTML-escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from storyline.output import format_cell

if TYPE_CHECKING:
    from storyline.stories import Story

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.kv td:first-child{font-weight:600;width:16rem}
.muted{color:#777}
"""


def _cell(value: Any) -> str:
    return html.escape(format_cell(value))


def table_html(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """An HTML table of ``rows``; ``columns`` defaults to the first row's keys."""
    if not rows:
        return '<p class="muted">(none)</p>'
    cols = list(columns or rows[0].keys())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in cols) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(
    title: str,
    summary: Mapping[str, Any],
    sections: Sequence[tuple[str, Sequence[Mapping[str, Any]]]],
) -> str:
    """A full page: a key/value summary, then one titled table per section."""
    kv = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{_cell(v)}</td></tr>" for k, v in summary.items()
    )
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<table class="kv"><tbody>{kv}</tbody></table>',
    ]
    for name, rows in sections:
        parts.append(f"<h2>{html.escape(name)}</h2>")
        parts.append(table_html(rows))
    parts.append("</body></html>")
    return "\n".join(parts)


REPORT_STORIES = 50


def story_report(title: str, summary: dict[str, Any], stories: list[Story], titles: dict[str, str]) -> str:
    """HTML page: the summary, the largest stories, and the members of the top few."""
    top = [
        {
            "story": s.id,
            "label": s.label,
            "size": s.size,
            "first report": s.first_report,
            "first report title": titles.get(s.first_report, ""),
            "first seen": s.first_seen,
            "last seen": s.last_seen,
            "sources": ", ".join(s.sources[:8]),
        }
        for s in stories[:REPORT_STORIES]
    ]
    sections: list[tuple[str, list[dict[str, Any]]]] = [
        (f"Largest stories (top {min(REPORT_STORIES, len(stories))})", top)
    ]
    for s in stories[:5]:
        rows = [{"#": i + 1, "id": m, "title": titles.get(m, "")} for i, m in enumerate(s.members[:30])]
        sections.append((f"{s.label or s.id}: {s.size} articles (first report {s.first_report})", rows))
    return report_html(title, summary, sections)
