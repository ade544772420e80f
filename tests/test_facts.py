from datetime import date

from storyline.features.facts import extract_dates, extract_numbers, extract_quotes, quote_key


def _nums(text):
    return [(n.value, n.unit) for n in extract_numbers(text)]


def test_numbers_with_units_and_words():
    text = (
        "Twelve people died and 1,200 were hurt. The toll rose 15% as $5.2 million was pledged; "
        "35,000 spectators watched City win 5-2 at 7 p.m. A 34-year-old and five million homes."
    )
    got = _nums(text)
    assert (12.0, "people") in got
    assert (1200.0, "") in got
    assert (15.0, "%") in got
    assert (5.2e6, "million") in got
    assert (35000.0, "spectators") in got
    assert (5.002, "score") in got
    assert (7.0, "time") in got
    assert (34.0, "age") in got
    assert (5e6, "million homes") in got
    for n in extract_numbers(text):
        assert text[n.start : n.end].strip() == n.text


def test_date_parts_and_years_are_not_counts():
    got = _nums("On March 3, 2020 in 2019 the fund grew.")
    assert (3.0, "") not in got
    assert (2019.0, "year") in got
    assert all(v != 2020.0 for v, _ in got)


def test_dates_resolved_against_published():
    pub = date(2024, 3, 6)  # a Wednesday
    ds = {d.text: d for d in extract_dates(
        "On Monday officials said; yesterday a quake; on March 3 and 2024-02-28 and in January; "
        "it will rain tomorrow. Troops may march.", pub)}
    assert ds["Monday"].kind == "weekday" and ds["Monday"].resolved == date(2024, 3, 4)
    assert ds["yesterday"].kind == "relative" and ds["yesterday"].resolved == date(2024, 3, 5)
    assert ds["tomorrow"].resolved == date(2024, 3, 7)
    assert ds["March 3"].kind == "date" and ds["March 3"].resolved == date(2024, 3, 3)
    assert ds["2024-02-28"].resolved == date(2024, 2, 28)
    assert ds["January"].kind == "month" and ds["January"].resolved == date(2024, 1, 1)
    assert "march" not in ds and "may" not in ds


def test_weekday_same_day_and_unresolved_without_published():
    d = extract_dates("It happened on Wednesday.", date(2024, 3, 6))[0]
    assert d.resolved == date(2024, 3, 6)
    assert extract_dates("It happened on Wednesday.")[0].resolved is None


def test_quotes_any_style_match_by_key():
    a = extract_quotes('"We will not stop until every person is reached," he said.')
    b = extract_quotes("\u201cWe will not stop until every person is reached\u201d, he said.")
    assert len(a) == len(b) == 1
    assert a[0].key == b[0].key == "we will not stop until every person is reached"
    assert quote_key("It's  OK!") == "it s ok"
    assert extract_quotes('He said "yes" twice.') == []  # too short to be evidence


def test_first_character_lookaheads_do_not_change_matches():
    """The date/number regexes carry a lookahead of possible first characters (a speed-up);
    the same patterns without it must find exactly the same spans."""
    import re

    from storyline.features import facts

    text = (
        "On Monday, 5 January 2025, twelve people and 1,200 spectators saw the 2-1 win; "
        "sales rose 15% to $5.2 million in March 2024 (Dec. 3rd, 2023-05-06). Yesterday at "
        "9 pm, Thirty-two more arrived; last week forty-five left. Tonight: eighty. May 4 or "
        "may not; next month, Sunday. Sept 12th. 7.5 km, nine, Nil, zero, hundreds, dozens."
    )
    date_plain = re.compile(facts._DATE_RE.pattern.replace(f"(?=[{facts._DATE_FIRST}])", ""), re.I)
    num_plain = re.compile(
        facts._NUM.pattern.replace("(?=[$\\u20ac\\u00a30-9" + facts._NUM_FIRST + "])", ""), re.I
    )
    assert date_plain.pattern != facts._DATE_RE.pattern and num_plain.pattern != facts._NUM.pattern
    for fast, plain in ((facts._DATE_RE, date_plain), (facts._NUM, num_plain)):
        got = [(m.span(), m.group(0)) for m in fast.finditer(text)]
        assert got == [(m.span(), m.group(0)) for m in plain.finditer(text)]
        assert len(got) > 8
