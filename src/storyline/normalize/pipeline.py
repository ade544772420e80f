"""The configurable step pipeline (:func:`normalize`) and the cheaper one dedup matches with."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from storyline.data import Article
from storyline.errors import ConfigError
from storyline.normalize.boilerplate import _strip_boilerplate, strip_boilerplate
from storyline.normalize.characters import (
    collapse_whitespace,
    normalize_quotes_dashes,
    unicode_nfkc,
)
from storyline.normalize.header import _strip_header
from storyline.normalize.removed import Normalized
from storyline.normalize.scrape_noise import strip_credits, strip_scrape_noise
from storyline.normalize.sentences import split_glued_sentences

# ---------------------------------------------------------------- pipeline


def _lower(text: str) -> str:
    return text.lower()


STEP_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "unicode_nfkc": unicode_nfkc,
    "normalize_quotes_dashes": normalize_quotes_dashes,
    "collapse_whitespace": collapse_whitespace,
    "strip_boilerplate": strip_boilerplate,
    "strip_scrape_noise": strip_scrape_noise,
    "strip_header": lambda t: _strip_header(t, Normalized(t)),
    "strip_credits": strip_credits,
    "split_glued_sentences": split_glued_sentences,
}
# Steps that record what they remove (and parse metadata) into the Normalized result.
_RECORDING_STEPS: dict[str, Callable[[str, Normalized], str]] = {
    "strip_boilerplate": lambda t, out: _strip_boilerplate(t, out.removed),
    "strip_scrape_noise": strip_scrape_noise,
    "strip_header": _strip_header,
    "strip_credits": strip_credits,
}
DEFAULT_STEPS: tuple[str, ...] = (
    "unicode_nfkc",
    "normalize_quotes_dashes",
    "collapse_whitespace",
    "strip_boilerplate",
    "strip_scrape_noise",
    "strip_header",
    "strip_credits",
    "split_glued_sentences",
    "collapse_whitespace",
)


@dataclass(frozen=True, slots=True)
class NormalizeConfig:
    """Ordered step names (see ``STEP_FUNCTIONS``) and whether to lowercase at the end."""

    steps: tuple[str, ...] = DEFAULT_STEPS
    lowercase: bool = False

    def __post_init__(self) -> None:
        bad = [s for s in self.steps if s not in STEP_FUNCTIONS]
        if bad:
            raise ConfigError(
                f"unknown normalize step(s): {', '.join(bad)}",
                hint=f"valid steps are: {', '.join(STEP_FUNCTIONS)}",
            )


_DEFAULT_CONFIG = NormalizeConfig()


def normalize(text: str, config: NormalizeConfig | None = None) -> Normalized:
    """Run the configured steps; removed/parsed pieces are recorded, not lost."""
    cfg = config or _DEFAULT_CONFIG
    out = Normalized(text="")
    for _ in range(2):  # second pass reaches markers uncovered by the first (idempotence)
        n_removed = len(out.removed)
        for name in cfg.steps:
            rec = _RECORDING_STEPS.get(name)
            text = rec(text, out) if rec is not None else STEP_FUNCTIONS[name](text)
        if len(out.removed) == n_removed:
            break
    out.text = text.lower() if cfg.lowercase else text
    return out


def normalize_text(text: str) -> str:
    """Default normalization, text only."""
    return normalize(text).text


def normalize_article(article: Article, config: NormalizeConfig | None = None) -> Article:
    """A new Article with normalized text; raw kept, parsed fields only fill gaps.

    ``meta`` gains ``boilerplate_removed`` (the pieces), ``boilerplate_kinds`` (their kinds, in
    the same order) and ``credits`` (reporting/editing credit lines) when there are any.
    """
    n = normalize(article.text, config)
    meta = dict(article.meta)
    if n.removed:
        meta["boilerplate_removed"] = [str(r) for r in n.removed]
        meta["boilerplate_kinds"] = [getattr(r, "kind", "boilerplate") for r in n.removed]
    if n.credits:
        meta["credits"] = list(n.credits)
    return dataclasses.replace(
        article,
        text=n.text,
        raw=article.raw if article.raw is not None else article.text,
        dateline=article.dateline or n.dateline,
        source=article.source or n.source,
        published=article.published or n.published,
        meta=meta,
    )


def normalize_for_matching(text: str) -> str:
    """A cheaper normalization for shingle matching (dedup): only steps that change words.

    Word tokenization already ignores case, whitespace, punctuation and glued sentences, so
    this keeps only what adds or merges *words*: NFKC for non-ASCII text, boilerplate
    (ad/share/subscribe markers, photo credits, bylines), scrape noise (captions, graphic
    links, glued subheads), leading metadata/datelines and trailing credit lines, in one pass.
    Copies that differ only in that noise get the same word sequence.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = normalize_quotes_dashes(unicodedata.normalize("NFKC", text))
    scratch = Normalized(text="")
    text = strip_scrape_noise(_strip_boilerplate(text.strip(), scratch.removed), scratch,
                              subheads=False)
    return strip_credits(_strip_header(text.lstrip(), scratch), None)
