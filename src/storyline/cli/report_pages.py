"""What the CLI's HTML reports need beyond the results: per-member details for the story
drill-down and, next to the report, one comparison page per drilled-down member against its
story's first report (OUT/compare/*.html), so the report's links work offline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.report import MemberInfo
from storyline.report.stories import DRILL_STORIES

if TYPE_CHECKING:
    from storyline.data import Article
    from storyline.stories import Assignment, Story

# comparison pages per drilled-down story; one page costs one `storyline compare` (median 55 ms
# per 1,000-word pair with the rules entities, 705 ms with spaCy: benchmarks/results/
# compare-speed-entities-{rules,spacy}.txt)
COMPARE_PER_STORY = 3
# which members get a page first: an update tells most, a copy least
_INTEREST = {"revision": 0, "same_story": 1, "related": 2, "near_duplicate": 3, "duplicate": 4}


def member_info(articles: Iterable[Article], assignments: Iterable[Assignment]) -> dict[str, MemberInfo]:
    """Each article's headline, source, time and relation to its nearest story member."""
    asg = {a.article_id: a for a in assignments}
    out: dict[str, MemberInfo] = {}
    for art in articles:
        a = asg.get(art.id)
        out[art.id] = MemberInfo(art.title, art.source, art.published,
                                 a.relation if a else None, a.similarity if a else None)
    return out


def comparison_pages(out: Path, stories: Sequence[Story], by_id: Mapping[str, Article],
                     linker: Any, info: Mapping[str, MemberInfo],
                     per_story: int = COMPARE_PER_STORY) -> dict[str, str]:
    """Write OUT/compare/<n>.html for ``per_story`` later members of each story the report
    drills into (updates first, then other write-ups, copies last; earliest first among
    equals); returns member id -> the page's path relative to OUT."""
    from storyline.compare import compare
    from storyline.explain.render_html import comparison_html
    from storyline.io.writers import atomic_path
    from storyline.link import Linker

    links: dict[str, str] = {}
    folder = out / "compare"
    for old in folder.glob("[0-9][0-9][0-9][0-9].html"):  # an earlier run's pages
        old.unlink()
    if per_story <= 0:
        return links
    if not isinstance(linker, Linker):  # a stand-in scorer: compare with the packaged model
        linker = Linker.load(None)
    n = 0
    for s in stories[:DRILL_STORIES]:
        first = by_id.get(s.first_report)
        if first is None:
            continue
        later = [x for x in s.members if x != s.first_report]
        rank = {x: (_INTEREST.get(info[x].relation or "", 5) if x in info else 5, i)
                for i, x in enumerate(later)}
        for m in sorted(later, key=rank.__getitem__)[:per_story]:
            other = by_id.get(m)
            if other is None:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            n += 1
            name = f"{n:04d}.html"
            with atomic_path(folder / name) as tmp:
                tmp.write_text(comparison_html(compare(first, other, linker)), encoding="utf-8")
            links[m] = f"compare/{name}"
    return links


def write_dedup_report(out: Path, summary: dict[str, Any], groups: Any) -> None:
    """OUT/report.html: the summary explained, copies per reason and per group, and the largest
    groups copy by copy (both engines write it)."""
    from storyline.io.writers import atomic_path
    from storyline.report import page_html, summary_html

    page = page_html(f"storyline dedup: {summary['read']} records",
                     [summary_html(summary), *groups.blocks()])
    with atomic_path(out / "report.html") as tmp:
        tmp.write_text(page, encoding="utf-8")
