"""Record golden outputs of the CLI so a behaviour-preserving refactor can be checked byte for byte.

Usage (from a checkout, with that checkout's ``src`` first on PYTHONPATH)::

    python tests/golden/record.py OUTDIR [--n 2000] [--seed 3]
    diff -r /tmp/golden-base OUTDIR

It drives only the public command line (``storyline synth``, ``dedup``, ``cluster`` batch,
batch with workers and ``--stream``, ``compare --format json``, ``index create/add/query/export``)
and dumps the store's tables row by row in a stable order, so it runs unchanged at any commit.
Wall-clock fields (``seconds``, ``*_at`` columns) are masked and the hash seed is fixed: everything else must be identical.
Not a pytest module (no ``test_`` prefix): it takes a minute and is run by hand around refactors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

FIXTURES = Path("tests/fixtures/compare").resolve()  # run from the repository root
COMPARE_PAIRS = [
    ("quake_wire.txt", "quake_update_noisy.txt"),
    ("quake_wire.txt", "quake_syndicated.html"),
    ("quake_wire.txt", "quake_other_outlet.json"),
    ("quake_wire.txt", "quake_peru.txt"),
]
_SECONDS = re.compile(r'("seconds": )[0-9.eE+-]+')
_HTML_SECONDS = re.compile(r"(<td>seconds</td><td>)[^<]*")
_ADDED_AT = re.compile(r'("added_at": )"[^"]*"')


def storyline(*args: str | Path, cwd: Path) -> str:
    cmd = [sys.executable, "-c", "from storyline.cli import main; main()", *map(str, args)]
    # a fixed hash seed: pickled feature sets (stored in the store) are then byte-stable
    env = os.environ.copy() | {"PYTHONHASHSEED": "0"}
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def mask(text: str) -> str:
    return _ADDED_AT.sub(r'\1"<time>"', _HTML_SECONDS.sub(r"\1<t>", _SECONDS.sub(r"\1<t>", text)))


def copy_masked(src: Path, dst: Path) -> None:
    """Copy a command's output folder, masking wall-clock fields."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.rglob("*")):
        if f.is_file():
            out = dst / f.relative_to(src)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(mask(f.read_text(encoding="utf-8")), encoding="utf-8")


def _cell(col: str, value: object) -> object:
    if col.endswith("_at"):
        return "<time>"
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    return value


def dump_store(db: Path, out: Path) -> None:
    """Every table, columns by name, rows sorted, one JSON line per row; timestamps masked."""
    con = sqlite3.connect(db)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    out.mkdir(parents=True, exist_ok=True)
    for t in tables:
        cur = con.execute(f'SELECT * FROM "{t}"')
        cols = [d[0] for d in cur.description]
        rows = []
        for row in cur:
            rec = {c: _cell(c, v) for c, v in zip(cols, row, strict=True)}
            if t == "meta" and rec.get("key") == "created_at":
                rec["value"] = "<time>"
            rows.append(json.dumps(rec, sort_keys=True, default=str))
        (out / f"{t}.jsonl").write_text("".join(r + "\n" for r in sorted(rows)), encoding="utf-8")
    schema = [r[0] or "" for r in con.execute("SELECT sql FROM sqlite_master ORDER BY type, name")]
    (out / "schema.sql").write_text("\n".join(schema) + "\n", encoding="utf-8")
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default OUT.work)")
    args = ap.parse_args()
    out: Path = args.out.resolve()
    work: Path = (args.work or Path(str(out) + ".work")).resolve()
    for p in (out, work):
        shutil.rmtree(p, ignore_errors=True)
        p.mkdir(parents=True)
    corpus = work / "corpus.jsonl"
    storyline("synth", "-o", corpus, "--n", args.n, "--seed", args.seed, "-q", cwd=work)
    shutil.copy(corpus, out / "corpus.jsonl")
    # a second, smaller corpus for the store and the query
    later = work / "later.jsonl"
    storyline("synth", "-o", later, "--n", 300, "--seed", args.seed + 1, "-q", cwd=work)

    storyline("dedup", corpus, "-o", work / "dedup", "-q", cwd=work)
    copy_masked(work / "dedup", out / "dedup")
    storyline("dedup", corpus, "-o", work / "dedup-w2", "--workers", 2, "-q", cwd=work)
    copy_masked(work / "dedup-w2", out / "dedup-w2")

    storyline("cluster", corpus, "-o", work / "cluster", "-q", cwd=work)
    copy_masked(work / "cluster", out / "cluster")
    storyline("cluster", corpus, "-o", work / "cluster-w2", "--workers", 2, "-q", cwd=work)
    copy_masked(work / "cluster-w2", out / "cluster-w2")
    storyline("cluster", corpus, "-o", work / "stream", "--stream", "-q", cwd=work)
    copy_masked(work / "stream", out / "stream")
    storyline("cluster", corpus, "-o", work / "topics", "--score", "similarity", "--threshold",
              0.5, "--support-threshold", 0.5, "--no-merge", "-q", cwd=work)
    copy_masked(work / "topics", out / "topics")

    cmp_dir = out / "compare"
    cmp_dir.mkdir()
    for a, b in COMPARE_PAIRS:
        got = storyline("compare", FIXTURES / a, FIXTURES / b, "--format", "json", cwd=work)
        (cmp_dir / f"{Path(a).stem}__{Path(b).stem}.json").write_text(mask(got), encoding="utf-8")

    db = work / "store.db"
    storyline("index", "create", db, "-q", cwd=work)
    storyline("index", "add", db, corpus, "-q", "--format", "jsonl", cwd=work)
    storyline("index", "add", db, later, "-q", "--format", "jsonl", cwd=work)
    dump_store(db, out / "store")
    q = storyline("index", "query", db, later, "--limit", 3, "--format", "jsonl", "-q", cwd=work)
    (out / "store-query.jsonl").write_text(mask(q), encoding="utf-8")
    storyline("index", "export", db, "-o", work / "export.jsonl", "-q", cwd=work)
    text = (work / "export.jsonl").read_text(encoding="utf-8")
    (out / "store-export.jsonl").write_text(mask(text), encoding="utf-8")
    print(f"golden outputs in {out}")


if __name__ == "__main__":
    main()
