"""One damaged row must not take the store down (issue 17 item 2).

Each kind of damage is written into a copy of one small real store (built with the fitted
Linker through the CLI): random bytes and a zlib bomb in a features blob, a foreign pickle,
damaged texts, a tampered config row, overwritten pages. For each: ``index add``, ``index
stats``, ``index check`` and the service's startup answer with a project error or carry on
without the damaged record; never a traceback, never unbounded memory.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import StorylineError
from storyline.io import write_records
from storyline.synth import generate

runner = CliRunner()
BOMB = 72 << 20  # inflated size of the features bomb: past the store's 64 MB features limit


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store of 40 synthetic articles (story tracker + Linker), and 10 more to add later."""
    root = tmp_path_factory.mktemp("damage")
    rows = list(generate(50, seed=11))
    write_records(rows[:40], root / "first.jsonl")
    write_records(rows[40:], root / "more.jsonl")
    db = root / "s.db"
    r = runner.invoke(app, ["index", "add", str(db), str(root / "first.jsonl"), "-q"])
    assert r.exit_code == 0, r.output
    return db, root / "more.jsonl"


@pytest.fixture
def store(built: tuple[Path, Path], tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    shutil.copy(built[0], db)
    return db


@pytest.fixture
def more(built: tuple[Path, Path]) -> Path:
    return built[1]


def _write(db: Path, sql: str, *args: object) -> None:
    con = sqlite3.connect(db)
    with con:
        con.execute(sql, args)
    con.close()


def _feature_seqs(db: Path) -> list[int]:
    con = sqlite3.connect(db)
    seqs = [r[0] for r in con.execute("SELECT seq FROM features ORDER BY seq")]
    con.close()
    return seqs


def _bomb(inflated: int) -> bytes:
    """zlib data that inflates to ``inflated`` zero bytes (built in 1 MB steps)."""
    z = zlib.compressobj(9)
    block = bytes(1 << 20)
    parts = [z.compress(block) for _ in range(inflated >> 20)]
    return b"".join(parts) + z.flush()


def _damage_features(db: Path, data: bytes, kind: str | None = None) -> int:
    seq = _feature_seqs(db)[3]
    if kind is None:
        _write(db, "UPDATE features SET data = ? WHERE seq = ?", data, seq)
    else:
        _write(db, "UPDATE features SET data = ?, kind = ? WHERE seq = ?", data, kind, seq)
    return seq


class _Evil:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("echo pwned > /dev/null",))


DAMAGES = {
    "random-bytes": lambda db: _damage_features(db, random.Random(5).randbytes(300)),
    "zlib-bomb": lambda db: _damage_features(db, b"SLF\x01" + _bomb(BOMB)),
    "foreign-pickle": lambda db: _damage_features(db, b"SLF\x01" + zlib.compress(pickle.dumps({"x": 1}))),
    "malicious-legacy-pickle": lambda db: _damage_features(db, zlib.compress(pickle.dumps(_Evil())),
                                                           "pickle-zlib/1"),
}


def _no_traceback(r: object) -> None:
    out = getattr(r, "output", "")
    assert "Traceback" not in out and "zlib.error" not in out, out
    exc = getattr(r, "exception", None)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_features_blob_is_skipped_and_named(store: Path, more: Path, damage: str) -> None:
    seq = DAMAGES[damage](store)
    # index add carries on: the damaged record is skipped (and counted), the new ones are added
    r = runner.invoke(app, ["index", "add", str(store), str(more), "-f", "json"])
    _no_traceback(r)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["added"] == 10
    assert "1 damaged stored record" in r.stderr
    # stats says it is not consistent
    r = runner.invoke(app, ["index", "stats", str(store), "-f", "json"])
    _no_traceback(r)
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["consistent"] is False
    # check names the row and the fix, and fails
    r = runner.invoke(app, ["index", "check", str(store), "-f", "json"])
    _no_traceback(r)
    assert r.exit_code == 1
    [problem] = json.loads(r.stdout)
    assert problem["kind"] == "features" and problem["seq"] == seq and problem["id"]
    assert f"features row {seq}" in problem["where"] and "re-add" not in problem["problem"]
    assert "rebuild" in problem["fix"] or "backup" in problem["fix"]


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_the_service_starts_and_serves_without_the_damaged_record(store: Path, damage: str) -> None:
    pytest.importorskip("fastapi")
    from starlette.testclient import TestClient

    from storyline.service import create_app

    DAMAGES[damage](store)
    with TestClient(create_app(store)) as c:
        health = c.get("/healthz").json()
        assert health["damaged_records_skipped"] == 1
        assert c.get("/stories").status_code == 200
        posted = c.post("/articles", json={"id": "new-1", "text": "A brand new report about a "
                                           "bridge that reopened in Sarin after repairs, officials said."})
        assert posted.status_code == 200 and posted.json()["results"][0]["status"] == "added"


def test_a_zlib_bomb_is_stopped_at_the_limit() -> None:
    """Inflation stops at the limit: peak memory stays near the limit, not the bomb's size."""
    from storyline.blobs import inflate
    from storyline.errors import DamagedDataError

    bomb = _bomb(64 << 20)
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(DamagedDataError, match="more than 4194304 bytes"):
            inflate(bomb, 4 << 20, what="blob")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 << 20  # the limit (4 MB) and some buffers, far below the 64 MB inside


def test_restoring_a_store_with_a_bomb_stays_bounded(store: Path) -> None:
    """The store reads features with the bounded inflater: a bomb 2x the limit costs at most
    about the limit, however large it is inside."""
    from storyline.blobs import FEATURES_LIMIT
    from storyline.store import Indexer, Store

    _damage_features(store, b"SLF\x01" + _bomb(2 * FEATURES_LIMIT))
    with Store.open(store) as s:
        ix = Indexer(s)
        tracemalloc.start()
        try:
            ix.catch_up()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(ix.damaged) == 1
    assert peak < FEATURES_LIMIT + (32 << 20)


def test_damaged_texts_are_named_and_the_article_still_reads(store: Path) -> None:
    _write(store, "UPDATE articles SET text = ? WHERE seq = 5", b"\x78\x9cnot really zlib")
    r = runner.invoke(app, ["index", "check", str(store), "-f", "json"])
    _no_traceback(r)
    assert r.exit_code == 1
    kinds = {(p["kind"], p["seq"]) for p in json.loads(r.stdout)}
    assert ("text", 5) in kinds
    from storyline.store import Store

    with Store.open(store) as s:
        aid = s.conn.execute("SELECT id FROM articles WHERE seq = 5").fetchone()[0]
        row = s.get_article(aid)
    assert row is not None and row["text"] is None and "zlib" in row["damaged"]


@pytest.mark.parametrize("config", ["not json at all", '{"num_perm": "many"}', '[1, 2]',
                                    '{"threshold": 7.5}', '{"evil": 1}'])
def test_a_tampered_config_row_is_a_clear_error(store: Path, more: Path, config: str) -> None:
    _write(store, "UPDATE meta SET value = ? WHERE key = 'config'", config)
    for cmd in (["index", "add", str(store), str(more)], ["index", "stats", str(store)]):
        r = runner.invoke(app, cmd)
        _no_traceback(r)
        assert r.exit_code == 2 and "[E020]" in r.output and "config row is damaged" in r.output, r.output
        assert "index check" in r.output
    r = runner.invoke(app, ["index", "check", str(store), "-f", "json"])
    _no_traceback(r)
    assert r.exit_code == 1
    assert [p["kind"] for p in json.loads(r.stdout)] == ["config"]
    pytest.importorskip("fastapi")
    from storyline.service import create_app

    with pytest.raises(StorylineError, match="config row is damaged"):
        create_app(store)


def _overwrite_pages(db: Path, first: int, count: int) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    junk = random.Random(7).randbytes(page * count)
    with open(db, "r+b") as fh:
        fh.seek(page * first)
        fh.write(junk)


@pytest.mark.parametrize("first", [2, 6, 12])
def test_overwritten_pages_give_a_clear_error_or_a_report(store: Path, more: Path, first: int) -> None:
    _overwrite_pages(store, first, 3)
    r = runner.invoke(app, ["index", "check", str(store), "-f", "json"])
    _no_traceback(r)
    assert r.exit_code == 1 and json.loads(r.stdout)
    for cmd in (["index", "add", str(store), str(more)], ["index", "stats", str(store), "-f", "json"]):
        r = runner.invoke(app, cmd)
        _no_traceback(r)
        if r.exit_code == 0 and cmd[1] == "stats":
            assert json.loads(r.stdout)[0]["consistent"] is False
        else:
            assert r.exit_code == 2 and "error: [E02" in r.output and "index check" in r.output, r.output
    pytest.importorskip("fastapi")
    from storyline.service import create_app

    try:
        create_app(store)
    except StorylineError as exc:
        assert exc.code in ("E020", "E021")


def test_check_passes_a_sound_store(store: Path) -> None:
    r = runner.invoke(app, ["index", "check", str(store)])
    assert r.exit_code == 0 and "no problems found" in r.output
    r = runner.invoke(app, ["index", "stats", str(store), "-f", "json"])
    assert json.loads(r.stdout)[0]["consistent"] is True


def test_a_legacy_pickle_store_is_read_once_and_rewritten(store: Path, more: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Stores written before the scorer codec hold pickles (kind pickle-zlib/1, referencing
    storyline.link.ArticleFeatures): opening one rewrites every record in the Linker's codec
    through the restricted unpickler, and the store then decides exactly as a new one."""
    import dataclasses

    from storyline.link import ArticleFeatures, Linker
    from storyline.store import Indexer, Store
    from storyline.store.db import unpack

    linker = Linker.load()
    legacy = tmp_path / "legacy.db"
    shutil.copy(store, legacy)
    con = sqlite3.connect(legacy)
    rows = con.execute("SELECT f.seq, f.kind, f.data, a.text FROM features f "
                       "JOIN articles a ON a.seq = f.seq ORDER BY f.seq").fetchall()
    assert rows and {r[1] for r in rows} == {"storyline.link/1"}
    originals = {}
    monkeypatch.setattr(ArticleFeatures, "__module__", "storyline.link")  # as old stores name it
    with con:
        for seq, _, data, text_z in rows:
            text = unpack(text_z)
            f = linker.from_bytes(data, text)
            originals[seq] = f
            old = dataclasses.replace(f, text="\x00<text in store>") if f.text == text else f
            con.execute("UPDATE features SET kind = 'pickle-zlib/1', data = ? WHERE seq = ?",
                        (zlib.compress(pickle.dumps(old, protocol=5), 1), seq))
    con.close()
    monkeypatch.undo()
    with Store.open(legacy) as s:
        ix = Indexer(s)  # the upgrade runs here, once
        kinds = dict(s.conn.execute("SELECT kind, count(*) FROM features GROUP BY kind").fetchall())
        assert kinds == {"storyline.link/1": len(rows)}
        for seq, data, text_z in s.conn.execute("SELECT f.seq, f.data, a.text FROM features f "
                                                "JOIN articles a ON a.seq = f.seq"):
            g = linker.from_bytes(data, unpack(text_z))
            f = originals[seq]
            assert (g.terms, g.entity_keys, g.numbers, g.sentences) == (f.terms, f.entity_keys, f.numbers, f.sentences)
            assert (g.shingles == f.shingles).all()
        assert ix.upgrade_features() == 0  # nothing left to rewrite
    outs = []
    for db in (store, legacy):
        r = runner.invoke(app, ["index", "add", str(db), str(more), "-f", "json", "--out", str(db) + ".out.jsonl"])
        assert r.exit_code == 0 and "damaged" not in r.output, r.output
        outs.append(Path(str(db) + ".out.jsonl").read_text(encoding="utf-8"))
    assert outs[0] == outs[1]  # the upgraded store decides exactly as the one never pickled


def test_a_rolled_back_batch_does_not_count_damage_twice(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.data import Article
    from storyline.store import Indexer, Store

    DAMAGES["random-bytes"](store)
    with Store.open(store) as s:
        ix = Indexer(s)
        ix.catch_up()
        assert len(ix.damaged) == 1

        def boom(item: object) -> None:
            raise RuntimeError("writer failed")

        monkeypatch.setattr(ix.assigner, "assign", boom)
        with pytest.raises(RuntimeError):
            ix.add_batch([Article(id="x1", text="Officials said the bridge reopened on Monday after repairs.")])
        ix.catch_up()  # state rebuilt from the store, damage found again, counted once
        assert len(ix.damaged) == 1


def test_check_names_a_cut_signature(store: Path) -> None:
    _write(store, "UPDATE signatures SET sig = ? WHERE seq = 7", b"\x01\x02\x03")
    r = runner.invoke(app, ["index", "check", str(store), "-f", "json"])
    _no_traceback(r)
    assert r.exit_code == 1
    [p] = json.loads(r.stdout)
    assert (p["kind"], p["seq"]) == ("signature", 7) and "3 bytes, not 512" in p["problem"]


def _serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from storyline.cli import main; main()", "serve", str(db),
         "--port", str(port), "--log-level", "warning", "--prep-workers", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def test_a_real_serve_process_starts_on_a_damaged_store_and_stops_clearly_on_a_bad_one(
        store: Path, tmp_path: Path) -> None:
    """What a supervisor sees: with a damaged features blob the server comes up (no restart
    loop); with a tampered config row it exits at once with rc 2 and one line, no traceback."""
    pytest.importorskip("uvicorn")
    import httpx

    bad = tmp_path / "bad.db"
    shutil.copy(store, bad)
    _write(bad, "UPDATE meta SET value = 'garbage' WHERE key = 'config'")
    proc = _serve(bad, 1)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and b"Traceback" not in err
    assert err.decode().strip().startswith("error: [E020]") and b"config row is damaged" in err

    DAMAGES["zlib-bomb"](store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = _serve(store, port)
    try:
        for _ in range(600):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                time.sleep(0.2)
        else:
            pytest.fail("server did not start")
        assert r.status_code == 200 and r.json()["damaged_records_skipped"] == 1
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert b"Traceback" not in err and b"1 damaged stored records skipped" in err


def test_a_damaged_text_does_not_block_adding_its_near_copies_or_a_resent_id(store: Path) -> None:
    from storyline.data import Article
    from storyline.store import Indexer, Store
    from storyline.store.db import unpack

    con = sqlite3.connect(store)
    aid, original = con.execute("SELECT id, original FROM articles WHERE seq = 5").fetchone()
    con.close()
    text = unpack(original)
    _write(store, "UPDATE articles SET text = ?, original = ? WHERE seq = 5", b"junk", b"junk")
    near = Article(id="near-copy", text=text + " A spokesman declined to comment further on Friday.")
    with Store.open(store) as s:
        ix = Indexer(s)
        [r] = ix.add_batch([near])  # LSH proposes the damaged row: it is skipped, not fatal
        assert r.status == "added"
        [again] = ix.add_batch([Article(id=aid, text=text)])
        assert again.status == "conflict"  # the stored (damaged) row is kept, never overwritten


def test_the_service_answers_around_a_damaged_text(store: Path) -> None:
    """A damaged text is named (E021 in the documented error shape) where it is needed, and
    left out of its story's timeline, which still builds."""
    pytest.importorskip("fastapi")
    from starlette.testclient import TestClient

    from storyline.service import create_app

    con = sqlite3.connect(store)
    aid, sid = con.execute("SELECT a.id, s.story_id FROM articles a JOIN assignments s ON s.seq = a.seq "
                           "WHERE a.seq = 5").fetchone()
    other = con.execute("SELECT id FROM articles WHERE seq = 6").fetchone()[0]
    con.close()
    _write(store, "UPDATE articles SET original = ? WHERE seq = 5", b"junk")
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        got = c.get(f"/articles/{aid}")
        assert got.status_code == 200 and got.json()["text"] is None and got.json()["damaged"]
        cmp = c.get("/compare", params={"a": aid, "b": other})
        assert cmp.status_code == 500 and cmp.json()["code"] == "E021" and aid in cmp.json()["message"]
        assert c.get(f"/stories/{sid}/timeline").status_code == 200
        assert c.get(f"/stories/{sid}").status_code == 200


@pytest.mark.parametrize("ext", ["csv", "jsonl"])
def test_export_carries_on_past_a_damaged_text(store: Path, tmp_path: Path, ext: str) -> None:
    """The rebuild path the fixes point to works on the damaged store itself."""
    _write(store, "UPDATE articles SET text = ? WHERE seq = 5", b"\x01\x02")
    out = tmp_path / f"all.{ext}"
    r = runner.invoke(app, ["index", "export", str(store), "--text", "--out", str(out), "-q"])
    _no_traceback(r)
    assert r.exit_code == 0, r.output
    assert "1 articles exported without their texts" in r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("\n") >= 40 and "damaged" not in text.splitlines()[0]  # the usual columns
