"""The HTML reports in a real browser: Debian's headless Chromium driven by Playwright.

Runs the demo (dedup and stories on one page), ``storyline cluster`` and ``storyline dedup``
on a small synthetic corpus and looks at each report as a person would in a 1,280 px window:
nothing overflows sideways, the charts draw (with size), the drill-down opens and its
comparison link works offline. Skips when chromium or playwright is missing (CI installs
both). Screenshots go to ``$STORYLINE_SCREENSHOTS`` (default: the test's tmp dir).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("reports")
    run = CliRunner().invoke
    res = run(app, ["demo", "--out", str(tmp / "demo"), "--n", "240", "-q"])
    assert res.exit_code == 0, res.output
    corpus = tmp / "demo" / "corpus.jsonl"
    res = run(app, ["cluster", str(corpus), "--out", str(tmp / "cluster"), "-q",
                    "--compare-pages", "1"])
    assert res.exit_code == 0, res.output
    res = run(app, ["dedup", str(corpus), "--out", str(tmp / "dedup"), "-q"])
    assert res.exit_code == 0, res.output
    return {k: tmp / k / "report.html" for k in ("demo", "cluster", "dedup")}


def _shot(page, name: str, tmp: Path) -> None:
    out = Path(os.environ.get("STORYLINE_SCREENSHOTS") or tmp)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / name), full_page=False)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def _drawn(locator, min_width: float = 400) -> None:
    box = locator.bounding_box()
    assert box is not None and box["width"] >= min_width and box["height"] >= 60, box


def _stories_part(page) -> None:
    """The lanes chart, the sortable list and the drill-down with its comparison link."""
    lanes = page.locator("#story-sizes ~ .card svg.chart.lanes").first
    _drawn(lanes, 900)
    assert lanes.locator("g.lane").count() >= 5
    assert lanes.locator("path.grow").count() == lanes.locator("g.lane").count()
    size_rows = page.locator(".by-size table.stories tbody tr")
    assert size_rows.count() >= 5 and size_rows.first.is_visible()
    assert not page.locator(".by-recent").is_visible()
    page.locator("label[for=sort-recent]").click()  # no script: radio buttons and CSS
    assert page.locator(".by-recent").is_visible() and not page.locator(".by-size").is_visible()
    seen = page.locator(".by-recent table.stories tbody tr td:nth-child(5)").all_inner_texts()
    assert seen == sorted(seen, reverse=True)
    page.locator("label[for=sort-size]").click()
    first = page.locator("details#story-1")
    assert first.get_attribute("open") is not None
    rows = first.locator("table.members tbody tr")
    assert rows.count() >= 3 and "first report" in rows.first.inner_text()
    second = page.locator("details#story-2")
    second.locator("summary").click()
    assert second.locator("table.members").is_visible()
    _fits(page)


def test_demo_report(browser, reports):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(reports["demo"].as_uri())
    _fits(page)
    assert "adjusted Rand index" in page.locator("table.kv").inner_text()
    bars = page.locator("#duplicates ~ .charts svg.chart.bars")
    assert bars.count() == 2
    _drawn(bars.nth(1), 450)
    assert bars.nth(1).locator("g.bar").count() >= 5
    page.locator("#duplicates").scroll_into_view_if_needed()
    _shot(page, "report-demo-duplicates.png", reports["demo"].parent)
    _stories_part(page)
    page.locator("#story-sizes").scroll_into_view_if_needed()
    _shot(page, "report-demo-stories.png", reports["demo"].parent)
    page.close()


def test_cluster_report_links_its_comparisons(browser, reports):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(reports["cluster"].as_uri())
    _fits(page)
    _stories_part(page)
    page.locator("#story-sizes").scroll_into_view_if_needed()
    _shot(page, "report-cluster.png", reports["cluster"].parent)
    link = page.locator("details#story-1 a.compare-first").first
    link.click()
    page.wait_for_load_state()
    assert "/compare/" in page.url and page.title()
    _fits(page)
    page.close()


def test_dedup_report(browser, reports):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(reports["dedup"].as_uri())
    _fits(page)
    groups = page.locator("svg.chart.bars").nth(1)
    _drawn(groups, 450)
    page.locator("svg.chart.bars g.bar a").first.click()  # a bar opens its group
    assert page.url.endswith("#group-1")
    assert page.locator("details#group-1 tbody tr").count() >= 1
    _shot(page, "report-dedup.png", reports["dedup"].parent)
    page.close()
