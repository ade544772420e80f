"""The timeline as plain text for a terminal: versions, then each fact with its sentences.

Versions are shown 1-based (v1 is the first report; JSON ``index`` 0). Every entry quotes the
sentence it comes from, so a reader can check it without opening the articles.
"""

from __future__ import annotations

from storyline.timeline.model import Mention, Timeline, Track

__all__ = ["timeline_text"]

_SENTENCE_MAX = 220


def _when(published: str | None) -> str:
    return published[:16].replace("T", " ") if published else "undated"


def _v(m: Mention | int) -> str:
    return f"v{(m if isinstance(m, int) else m.version) + 1}"


def _quote(sentence: str) -> str:
    s = " ".join(sentence.split())
    return "\u201c" + (s if len(s) <= _SENTENCE_MAX else s[: _SENTENCE_MAX - 3] + "...") + "\u201d"


def _kept_state(x: Track) -> str:
    """Where a quote or claim stood: kept over which versions (or only in one), and where it
    was dropped."""
    state = f"kept {_span(x)}" if len(x.mentions) > 1 else f"only in {_v(x.first)}"
    if x.stopped is not None:
        state += f", dropped in v{x.stopped[0] + 1}"
    return state


def _span(t: Track) -> str:
    a, b = t.first.version, t.last.version
    return _v(a) if a == b else f"{_v(a)}\u2013{_v(b)}"


def _fact_lines(t: Track, label: str) -> list[str]:
    out = []
    if t.changes:
        steps = [f"{t.changes[0].old.text} ({_v(t.changes[0].old)})"]
        steps += [f"{c.new.text} ({_v(c.new)})" for c in t.changes]
        head = " \u2192 ".join(steps)
    elif len({m.value for m in t.mentions}) == 1:
        n = len(t.mentions)
        head = f"{t.first.text}, stayed ({_span(t)}, {n} version{'s' * (n != 1)})"
    else:
        head = f"{t.first.text} ({_span(t)}, reports differ: " + ", ".join(
            dict.fromkeys(m.text for m in t.mentions)) + ")"
    if t.first.version > 0:
        head += f"; first reported in {_v(t.first)}"
    days = dict.fromkeys(f"{m.text} = {m.resolved}" for m in t.mentions if m.resolved)
    if t.kind == "time" and days:
        head += f" [{', '.join(days)}]"
    out.append(f"  {label}: {head}")
    out.append(f"    {_v(t.first)} {t.first.source or '-'}: {_quote(t.first.sentence)}")
    for c in t.changes:
        what = "speaker " if c.what == "speaker" else ""
        old = c.old.speaker if c.what == "speaker" else c.old.text
        new = c.new.speaker if c.what == "speaker" else c.new.text
        out.append(f"    {_v(c.new)} {what}{old} \u2192 {new}: {_quote(c.new.sentence)}")
    if t.stopped is not None:
        out.append(f"    stopped appearing in v{t.stopped[0] + 1} ({t.stopped[1]})")
    return out


def timeline_text(t: Timeline, *, max_names: int = 40) -> str:
    """A readable report: versions, counts, times, names, quotes and conflicts."""
    v = t.versions
    sources = list(dict.fromkeys(x.source for x in v if x.source))
    lines = [
        f"Story timeline: {len(v)} version{'s' * (len(v) != 1)} from "
        f"{len(sources)} source{'s' * (len(sources) != 1)}"
        + (f" ({', '.join(sources[:6])}{' ...' if len(sources) > 6 else ''})" if sources else "")
        + f", {_when(v[0].published)} to {_when(v[-1].published)}",
        "",
        "Versions",
    ]
    by_id = {x.id: x for x in t.facts}
    for x in v:
        if x.relation == "first":
            what = f"first report, {x.sentences['added']} sentences"
        else:
            s = x.sentences
            what = (f"{x.relation} of v{(x.reference or 0) + 1} ({x.relation_to_first} of the "
                    f"first report): {s['kept']} kept, {s['edited']} edited, {s['added']} added, "
                    f"{s['dropped']} dropped")
        lines.append(f"  v{x.index + 1}  {_when(x.published)}  {x.source or '-'}  "
                     f"{x.article_id}  {what}")
        if x.index > 0:
            new = [by_id[f].label() for f in x.added if by_id[f].kind not in ("quote", "claim")]
            quotes = sum(1 for f in x.added if by_id[f].kind == "quote")
            if new or quotes:
                lines.append("      first here: " + ", ".join(new[:12])
                             + (f" (+{len(new) - 12})" if len(new) > 12 else "")
                             + (f"{'; ' if new else ''}{quotes} quote{'s' * (quotes != 1)}"
                                if quotes else ""))
        if x.changed:
            lines.append("      changed: " + "; ".join(
                f"{by_id[f].label()} " + ", ".join(
                    f"{(c.old.speaker if c.what == 'speaker' else c.old.text)} \u2192 "
                    f"{(c.new.speaker if c.what == 'speaker' else c.new.text)}"
                    for c in by_id[f].changes if c.new.version == x.index)
                for f in x.changed))
    lines += _facts_text(t, max_names)
    return "\n".join(lines) + "\n"


def _facts_text(t: Timeline, max_names: int) -> list[str]:
    lines: list[str] = []
    by_id = {x.id: x for x in t.facts}
    for title, kinds in (("Counts", ("count",)), ("Times", ("time",))):
        tracks = [x for x in t.facts if x.kind in kinds]
        lines += ["", title]
        if not tracks:
            lines.append("  none")
        for x in tracks:
            lines += _fact_lines(x, x.label())
    names = [x for x in t.facts if x.kind in ("person", "org", "place", "name")]
    lines += ["", f"Names ({len(names)})"]
    many = len(t.versions) > 1
    later = [x for x in names if x.first.version > 0]
    if many:
        n_stopped = sum(1 for x in names if x.stopped is not None)
        lines.append(f"  in the first report: {len(names) - len(later)}; added later: "
                     f"{len(later)}; dropped: {n_stopped}")
    for x in (later if many else names)[:max_names]:
        lines.append(f"  {x.first.text} ({x.kind}), first in {_v(x.first)} "
                     f"{x.first.source or '-'}: {_quote(x.first.sentence)}")
    for x in names:
        if x.stopped is not None:
            lines.append(f"  {x.first.text} ({x.kind}) last in {_v(x.last)}, dropped in "
                         f"v{x.stopped[0] + 1}: {_quote(x.last.sentence)}")
        for c in x.changes:
            lines.append(f"  {c.old.text} \u2192 {c.new.text} in {_v(c.new)}: "
                         f"{_quote(c.new.sentence)}")
    quotes = [x for x in t.facts if x.kind == "quote"]
    lines += ["", f"Quotes ({len(quotes)})"]
    for x in quotes:
        speaker = x.first.speaker or "unattributed"
        lines.append(f"  {_quote(x.first.text)} \u2014 {speaker}; {_kept_state(x)}")
        lines.append(f"    {_v(x.first)}: {_quote(x.first.sentence)}")
        for c in x.changes:
            lines.append(f"    {_v(c.new)} speaker {c.old.speaker} \u2192 {c.new.speaker}: "
                         f"{_quote(c.new.sentence)}")
    claims = [x for x in t.facts if x.kind == "claim"]
    lines += ["", f"Claims ({len(claims)})"]
    lines += [f"  {x.first.speaker}; {_kept_state(x)}: {_quote(x.first.sentence)}" for x in claims]
    lines += ["", f"Conflicts ({len(t.conflicts)})"]
    if not t.conflicts:
        lines.append("  none: no two sources gave different values at the same time")
    for cf in t.conflicts:
        lines.append(f"  {by_id[cf.track].label()}: {cf.a.text} ({cf.a.source}, {_v(cf.a)}) vs "
                     f"{cf.b.text} ({cf.b.source}, {_v(cf.b)})")
        lines.append(f"    {_v(cf.a)}: {_quote(cf.a.sentence)}")
        lines.append(f"    {_v(cf.b)}: {_quote(cf.b.sentence)}")
    return lines
