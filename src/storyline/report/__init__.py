"""Self-contained HTML reports (no scripts, no external assets, SVG charts drawn here), shared
by ``storyline dedup``, ``storyline cluster``, the demo and the Spark engine; every value is
HTML-escaped."""

from storyline.report.dedup import DuplicateGroups, reason_kind
from storyline.report.page import GLOSSARY, page_html, report_html, summary_html, table_html
from storyline.report.stories import (
    REPORT_STORIES,
    MemberInfo,
    headlines,
    stories_blocks,
    story_report,
)

__all__ = [
    "GLOSSARY",
    "REPORT_STORIES",
    "DuplicateGroups",
    "MemberInfo",
    "headlines",
    "page_html",
    "reason_kind",
    "report_html",
    "stories_blocks",
    "story_report",
    "summary_html",
    "table_html",
]
