"""Time phrases resolved against the report date and offset."""

from __future__ import annotations

from datetime import date

import pytest

from truce.errors import ValidationError
from truce.intake.narrative.times import parse_tz, resolve

D = date(2024, 12, 8)
TZ = parse_tz("+02:00")


def test_single_time_is_an_instant():
    assert resolve("heard it at 21:43.", D, TZ).record() == "2024-12-08T21:43:00+02:00"


def test_range_crossing_midnight():
    assert resolve("between 23:50 and 00:10", D, TZ).record() == {
        "start": "2024-12-08T23:50:00+02:00", "end": "2024-12-09T00:10:00+02:00"}


def test_overnight_and_evening_table():
    # OSCE sense: from the evening before the report date to its morning
    assert resolve("Overnight, it heard", D, TZ).record() == {
        "start": "2024-12-07T18:00:00+02:00", "end": "2024-12-08T06:00:00+02:00"}
    assert resolve("during the night", D, TZ).record() == {
        "start": "2024-12-07T18:00:00+02:00", "end": "2024-12-08T06:00:00+02:00"}
    assert resolve("in the evening", D, TZ).record() == {
        "start": "2024-12-08T18:00:00+02:00", "end": "2024-12-09T00:00:00+02:00"}


def test_between_the_evenings_of():
    assert resolve("Between the evenings of 11 and 12 September, the SMM", date(2020, 9, 14),
                   parse_tz("+03:00")).record() == {
        "start": "2020-09-11T19:30:00+03:00", "end": "2020-09-12T19:30:00+03:00"}


def test_on_date_moves_the_day_and_offsets_parse():
    assert resolve("On 7 December, at 10:05, it saw", D, parse_tz("UTC+3")).record() == (
        "2024-12-07T10:05:00+03:00")
    assert resolve("no time here", D, TZ).stated is False
    with pytest.raises(ValidationError):
        parse_tz("Europe/Kyiv")


def test_explicit_dates_on_times():
    assert resolve("it heard two impacts at 00:04 on 9 December.", D, TZ).record() == (
        "2024-12-09T00:04:00+02:00")
    assert resolve("Between 00:04 and 00:09 on 9 December, the team saw", D, TZ).record() == {
        "start": "2024-12-09T00:04:00+02:00", "end": "2024-12-09T00:09:00+02:00"}
    assert resolve("between 23:58 on 7 December and 00:04 on 8 December.", D, TZ).record() == {
        "start": "2024-12-07T23:58:00+02:00", "end": "2024-12-08T00:04:00+02:00"}
    # the brief form: only the time off the report date is dated
    assert resolve("between 23:40 on 7 December and 00:15", D, TZ).record() == {
        "start": "2024-12-07T23:40:00+02:00", "end": "2024-12-08T00:15:00+02:00"}
    # a date after the end of a range across midnight dates the end; the start is the day before
    assert resolve("between 23:41 and 00:09 on 9 December", D, TZ).record() == {
        "start": "2024-12-08T23:41:00+02:00", "end": "2024-12-09T00:09:00+02:00"}


def test_dated_times_are_not_moved_by_rollover_guesses():
    from datetime import timedelta

    w = resolve("at 00:04 on 9 December", D, TZ)
    assert w.dated and w.shifted(timedelta(days=-1)) == w
    u = resolve("at 00:04", D, TZ)
    assert not u.dated and u.shifted(timedelta(days=1)).record() == "2024-12-09T00:04:00+02:00"
