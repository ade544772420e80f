"""The web pages in a real browser: Debian's headless Chromium driven by Playwright.

Skips when chromium or playwright is missing (CI installs both: see .ci/run). The server is a
real uvicorn process on 127.0.0.1 and a free port. Screenshots go to
``$STORYLINE_SCREENSHOTS`` (default: the test's tmp dir).
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from storyline.data import Article
from storyline.store import Indexer, Store
from storyline.synth import generate

EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "s.db"
    with Store.create(db) as s:
        ix = Indexer(s)
        arts = [
            Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                    published=r.get("published"))
            for r in generate(150, seed=21)
        ]
        list(ix.add_many(arts))
        base = arts[0]
        ix.add_batch([
            Article(id="evil", text=base.text + " " + EVIL, title="Injected " + EVIL,
                    source=base.source, published="2030-01-01T00:00:00Z"),
        ])
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from storyline.cli import main; main()", "serve", str(db),
         "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(100):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("server did not start: " + proc.stderr.read().decode()[-2000:])
    yield url, tmp
    proc.terminate()
    proc.wait(10)


def _shots(tmp: Path) -> Path:
    out = Path(os.environ.get("STORYLINE_SCREENSHOTS") or tmp)
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_browse_list_story_and_compare(browser, server):
    url, tmp = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "/?min_size=1")
    assert page.title().startswith("Stories")
    rows = page.locator("#stories tbody tr")
    assert rows.count() > 10
    page.goto(url + "/ui/stories?min_size=3")
    page.screenshot(path=str(_shots(tmp) / "stories.png"), full_page=False)
    link = page.locator("a.story-link").first
    label = link.inner_text()
    link.click()
    page.wait_for_selector("#timeline")
    assert page.locator("#label").inner_text() == label
    assert page.locator(".first-report").count() == 1
    members = page.locator("#timeline tbody tr")
    assert members.count() >= 3
    page.screenshot(path=str(_shots(tmp) / "story.png"), full_page=False)
    revision = page.locator("#timeline tr:has(.rel-revision) a.compare-first")
    (revision.first if revision.count() else page.locator("a.compare-first").first).click()
    page.wait_for_selector("#sentences")
    assert page.locator("#side-a").is_visible() and page.locator("#side-b").is_visible()
    assert page.locator("#sentences tr.aligned").count() >= 1
    assert "Relation" in page.locator("#summary").inner_text()
    page.screenshot(path=str(_shots(tmp) / "compare.png"), full_page=False)
    page.close()


def test_compare_form_picks_two_members(browser, server):
    url, _ = server
    page = browser.new_page()
    page.goto(url + "/ui/stories?min_size=2")
    page.locator("a.story-link").first.click()
    page.wait_for_selector("#timeline")
    page.locator("#timeline tbody tr").nth(1).locator("input[name=a]").check()
    page.locator("#timeline tbody tr").nth(0).locator("input[name=b]").check()
    page.get_by_role("button", name="Compare A and B").click()
    page.wait_for_selector("#sentences")
    assert "/ui/compare?" in page.url
    page.close()


def test_injected_markup_stays_inert(browser, server):
    url, tmp = server
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    story = page.request.get(url + "/articles/evil").json()["story_id"]
    for path in ("/ui/stories?q=Injected", f"/ui/stories/{story}", "/ui/articles/evil",
                 f"/ui/compare?a=evil&b={page.request.get(url + f'/stories/{story}').json()['first_report']}"):
        page.goto(url + path)
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("img[src=x]").count() == 0, path
    page.goto(url + "/ui/articles/evil")
    assert "<script>window.__pwned = 1</script>" in page.locator("#article-text").inner_text()
    page.screenshot(path=str(_shots(tmp) / "escaped.png"))
    assert not dialogs
    page.close()


def test_story_page_fact_timeline_renders(browser, server):
    """The Timeline section: a count's step chart is drawn, the fact tracks are laid out, and a
    change's link opens the comparison of its two versions."""
    url, tmp = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    stories = page.request.get(url + "/stories?min_size=2&limit=100").json()["stories"]
    evil = page.request.get(url + "/articles/evil").json()["story_id"]  # its 2030 date
    story = next(
        (s["id"] for s in stories if s["id"] != evil
         if any(f["kind"] == "count" and f["changes"]
                for f in page.request.get(url + f"/stories/{s['id']}/timeline").json()["facts"])),
        None)
    assert story is not None, "no synthetic story with a count change"
    page.goto(url + f"/ui/stories/{story}")
    section = page.locator("#fact-timeline")
    section.scroll_into_view_if_needed()
    chart = section.locator("svg.chart").first
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 60
    assert chart.locator("path[stroke]").count() >= 1  # a step line per source
    assert section.locator("table.tracks tbody tr").count() >= 1
    section.screenshot(path=str(_shots(tmp) / "story-timeline.png"))
    change = section.locator("#facts-count ~ table a.compare-change").first
    change.click()
    page.wait_for_selector("#sentences")
    assert "/ui/compare?" in page.url
    page.close()


def _fits_and_draws(page, chart) -> None:
    """No sideways scrolling in a 1,280 px window, and ``chart`` is an SVG with real size."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 40


def test_story_list_sorts_and_charts_story_sizes(browser, server):
    """The list's lanes chart (story sizes over time) renders and fits, a lane opens its story,
    and the sort switches between largest first and most recent first."""
    url, tmp = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url + "/ui/stories")
    chart = page.locator("#story-sizes svg.chart.lanes")
    _fits_and_draws(page, chart)
    lanes = chart.locator("g.lane")
    assert lanes.count() >= 5
    assert chart.locator("path.grow").first.bounding_box()["width"] > 5  # it grew over time
    sizes = [int(t) for t in page.locator("#stories tbody tr td:nth-child(2)").all_inner_texts()]
    assert sizes == sorted(sizes, reverse=True)
    page.screenshot(path=str(_shots(tmp) / "stories-sizes.png"), full_page=False)
    page.locator("#sorter a.sort-recent").click()
    page.wait_for_selector("#sorter b.sort-current")
    assert "sort=recent" in page.url
    seen = page.locator("#stories tbody tr td:nth-child(4)").all_inner_texts()
    assert seen == sorted(seen, reverse=True)  # most recent activity first
    page.goto(url + "/ui/stories")
    label = page.locator("a.story-link").first.inner_text()
    lanes.first.locator("a").click()
    page.wait_for_selector("#story-growth")
    assert page.locator("#label").inner_text() == label
    _fits_and_draws(page, page.locator("#story-growth svg.chart"))
    page.close()
