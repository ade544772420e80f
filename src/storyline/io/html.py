"""HTML article extraction with trafilatura (optional extra ``html``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.config import ReadConfig
from storyline.data import Article
from storyline.errors import ExtractionError, require
from storyline.io.base import Bad, Item, check_text, guard
from storyline.io.jsonl import decode
from storyline.io.text import read_limited


def extract_html(html: str, url: str | None = None) -> dict[str, Any]:
    """Main text and metadata of a page: keys text, title, published, url, source.

    Tables are kept (news often puts figures there); comments are dropped because they are
    not the article. ``favor_recall`` keeps short paragraphs that precision mode drops.
    """
    traf: Any = require("trafilatura", "html", "HTML reading")
    doc = traf.bare_extraction(
        html, url=url, include_comments=False, include_tables=True,
        favor_recall=True, with_metadata=True,
    )
    if doc is None:
        return {"text": "", "title": None, "published": None, "url": url, "source": None}
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return {
        "text": d.get("text") or "",
        "title": d.get("title"),
        "published": d.get("date"),
        "url": d.get("url") or url,
        "source": d.get("sitename"),
    }


def html_to_article(html: str, rid: str, where: str, config: ReadConfig,
                    url: str | None = None) -> Article:
    """Extract one page into an Article; a page without article text is an ExtractionError."""
    try:
        info = extract_html(html, url)
    except Exception as exc:  # trafilatura/lxml can fail on junk; report it as ours
        if isinstance(exc, ExtractionError) or type(exc).__module__.startswith("storyline"):
            raise
        raise ExtractionError(f"HTML could not be parsed: {exc}", where=where,
                              hint="check the page is HTML, or use --on-error skip") from exc
    if not info["text"].strip():
        raise ExtractionError("no article text found in the HTML page", where=where,
                              hint="the page may be a index/login page; use --on-error skip")
    text = check_text(info["text"], where, config)
    return Article(id=rid, text=text, title=info["title"], url=info["url"], source=info["source"],
                   published=info["published"], raw=html, where=where)


def read_html(path: Path, config: ReadConfig, root: Path | None = None) -> Iterator[Item]:
    where = f"{path}#0"
    rel = path.relative_to(root).as_posix() if root else path.name
    try:
        html = decode(read_limited(path, config), where, config)
    except Exception as exc:
        from storyline.errors import StorylineError

        if isinstance(exc, StorylineError):
            yield Bad(exc)
            return
        raise
    yield guard(html_to_article, html, rel, where, config)
