"""Stage 1: the text dedup matches on (body or title + body, with matching noise removed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from storyline.data import Article


def _no_normalize(text: str) -> str:
    return text


def _match_normalizer(text: str) -> str:
    from storyline.normalize import normalize_for_matching

    return normalize_for_matching(text)


def _full_normalizer(text: str) -> str:
    from storyline.normalize import normalize_text

    return normalize_text(text)


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "match": _match_normalizer,
    "full": _full_normalizer,
    "none": _no_normalize,
}


def match_texts(texts: Sequence[str], normalize: str = "match") -> list[str]:
    """Texts as matching sees them (``normalize``: match|full|none, see DedupConfig)."""
    fn = NORMALIZERS[normalize]
    return [fn(t) for t in texts]


def article_text(article: Article, use_title: bool = False) -> str:
    """The raw text dedup looks at: the body, or title + body with ``use_title``."""
    text = article.text or ""
    if use_title and article.title:
        return f"{article.title}\n{text}"
    return text
