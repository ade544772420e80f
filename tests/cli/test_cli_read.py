"""`storyline read`: a table shows what each body starts with; `--keep-raw` writes the original."""

import csv
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.output import shorten

runner = CliRunner()

BODY = ("Officials said on {day} that the river had crossed the flood mark at {n} places.\n\n"
        + "Residents moved to higher ground as the water kept rising through the night. " * 12
        + "Closing sentence number {n}.")


def _articles(tmp_path, n=3):
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"a{i}", "title": f"Flood {i}",
                         "text": BODY.format(day=day, n=i)})
             for i, day in zip(range(n), ["Monday", "Tuesday", "Friday", "Sunday"], strict=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, lines


@pytest.mark.parametrize("text, n, want", [
    ("short", 10, "short"),
    ("a  b\n\nc", 10, "a b c"),  # one line: whitespace runs collapse
    ("0123456789abc", 10, "012345678…"),
    ("word " * 40, 11, "word word…"),  # no dangling space before the ellipsis
])
def test_shorten(text, n, want):
    got = shorten(text, n)
    assert got == want and len(got) <= n


@pytest.mark.parametrize("n", [1, 3, 4])
def test_table_keeps_each_article_to_a_few_lines(tmp_path, n):
    src, _ = _articles(tmp_path, n)
    result = runner.invoke(app, ["read", str(src), "--no-normalize", "--format", "table"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    whole = runner.invoke(app, ["read", str(src), "--no-normalize", "--format", "table",
                                "--max-chars", "0"]).stdout
    assert "Officials said" in out and "…" in out
    assert "Closing sentence" not in out and "Closing sentence" in whole  # the cut is the body's end
    rows = len(out.splitlines()) - 4  # less the box, header and rule lines
    assert rows <= 10 * n < len(whole.splitlines())  # ~100 characters: a few lines, not a page


def test_machine_formats_keep_whole_bodies(tmp_path):
    src, _ = _articles(tmp_path)
    result = runner.invoke(app, ["read", str(src), "--no-normalize", "--format", "jsonl"])
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == [BODY.format(day=d, n=i)
                                         for i, d in enumerate(["Monday", "Tuesday", "Friday"])]


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_keep_raw_writes_the_record_as_read(tmp_path, suffix):
    src, lines = _articles(tmp_path)
    out = tmp_path / f"out.{suffix}"
    result = runner.invoke(app, ["read", str(src), "--keep-raw", "--out", str(out)])
    assert result.exit_code == 0, result.output
    if suffix == "jsonl":
        rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    elif suffix == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    else:
        rows = pq.read_table(out).to_pylist()
    assert [r["raw"] for r in rows] == lines  # the JSON line exactly as read
    assert all(r["text"] != r["raw"] for r in rows)  # matching text is normalized, raw is not
    plain = tmp_path / f"plain.{suffix}"
    assert runner.invoke(app, ["read", str(src), "--out", str(plain)]).exit_code == 0
    first = (plain.read_text(encoding="utf-8").splitlines()[0] if suffix != "parquet"
             else ",".join(pq.read_schema(plain).names))
    assert "raw" not in first  # without the flag outputs stay small


def test_keep_raw_text_and_html_files(tmp_path):
    (tmp_path / "docs").mkdir()
    txt = "  Storm   warning\n\nfor the  coast tonight.  \n"
    (tmp_path / "docs" / "a.txt").write_text(txt, encoding="utf-8")
    html = ("<html><head><title>Storm warning</title></head><body><article><h1>Storm warning</h1>"
            "<p>" + "The coast guard issued a storm warning for the whole coast tonight. " * 5
            + "</p></article></body></html>")
    (tmp_path / "docs" / "b.html").write_text(html, encoding="utf-8")
    result = runner.invoke(app, ["read", str(tmp_path / "docs"), "--keep-raw", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"].rsplit("/", 1)[-1].split(".")[0]: r for r in json.loads(result.stdout)}
    assert rows["a"]["raw"] == txt and rows["a"]["text"] == "Storm warning\n\nfor the coast tonight."
    assert rows["b"]["raw"] == html and "<p>" not in rows["b"]["text"]
