import json

import pytest
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in ("read", "synth", "dedup", "demo"):
        assert cmd in result.output


def test_every_command_has_help():
    for cmd in ("read", "synth", "dedup", "demo"):
        result = runner.invoke(app, [cmd, "--help"])
        assert result.exit_code == 0, cmd
        assert "Usage" in result.output


def test_synth_is_deterministic(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert runner.invoke(app, ["synth", "--n", "50", "--seed", "3", "--out", str(a)]).exit_code == 0
    assert runner.invoke(app, ["synth", "--n", "50", "--seed", "3", "--out", str(b)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_text().splitlines()) == 50


def test_read_skip_reports_accounting_and_rejects(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "1", "text": "A real article."}\n'
        "{broken json\n"
        '{"id": "3", "text": "   "}\n'
        '{"id": "4", "text": "Another article."}\n',
        encoding="utf-8",
    )
    rej = tmp_path / "rejects.jsonl"
    result = runner.invoke(
        app,
        ["read", str(src), "--no-normalize", "--on-error", "skip", "--rejects", str(rej),
         "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert "read 4 = accepted 2 + rejected 2" in result.output
    rejected = [json.loads(x) for x in rej.read_text().splitlines()]
    assert [r["where"].rsplit(":", 1)[1] for r in rejected] == ["2", "3"]


def test_read_fail_names_file_and_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n{broken\n', encoding="utf-8")
    result = runner.invoke(app, ["read", str(src), "--no-normalize"])
    assert result.exit_code == 2
    assert "in.jsonl:2" in result.output


def test_bad_format_option(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n', encoding="utf-8")
    result = runner.invoke(app, ["read", str(src), "--format", "xml"])
    assert result.exit_code == 2
    assert "--format" in result.output


def test_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--n", "300"])
    assert result.exit_code == 0, result.output
    assert "read 300 = accepted 300 + rejected 0" in result.output
    page = (out / "report.html").read_text()
    assert "duplicate pairs F1" in page
    decisions = [json.loads(x) for x in (out / "decisions.jsonl").read_text().splitlines()]
    assert len(decisions) == 300
    assert any(not d["kept"] and d["duplicate_of"] for d in decisions)


def test_dedup_command_writes_outputs(tmp_path):
    corpus = tmp_path / "c.jsonl"
    assert runner.invoke(app, ["synth", "--n", "200", "--out", str(corpus)]).exit_code == 0
    out = tmp_path / "d"
    result = runner.invoke(app, ["dedup", str(corpus), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.jsonl").read_text())
    assert summary["read"] == 200 == summary["kept"] + summary["removed"] + summary["rejected"]
    kept = (out / "deduped.jsonl").read_text().splitlines()
    assert len(kept) == summary["kept"]


@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_dedup_without_out_says_where_it_wrote(tmp_path, monkeypatch, quiet):
    corpus = tmp_path / "c.jsonl"
    assert runner.invoke(app, ["synth", "--n", "30", "--out", str(corpus)]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["dedup", str(corpus), *quiet])
    assert result.exit_code == 0, result.output
    for name in ("deduped.jsonl", "decisions.jsonl", "summary.jsonl"):
        assert f"dedup-out/{name}" in result.output and (tmp_path / "dedup-out" / name).exists()
    assert "default --out" in result.output
    chosen = runner.invoke(app, ["dedup", str(corpus), "--out", "mine", "-q"])
    assert chosen.exit_code == 0 and "wrote" not in chosen.output  # -q with --out: silent

def test_dedup_decisions_carry_each_articles_url(tmp_path):
    """A removed copy's address survives in decisions.jsonl; articles without one get no key."""
    corpus = tmp_path / "c.jsonl"
    assert runner.invoke(app, ["synth", "--n", "120", "--out", str(corpus)]).exit_code == 0
    recs = [json.loads(x) for x in corpus.read_text().splitlines()]
    for r in recs[::3]:
        r.pop("url", None)
    corpus.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    out = tmp_path / "d"
    result = runner.invoke(app, ["dedup", str(corpus), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    decisions = [json.loads(x) for x in (out / "decisions.jsonl").read_text().splitlines()]
    assert [d["id"] for d in decisions] == [r["id"] for r in recs]
    assert [d.get("url") for d in decisions] == [r.get("url") for r in recs]
    assert all(("url" in d) == ("url" in r) for d, r in zip(decisions, recs, strict=True))
    assert any(not d["kept"] and d.get("url") for d in decisions)
    assert list(decisions[0])[:6] == ["id", "cluster_id", "kept", "duplicate_of", "score",
                                      "reason"]

def test_quiet_keeps_the_accounting_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n{bad\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = runner.invoke(
        app, ["read", str(src), "-q", "--on-error", "skip", "--no-normalize", "--out", str(out)]
    )
    assert result.exit_code == 0
    assert "read 2 = accepted 1 + rejected 1" in result.output
    assert "wrote" not in result.output


def test_dedup_summary_counts_skipped_warc_records(tmp_path):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = "<html><body><article>" + "".join(
        f"<p>Paragraph {i} of a long news story about the river flood in the valley town.</p>"
        for i in range(12)
    ) + "</article></body></html>"
    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, ctype, payload in [
            ("http://a.example/story", "text/html", body.encode()),
            ("http://b.example/story", "text/html", body.encode()),
            ("http://a.example/logo.png", "image/png", b"\x89PNG...."),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(rec)
    out = tmp_path / "d"
    result = runner.invoke(app, ["dedup", str(warc), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    s = json.loads((out / "summary.jsonl").read_text())
    assert s["skipped"] == 1 and s["removed"] == 1
    assert s["read"] == s["kept"] + s["removed"] + s["rejected"] + s["skipped"]


# ---------------------------------------------------------------- dedup on every input format

STORY = " ".join(
    f"The river rose {i} metres near the old mill on Monday, officials in the valley said."
    for i in range(12)
)
OTHER = " ".join(
    f"Shares of the shipping company fell {i} percent after the quarterly report came out."
    for i in range(12)
)
ARTS = [
    {"id": "orig", "text": STORY, "published": "2024-01-01"},
    {"id": "copy", "text": "Advertisement\n" + STORY.upper() + "\nShare this article",
     "published": "2024-01-02"},
    {"id": "near", "text": STORY + " A spokesman declined to comment further on the matter.",
     "published": "2024-01-03"},
    {"id": "other", "text": OTHER, "published": "2024-01-01"},
]


def _html(text: str) -> str:
    paras = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    return f"<html><body><article>{paras}</article></body></html>"


def _write_format(tmp_path, fmt: str):
    from storyline.io import write_records

    if fmt in ("jsonl", "csv", "parquet"):
        path = tmp_path / f"in.{fmt}"
        write_records(ARTS, path)
        return path, [a["id"] for a in ARTS]
    if fmt == "txt":
        d = tmp_path / "txt"
        d.mkdir()
        for a in ARTS:
            (d / f"{a['id']}.txt").write_text(a["text"], encoding="utf-8")
        return d, sorted(f"{a['id']}.txt" for a in ARTS)
    if fmt == "html":
        d = tmp_path / "html"
        d.mkdir()
        for a in ARTS:
            (d / f"{a['id']}.html").write_text(_html(a["text"]), encoding="utf-8")
        return d, None
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "in.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for a in ARTS:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                       protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                f"http://x.example/{a['id']}", "response",
                payload=io.BytesIO(_html(a["text"]).encode()), http_headers=headers,
            )
            writer.write_record(rec)
    return path, None


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "txt", "html", "warc"])
def test_dedup_every_input_format(tmp_path, fmt):
    src, ids = _write_format(tmp_path, fmt)
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedup", str(src), "--out", str(out), "--format", "json",
                                 "--keep", "first"])
    assert result.exit_code == 0, result.output
    assert "read 4 = accepted 4 + rejected 0" in result.output
    decisions = [json.loads(x) for x in (out / "decisions.jsonl").read_text().splitlines()]
    assert len(decisions) == 4
    if ids is not None:
        assert [d["id"] for d in decisions] == ids
    reasons = sorted(d["reason"].split(":")[0] for d in decisions)
    # orig kept (cluster of 3), copy is exact after normalization (case, boilerplate),
    # near is a near copy, other is unique
    assert reasons == ["exact", "kept", "near", "unique"], decisions
    near = next(d for d in decisions if d["reason"].startswith("near"))
    assert near["reason"] == f"near: jaccard {near['score']:.2f}" and near["score"] >= 0.8
    summary = json.loads((out / "summary.jsonl").read_text())
    assert (summary["kept"], summary["removed"], summary["exact"], summary["near"]) == (2, 2, 1, 1)
    printed = json.loads(result.stdout[result.stdout.index("["):result.stdout.rindex("]") + 1])
    assert printed[0]["removed"] == 2
    kept = [json.loads(x) for x in (out / "deduped.jsonl").read_text().splitlines()]
    kept_ids = [d["id"] for d in decisions if d["kept"]]
    assert [k["id"] for k in kept] == kept_ids


def test_dedup_streams_kept_articles_in_input_order_with_all_fields(tmp_path):
    from storyline.io import write_records

    src = tmp_path / "in.jsonl"
    recs = [dict(a, desk="world", title=f"T{i}") for i, a in enumerate(ARTS)] * 2
    recs = [dict(r, id=f"{r['id']}-{i}") for i, r in enumerate(recs)]
    write_records(recs, src)
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedup", str(src), "--out", str(out), "--workers", "2", "-q"])
    assert result.exit_code == 0, result.output
    assert "read 8 = accepted 8 + rejected 0" in result.output
    kept = [json.loads(x) for x in (out / "deduped.jsonl").read_text().splitlines()]
    assert [k["id"] for k in kept] == ["orig-0", "other-3"]
    assert kept[0]["text"] == recs[0]["text"] and kept[0]["meta"] == {"desk": "world"}
    assert kept[0]["title"] == "T0"


def test_dedup_skip_bad_records_keeps_positions_aligned(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps(ARTS[0]), "{broken", json.dumps(ARTS[1]), json.dumps(ARTS[3])]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedup", str(src), "--out", str(out), "--on-error", "skip",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "read 4 = accepted 3 + rejected 1" in result.output
    kept = [json.loads(x)["id"] for x in (out / "deduped.jsonl").read_text().splitlines()]
    assert kept == ["orig", "other"]
