"""Speed of `storyline.compare` on 1,000-word article pairs (CPU, no embeddings).

Method: the first N WikiRef220 articles with at least 1,000 words are cut to their first
1,000 words (A). B is a deterministic "update" of A: numbers changed in three sentences, a
weekday swapped, two sentences dropped, one added from another article, the second half's
first paragraph moved to the top, and an ad marker glued in. Each pair is compared R times;
reported is the median wall time per pair of

  * storyline compare(): the full explanation (normalize both sides, sentence alignment over
    all pairs, word diffs, facts, quotes, entities, and the fitted pair scorer when available);
  * the same with the scorer switched off (evidence only, ``linker=False`` equivalent);
  * the peer: Python's difflib, a sequential diff that most "compare two texts" tools use:
    ``SequenceMatcher`` over the two sentence lists, then a word-level ``SequenceMatcher`` on
    each changed sentence block (no reordering, facts or quotes).

The target is "well under a second" per 1,000-word pair; the ratio to difflib is printed too.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wikiref220.jsonl"
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def first_words(text: str, n: int) -> str:
    """The first ``n`` words, keeping the line structure."""
    out, count = [], 0
    for line in text.replace("\r\n", "\n").split("\n"):
        words = line.split()
        if count + len(words) >= n:
            out.append(" ".join(words[: n - count]))
            break
        out.append(line)
        count += len(words)
    return "\n".join(out)


def make_update(text: str, donor: str, rng: random.Random) -> str:
    from storyline.normalize import split_sentences

    paras = [p for p in text.split("\n") if p.strip()]
    half = len(paras) // 2
    if half:
        paras.insert(0, paras.pop(half))  # a paragraph moved to the top
    sents = [s for p in paras for s in (split_sentences(p) + ["\n"])]
    idx = [i for i, s in enumerate(sents) if re.search(r"\d", s)]
    for i in rng.sample(idx, min(3, len(idx))):
        sents[i] = re.sub(r"\d+", lambda m: str(int(m.group(0)) + 3), sents[i], count=1)
    for i, s in enumerate(sents):
        if any(d in s for d in _DAYS):
            d = next(d for d in _DAYS if d in s)
            sents[i] = s.replace(d, _DAYS[(_DAYS.index(d) + 1) % 7], 1)
            break
    body = [i for i, s in enumerate(sents) if s != "\n"]
    for i in sorted(rng.sample(body, min(2, len(body))), reverse=True):
        del sents[i]
    extra = split_sentences(donor)[:1]
    sents[len(sents) // 3: len(sents) // 3] = extra
    sents.insert(len(sents) // 2, "Advertisement")
    return " ".join(sents).replace(" \n ", "\n")


def peer_difflib(a: str, b: str) -> int:
    from storyline.normalize import split_sentences

    sa, sb = split_sentences(a), split_sentences(b)
    sm = difflib.SequenceMatcher(None, sa, sb, autojunk=False)
    n = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "replace":
            wd = difflib.SequenceMatcher(None, " ".join(sa[i1:i2]).split(),
                                         " ".join(sb[j1:j2]).split(), autojunk=False)
            n += len(wd.get_opcodes())
    return n


def timed(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = ap.parse_args()

    from storyline.compare import _default_linker, compare
    from storyline.data import Article

    if not args.data.exists():
        sys.exit(f"data not found: {args.data} (WikiRef220 from ../shared/data)")
    rows = [json.loads(x) for x in args.data.read_text(encoding="utf-8").splitlines() if x.strip()]
    long = [r for r in rows if len(r["text"].split()) >= args.words][: args.pairs]
    rng = random.Random(0)
    pairs = []
    for k, r in enumerate(long):
        a = first_words(r["text"], args.words)
        b = make_update(a, long[(k + 1) % len(long)]["text"], rng)
        pairs.append((Article(id=f"{r['id']}/a", text=a), Article(id=f"{r['id']}/b", text=b)))

    linker = _default_linker()
    compare(*pairs[0])  # warm up: model load, regex compilation

    class _NoScorer:  # evidence only: a constant scorer so no model time is counted
        def featurize(self, a: Article, normalized: bool = False) -> Article:
            return a

        def score(self, fa: Any, fb: Any) -> Any:
            return type("S", (), {"relation": "revision", "similarity": 0.5,
                                  "dimensions": None, "signals": None})()

    full = [timed(lambda p=p: compare(*p), args.repeat) for p in pairs]
    evid = [timed(lambda p=p: compare(*p, linker=_NoScorer()), args.repeat) for p in pairs]
    peer = [timed(lambda p=p: peer_difflib(p[0].text, p[1].text), args.repeat) for p in pairs]
    words = statistics.mean(len(a.text.split()) + len(b.text.split()) for a, b in pairs) / 2
    sample = compare(*pairs[0]).counts()

    lines = [
        (__doc__ or "").strip(),
        "",
        f"data: {args.data.name}, {len(pairs)} pairs, {words:.0f} words per article on average",
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}",
        f"scorer: {type(linker).__name__ if linker is not None else 'none (alignment fallback)'}",
        f"first pair's alignment: {sample}",
        "",
        f"{'method':44s} {'median ms/pair':>15s} {'max ms/pair':>12s}",
        f"{'storyline compare (with scorer)':44s} {statistics.median(full) * 1e3:15.1f} "
        f"{max(full) * 1e3:12.1f}",
        f"{'storyline compare (evidence only)':44s} {statistics.median(evid) * 1e3:15.1f} "
        f"{max(evid) * 1e3:12.1f}",
        f"{'difflib sequential sentence+word diff (peer)':44s} "
        f"{statistics.median(peer) * 1e3:15.1f} {max(peer) * 1e3:12.1f}",
        "",
        f"compare / difflib: {statistics.median(full) / statistics.median(peer):.1f}x the time "
        f"of a plain sequential diff; target < 1000 ms per pair: "
        f"{'met' if max(full) < 1.0 else 'NOT met'}",
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
