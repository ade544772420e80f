"""Score HTML main-text extraction against the extraction benchmark's ground truth.

Method: for each page, tokens = lowercase ``\\w+`` sequences of the extracted body and of the
ground-truth ``articleBody``; precision/recall/F1 from the bag-of-tokens overlap (multiset
intersection). Reported: micro (summed counts over all docs) and macro (mean per-doc F1).
A failed or empty extraction scores 0 for that page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

_TOKEN = re.compile(r"\w+")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def score(pred: str, gold: str) -> tuple[int, int, int]:
    """(overlap, predicted count, gold count) of bag-of-tokens."""
    p, g = tokens(pred), tokens(gold)
    return sum((p & g).values()), sum(p.values()), sum(g.values())


def _prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    pr = tp / np_ if np_ else 0.0
    rc = tp / ng if ng else 0.0
    return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)


def methods() -> dict[str, Callable[[str, str], str]]:
    import trafilatura

    def traf(**kw: object) -> Callable[[str, str], str]:
        return lambda html, url: trafilatura.extract(html, url=url, **kw) or ""  # type: ignore[arg-type]

    out: dict[str, Callable[[str, str], str]] = {
        "trafilatura default": lambda html, url: trafilatura.extract(html) or "",
        "traf favor_recall": traf(favor_recall=True),
        "traf favor_precision": traf(favor_precision=True),
        "traf include_tables=False": traf(include_tables=False),
        "traf fast (no fallback)": traf(fast=True),
        "traf favor_recall no_tables": traf(favor_recall=True, include_tables=False),
    }
    try:
        from storyline.io.html import extract_html

        out["storyline extract_html"] = lambda html, url: extract_html(html, url).get("text") or ""
    except ImportError as exc:  # reported, not hidden
        print(f"storyline extract_html unavailable: {exc}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding extraction-benchmark/")
    ap.add_argument("--json", action="store_true", help="also print machine-readable results")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (0 = all)")
    args = ap.parse_args(argv)
    root = args.data / "extraction-benchmark" if (args.data / "extraction-benchmark").exists() else args.data
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[: args.limit or None]
    pages = {}
    for i in ids:
        with gzip.open(root / "html" / f"{i}.html.gz", "rt", encoding="utf-8", errors="replace") as fh:
            pages[i] = fh.read()
    print(__doc__.strip())
    print(f"data: {root} ({len(ids)} docs)")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    results = []
    for name, fn in methods().items():
        tp = np_ = ng = 0
        f1s = []
        t0 = time.perf_counter()
        for i in ids:
            try:
                pred = fn(pages[i], truth[i].get("url") or "")
            except Exception:  # noqa: BLE001 - a crash on one page scores 0, run goes on
                pred = ""
            a, b, c = score(pred, truth[i].get("articleBody") or "")
            tp, np_, ng = tp + a, np_ + b, ng + c
            f1s.append(_prf(a, b, c)[2])
        secs = time.perf_counter() - t0
        p, r, f = _prf(tp, np_, ng)
        results.append({"method": name, "precision": p, "recall": r, "f1_micro": f,
                        "f1_macro": sum(f1s) / len(f1s) if f1s else 0.0, "seconds": secs})
    print(f"\n{'method':32} {'P':>6} {'R':>6} {'F1micro':>8} {'F1macro':>8} {'sec':>6}")
    for r_ in sorted(results, key=lambda x: -x["f1_macro"]):
        print(f"{r_['method']:32} {r_['precision']:6.3f} {r_['recall']:6.3f} "
              f"{r_['f1_micro']:8.3f} {r_['f1_macro']:8.3f} {r_['seconds']:6.1f}")
    if args.json:
        print(json.dumps({"docs": len(ids), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
