"""revision vs same_story vs copies, on families of invented wire copy (not one example).

Each family is one event told four ways: an agency's first report, the same agency's update the
next day (quotes kept verbatim, weekday moved forward, the toll up, a new paragraph), another
outlet's own write-up of the same event, and a syndicated copy of the first report on a third
site. Headers stand on their own line (``PLACE, Country (Agency) - ...``), as wire copy prints
them; ``published`` comes from the feed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from storyline.data import Article
from storyline.link import Linker, RelationThresholds, is_revision

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Event:
    place: str
    country: str
    what: str  # "a landslide buried homes"
    verb: str  # "killed"
    unit: str  # "people"
    official: str
    role: str
    quote1: str
    quote2: str
    detail: str
    other_detail: str


EVENTS = (
    Event("BRENNHOLT", "Norway", "a landslide buried dozens of homes in the valley", "killed", "people",
          "Ingrid Solvang", "the regional governor", "We are still searching every house and every road",
          "The ground is unstable and rescuers must be careful", "Roads into the valley were closed and "
          "power lines were cut across the district.", "Heavy rain had soaked the hillside for a week."),
    Event("PORT KELLAN", "Ireland", "a ferry capsized in a storm off the harbour", "drowned", "passengers",
          "Declan Moriarty", "the coast guard commander", "The sea was too rough for our smaller boats",
          "We owe it to the families to keep looking through the night", "Helicopters from two bases "
          "joined the search as waves reached six metres.", "The ferry was licensed to carry far fewer "
          "people, port records show."),
    Event("SAN MIRELO", "Chile", "a fire tore through a crowded market", "killed", "people",
          "Valeria Ortuzar", "the city's fire chief", "The flames spread from stall to stall in minutes",
          "Many of the exits were blocked by goods and crates", "Firefighters from neighbouring towns "
          "fought the blaze for six hours.", "Traders said the market had no working sprinklers."),
    Event("KOLVARA", "Finland", "a passenger train derailed on a bridge", "killed", "people",
          "Mikko Hallanen", "the transport minister", "Every carriage will be examined before the line reopens",
          "We will find out why this train left the rails", "Investigators recovered the data recorder "
          "from the locomotive.", "The line had been repaired last autumn, the rail operator said."),
    Event("TEMBARA", "Kenya", "floods swept away bridges and homes after days of rain", "killed", "people",
          "Grace Wanjiru", "the county commissioner", "Whole villages are cut off and need food and water",
          "We are moving families to higher ground as fast as we can", "Soldiers used boats to reach "
          "stranded families on rooftops.", "Forecasters warned of more rain over the weekend."),
)
AGENCIES = ("Nordwire", "Pacific Press Agency", "Continental News Service")
OUTLETS = ("The Harbour Times", "Daily Courier", "Evening Ledger")


def _first(e: Event, agency: str, day: int, toll: int) -> str:
    wd = WEEKDAYS[day]
    return (
        f"{e.place}, {e.country} ({agency}) - At least {toll} {e.unit} were {e.verb} on {wd} after "
        f"{e.what}, officials said.\n\n"
        f"\"{e.quote1},\" {e.official}, {e.role}, told reporters.\n\n"
        f"{e.detail}\n\n"
        f"\"{e.quote2},\" {e.official} said.\n\n"
        f"Officials said the number of dead could rise as rescue teams reached more areas."
    )


def _update(e: Event, agency: str, day: int, toll: int, new_toll: int) -> str:
    wd, nxt = WEEKDAYS[day], WEEKDAYS[(day + 1) % 7]
    return (
        f"{e.place}, {e.country} ({agency}) - The number of {e.unit} {e.verb} rose to {new_toll} on "
        f"{nxt}, a day after {e.what}, officials said.\n\n"
        f"Rescue teams worked through the night after the disaster on {wd}, which first left {toll} dead.\n\n"
        f"\"{e.quote1},\" {e.official}, {e.role}, told reporters.\n\n"
        f"{e.detail}\n\n"
        f"\"{e.quote2},\" {e.official} said.\n\n"
        f"{e.other_detail}"
    )


def _other_outlet(e: Event, outlet: str, day: int, toll: int) -> str:
    """Another outlet's own story: same dateline, same figures, both quotes of the official
    verbatim (outlets quote the same press briefing), its own wording around them."""
    wd = WEEKDAYS[day]
    place = e.place.title()
    return (
        f"{e.place}, {e.country} ({outlet}) - Rescuers in {place} kept searching for survivors late "
        f"on {wd}, hours after {e.what}. The authorities put the toll at {toll}.\n\n"
        f"{e.official}, {e.role}, said crews were going from door to door and asked residents to stay "
        f"away from the area. \"{e.quote1},\" {e.official} said.\n\n"
        f"Witnesses told {outlet} they had heard a roar and then screaming. Local hospitals said they "
        f"were treating dozens of injured {e.unit} in {place}.\n\n"
        f"\"{e.quote2},\" {e.official} added."
    )


def _copy(first: str, agency: str, site: str) -> str:
    return f"Advertisement\n\nBy {agency}\n\n{first}\n\nRead more on {site}."


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker.load()


def _variants() -> list[tuple[Event, str, str, int, int]]:
    out = []
    for i, (e, agency) in enumerate(itertools.product(EVENTS, AGENCIES)):
        out.append((e, agency, OUTLETS[i % len(OUTLETS)], i % 5, 10 + 7 * i))
    return out


VARIANTS = _variants()


def _score(linker: Linker, ta: str, tb: str, src_a: str, src_b: str, pa: str, pb: str) -> tuple[str, dict]:
    fa, fb = linker.featurize_many([
        Article(id="a", text=ta, source=src_a, published=pa),
        Article(id="b", text=tb, source=src_b, published=pb),
    ])
    s = linker.score(fa, fb)
    return s.relation, s.signals


def _dates(day: int) -> tuple[str, str]:
    return f"2024-05-{6 + day:02d}T09:00:00Z", f"2024-05-{7 + day:02d}T08:30:00Z"


def test_agency_update_of_its_own_story_is_revision(linker):
    wrong = []
    for e, agency, _, day, toll in VARIANTS:
        p1, p2 = _dates(day)
        first, upd = _first(e, agency, day, toll), _update(e, agency, day, toll, toll + 4 + day)
        rel, sig = _score(linker, first, upd, agency, agency, p1, p2)
        assert sig["same_source"] == 1.0 and sig["quote"] == 1.0
        if rel != "revision":
            wrong.append((e.place, agency, rel))
    assert not wrong, wrong


def test_update_is_revision_when_source_comes_only_from_the_dateline(linker):
    """No feed metadata: the agency in '(Agency)' is the source on both sides."""
    wrong = []
    for e, agency, _, day, toll in VARIANTS:
        rel, _ = _score(linker, _first(e, agency, day, toll), _update(e, agency, day, toll, toll + 3),
                        None, None, None, None)  # type: ignore[arg-type]
        if rel != "revision":
            wrong.append((e.place, agency, rel))
    assert not wrong, wrong


def test_other_outlets_write_up_is_same_story_not_revision(linker):
    wrong = []
    for e, agency, outlet, day, toll in VARIANTS:
        p1, _ = _dates(day)
        p_other = f"2024-05-{6 + day:02d}T15:00:00Z"
        for theirs in (_first(e, agency, day, toll), _update(e, agency, day, toll, toll + 2)):
            rel, sig = _score(linker, theirs, _other_outlet(e, outlet, day, toll), agency, outlet, p1, p_other)
            assert sig["same_source"] == 0.0
            if rel != "same_story":
                wrong.append((e.place, agency, outlet, rel))
    assert not wrong, wrong


def test_syndicated_copy_is_a_duplicate(linker):
    wrong = []
    for e, agency, outlet, day, toll in VARIANTS:
        p1, _ = _dates(day)
        first = _first(e, agency, day, toll)
        rel, _ = _score(linker, first, _copy(first, agency, outlet), agency, outlet, p1, p1)
        if rel not in ("duplicate", "near_duplicate"):
            wrong.append((e.place, agency, rel))
    assert not wrong, wrong


def test_different_events_of_one_agency_are_not_revisions(linker):
    """Same agency, same kind of wording, different events: never a revision."""
    for (e1, agency, _, day, toll), e2 in zip(VARIANTS, EVENTS[1:] + EVENTS[:1], strict=False):
        rel, _ = _score(linker, _first(e1, agency, day, toll), _first(e2, agency, day, toll + 9),
                        agency, agency, *_dates(day))
        assert rel not in ("revision", "same_story", "duplicate", "near_duplicate"), (e1.place, e2.place, rel)


T = RelationThresholds()
BASE = {"containment": 0.4, "sent_match": 0.4, "quote": 1.0, "num_update": 0.0, "dateline_same": 1.0}


@pytest.mark.parametrize(
    "a,b,signals,expect",
    [
        ("Nordwire", "nordwire", {}, True),  # one origin, case and spacing aside
        ("Nordwire ", "Nordwire", {"containment": 0.0, "sent_match": 0.0, "quote": 0.0, "num_update": 0.5}, True),
        ("Nordwire", "Daily Courier", {}, False),  # one outlet never revises another's story
        ("Nordwire", "Nordwire", {"containment": 0.05, "sent_match": 0.0, "quote": 0.0}, False),  # nothing kept
        (None, "Nordwire", {}, True),  # unknown origin: same dateline, verbatim sentences kept
        (None, None, {"sent_match": 0.1}, False),  # ... but not on shared words alone
        (None, None, {"dateline_same": 0.0}, False),
    ],
)
def test_is_revision_rule(a, b, signals, expect):
    assert is_revision(a, b, BASE | signals, T) is expect


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Nordpress", "Nordpress News Agency", True),
        ("NORDPRESS", "nordpress", True),
        ("Reuters", "Thomson Reuters", True),
        ("AFP", "Agence France-Presse", True),
        ("AP", "The Associated Press", True),
        ("Baltic Wire Service", "Baltic Wire", True),
        ("Reuters", "AFP", False),
        ("Nordpress", "Sudpress", False),
        ("New York Post", "Washington Post", False),
        ("AP", "Agence France-Presse", False),
    ],
)
def test_source_names_that_denote_one_origin(a: str, b: str, same: bool) -> None:
    from storyline.link import _same_name

    assert _same_name(a, b) is same
    assert _same_name(b, a) is same
