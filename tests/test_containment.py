import numpy as np
import pytest

from storyline.data import Article
from storyline.dedup import DedupConfig, dedup, featurize
from storyline.errors import ConfigError
from storyline.index.containment import containment_pairs, sample_shingles
from storyline.synth.generator import generate


@pytest.fixture(scope="module")
def originals() -> list[str]:
    """Texts of distinct stories (one original article each)."""
    seen: dict[str, str] = {}
    for r in generate(1500, seed=7):
        if r["kind"] == "original" and r["story_id"] not in seen:
            seen[r["story_id"]] = r["text"]
    texts = list(seen.values())
    assert len(texts) >= 80
    return texts


def page_around(short: str, others: list[str], factor: float) -> str:
    """A page about ``factor`` times longer than ``short``, other articles around it."""
    target = factor * len(short.split())
    before: list[str] = []
    after: list[str] = []
    words = len(short.split())
    for i, t in enumerate(others):
        if words >= target:
            break
        (before if i % 2 == 0 else after).append(t)
        words += len(t.split())
    assert words >= target, "not enough filler text"
    return "\n\n".join([*before, short, *after])


def decisions(texts: list[str], **kw) -> dict[str, tuple[str, str | None]]:
    arts = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]
    r = dedup(arts, DedupConfig(keep="longest", **kw))
    return {d.id: (d.reason, d.duplicate_of) for d in r.decisions}


@pytest.mark.parametrize("factor", [3, 10])
def test_short_article_inside_long_page_is_contained(originals, factor):
    short = originals[0]
    page = page_around(short, originals[2:], factor)
    texts = [originals[1], page, short, *originals[-5:]]
    d = decisions(texts)
    reason, dup = d["a2"]
    assert reason.startswith("contained: ") and dup == "a1"
    assert float(reason.split(": ")[1]) >= 0.9
    assert all(d[f"a{i}"][0] == "unique" for i in (0, 3, 4, 5, 6, 7))


@pytest.mark.parametrize("factor", [3, 10])
def test_without_containment_candidates_lsh_misses_it(originals, factor):
    short = originals[0]
    page = page_around(short, originals[2:], factor)
    d = decisions([page, short], containment_candidates=False)
    assert d["a1"][0] == "unique"  # what the sampling path adds


def test_containment_disabled_means_no_contained_reason(originals):
    short = originals[0]
    page = page_around(short, originals[2:], 3)
    d = decisions([page, short], containment=None)
    assert d["a1"][0] == "unique"


def test_long_page_sharing_only_boilerplate_is_not_contained(originals):
    footer = (
        "About our newsroom: we are an independent regional publisher covering politics, "
        "business, science, sport and culture since the early days of the printed press, "
        "and our reporters follow a code of ethics that you can read on the about page"
    )
    short = originals[0] + "\n\n" + footer
    pages = [
        page_around(originals[1 + i], originals[10 + i :], 5) + "\n\n" + footer for i in range(6)
    ]
    d = decisions([short, *pages])
    assert all(reason == "unique" for reason, _ in d.values())


def test_same_decisions_for_any_workers_and_batch_size(originals):
    texts = []
    for i in range(4):
        short = originals[i]
        texts += [short, page_around(short, originals[40 + 10 * i :], 3 + 2 * i)]
    texts += originals[12:30]
    base = decisions(texts, workers=1, batch_size=2000)
    assert sum(r.startswith("contained") for r, _ in base.values()) == 4
    assert decisions(texts, workers=2, batch_size=3) == base
    assert decisions(texts, workers=1, batch_size=1) == base


def test_samples_of_a_subset_are_a_subset(originals):
    short = originals[0]
    page = page_around(short, originals[2:], 4)
    f = featurize([short, page])
    vals, docs = sample_shingles(f.flat, f.offsets, rate=8, seed=1)
    a, b = set(vals[docs == 0].tolist()), set(vals[docs == 1].tolist())
    assert len(a) >= 5 and a <= b
    # the rate controls the sample size, roughly 1 in rate shingles
    n = int(f.offsets[-1])
    assert 0.5 * n / 8 < vals.size < 2 * n / 8
    # seeded: another seed samples other shingles
    v2, _ = sample_shingles(f.flat, f.offsets, rate=8, seed=2)
    assert set(v2.tolist()) != set(vals.tolist())


def test_containment_pairs_rules():
    # doc 0 has 4 samples, all in doc 1 (long); doc 2 shares one; docs 3.. share a big group
    vals = np.array([1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 1, 9, 9, 9, 9], dtype=np.uint32)
    docs = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6], dtype=np.int64)
    sizes = np.array([64, 128, 64, 200, 10, 10, 10])
    pairs = containment_pairs(vals, docs, sizes, max_group=3)
    assert pairs.tolist() == [[0, 1]]
    # equal lengths are left to LSH
    assert containment_pairs(vals, docs, np.full(7, 100), max_group=3).tolist() == []


def test_config_validation():
    with pytest.raises(ConfigError):
        DedupConfig(containment_sampling=0)
    with pytest.raises(ConfigError):
        DedupConfig(containment_max_group=1)
    with pytest.raises(ConfigError):
        sample_shingles(np.zeros(1, np.uint32), np.array([0, 1]), rate=0)


@pytest.mark.parametrize("flag", ["--containment-candidates", "--no-containment-candidates"])
def test_cli_flag(tmp_path, originals, flag):
    import json

    from typer.testing import CliRunner

    from storyline.cli import app

    short = originals[0]
    rows = [{"id": "page", "text": page_around(short, originals[2:], 5)}, {"id": "s", "text": short}]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["dedup", str(corpus), "--out", str(out), flag, "--quiet"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in (out / "decisions.jsonl").read_text().splitlines()]
    reason = {d["id"]: d["reason"] for d in lines}["s"]
    if flag == "--containment-candidates":
        assert reason.startswith("contained: ")
    else:
        assert reason == "unique"


def test_partly_contained_short_article_is_found(originals):
    # the page carries the article minus its last sentences: containment below 1 but >= 0.9
    short = originals[0]
    sentences = short.split(". ")
    cut = ". ".join(sentences[:-1])
    page = page_around(cut, originals[2:], 5)
    arts = [Article(id="page", text=page), Article(id="short", text=short)]
    f = featurize([short, page])
    from storyline.dedup import pair_overlaps

    cont = pair_overlaps(f.flat, f.offsets, np.array([[0, 1]]))[0, 1]
    d = {x.id: x.reason for x in dedup(arts, DedupConfig(keep="longest")).decisions}
    assert 0.9 <= cont < 1.0  # a partial copy, still above the containment threshold
    assert d["short"] == f"contained: {cont:.2f}"
