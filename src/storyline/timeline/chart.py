"""Server-rendered SVG step charts of a story's counts over time (no JavaScript, no assets).

One small chart per count: a step line per source (its value holds until it reports another)
and a marker at every version that states the count, with a native SVG ``<title>`` tooltip
(version, source, time, value). All text is escaped.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from storyline.charts import PALETTE
from storyline.charts import fmt_number as _fmt
from storyline.timeline.model import Timeline, Track

__all__ = ["PALETTE", "count_chart", "source_colors"]

_SHAPES = ("circle", "square", "diamond", "triangle")


def source_colors(t: Timeline) -> dict[str, tuple[str, str]]:
    """Each source's (colour, marker shape), in order of first appearance."""
    out: dict[str, tuple[str, str]] = {}
    for v in t.versions:
        s = v.source or "unknown source"
        if s not in out:
            n = len(out)
            color = PALETTE[n] if n < len(PALETTE) else "#888888"
            out[s] = (color, _SHAPES[(n // len(PALETTE)) % len(_SHAPES)] if n >= len(PALETTE)
                      else _SHAPES[n % len(_SHAPES)])
    return out


def _instant(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None


def _x_positions(t: Timeline) -> list[float]:
    """Each version's x in [0, 1]: by publication time when every version is dated, else by
    position (undated stories still read left to right)."""
    times = [_instant(v.published) for v in t.versions]
    n = len(t.versions)
    if all(x is not None for x in times) and n > 1:
        ts = [x.timestamp() for x in times if x is not None]
        lo, hi = min(ts), max(ts)
        if hi > lo:
            return [(x - lo) / (hi - lo) for x in ts]
    return [i / (n - 1) if n > 1 else 0.5 for i in range(n)]


def _marker(shape: str, x: float, y: float, color: str, title: str) -> str:
    t = f"<title>{escape(title)}</title>"
    if shape == "square":
        return (f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{color}" '
                f'stroke="#fff">{t}</rect>')
    if shape == "diamond":
        return (f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}'
                f'L{x - 5:.1f} {y:.1f}Z" fill="{color}" stroke="#fff">{t}</path>')
    if shape == "triangle":
        return (f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" '
                f'fill="{color}" stroke="#fff">{t}</path>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{color}" stroke="#fff">{t}</circle>'


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def count_chart(t: Timeline, track: Track, *, width: int = 580, height: int = 170) -> str:
    """An SVG step chart of one count track (an empty string when it has no numeric value)."""
    points = [(m, v) for m in track.mentions if (v := _number(m.value)) is not None]
    if not points:
        return ""
    xs = _x_positions(t)
    colors = source_colors(t)
    left, right, top, bottom = 52, 14, 24, 26
    w, h = width - left - right, height - top - bottom
    values = [v for _, v in points]
    vmin, vmax = min(values), max(values)
    if vmax > vmin:  # zoom on the change: 37 -> 41 must read as a step, not a flat line
        spread = vmax - vmin
        lo, hi = max(0.0, vmin - 1.2 * spread) if vmin >= 0 else vmin - 1.2 * spread, \
            vmax + 0.5 * spread
        if lo > 0 and spread >= 1:
            lo = float(int(lo))  # a round lower tick
    else:
        lo, hi = (0.0, vmax * 1.3 or 1.0) if vmax >= 0 else (vmax * 1.3, 0.0)

    def px(version: int) -> float:
        return left + xs[version] * w

    def py(v: float) -> float:
        return top + h - (v - lo) / (hi - lo) * h if hi > lo else top + h / 2

    label = track.label()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="chart" aria-label="{escape(label)} over time">',
        f'<title>{escape(label)}: {escape(", ".join(dict.fromkeys(m.text for m, _ in points)))}'
        "</title>",
        f'<text x="{left}" y="15" class="ct">{escape(label)}</text>',
        f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" class="axis"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" class="axis"/>',
        f'<text x="{left - 6}" y="{py(max(values)) + 4:.1f}" class="tick" '
        f'text-anchor="end">{escape(_fmt(max(values)))}</text>',
        f'<text x="{left - 6}" y="{top + h + 4}" class="tick" text-anchor="end">'
        f"{escape(_fmt(lo))}</text>",
        (f'<text x="{left - 6}" y="{py(vmin) + 4:.1f}" class="tick" text-anchor="end">'
         f"{escape(_fmt(vmin))}</text>" if vmin != vmax and py(vmin) < top + h - 12 else ""),
        f'<text x="{left}" y="{height - 6}" class="tick">'
        f"{escape(_when(t.versions[0].published) or 'v1')}</text>",
        f'<text x="{left + w}" y="{height - 6}" class="tick" text-anchor="end">'
        f"{escape(_when(t.versions[-1].published) or f'v{len(t.versions)}')}</text>",
    ]
    by_source: dict[str, list[tuple[int, float]]] = {}
    for m, v in points:
        by_source.setdefault(m.source or "unknown source", []).append((m.version, v))
    end_x = left + w
    for source, pts in by_source.items():
        color = colors.get(source, ("#888888", "circle"))[0]
        d = f"M{px(pts[0][0]):.1f} {py(pts[0][1]):.1f}"
        for (_, v0), (ver, v1) in zip(pts, pts[1:], strict=False):
            d += f"H{px(ver):.1f}"
            if v1 != v0:
                d += f"V{py(v1):.1f}"
        d += f"H{end_x:.1f}"
        parts.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="2" '
                     'stroke-opacity="0.75"/>')
    # every change labelled when there are few; else the latest only (the rest in tooltips)
    for c in track.changes if len(track.changes) <= 3 else track.changes[-1:]:
        v = _number(c.new.value)
        if v is not None:
            x = px(c.new.version)
            anchor, dx = ("end", -7) if x > left + w * 0.6 else ("start", 7)
            parts.append(f'<text x="{x + dx:.1f}" y="{py(v) - 7:.1f}" text-anchor="{anchor}" '
                         f'class="cl">{escape(c.old.text)} \u2192 {escape(c.new.text)}</text>')
    for m, v in points:
        color, shape = colors.get(m.source or "unknown source", ("#888888", "circle"))
        title = (f"v{m.version + 1} {m.source or 'unknown source'} {_when(m.published) or ''}: "
                 f"{m.text}")
        parts.append(_marker(shape, px(m.version), py(v), color, title))
    parts.append("</svg>")
    return "".join(parts)


def _when(published: str | None) -> str:
    return published[:16].replace("T", " ") if published else ""
