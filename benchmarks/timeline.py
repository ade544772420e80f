"""Quality and speed of `storyline.timeline.build_timeline` on synthetic stories with exact labels.

Method. The synthetic generator records every change a revision makes against the version
it revises (``changes``: field, kind count | weekday | person, old, new, and ``shown``: whether
both bodies state the fact). For a held-out seed (not 5, 11 or 23, which tests and other
benchmarks use, nor 41 and 77, on which the rules were developed; default 1234) every story
with at least two articles is given to ``build_timeline`` as one story, in shuffled input
order (the timeline sorts by publication time).

* **Reported changes**, per kind: a change the timeline reports at version R (a count's or a
  time's new value, a person replaced in a sentence or as a quote's speaker) is correct when
  R's labels hold a change of that kind with the same old and new value (counts: the label's
  numbers appear in the reported old/new text, e.g. '3-1' for a score; weekdays: same day;
  people: the label's name inside the reported name). Precision = correct / reported;
  recall = labelled changes found / labelled changes with ``shown`` (a change of a fact that
  neither text states cannot be seen). Date changes have no labels (the generator changes
  none), so any reported one is a false positive and is listed as kind 'date'.
* **First-report attribution**: for each shown label (R, field, old -> new), the timeline's
  track holding the new value at R must give R as the first version stating the new value,
  and the version that introduced the old value (the original, or the revision whose label
  set it) as the first stating the old one. Score = labels with both right / shown labels.
* **Speed**: one story per size (10, 50 and 200 versions: original, then revisions, copies and
  rewrites in the generator's default mix, via ``storyline.synth.generate_story``), built R
  times in this process on one core; reported is the median wall time and the CPU time.

Targets (issue 16): change precision >= 0.95 and recall >= 0.90 per kind, attribution >= 0.95,
a 50-version story in under 1 s on one core.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from storyline.data import Article
from storyline.synth import generate, generate_story
from storyline.timeline import Timeline, build_timeline

_NUM = re.compile(r"\d+")
_KIND = {"count": "count", "time": "weekday"}


def _article(rec: dict[str, Any]) -> Article:
    return Article(id=rec["id"], text=rec["text"], title=rec.get("title"),
                   source=rec.get("source"), published=rec.get("published"))


def _reported(t: Timeline) -> list[tuple[str, str, str, str]]:
    """(kind, article id of the new version, old text, new text) for every reported change."""
    out = []
    for tr in t.facts:
        for c in tr.changes:
            if c.what == "speaker":
                out.append(("person", c.new.article_id, c.old.speaker or "", c.new.speaker or ""))
            elif tr.kind == "time":
                out.append(("weekday" if tr.measure == "weekday" else "date", c.new.article_id,
                            c.old.text, c.new.text))
            elif tr.kind == "count":
                out.append(("count", c.new.article_id, c.old.text, c.new.text))
            else:
                out.append(("person", c.new.article_id, c.old.text, c.new.text))
    return list(dict.fromkeys(out))  # a name replaced in a sentence and as a speaker: once


def _numbers(text: str) -> set[str]:
    """Numbers written in a text, also in thousands ('113,000' is the label's 113 thousand)."""
    out = set()
    for n in _NUM.findall(text.replace(",", "")):
        out.add(n)
        if n.endswith("000") and len(n) > 3:
            out.add(n[:-3])
    return out


def _matches(kind: str, old: str, new: str, label: dict[str, Any]) -> bool:
    if label["kind"] != kind:
        return False
    if kind == "count":
        return label["old"] in _numbers(old) and label["new"] in _numbers(new)
    if kind == "weekday":
        return old.casefold() == label["old"].casefold() and new.casefold() == label["new"].casefold()
    return label["old"].casefold() in old.casefold() and label["new"].casefold() in new.casefold()


def _value_match(kind: str, text: str, value: str) -> bool:
    if kind == "count":
        return value in _numbers(text)
    return value.casefold() in text.casefold() if kind == "person" else \
        text.casefold() == value.casefold()


def _attribution(t: Timeline, story: Sequence[dict[str, Any]],
                 failures: list[str] | None = None) -> tuple[int, int]:
    """(labels attributed right, shown labels) for one story; wrong ones go to ``failures``."""
    by_id = {r["id"]: r for r in story}
    version_of = {v.article_id: v.index for v in t.versions}
    right = total = 0
    for rec in story:
        for lab in rec.get("changes") or []:
            if not lab["shown"]:
                continue
            total += 1
            # who introduced the old value: walk up the revision chain
            intro, p = None, rec.get("parent_id")
            while p:
                prev = by_id[p]
                if any(c["field"] == lab["field"] and c["new"] == lab["old"]
                       for c in prev.get("changes") or []):
                    intro = p
                    break
                if prev["kind"] == "original":
                    intro = p
                    break
                p = prev.get("parent_id")
            r = version_of[rec["id"]]
            ok = False
            for tr in t.facts:
                kind = {"count": "count", "time": "weekday", "quote": "person"}.get(tr.kind, "")
                if kind != lab["kind"]:
                    continue
                if kind == "person":
                    texts = [(m.version, m.speaker or "") for m in tr.mentions]
                else:
                    texts = [(m.version, m.text) for m in tr.mentions]
                if not any(v == r and _value_match(kind, x, lab["new"]) for v, x in texts):
                    continue
                first_new = next(v for v, x in texts if _value_match(kind, x, lab["new"]))
                first_old = next((v for v, x in texts if _value_match(kind, x, lab["old"])), None)
                if first_new == r and intro is not None and first_old == version_of[intro]:
                    ok = True
                    break
            right += ok
            if not ok and failures is not None:
                failures.append(f"{rec['id']} (v{r}): {lab['kind']} {lab['old']} -> {lab['new']}, "
                                f"old introduced by {intro}")
    return right, total


def score(stories: Iterable[Sequence[dict[str, Any]]], seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    tp: Counter[str] = Counter()
    rep: Counter[str] = Counter()
    found: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    attr_right = attr_total = 0
    n_stories = n_versions = 0
    examples: dict[str, list[str]] = defaultdict(list)
    for story in stories:
        arts = [_article(r) for r in story]
        rng.shuffle(arts)
        t = build_timeline(arts)
        n_stories += 1
        n_versions += len(arts)
        labels = {r["id"]: r.get("changes") or [] for r in story}
        reported = _reported(t)
        for kind, aid, old, new in reported:
            rep[kind] += 1
            if any(_matches(kind, old, new, lab) for lab in labels[aid]):
                tp[kind] += 1
            elif len(examples[kind]) < 5:
                examples[kind].append(f"{aid}: {old!r} -> {new!r}; labels "
                                      f"{[(x['kind'], x['old'], x['new']) for x in labels[aid]]}")
        for aid, labs in labels.items():
            for lab in labs:
                if not lab["shown"]:
                    continue
                shown[lab["kind"]] += 1
                if any(k == lab["kind"] and a == aid and _matches(k, o, n, lab)
                       for k, a, o, n in reported):
                    found[lab["kind"]] += 1
                elif len(examples["missed " + lab["kind"]]) < 5:
                    examples["missed " + lab["kind"]].append(
                        f"{aid}: {lab['old']!r} -> {lab['new']!r}")
        r, n = _attribution(t, story)
        attr_right += r
        attr_total += n
    return {"tp": tp, "reported": rep, "found": found, "shown": shown,
            "attribution": (attr_right, attr_total), "stories": n_stories,
            "versions": n_versions, "examples": examples}


def _story_kinds(size: int, rng: random.Random) -> list[str]:
    return ["original", *rng.choices(("copy", "revision", "rewrite"),
                                     weights=(0.45, 0.30, 0.25), k=size - 1)]


def speed(sizes: Sequence[int], seed: int, repeat: int) -> list[tuple[int, float, float]]:
    out = []
    for size in sizes:
        rng = random.Random(f"{seed}/{size}")
        arts = [_article(r) for r in generate_story(_story_kinds(size, rng), seed=seed, index=size)]
        build_timeline(arts)  # warm caches (regexes, imports)
        walls, cpus = [], []
        for _ in range(repeat):
            w, c = time.perf_counter(), time.process_time()
            build_timeline(arts)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        out.append((size, statistics.median(walls), statistics.median(cpus)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1234,
                    help="held-out synthetic seed (not 5/11/23; 41 and 77 were used to develop the rules)")
    ap.add_argument("--n", type=int, default=3000, help="synthetic records to score")
    ap.add_argument("--sizes", default="10,50,200")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = ap.parse_args(argv)
    if args.seed in (5, 11, 23, 41, 77):
        ap.error("seeds 5, 11, 23 are used by tests and other benchmarks and 41, 77 to develop the "
                 "rules; pick a held-out one")
    t0 = time.perf_counter()
    recs = list(generate(args.n, seed=args.seed))
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in recs:
        by_story[r["story_id"]].append(r)
    stories = [s for s in by_story.values() if len(s) >= 2]
    res = score(stories, args.seed)
    quality_s = time.perf_counter() - t0
    timings = speed([int(x) for x in args.sizes.split(",")], args.seed, args.repeat)

    lines = [
        "benchmarks/timeline.py: story timeline on synthetic stories with exact change labels",
        f"machine: {platform.platform()}, {os.cpu_count()} cpus (shared with other jobs), "
        f"python {platform.python_version()}",
        f"data: storyline synth --seed {args.seed} --n {args.n} (held out), "
        f"{res['stories']} stories with >= 2 articles, {res['versions']} versions, "
        "input order shuffled; scorer: none (same-source rule)",
        "",
        f"{'kind':<8} {'reported':>8} {'correct':>8} {'precision':>9} {'labels':>7} "
        f"{'found':>6} {'recall':>7}",
    ]
    kinds = sorted(set(res["reported"]) | set(res["shown"]))
    ok = True
    for k in kinds:
        rep, tp = res["reported"][k], res["tp"][k]
        sh, fo = res["shown"][k], res["found"][k]
        p = tp / rep if rep else float("nan")
        r = fo / sh if sh else float("nan")
        if sh:
            ok &= (not rep or p >= 0.95) and r >= 0.90
        elif rep:
            ok = False  # reported changes of a kind that never changes
        lines.append(f"{k:<8} {rep:>8} {tp:>8} {p:>9.3f} {sh:>7} {fo:>6} {r:>7.3f}")
    ar, at = res["attribution"]
    attr = ar / at if at else float("nan")
    ok &= attr >= 0.95
    lines += ["", f"first-report attribution: {ar}/{at} = {attr:.3f}",
              f"quality run: {quality_s:.1f} s wall", "",
              f"{'versions':>8} {'median wall s':>14} {'median cpu s':>13}"]
    for size, w, c in timings:
        lines.append(f"{size:>8} {w:>14.3f} {c:>13.3f}")
        if size == 50:
            ok &= c < 1.0
    lines += ["", "targets (precision >= 0.95, recall >= 0.90 per kind; attribution >= 0.95; "
              f"50 versions < 1 s cpu): {'met' if ok else 'NOT met'}"]
    if res["examples"]:
        lines += ["", "examples of errors (at most 5 per kind):"]
        for k, ex in sorted(res["examples"].items()):
            lines += [f"  {k}: {e}" for e in ex]
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
