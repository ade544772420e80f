"""The compare HTML page: escaping, layout rows, and a headless-Chromium screenshot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from storyline.compare import compare
from storyline.data import Article
from storyline.explain.render_html import comparison_html
from storyline.io import read_articles

FIX = Path(__file__).parent / "fixtures" / "compare"


def _load(name: str) -> Article:
    [article] = list(read_articles([FIX / name]))
    return article


@pytest.fixture(scope="module")
def page() -> str:
    return comparison_html(compare(_load("quake_wire.txt"), _load("quake_update_noisy.txt")))


def test_all_article_text_is_escaped():
    evil = '<script>alert("x")</script>'
    a = Article(id=f"a{evil}", title=f"Title {evil}",
                text=f'The council met on Monday. It said {evil} was found on 12 pages. '
                     f'"We <b>will</b> act now on this," the mayor said.')
    b = Article(id="b", source=evil,
                text=f'The council met on Tuesday. It said {evil} was found on 15 pages. '
                     f'"We <b>will</b> act now on this," the mayor said. <img src=x onerror=alert(1)>')
    html = comparison_html(compare(a, b))
    assert "<script" not in html.lower()
    assert "<img" not in html and "<b>will" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_page_is_self_contained(page):
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "<link" not in page and "@import" not in page


def test_rows_mark_changes(page):
    assert page.count('<tr class="only_a">') == 2
    assert page.count('<tr class="only_b">') == 1
    assert page.count('<tr class="edited">') == 3
    assert '<span class="del fact">12</span>' in page
    assert '<span class="fact ins">15</span>' in page
    assert '<span class="ins quote">bare</span>' in page  # inserted word inside a shared quote
    assert "moved" in page


def test_only_b_row_sits_after_its_predecessor_in_b(page):
    # B7 (the added paragraph) follows the row that holds B6 ("Half of the old town is gone")
    rows = page.split("<tr class=")
    idx_b6 = next(i for i, r in enumerate(rows) if ">B6<" in r)
    assert ">B7<" in rows[idx_b6 + 1]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_renders_in_headless_chromium_with_both_columns(tmp_path, page):
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    Image = pytest.importorskip("PIL.Image")
    html_file = tmp_path / "compare.html"
    html_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "compare.png"
    subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1400,1000", html_file.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    img = Image.open(shot).convert("RGB")
    assert img.size == (1400, 1000)
    w, h = img.size
    px = img.load()

    def count(x0: int, x1: int, pred) -> int:
        return sum(1 for x in range(x0, x1, 2) for y in range(200, h, 2) if pred(px[x, y]))

    def dark(p):
        return sum(p) < 200

    def pink(p):  # row only in A (#fdecec)
        return abs(p[0] - 0xFD) < 4 and abs(p[1] - 0xEC) < 4 and abs(p[2] - 0xEC) < 4

    def green(p):  # row only in B (#eaf7ea)
        return abs(p[0] - 0xEA) < 4 and abs(p[1] - 0xF7) < 4 and abs(p[2] - 0xEA) < 4

    left, right = (20, w // 2 - 10), (w // 2 + 10, w - 20)
    assert count(*left, dark) > 2000 and count(*right, dark) > 2000  # text in both columns
    assert count(*left, pink) > 500 and count(*right, pink) == 0  # dropped rows on the left
    assert count(*right, green) > 500 and count(*left, green) == 0  # added row on the right
