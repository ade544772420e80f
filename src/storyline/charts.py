"""Server-rendered SVG charts shared by the HTML reports, the service's pages and the story
timeline: no JavaScript, no external assets, every piece of text escaped.

- :func:`story_lanes`: the largest stories on one time axis, one lane each: when a story
  started (its first report), how it grew (a step area, cumulative members over time, as tall
  as the story is large) and when it ended (its last member).
- :func:`bar_chart`: horizontal bars, stacked by series (duplicates per group and reason).

Charts scale to their container (``width="100%"`` with a ``viewBox``), so a page that gives
them at most its own width never scrolls sideways.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape

__all__ = ["CHART_CSS", "PALETTE", "Bar", "Lane", "bar_chart", "fmt_number", "short_id", "story_lanes"]

# Colour-blind-safe palette (Okabe-Ito), then greys for any further series.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def fmt_number(v: float) -> str:
    """A count or value as a short tick label: 1,234 / 2.5m / 3.1bn / 0.25."""
    if abs(v) >= 1e9:
        return f"{v / 1e9:.3g}bn"
    if abs(v) >= 1e6:
        return f"{v / 1e6:.3g}m"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:.3g}"


def short_id(value: str, keep: int = 18) -> str:
    """An id short enough for a table cell: long ids (hashes, URLs) keep their start and end
    around an ellipsis; the full id belongs in the element's ``title``."""
    if len(value) <= keep:
        return value
    tail = max(4, keep // 3)
    return value[: keep - tail - 1] + "\u2026" + value[-tail:]


def _clip(text: str, n: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1].rstrip() + "\u2026"


@dataclass(slots=True)
class Lane:
    """One story on the lanes chart: ``times`` are its members' instants (epoch seconds, any
    order; undated members left out), ``size`` all of its members."""

    label: str
    size: int
    times: list[float]
    href: str | None = None
    note: str = ""


# tick steps, smallest first: (seconds, strftime of a tick label)
_STEPS = ((3600, "%H:%M"), (3 * 3600, "%H:%M"), (6 * 3600, "%d %b %H:%M"),
          (12 * 3600, "%d %b %H:%M"), (86400, "%d %b"), (2 * 86400, "%d %b"),
          (7 * 86400, "%d %b"), (14 * 86400, "%d %b"), (30 * 86400, "%b %Y"),
          (91 * 86400, "%b %Y"), (365 * 86400, "%Y"))


def _ticks(lo: float, hi: float, most: int = 8) -> list[tuple[float, str]]:
    """Round instants between ``lo`` and ``hi`` (at most ``most``) with their labels."""
    span = max(hi - lo, 1.0)
    step, fmt = next(((s, f) for s, f in _STEPS if span / s <= most), _STEPS[-1])
    if step >= 365 * 86400:
        start = datetime(datetime.fromtimestamp(lo, UTC).year, 1, 1, tzinfo=UTC)
    elif step >= 30 * 86400:
        d = datetime.fromtimestamp(lo, UTC)
        start = datetime(d.year, d.month, 1, tzinfo=UTC)
    else:
        start = datetime.fromtimestamp(math.floor(lo / step) * step, UTC)
    out: list[tuple[float, str]] = []
    t = start
    while t.timestamp() <= hi and len(out) < 4 * most:
        if t.timestamp() >= lo:
            out.append((t.timestamp(), t.strftime(fmt)))
        t = _add_months(t, step // (30 * 86400)) if 30 * 86400 <= step < 365 * 86400 else (
            t.replace(year=t.year + 1) if step >= 365 * 86400 else t + timedelta(seconds=step))
    if len(out) > 1 and fmt == "%H:%M" and out[0][1] != out[-1][1]:  # name the day once
        first = datetime.fromtimestamp(out[0][0], UTC)
        out[0] = (out[0][0], first.strftime("%d %b %H:%M"))
    return out


def _add_months(t: datetime, n: int) -> datetime:
    m = t.month - 1 + n
    return t.replace(year=t.year + m // 12, month=m % 12 + 1)


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def _span(times: list[float]) -> tuple[float, float]:
    """The time axis over sorted ``times``: all of them, unless a few stray ones (at most 5%,
    at least two, at either end) lie far off the rest (over 30 days and ten times the rest's
    span away): an old article in a week's news, a typo'd year or a 1970 default must not
    squash every other lane into a dot."""
    lo, hi = times[0], times[-1]
    if len(times) < 4:
        return lo, hi
    k = min(max(2, len(times) // 20), (len(times) - 1) // 2)
    core_lo, core_hi = times[k], times[-1 - k]
    far = max(10 * (core_hi - core_lo), 30 * 86400.0)
    return (min(t for t in times if t >= core_lo - far),
            max(t for t in times if t <= core_hi + far))


def _svg_open(width: int, height: int, kind: str, title: str) -> str:
    """The opening tag every chart shares: scales to its box, announced to screen readers by
    ``title``."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" class="chart {kind}" aria-label="{_e(title)}">')


def _group(cls: str, pieces: Sequence[str], href: str | None) -> str:
    """One row of a chart (a lane, a bar) as a ``<g>``, the whole row a link when ``href``."""
    inner = "".join(pieces)
    if href:
        inner = f'<a href="{_e(href)}">{inner}</a>'
    return f'<g class="{cls}">{inner}</g>'


def story_lanes(lanes: Sequence[Lane], *, width: int = 1160, label_width: int = 330,
                lane_height: int = 26, title: str = "Story sizes over time") -> str:
    """The lanes chart (an empty string when no lane has a dated member).

    Each lane's step area rises by one at every member's time; its full height is the lane's
    share of the largest story, so sizes compare across lanes. A dark tick marks the first
    report, a number at the end the story's size. Hovering a lane names the story, its size
    and its first and last member (native SVG ``<title>``).
    """
    dated = [ln for ln in lanes if ln.times]
    if not dated:
        return ""
    lo, hi = _span(sorted(t for ln in dated for t in ln.times))
    outside = sum(1 for ln in dated for t in ln.times if t < lo or t > hi)
    off = (f"{outside} article{'s' * (outside != 1)} dated far off the rest: drawn at the "
           "edge" if outside else "")
    if hi <= lo:
        lo, hi = lo - 1800, hi + 1800
    top, bottom, right = 26, 28, 46
    plot_w = width - label_width - right
    height = top + bottom + lane_height * len(dated)
    biggest = max(ln.size for ln in dated) or 1

    def px(ts: float) -> float:
        return label_width + (ts - lo) / (hi - lo) * plot_w

    parts = [
        _svg_open(width, height, "lanes", title),
        f"<title>{_e(title)}: {len(dated)} stories, {_e(_when(lo))} to {_e(_when(hi))}</title>",
        f'<text x="{label_width}" y="15" class="ct">{_e(title)}</text>',
        f'<text x="{width - 2}" y="15" class="tick" text-anchor="end">height: articles so far '
        f"(largest {biggest})</text>",
        f'<text x="4" y="{height - 6}" class="tick off">{_e(off)}</text>' if off else "",
    ]
    for ts, text in _ticks(lo, hi):
        x = px(ts)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - bottom}" '
                     'class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" class="tick" '
                     f'text-anchor="middle">{_e(text)}</text>')
    for i, ln in enumerate(dated):
        y0 = top + i * lane_height
        base = y0 + lane_height - 4
        full = (lane_height - 7) * max(ln.size, len(ln.times)) / biggest
        color = PALETTE[i % (len(PALETTE) - 2)]  # no yellow (faint) and black (the tick)
        true = sorted(ln.times)  # the tooltip tells the true dates; strays drawn at the edge
        times = [min(max(t, lo), hi) for t in true]
        step = full / max(ln.size, len(times))
        undated = max(0, ln.size - len(times))
        x_first, x_last = px(times[0]), px(times[-1])
        d = f"M{x_first:.1f} {base:.1f}"
        level = undated * step  # undated members count from the start
        d += f"V{base - level - step:.1f}"
        level += step
        for t in times[1:]:
            d += f"H{px(t):.1f}V{base - level - step:.1f}"
            level += step
        d += f"H{max(x_last, x_first + 2):.1f}V{base:.1f}Z"
        tip = (f"{ln.label}: {ln.size} article{'s' * (ln.size != 1)}, first {_when(true[0])}, "
               f"last {_when(true[-1])}" + (f"; {ln.note}" if ln.note else ""))
        body = [
            f"<title>{_e(tip)}</title>",
            f'<rect x="0" y="{y0}" width="{width}" height="{lane_height}" '
            f'class="{"band" if i % 2 == 0 else "band2"}"/>',
            f'<text x="{label_width - 8}" y="{y0 + lane_height / 2 + 4:.1f}" class="ll" '
            f'text-anchor="end">{_e(_clip(ln.label, 46))}</text>',
            f'<line x1="{x_first:.1f}" y1="{base:.1f}" x2="{max(x_last, x_first + 2):.1f}" '
            f'y2="{base:.1f}" stroke="{color}" stroke-width="1.5"/>',
            f'<path d="{d}" fill="{color}" fill-opacity="0.55" stroke="{color}" '
            'stroke-width="1" class="grow"/>',
            f'<line x1="{x_first:.1f}" y1="{y0 + 3}" x2="{x_first:.1f}" y2="{base:.1f}" '
            'class="first"/>',
            f'<text x="{max(x_last, x_first + 2) + 5:.1f}" y="{base - 2:.1f}" '
            f'class="sz">{ln.size}</text>',
        ]
        parts.append(_group("lane", body, ln.href))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(slots=True)
class Bar:
    """One bar: a label and its value per series (stacked in the chart's series order)."""

    label: str
    values: dict[str, float] = field(default_factory=dict)
    href: str | None = None

    @property
    def total(self) -> float:
        return sum(self.values.values())


def bar_chart(bars: Sequence[Bar], series: Sequence[str], *, title: str, width: int = 570,
              label_width: int = 210, bar_height: int = 20,
              colors: dict[str, str] | None = None) -> str:
    """Horizontal bars stacked by ``series`` (an empty string when there is nothing to draw),
    each with its total at the end and a tooltip per segment."""
    bars = [b for b in bars if b.total > 0]
    if not bars:
        return ""
    colors = colors or {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    top, right = 44, 50
    plot_w = width - label_width - right
    height = top + 8 + bar_height * len(bars)
    biggest = max(b.total for b in bars)
    parts = [
        _svg_open(width, height, "bars", title),
        f"<title>{_e(title)}</title>",
        f'<text x="4" y="15" class="ct">{_e(title)}</text>',
    ]
    used = [s for s in series if any(b.values.get(s, 0) > 0 for b in bars)]
    x = 4.0
    for s in used:  # the legend
        parts.append(f'<rect x="{x:.0f}" y="24" width="10" height="10" fill="{colors[s]}"/>'
                     f'<text x="{x + 14:.0f}" y="33" class="tick">{_e(s)}</text>')
        x += 24 + 6.2 * len(s)
    for i, b in enumerate(bars):
        y = top + i * bar_height
        row = [f'<text x="{label_width - 6}" y="{y + bar_height / 2 + 4:.1f}" class="ll" '
               f'text-anchor="end">{_e(_clip(b.label, label_width // 6))}<title>{_e(b.label)}</title></text>']
        x = float(label_width)
        for s in series:
            v = b.values.get(s, 0)
            if v <= 0:
                continue
            w = max(1.0, v / biggest * plot_w)
            row.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" '
                       f'height="{bar_height - 6}" fill="{colors[s]}">'
                       f"<title>{_e(b.label)}: {_e(fmt_number(v))} {_e(s)}</title></rect>")
            x += w
        row.append(f'<text x="{x + 4:.1f}" y="{y + bar_height / 2 + 4:.1f}" class="sz">'
                   f"{_e(fmt_number(b.total))}</text>")
        parts.append(_group("bar", row, b.href))
    parts.append("</svg>")
    return "".join(parts)


CHART_CSS = """
svg.chart{display:block;max-width:100%}svg .axis{stroke:#999;stroke-width:1}
svg .grid{stroke:#e4e4e8;stroke-width:1}svg .tick{font-size:10px;fill:#666}
svg .ct{font-size:12px;font-weight:600;fill:#1d1d1f}svg .cl{font-size:10px;fill:#333}
svg .ll{font-size:11px;fill:#1d1d1f}svg .sz{font-size:10px;fill:#333;font-weight:600}
svg .band{fill:#fff}svg .band2{fill:#f6f6f8}svg .first{stroke:#1d1d1f;stroke-width:2}
svg a:hover .ll{text-decoration:underline;fill:#0a4a8a}
"""
