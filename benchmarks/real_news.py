"""storyline on real news pages it has never seen: header/metadata parsing and entities.

Data: the 181 real article pages of the Zyte/Scrapinghub article-extraction benchmark
(``../shared/data/extraction-benchmark``: gold body text in ground-truth.json, the pages in
html/*.html.gz), plus labels written by hand for this project while reading those gold texts
(only page ids, offsets and labels are in the repository, never the articles):

- ``benchmarks/data/extraction-headers.jsonl``: the dateline and source that open each gold text
  (pages not listed open with neither);
- ``benchmarks/data/entity-labels.jsonl``: every person/org/place (and other proper-name, MISC)
  mention in the first ~700 characters of 50 English news pages: 33 ``dev``, 7 ``heldout1``
  (labelled after the first rules, read since), 10 ``heldout2`` (the first ten English news
  reports by page id not labelled before, opinion/reviews/blogs/deals skipped; labelled before the
  second round of rules and never used to tune them). A mention is labelled as it stands in the
  normalized text (a dateline that ``normalize()`` moves to metadata is not labelled); ``a|b``
  lists the spans a reader would accept for one mention (a name with or without its common-noun
  tail: "Zabul|Zabul province").

Sections (``--section NAME``, repeatable; default all). Each section is one function
``section_NAME(ctx) -> None`` registered in ``SECTIONS``; add a section by writing one more.

- ``meta``: ``normalize()`` on every gold text. (1) dateline and source against the hand-read
  headers: precision/recall over all 181 pages; (2) agreement with the page metadata that
  trafilatura reads from the HTML: a parsed source must name the site (sitename, host, author,
  AP/Associated Press counted as one); a parsed publication date (from the gold text, or from
  trafilatura's own extracted text, which sometimes keeps a date line) must equal the page's date.
  Disagreements are listed.
- ``normalize_speed``: ``normalize()`` and ``normalize_for_matching()`` over synthetic wire
  copies; ``--baseline-rev REV`` times the module at a git revision side by side.
- ``entities``: each page's labelled snippet is normalized, then each extractor runs on it.
  A predicted mention is correct when its key (lowercase, accents/punctuation/possessive dropped)
  equals a labelled mention's key (any type, including MISC; alternatives like "Walt Disney Co." /
  "Walt Disney" are listed in the labels); each labelled mention matches once. Precision = correct /
  predicted; recall = found / labelled person+org+place; type accuracy over the found ones.
  The wrong predictions are listed so that a reader can judge them.
- ``pairs``: the pair scorer against human ratings of 161 SemEval-2022 Task 8 pairs, nested CV
  over 5 fold seeds per encoder (none / MiniLM / mpnet), each with its best single signal and the
  gap, and CPU time; the code and method are in ``benchmarks/real_news_pairs.py`` (minutes).

Run: ``PYTHONPATH=src python benchmarks/real_news.py [--section meta] [--data DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# ../shared/data beside the project (searched upwards, so a git worktree finds it too)
DEFAULT_DATA = next((p / "shared" / "data" for p in HERE.parents if (p / "shared" / "data").is_dir()),
                    HERE.parents[1] / "shared" / "data")
HEADERS = HERE / "data" / "extraction-headers.jsonl"
ENTITY_LABELS = HERE / "data" / "entity-labels.jsonl"


@dataclass
class Context:
    data: Path
    gold: dict[str, dict[str, Any]]
    verbose: bool = True
    synth_n: int = 3000
    baseline_rev: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def html(self, page: str) -> str:
        return gzip.decompress((self.data / "extraction-benchmark" / "html" / f"{page}.html.gz")
                               .read_bytes()).decode("utf-8", errors="replace")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# ------------------------------------------------------------------ meta

_ALIASES = {"ap": ("associated press", "apnews"), "reuters": ("reuters",), "cnn": ("cnn",)}


def _source_agrees(source: str, meta: dict[str, Any]) -> bool:
    """The parsed source names the page's site, host or author."""
    hay = " ".join(str(meta.get(k) or "") for k in ("sitename", "hostname", "author", "url")).lower()
    hay_flat = "".join(c for c in hay if c.isalnum())
    s = source.lower()
    keys = _ALIASES.get(s.split()[0], ()) + (s,)
    return any(k in hay or "".join(c for c in k if c.isalnum()) in hay_flat for k in keys)


def _page_meta(html: str, url: str | None) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_recall=True,
                                      include_comments=False, include_tables=True)
    if doc is None:
        return {}
    return doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)


def section_meta(ctx: Context) -> None:
    from storyline.normalize import normalize

    expected = {r["page"]: r for r in _read_jsonl(HEADERS)}
    t0 = time.process_time()
    parsed = {page: normalize(g["articleBody"]) for page, g in ctx.gold.items()}
    ctx.timings[f"meta: normalize() on the {len(parsed)} gold texts"] = time.process_time() - t0
    print("\n## meta: header parse on the gold texts vs headers read by hand")
    for what in ("dateline", "source"):
        tp = fp = fn = 0
        wrong: list[str] = []
        for page, n in parsed.items():
            want = expected.get(page, {}).get(what)
            got = getattr(n, what)
            if got is not None and got == want:
                tp += 1
            else:
                if got is not None:
                    fp += 1
                if want is not None:
                    fn += 1
                if got is not None or want is not None:
                    wrong.append(f"  {page[:10]} {what}: parsed {got!r}, expected {want!r}")
        n_want = sum(1 for r in expected.values() if r.get(what))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / n_want if n_want else 0.0
        print(f"{what:9s} pages with one: {n_want:3d}  parsed right: {tp:3d}  wrong/extra: {fp:2d}  "
              f"precision {prec:.3f}  recall {rec:.3f}")
        for line in wrong:
            print(line)

    print("\n## meta: parse vs page metadata (trafilatura reads sitename/date/author from the HTML)")
    t0 = time.process_time()
    src_n = src_ok = date_n = date_ok = 0
    notes: list[str] = []
    for page, g in sorted(ctx.gold.items()):
        n = parsed[page]
        meta = _page_meta(ctx.html(page), g.get("url"))
        if n.source:
            src_n += 1
            if _source_agrees(n.source, meta):
                src_ok += 1
            else:
                notes.append(f"  {page[:10]} source {n.source!r} vs site {meta.get('sitename')!r} "
                             f"host {meta.get('hostname')!r} author {meta.get('author')!r}")
        # the text a user of `storyline` gets from the HTML page may keep a date line
        from_text = n.published or normalize(meta.get("text") or "").published
        if from_text:
            date_n += 1
            if meta.get("date") and str(meta["date"])[:10] == from_text:
                date_ok += 1
            else:
                notes.append(f"  {page[:10]} published {from_text!r} vs page date {meta.get('date')!r}")
    ctx.timings["meta: trafilatura metadata (181 pages)"] = time.process_time() - t0
    print(f"source parsed on {src_n} pages; names the page's site/author on {src_ok} "
          f"({src_ok / src_n if src_n else 0:.3f})")
    print(f"publication date parsed from the text on {date_n} pages; equals the page date on "
          f"{date_ok} ({date_ok / date_n if date_n else 0:.3f})")
    if notes:
        print("disagreements (looked at by hand; see README):")
        for line in notes:
            print(line)


# ------------------------------------------------------------------ entities


def _extractors() -> dict[str, Callable[[str], list[Any]]]:
    from storyline.features.entities import extract_entities, spacy_model_available

    out: dict[str, Callable[[str], list[Any]]] = {
        "rules (default, no dependency)": lambda t: extract_entities(t, backend="rules"),
    }
    model = spacy_model_available()
    if model:
        out[f"spacy ({model})"] = lambda t: extract_entities(t, backend="spacy", spacy_model=model)
    else:
        print("spaCy or an English pipeline is not installed: install storyline[ner] for its rows")
    return out


def _match(pred: list[Any], gold: list[dict[str, str]]) -> tuple[int, int, int, list[str]]:
    """(correct predictions, found person/org/place, right type among found, wrong texts)."""
    from storyline.features.entities import entity_key

    free = [({entity_key(a) for a in g["text"].split("|")}, g["type"]) for g in gold]
    used = [False] * len(free)
    correct = found = typed = 0
    wrong: list[str] = []
    for e in pred:
        k = entity_key(e.text)
        for i, (keys, typ) in enumerate(free):
            if not used[i] and k in keys:
                used[i] = True
                correct += 1
                if typ != "MISC":
                    found += 1
                    typed += e.kind == typ
                break
        else:
            wrong.append(e.text)
    return correct, found, typed, wrong


def _score(preds: list[list[Any]], labels: list[dict[str, Any]]) -> tuple[dict[str, float], Counter[str]]:
    n_gold = sum(1 for r in labels for g in r["entities"] if g["type"] != "MISC")
    tot_pred = tot_correct = tot_found = tot_typed = 0
    wrong: Counter[str] = Counter()
    for p, r in zip(preds, labels, strict=True):
        c, f, ty, w = _match(p, r["entities"])
        tot_pred += len(p)
        tot_correct += c
        tot_found += f
        tot_typed += ty
        wrong.update(w)
    prec = tot_correct / tot_pred if tot_pred else 0.0
    rec = tot_found / n_gold if n_gold else 0.0
    return {"predicted": tot_pred, "precision": prec, "recall": rec,
            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
            "type_acc": tot_typed / tot_found if tot_found else 0.0}, wrong


def section_entities(ctx: Context) -> None:
    from storyline.normalize import normalize

    labels = _read_jsonl(ENTITY_LABELS)
    snippets = [normalize(ctx.gold[r["page"]]["articleBody"][: r["end"]]).text for r in labels]
    splits = {name: [i for i, r in enumerate(labels) if r["split"] == name]
              for name in dict.fromkeys(r["split"] for r in labels)}
    splits["all"] = list(range(len(labels)))
    print("\n## entities: hand-labelled mentions; 'dev' pages were read while the rules were "
          "improved; 'heldout1' pages were labelled after the first rules and have been read "
          "since; 'heldout2' pages were labelled (and committed) before the second round of rules "
          "and never used to change them")
    for name, idx in splits.items():
        n_all = sum(len(labels[i]["entities"]) for i in idx)
        n_pol = sum(1 for i in idx for g in labels[i]["entities"] if g["type"] != "MISC")
        print(f"{name:8s}: {len(idx):2d} pages, {n_all} mentions ({n_pol} person/org/place)")
    print(f"{'extractor':34s} {'split':8s} {'predicted':>9s} {'precision':>9s} {'recall':>7s} "
          f"{'F1':>6s} {'type acc':>8s}")
    bodies = [normalize(ctx.gold[r["page"]]["articleBody"]).text for r in labels]
    n_words = sum(len(b.split()) for b in bodies)
    speed: list[str] = []
    for name, fn in _extractors().items():
        fn("warm up the model once.")
        t0 = time.process_time()
        for b in bodies:
            fn(b)
        per_k = (time.process_time() - t0) / n_words * 1000 * 1000
        ctx.timings[f"entities: {name}, whole labelled articles ({n_words} words)"] = (
            time.process_time() - t0)
        speed.append(f"{name}: {per_k:.1f} cpu ms per 1,000 words (the {len(bodies)} labelled "
                     f"articles whole, {n_words} words)")
        t0 = time.process_time()
        preds = [fn(s) for s in snippets]
        ctx.timings[f"entities: {name} ({len(snippets)} snippets)"] = time.process_time() - t0
        for split, idx in splits.items():
            sc, wrong = _score([preds[i] for i in idx], [labels[i] for i in idx])
            print(f"{name:34s} {split:8s} {sc['predicted']:9.0f} {sc['precision']:9.3f} "
                  f"{sc['recall']:7.3f} {sc['f1']:6.3f} {sc['type_acc']:8.3f}")
            if ctx.verbose and split != "all":
                print("   not a labelled name: " + ", ".join(
                    f"{w} x{c}" if c > 1 else w for w, c in wrong.most_common()))
    for line in speed:
        print(line)


# ------------------------------------------------------------------ normalize speed


def _module_at(rev: str) -> Any:
    """``storyline.normalize`` as it was at git revision ``rev`` (for a side-by-side timing)."""
    import importlib.util
    import subprocess
    import tempfile

    def show(p: str) -> str:
        return subprocess.run(["git", "show", f"{rev}:src/storyline/{p}"], cwd=HERE.parent,
                              capture_output=True, text=True, check=True).stdout

    tree = subprocess.run(["git", "ls-tree", "--name-only", f"{rev}:src/storyline/normalize"],
                          cwd=HERE.parent, capture_output=True, text=True).stdout.split()
    if not tree:  # one module (before the package split)
        path = Path(tempfile.mkdtemp()) / "normalize_baseline.py"
        path.write_text(show("normalize.py"), encoding="utf-8")
    else:  # the package, its own imports renamed so they load the baseline's modules
        path = Path(tempfile.mkdtemp()) / "normalize_baseline" / "__init__.py"
        path.parent.mkdir()
        for name in tree:
            text = show(f"normalize/{name}").replace("storyline.normalize", "normalize_baseline")
            (path.parent / name).write_text(text, encoding="utf-8")
        sys.path.insert(0, str(path.parent.parent))
    spec = importlib.util.spec_from_file_location("normalize_baseline", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["normalize_baseline"] = mod
    spec.loader.exec_module(mod)
    return mod


def section_normalize_speed(ctx: Context) -> None:
    """normalize() and dedup's normalize_for_matching() on synthetic wire copies (heavy in
    boilerplate and scrape noise), best of 3, CPU seconds; with ``--baseline-rev REV`` the module
    at that git revision is timed in the same process, interleaved."""
    import storyline.normalize as current
    from storyline.synth import generate

    texts = [r["text"] for r in generate(ctx.synth_n, seed=0)]
    mods = {"current": current}
    if ctx.baseline_rev:
        mods[f"at {ctx.baseline_rev}"] = _module_at(ctx.baseline_rev)
    print(f"\n## normalize speed: {len(texts)} `storyline synth` articles (seed 0), best of 3")
    for fn in ("normalize", "normalize_for_matching"):
        best: dict[str, float] = {}
        for _ in range(3):
            for tag, mod in mods.items():
                f = getattr(mod, fn)
                t0 = time.process_time()
                for x in texts:
                    f(x)
                best[tag] = min(best.get(tag, 1e9), time.process_time() - t0)
        for tag, sec in best.items():
            print(f"{fn:24s} {tag:18s} {sec:6.3f} cpu s  {sec / len(texts) * 1e6:6.1f} us/article")
        if len(best) == 2:
            cur, base = best["current"], best[f"at {ctx.baseline_rev}"]
            print(f"{fn:24s} ratio current / baseline: {cur / base:.2f}")


# ------------------------------------------------------------------ driver

def section_pairs(ctx: Context) -> None:
    """Pair scorer vs human ratings per encoder (benchmarks/real_news_pairs.py; minutes)."""
    sys.path.insert(0, str(HERE))
    from real_news_pairs import section_pairs as run_pairs

    run_pairs(ctx)


SECTIONS: dict[str, Callable[[Context], None]] = {
    "meta": section_meta,
    "entities": section_entities,
    "normalize_speed": section_normalize_speed,
    "pairs": section_pairs,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    ap.add_argument("--section", action="append", choices=sorted(SECTIONS),
                    help="run only this section (repeatable); default: all")
    ap.add_argument("--quiet", action="store_true", help="no per-item lists")
    ap.add_argument("--synth-n", type=int, default=3000, help="articles for normalize_speed")
    ap.add_argument("--baseline-rev", default=None,
                    help="normalize_speed: also time src/storyline/normalize.py at this git rev")
    args = ap.parse_args(argv)
    gt = args.data / "extraction-benchmark" / "ground-truth.json"
    if not gt.exists():
        print(f"data not found: {gt} (pass --data)", file=sys.stderr)
        return 2
    gold = json.loads(gt.read_text(encoding="utf-8"))
    ctx = Context(args.data, gold, verbose=not args.quiet, synth_n=args.synth_n,
                  baseline_rev=args.baseline_rev)
    print("# storyline on real news pages (benchmarks/real_news.py)")
    print(f"data: {gt.parent} ({len(gold)} pages); labels: {HEADERS.name}, {ENTITY_LABELS.name}")
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus, "
          f"python {platform.python_version()}, {platform.system()} (shared with other jobs)")
    print("method: see the module docstring; times are CPU seconds of this process")
    start = time.perf_counter()
    for name in args.section or list(SECTIONS):
        SECTIONS[name](ctx)
    print("\n## run time")
    for k, v in ctx.timings.items():
        print(f"{k}: {v:.2f} cpu s")
    print(f"total wall: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
