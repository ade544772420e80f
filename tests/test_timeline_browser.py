"""The timeline page in a real browser: Debian's headless Chromium driven by Playwright.

Skips when chromium or playwright is missing (CI installs both: see .ci/run). Checks, as a
person would look at it in a 1,280 px window, that the charts draw their steps and markers,
that the version strip and the fact tracks render, and that nothing overflows sideways.
Screenshots go to ``$STORYLINE_SCREENSHOTS`` (default: the test's tmp dir).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyline.io import read_articles
from storyline.timeline import build_timeline, timeline_html

FIX = Path(__file__).parent / "fixtures" / "timeline"


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    arts = list(read_articles(sorted(FIX.glob("*.json"))))
    out = tmp_path_factory.mktemp("timeline") / "timeline.html"
    out.write_text(timeline_html(build_timeline(arts)), encoding="utf-8")
    return out


def test_chart_strip_and_tracks_render(browser, page_file):
    Image = pytest.importorskip("PIL.Image")
    shots = Path(os.environ.get("STORYLINE_SCREENSHOTS") or page_file.parent)
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_file.as_uri())
    assert page.title().endswith("storyline timeline")
    # fits the window: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    charts = page.locator("svg.chart")
    assert charts.count() >= 3
    box = charts.first.bounding_box()
    assert box is not None and 400 <= box["width"] <= 640 and box["height"] >= 100
    first = charts.first
    assert first.locator("path[stroke]").count() >= 2  # a step line per source
    markers = first.locator("circle, rect, path[fill]:not([fill=none])")
    assert markers.count() >= 4  # one per version that states the toll
    assert "37 \u2192 41" in first.inner_html()
    strip = page.locator("ol.strip li")
    assert strip.count() == 4 and strip.nth(3).is_visible()
    assert "Tuesday" in strip.nth(3).inner_text()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 10
    assert page.locator("#conflicts").is_visible()
    shot = shots / "timeline.png"
    page.screenshot(path=str(shot), full_page=False)
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 900)
    px = img.load()
    # the first source's colour (#0072B2) is drawn in the chart area: lines and markers
    blue = sum(1 for x in range(0, 1280, 2) for y in range(150, 600, 2)
               if abs(px[x, y][0] - 0x00) < 40 and abs(px[x, y][1] - 0x72) < 40
               and abs(px[x, y][2] - 0xB2) < 40)
    assert blue > 40
