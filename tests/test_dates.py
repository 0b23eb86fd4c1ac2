from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from detente.dates import (
    dateline_day,
    dateline_end,
    find_dates,
    parse_date_string,
    publication_date,
)

dates_ = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(dates_)
def test_iso_dates_round_trip(d: date) -> None:
    assert parse_date_string(d.isoformat()) == (d, "day")
    assert parse_date_string(f"{d.isoformat()}T10:15:00Z") == (d, "day")
    assert parse_date_string(f"{d.isoformat()} 20:10:53") == (d, "day")


@given(dates_)
def test_written_dates_round_trip(d: date) -> None:
    assert parse_date_string(f"{d.day} {d:%B} {d.year}") == (d, "day")
    assert parse_date_string(f"{d:%B} {d.day}, {d.year}") == (d, "day")
    assert parse_date_string(d.strftime("%a, %d %b %Y 10:00:00 +0000")) == (d, "day")


@given(dates_)
def test_month_and_year_keep_their_precision(d: date) -> None:
    assert parse_date_string(f"{d:%B} {d.year}") == (d.replace(day=1), "month")
    assert parse_date_string(f"{d.year}-{d.month:02d}") == (d.replace(day=1), "month")
    assert parse_date_string(str(d.year)) == (date(d.year, 1, 1), "year")


@given(st.text(max_size=40))
def test_parse_never_raises(value: str) -> None:
    result = parse_date_string(value)
    assert result is None or result[1] in ("day", "month", "year")


def test_impossible_dates_are_refused() -> None:
    assert parse_date_string("2023-02-30") is None
    assert parse_date_string("31 April 2022") is None
    assert parse_date_string("not a date") is None


@given(dates_, st.text(alphabet="abc .,", max_size=30))
def test_find_dates_spans_point_at_the_text(d: date, noise: str) -> None:
    text = f"{noise} It happened on {d:%B} {d.day}, {d.year}. {noise}"
    found = find_dates(text)
    assert [(m.first, m.precision) for m in found] == [(d, "day")]
    m = found[0]
    assert text[m.start : m.end] == m.text


def test_find_dates_precisions_and_future_cues() -> None:
    text = (
        "The war began in 2020. Talks resumed in March 2023. Fighting broke out on "
        "19 September 2023. Elections are scheduled for 2025."
    )
    found = {m.text: m for m in find_dates(text)}
    assert found["in 2020"].precision == "year"
    assert found["March 2023"].precision == "month"
    assert found["19 September 2023"].precision == "day"
    assert found["for 2025"].future
    assert not found["19 September 2023"].future


def test_publication_date_prefers_metadata() -> None:
    p = publication_date("Something happened in 2020.", "2023-09-19T20:10:53", "metadata")
    assert (p.date, p.precision, p.window) == ("2023-09-19", "day", ("2023-09-19", "2023-09-19"))


def test_publication_window_from_text_is_never_a_day() -> None:
    p = publication_date("It began on 5 October 2020. Talks are planned for 2026.", None, "none")
    assert p.date is None
    assert p.precision == "unknown"
    assert p.window == ("2020-10-05", None)
    assert "5 October 2020" in p.method


def test_retrieval_date_bounds_the_window() -> None:
    p = publication_date("It began in 2021.", None, "none", retrieved="2022-03-01T00:00:00Z")
    assert p.window == ("2021-01-01", "2022-03-01")
    nothing = publication_date("No dates here.", None, "none")
    assert nothing.window is None and nothing.date is None


def test_metadata_after_retrieval_is_not_trusted() -> None:
    p = publication_date("Text.", "2030-01-01", "metadata", retrieved="2022-03-01")
    assert p.date is None


@given(
    dates_,
    st.sampled_from(["BAKU", "YEREVAN", "Washington", "ASTANA, Kazakhstan", "Tbilisi"]),
    st.sampled_from(["", " (Reuters)", " (AP)"]),
    st.sampled_from(["-", "\u2013", "\u2014"]),
    st.booleans(),
)
def test_a_wire_dateline_gives_the_filing_day(
    d: date, place: str, agency: str, dash: str, day_first: bool
) -> None:
    written = f"{d.day} {d:%B} {d.year}" if day_first else f"{d:%B} {d.day}, {d.year}"
    text = f"{place}, {written}{agency} {dash} Azerbaijan launched an offensive."
    assert dateline_day(text) == d.isoformat()
    assert text[dateline_end(text) :].strip() == "Azerbaijan launched an offensive."


def test_no_dateline_without_a_year_or_outside_the_opening() -> None:
    # The agencies' year-less dateline dates nothing but is still cut off the sentence.
    assert dateline_day("MOSCOW, March 3 (Reuters) - Russia said ...") is None
    assert dateline_end("MOSCOW, March 3 (Reuters) - Russia said ...") == 27
    assert dateline_end("Armenia, March 3 - in running text") == 0
    assert dateline_day("The war, which began on 20 March 2020 - and goes on") is None
    assert dateline_day("Russia said on Monday, 3 March 2023 - x") is None
