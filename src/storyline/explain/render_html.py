"""One self-contained HTML page for a comparison: scores, evidence, the two articles side by side.

Aligned sentences share a row (moved sentences too), deletions and insertions of edited
sentences are marked, changed facts and shared quotes highlighted. No scripts, no external
assets; every piece of article text goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from storyline.explain.align import AlignedPair, Sentence

if TYPE_CHECKING:
    from storyline.compare import Comparison
    from storyline.explain.facts_diff import ChangedFact

__all__ = ["comparison_html"]

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;padding:1.2rem 1.6rem;
 color:#1d1d1f;background:#fafafa;line-height:1.45}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}h2{font-size:1.05rem;margin:1.4rem 0 .5rem}
.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600;
 background:#1f5fbf;color:#fff;margin-right:.6rem}
.rel-unrelated,.rel-related{background:#777}.rel-duplicate,.rel-near_duplicate{background:#2e7d32}
.score{font-size:1.05rem;margin-right:1.2rem}.muted{color:#6e6e73;font-size:.85rem}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.card{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.7rem .9rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e4e4e4;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f2;font-weight:600}
.dim td.bar{width:45%}.dim .track{background:#eee;border-radius:3px;height:.7rem}
.dim .fill{background:#1f5fbf;height:.7rem;border-radius:3px}
table.sbs{table-layout:fixed;background:#fff;border:1px solid #ddd}
table.sbs td{width:50%;font-size:.95rem;padding:.45rem .7rem;border-right:1px solid #eee}
table.sbs th{width:50%}
tr.only_a td.a{background:#fdecec}tr.only_b td.b{background:#eaf7ea}
tr.edited td{background:#fffdf3}
.del{background:#f9c9c9;text-decoration:line-through;text-decoration-color:#b00}
.ins{background:#bfe8bf}
.fact{outline:2px solid #e07b00;border-radius:2px;font-weight:600}
.quote{border-bottom:2px dotted #1f5fbf}
.tag{font-size:.72rem;color:#6e6e73;margin-left:.4rem;white-space:nowrap}
ul.chips{list-style:none;padding:0;margin:.2rem 0}ul.chips li{display:inline-block;margin:.15rem;
 padding:.05rem .45rem;border-radius:.8rem;background:#eef;font-size:.85rem}
ul.chips.a li{background:#fdecec}ul.chips.b li{background:#eaf7ea}
.legend span{margin-right:1rem}.summary{margin:.2rem 0 .6rem;font-size:1rem}.facts{margin:.3rem 0 .8rem}
table.sbs th{font-size:1rem;background:#f0f0f2}.facts ul.chips{display:inline}
"""


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _marked(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """Escape ``text`` and wrap runs covered by (start, end, css class) spans in <span>s."""
    classes: list[set[str]] = [set() for _ in text]
    for start, end, cls in spans:
        for k in range(max(0, start), min(len(text), end)):
            classes[k].add(cls)
    out: list[str] = []
    k = 0
    while k < len(text):
        cur = classes[k]
        j = k
        while j < len(text) and classes[j] == cur:
            j += 1
        piece = _e(text[k:j])
        out.append(f'<span class="{" ".join(sorted(cur))}">{piece}</span>' if cur else piece)
        k = j
    return "".join(out)


def _cell_spans(sentences: Sequence[Sentence], article_spans: Iterable[tuple[int, int, str]]
                ) -> list[tuple[int, int, str]]:
    """Article-offset spans mapped into the text of these sentences joined by spaces."""
    out = []
    base = 0
    spans = list(article_spans)
    for s in sentences:
        for start, end, cls in spans:
            if s.start <= start and end <= s.end:
                out.append((base + start - s.start, base + end - s.start, cls))
        base += len(s.text) + 1
    return out


def _diff_spans(pair: AlignedPair, side: str) -> list[tuple[int, int, str]]:
    """Deleted (A side) or inserted (B side) text of an edited pair, in cell coordinates."""
    want = "delete" if side == "a" else "insert"
    pos = 0
    out = []
    for op in pair.diff:
        if op.op in ("equal", want):
            if op.op == want:
                lead = len(op.text) - len(op.text.lstrip())
                out.append((pos + lead, pos + len(op.text), "del" if side == "a" else "ins"))
            pos += len(op.text)
    return out


# (css class, A sentences, B sentences, the aligned pair when there is one)
Row = tuple[str, list[Sentence], list[Sentence], AlignedPair | None]


def _rows(c: Comparison) -> list[Row]:
    """Table rows in A's order; B-only sentences go right after their predecessor in B."""
    al = c.alignment
    pair_of_a = {p.a[0].index: p for p in al.pairs}
    in_pair_a = {s.index for p in al.pairs for s in p.a}
    only_a = {s.index for s in al.only_a}
    rows: list[Row] = []
    for s in c.sentences_a:
        if s.index in pair_of_a:
            p = pair_of_a[s.index]
            rows.append((p.kind, list(p.a), list(p.b), p))
        elif s.index in only_a or s.index not in in_pair_a:
            rows.append(("only_a", [s], [], None))
    # place each B-only sentence after the row holding the B sentence just before it
    for s in sorted(al.only_b, key=lambda x: x.index):
        at = 0
        for k, (_, _, bs, _) in enumerate(rows):
            if any(x.index == s.index - 1 for x in bs):
                at = k + 1
                break
        rows.insert(at, ("only_b", [], [s], None))
    return _pack(rows)


def _pack(rows: list[Row]) -> list[Row]:
    """Runs of unmatched rows share lines (A-only left, B-only right), each side in order,
    so two independent write-ups read side by side instead of as a staircase."""
    out: list[Row] = []
    k = 0
    while k < len(rows):
        if rows[k][0] not in ("only_a", "only_b"):
            out.append(rows[k])
            k += 1
            continue
        j = k
        while j < len(rows) and rows[j][0] in ("only_a", "only_b"):
            j += 1
        lefts = [r[1] for r in rows[k:j] if r[0] == "only_a"]
        rights = [r[2] for r in rows[k:j] if r[0] == "only_b"]
        for n in range(max(len(lefts), len(rights))):
            sa = lefts[n] if n < len(lefts) else []
            sb = rights[n] if n < len(rights) else []
            kind = " ".join(x for x, side in (("only_a", sa), ("only_b", sb)) if side)
            out.append((kind, sa, sb, None))
        k = j
    return out


def _dimensions(c: Comparison) -> str:
    if not c.dimensions:
        return '<p class="muted">No per-dimension scores (no fitted scorer available).</p>'
    body = []
    for name, value in c.dimensions.items():
        pct = max(0.0, min(100.0, (4.0 - float(value)) / 3.0 * 100.0))
        body.append(
            f"<tr><td>{_e(name)}</td><td>{float(value):.2f}</td><td class=bar><div class=track>"
            f'<div class=fill style="width:{pct:.0f}%"></div></div></td></tr>'
        )
    return (
        '<table class="dim"><thead><tr><th>dimension</th><th>1 same … 4 different</th>'
        f"<th>closeness</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _article_head(label: str, info: dict[str, str | None]) -> str:
    """Column header: the title, then id, dateline, source and date in small print."""
    title = info.get("title") or info.get("id")
    meta = " · ".join(
        f"{k} {_e(info[k])}" for k in ("id", "dateline", "source", "published") if info.get(k)
    )
    return f"{_e(label)}: {_e(title)}<br><span class=muted>{meta}</span>"


def _dimension_chips(c: Comparison) -> str:
    if not c.dimensions:
        return '<p class="muted">dimensions: not available (no fitted scorer)</p>'
    chips = "".join(
        f"<li>{_e(k)} <b>{float(v):.1f}</b></li>" for k, v in c.dimensions.items()
    )
    return ('<div class="facts"><b>dimensions</b> <span class=muted>(1 same … 4 different)</span> '
            f'<ul class="chips">{chips}</ul></div>')


def _label(f: ChangedFact) -> str:
    """'number (dead)', 'weekday', 'number (money), differs': what it is and whether it changed."""
    what = f.kind + (f" ({f.measure})" if f.measure and f.measure != f.kind else "")
    return what + (", differs" if f.status == "differs" else "")


def _fact_chips(c: Comparison) -> str:
    if not c.changed_facts:
        return '<p class="muted">changed facts: none</p>'
    chips = "".join(
        f'<li title="{_e(f.context_a)}">{_e(_label(f))}: <span class=del>{_e(f.a)}</span> '
        f'{"→" if f.status == "changed" else "vs"} <span class=ins>{_e(f.b)}</span></li>'
        for f in c.changed_facts
    )
    return f'<div class="facts"><b>changed facts</b> <ul class="chips">{chips}</ul></div>'


def _facts(c: Comparison) -> str:
    if not c.changed_facts:
        return '<p class="muted">No changed facts.</p>'
    body = "".join(
        f"<tr><td>{_e(_label(f))}</td><td><span class=del>{_e(f.a)}</span></td>"
        f"<td><span class=ins>{_e(f.b)}</span></td><td>{_e(f.context_a)}</td>"
        f"<td>{_e(f.context_b)}</td></tr>"
        for f in c.changed_facts
    )
    return (
        "<table><thead><tr><th>fact</th><th>A</th><th>B</th><th>context in A</th>"
        f"<th>context in B</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _chips(items: Sequence[str], cls: str = "") -> str:
    if not items:
        return '<span class="muted">none</span>'
    return f'<ul class="chips {cls}">' + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>"


def comparison_html(c: Comparison) -> str:
    """The full page as a string (the caller writes it where it wants)."""
    d = c.to_dict()
    title_a = c.a.title or c.a.id
    title_b = c.b.title or c.b.id
    fact_a = [(f.span_a[0], f.span_a[1], "fact") for f in c.changed_facts if f.span_a]
    fact_b = [(f.span_b[0], f.span_b[1], "fact") for f in c.changed_facts if f.span_b]
    quote_a = [(q.span_a[0], q.span_a[1], "quote") for q in c.shared_quotes]
    quote_b = [(q.span_b[0], q.span_b[1], "quote") for q in c.shared_quotes]

    rows_html = []
    moved = {id(p) for p, m in zip(c.alignment.pairs, c.alignment.moved(), strict=True) if m}
    for kind, sa, sb, pair in _rows(c):
        spans_a = _cell_spans(sa, fact_a + quote_a)
        spans_b = _cell_spans(sb, fact_b + quote_b)
        if pair is not None and pair.kind == "edited":
            spans_a += _diff_spans(pair, "a")
            spans_b += _diff_spans(pair, "b")
        text_a = " ".join(s.text for s in sa)
        text_b = " ".join(s.text for s in sb)
        tag_a = f'<span class=tag>A{"+".join(str(s.index + 1) for s in sa)}</span>' if sa else ""
        tag_b = f'<span class=tag>B{"+".join(str(s.index + 1) for s in sb)}</span>' if sb else ""
        if pair is not None and pair.kind == "edited":
            tag_b += f"<span class=tag>edited, {pair.similarity:.0%} alike</span>"
        if pair is not None and id(pair) in moved:
            tag_b += "<span class=tag>moved</span>"
        rows_html.append(
            f'<tr class="{_e(kind)}"><td class=a>{_marked(text_a, spans_a)}{tag_a}</td>'
            f"<td class=b>{_marked(text_b, spans_b)}{tag_b}</td></tr>"
        )
    counts = c.counts()
    quotes = "".join(
        f"<tr><td class=quote>{_e(q.a)}</td><td class=quote>{_e(q.b)}</td>"
        f"<td>{q.similarity:.2f}</td></tr>"
        for q in c.shared_quotes
    ) or '<tr><td colspan=3 class="muted">No shared quotes.</td></tr>'
    ents = c.entities
    page = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{_e(f'compare: {title_a} / {title_b}')}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title_a)} <span class=muted>vs</span> {_e(title_b)}</h1>",
        f'<p><span class="badge rel-{_e(c.relation)}">{_e(c.relation)}</span>'
        f'<span class="score">similarity <b>{c.similarity:.2f}</b></span>'
        f'<span class="muted">scorer: {_e(c.scorer)} · schema v{d["schema_version"]} · '
        f'sentences: {counts["same"]} same, {counts["edited"]} edited, '
        f'{counts["only_a"]} only in A, {counts["only_b"]} only in B, {counts["moved"]} moved · '
        f"{len(c.shared_quotes)} shared quotes</span></p>",
        f'<p class="summary">{_e(c.summary())}</p>',
        _dimension_chips(c),
        _fact_chips(c),
        '<table class="sbs"><thead><tr>'
        f"<th>{_article_head('A', d['a'])}</th><th>{_article_head('B', d['b'])}</th>"
        f"</tr></thead><tbody>{''.join(rows_html)}</tbody></table>",
        '<p class="legend muted"><span class=del>deleted</span><span class=ins>inserted</span>'
        "<span class=fact>changed fact</span><span class=quote>shared quote</span>"
        "red cell: only in A · green cell: only in B · A3+4: sentence numbers</p>",
        "<h2>Dimensions</h2>",
        _dimensions(c),
        f"<h2>Changed facts ({len(c.changed_facts)})</h2>",
        _facts(c),
        f"<h2>Shared quotes ({len(c.shared_quotes)})</h2>",
        "<table><thead><tr><th>in A</th><th>in B</th><th>similarity</th></tr></thead>"
        f"<tbody>{quotes}</tbody></table>",
        "<h2>Entities</h2>",
        '<div class="grid"><div><b>shared</b> ' + _chips(ents.shared) + "</div><div>"
        "<b>only in A</b> " + _chips(ents.only_a, "a") + "<br><b>only in B</b> "
        + _chips(ents.only_b, "b") + "</div></div>",
        "<h2>Boilerplate removed before comparing</h2>",
        '<div class="grid"><div><b>A</b> ' + _chips(c.boilerplate_a, "a") + "</div><div><b>B</b> "
        + _chips(c.boilerplate_b, "b") + "</div></div>",
        "</body></html>",
    ]
    return "\n".join(page)
