"""The duplicates part of a report (``storyline dedup``, the demo): removed copies per reason,
the largest duplicate groups as stacked bars (copies per reason) and each large group's
members with their reason and score.

Built from decision records (the decisions.jsonl lines of either engine) in two steps that keep
memory small on large corpora: :meth:`DuplicateGroups.add` counts every decision, then
:meth:`DuplicateGroups.wanted` names the few articles the page shows, whose headlines and
sources :meth:`DuplicateGroups.describe` takes while the inputs are read again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from storyline.charts import Bar, bar_chart
from storyline.report.page import e, id_html, what

REASONS = ("exact", "near", "contained", "via cluster")
_COLORS = {"exact": "#0072B2", "near": "#E69F00", "contained": "#009E73",
           "via cluster": "#CC79A7"}
GROUPS = 15  # groups on the chart
DRILL_GROUPS = 8  # groups listed member by member
DRILL_MEMBERS = 30


def reason_kind(reason: str) -> str:
    """'near: jaccard 0.93' -> 'near'; 'near (via cluster): jaccard 0.81' -> 'via cluster'."""
    head = reason.split(":", 1)[0].strip()
    return "via cluster" if "via cluster" in head else head


class DuplicateGroups:
    """Counts of the removed copies, by reason and by group (a group is named by its kept
    article, the decisions' ``cluster_id``)."""

    def __init__(self) -> None:
        self.by_reason: Counter[str] = Counter()
        self.groups: dict[str, Counter[str]] = defaultdict(Counter)
        self.kept = 0
        self.removed = 0
        self._first: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.info: dict[str, dict[str, Any]] = {}

    def add(self, rec: Mapping[str, Any]) -> None:
        """One decision record (id, cluster_id, kept, duplicate_of, score, reason)."""
        if rec.get("kept"):
            self.kept += 1
            return
        kind = reason_kind(str(rec.get("reason", "")))
        self.removed += 1
        self.by_reason[kind] += 1
        group = str(rec.get("cluster_id") or rec.get("duplicate_of"))
        self.groups[group][kind] += 1
        members = self._first[group]
        if len(members) < DRILL_MEMBERS:
            members.append({"id": rec.get("id"), "reason": rec.get("reason"),
                            "score": rec.get("score")})

    def largest(self, n: int) -> list[str]:
        """The ``n`` groups with the most removed copies (ties: by kept id)."""
        return sorted(self.groups, key=lambda g: (-sum(self.groups[g].values()), g))[:n]

    def wanted(self) -> set[str]:
        """Ids the page shows in detail: the kept and removed members of the largest groups."""
        out: set[str] = set(self.largest(GROUPS))
        for g in self.largest(DRILL_GROUPS):
            out |= {str(m["id"]) for m in self._first[g]}
        return out

    def describe(self, article_id: str, *, title: str | None, source: str | None,
                 published: str | None) -> None:
        """Headline, source and time of an article :meth:`wanted` names."""
        self.info[article_id] = {"title": title, "source": source, "published": published}

    def _name(self, group: str) -> str:
        return str(self.info.get(group, {}).get("title") or group)

    def blocks(self) -> list[str]:
        """The duplicates part of the page as HTML blocks."""
        out = ['<h2 id="duplicates">Duplicates</h2>']
        if not self.removed:
            return [*out, '<p class="muted">No duplicates found.</p>']
        reason_bars = [Bar(k, {k: float(self.by_reason[k])}) for k in REASONS
                       if self.by_reason[k]]
        chart_reasons = bar_chart(reason_bars, REASONS, colors=_COLORS,
                                  title=f"Copies removed, by reason ({self.removed} in all)")
        big = self.largest(GROUPS)
        drilled = self.largest(DRILL_GROUPS)
        anchors = {g: f"group-{i + 1}" for i, g in enumerate(drilled)}
        group_bars = [Bar(self._name(g), {k: float(v) for k, v in self.groups[g].items()},
                          href=f"#{anchors[g]}" if g in anchors else None) for g in big]
        chart_groups = bar_chart(group_bars, REASONS, colors=_COLORS, label_width=230,
                                 title=f"Copies per group, the {len(big)} largest of "
                                       f"{len(self.groups)} groups with copies")
        notes = "".join(f"<div><b>{k}</b>: {e(what(k))}</div>" for k in REASONS
                        if self.by_reason[k])
        out += [
            f'<div class="charts"><div class="card">{chart_reasons}</div>'
            f'<div class="card">{chart_groups}</div></div>',
            f'<div class="note">{notes}<div>A group is one kept article and the copies removed '
            "in its favour; the bar's label is the kept article's headline.</div></div>",
            f'<h3 id="groups">The {len(drilled)} largest groups, copy by copy</h3>',
        ]
        for i, g in enumerate(drilled):
            gi = self.info.get(g, {})
            rows = []
            for j, m in enumerate(self._first[g], 1):
                mi = self.info.get(str(m["id"]), {})
                rows.append(
                    f"<tr><td class=num>{j}</td><td>{id_html(str(m['id']))}</td>"
                    f"<td>{e(m['reason'])}</td><td>{e(mi.get('source') or '')}</td>"
                    f"<td>{e((mi.get('published') or '').replace('T', ' ')[:16])}</td>"
                    f"<td>{e(mi.get('title') or '')}</td></tr>")
            n = sum(self.groups[g].values())
            more = n - len(self._first[g])
            reasons = ", ".join(f"{v} {k}" for k, v in self.groups[g].most_common())
            out.append(
                f'<details class="story" id="{anchors[g]}"{" open" if i == 0 else ""}><summary>'
                f"{e(self._name(g))} <span class=muted>&middot; {n} cop{'ies' if n != 1 else 'y'}"
                f" removed ({e(reasons)})</span></summary>"
                f'<p class="muted">kept: {id_html(g)} {e(gi.get("source") or "")} '
                f'{e((gi.get("published") or "").replace("T", " ")[:16])}</p>'
                '<table><colgroup><col style="width:2.5rem"><col style="width:10rem">'
                '<col style="width:13rem"><col style="width:10rem"><col style="width:8.5rem">'
                "<col></colgroup><thead><tr><th>#</th><th>removed copy</th><th>reason</th>"
                "<th>source</th><th>published</th><th>headline</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>"
                + (f'<p class="muted">+{more} more in decisions.jsonl</p>' if more > 0 else "")
                + "</details>")
        return out
