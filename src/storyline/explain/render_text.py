"""A readable terminal report of a comparison (rich): relation and scores first, then evidence.

Article text is always wrapped in :class:`rich.text.Text`, never parsed as markup, so square
brackets in news text print as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from storyline.compare import Comparison

__all__ = ["comparison_renderables", "print_comparison"]

_MAX_LIST = 12
_MAX_SENTENCES = 15  # per side: an unrelated pair would otherwise print both articles whole


def _header(c: Comparison) -> RenderableType:
    t = Text()
    t.append(f" {c.relation} ", style="bold white on blue")
    t.append(f"   similarity {c.similarity:.2f}", style="bold")
    t.append(f"   (scorer: {c.scorer})", style="dim")
    t.append("\n")
    t.append(c.summary())
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="dim")
    meta.add_column()
    meta.add_column()
    meta.add_row("", Text("A", style="bold"), Text("B", style="bold"))
    for key in ("id", "title", "published", "dateline", "source"):
        meta.add_row(key, Text(str(getattr(c.a, key) or "-")), Text(str(getattr(c.b, key) or "-")))
    return Group(t, Text(""), meta)


def _dimensions(c: Comparison) -> RenderableType:
    if not c.dimensions:
        return Text("dimensions: not available (no fitted scorer)", style="dim")
    table = Table(title="Dimensions (1 = same ... 4 = different)", title_justify="left")
    table.add_column("dimension")
    table.add_column("score", justify="right")
    table.add_column("")
    for name, value in c.dimensions.items():
        filled = round((4.0 - float(value)) / 3.0 * 20)
        bar = Text("█" * max(0, filled), style="blue") + Text("░" * max(0, 20 - filled), style="dim")
        table.add_row(name, f"{float(value):.2f}", bar)
    return table


def _facts(c: Comparison) -> RenderableType:
    if not c.changed_facts:
        return Text("changed facts: none", style="dim")
    table = Table(title=f"Changed facts ({len(c.changed_facts)})", title_justify="left",
                  show_lines=True)
    table.add_column("fact")
    table.add_column("A", style="red")
    table.add_column("B", style="green")
    table.add_column("context (A / B)", ratio=1)
    for f in c.changed_facts:
        ctx = Text(f.context_a or "-") + Text("\n") + Text(f.context_b or "-", style="dim")
        label = f.kind + (f" ({f.measure})" if f.measure and f.measure != f.kind else "")
        if f.status == "differs":  # two reports disagree; nothing says B updates A
            label += "\ndiffers"
        table.add_row(label, Text(f.a), Text(f.b), ctx)
    return table


def _quotes(c: Comparison) -> RenderableType:
    if not c.shared_quotes:
        return Text("shared quotes: none", style="dim")
    lines = [Text(f"Shared quotes ({len(c.shared_quotes)})", style="bold")]
    for q in c.shared_quotes:
        line = Text("  \u201c") + Text(q.a) + Text("\u201d")
        if q.similarity < 1.0:
            line += Text(f"  (B: \u201c{q.b}\u201d, {q.similarity:.2f})", style="dim")
        lines.append(line)
    return Group(*lines)


def _names(label: str, items: list[str], style: str) -> Text:
    shown = ", ".join(items[:_MAX_LIST]) + (f" (+{len(items) - _MAX_LIST})" if len(items) > _MAX_LIST else "")
    return Text(f"  {label}: ", style="bold") + Text(shown or "-", style=style)


def _entities(c: Comparison) -> RenderableType:
    e = c.entities
    return Group(
        Text("Entities", style="bold"),
        _names("shared", e.shared, ""),
        _names("only A", e.only_a, "red"),
        _names("only B", e.only_b, "green"),
    )


def _sentences(c: Comparison) -> RenderableType:
    n = c.counts()
    parts: list[RenderableType] = [Text(
        f"Sentences: A {n['a']}, B {n['b']}: {n['same']} same, {n['edited']} edited, "
        f"{n['only_a']} only in A, {n['only_b']} only in B, {n['moved']} moved", style="bold")]
    for p in c.alignment.pairs:
        if p.kind != "edited":
            continue
        line = Text("  ~ ", style="yellow")
        for op in p.diff:  # wdiff markers too, so the diff reads without colour
            lead = op.text[: len(op.text) - len(op.text.lstrip())]
            body = op.text[len(lead):]
            if not body:
                line.append(lead)
            elif op.op == "delete":
                line.append(lead + "[-" + body + "-]", style="red strike")
            elif op.op == "insert":
                line.append(lead + "{+" + body + "+}", style="green")
            else:
                line.append(op.text)
        parts.append(line)
    for mark, style, sents in (("-", "red", c.alignment.only_a), ("+", "green", c.alignment.only_b)):
        for s in sents[:_MAX_SENTENCES]:
            parts.append(Text(f"  {mark} ", style=style) + Text(s.text, style=style))
        if len(sents) > _MAX_SENTENCES:
            parts.append(Text(f"  {mark} ... {len(sents) - _MAX_SENTENCES} more "
                              "(--format json or html shows all)", style="dim"))
    return Group(*parts)


def _boilerplate(c: Comparison) -> RenderableType:
    return Group(
        Text("Boilerplate removed", style="bold"),
        _names("A", c.boilerplate_a, "dim"),
        _names("B", c.boilerplate_b, "dim"),
    )


def comparison_renderables(c: Comparison) -> list[RenderableType]:
    return [
        Panel(_header(c), title="storyline compare", title_align="left"),
        _dimensions(c),
        _facts(c),
        _quotes(c),
        _entities(c),
        _sentences(c),
        _boilerplate(c),
    ]


def print_comparison(c: Comparison, console: Console) -> None:
    """Print the report to ``console`` (the caller picks the stream and width)."""
    for r in comparison_renderables(c):
        console.print(r)
        console.print()
