"""Print what to try after `make demo`, with commands that work on this demo's own output.

The pair to compare is read from OUT/assignments.jsonl: the first article the clustering called
a revision of an earlier one (else the first one that joined a story), so the command shows a
real "what changed" report.

Usage: python scripts/demo_next_steps.py [OUT]   (default: demo-out)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PREFERRED = ("revision", "same_story", "near_duplicate", "duplicate")
WHAT = {
    "revision": "an article and its later revision: what changed",
    "same_story": "two articles of one story: what they share",
    "near_duplicate": "an article and a near copy: what differs",
    "duplicate": "an article and its copy",
}


def pick_pair(assignments: Path) -> tuple[str, str, str] | None:
    """(earlier id, later id, relation) of the first pair with the most telling relation."""
    first: dict[str, tuple[str, str, str]] = {}
    with assignments.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            rel, near = row.get("relation"), row.get("nearest_id")
            if near and rel in PREFERRED and rel not in first:
                first[rel] = (near, row["id"], rel)
    return next((first[r] for r in PREFERRED if r in first), None)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "demo-out")
    corpus = out / "corpus.jsonl"
    pair = pick_pair(out / "assignments.jsonl") if (out / "assignments.jsonl").exists() else None
    print("\nNext steps:")
    print(f"  1. open the report:       {out / 'report.html'}  (any browser; it works offline)")
    if pair:
        a, b, rel = pair
        print(
            f"  2. compare two articles:  .venv/bin/storyline compare '{corpus}#{a}' "
            f"'{corpus}#{b}' --out {out / 'compare.html'}"
        )
        print(f"                            ({WHAT[rel]}; drop --out for a terminal report)")
    else:
        print(f"  2. compare two articles:  .venv/bin/storyline compare '{corpus}#ID1' '{corpus}#ID2'")
    print(
        f"  3. serve the index:       make serve   (installs the [service] extra, indexes {corpus}"
    )
    print("                            into a story store and serves it on http://127.0.0.1:8000)")
    print("  More: .venv/bin/storyline --help, README.md; `make test` runs the quick test suite.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
