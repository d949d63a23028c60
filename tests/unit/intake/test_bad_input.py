"""Bad input in a narrative: every such sentence is listed as unparsed with a reason, never
silently replaced or accepted (QA report qa2, items 6, 7, 8, 13)."""

from __future__ import annotations

from datetime import date

import pytest

from truce.errors import ValidationError
from truce.intake.narrative import lexicon as lx
from truce.intake.narrative import parse_report

HEAD = "Daily report — Observation post 2, Kherson region, 8 December 2024\n\n"
POST = "the team at the observation post 4 km south-east of Komyshany"


def _parse(body, resolver, **kw):
    return parse_report(HEAD + body, gazetteer=resolver, source_id="op", **kw)


def _reasons(res):
    return [(u.sentence, u.reason, u.detail) for u in res.unparsed]


@pytest.mark.parametrize("bad", ["25:99", "24:61", "24:30", "12:60", "at 7:75"])
def test_invalid_clock_time_is_unparsed_bad_time(resolver, bad):
    t = bad.removeprefix("at ")
    res = _parse(f"At {t}, {POST} heard two explosions 3 km east.", resolver)
    assert res.observations == ()
    assert _reasons(res) == [(1, "bad_time", t)]


def test_invalid_time_does_not_take_the_previous_sentences_time(resolver):
    res = _parse(f"At 01:37, {POST} heard two explosions 3 km east. At 25:99, it heard three "
                 "explosions 2 km east.", resolver)
    assert [o["sentence"] for o in res.observations] == [1]
    assert _reasons(res) == [(2, "bad_time", "25:99")]


def test_24_00_is_the_end_of_the_day(resolver):
    res = _parse(f"Between 23:50 and 24:00, {POST} heard two explosions 3 km east.", resolver)
    assert res.unparsed == ()
    assert res.observations[0]["time"] == {"start": "2024-12-08T23:50:00+02:00",
                                           "end": "2024-12-09T00:00:00+02:00"}


def test_valid_times_still_parse(resolver):
    res = _parse(f"At 23:59, {POST} heard two explosions 3 km east.", resolver)
    assert res.unparsed == () and res.observations[0]["time"] == "2024-12-08T23:59:00+02:00"


@pytest.mark.parametrize("body, detail", [
    (("At 01:00, the team at the observation post 9999 km south-east of Komyshany heard two "
     "explosions 4 km north."), "9999 km"),
    (f"At 01:00, {POST} heard two explosions 500 km north.", "500 km"),
    (f"At 01:00, {POST} heard two explosions 30-450 km north.", "450 km"),
    (f"At 01:00, {POST} saw a tank 80 km south of Komyshany.", "80 km"),
])
def test_implausible_distances_are_unparsed(resolver, body, detail):
    res = _parse(body, resolver)
    assert res.observations == ()
    assert _reasons(res) == [(1, "implausible_distance", detail)]


def test_distances_at_the_bounds_still_parse(resolver):
    res = _parse(f"At 01:00, the team at the observation post {lx.MAX_POSITION_OFFSET_KM:g} km "
                 f"south-east of Komyshany heard two explosions {lx.MAX_EVENT_DISTANCE_KM:g} km "
                 "north.", resolver)
    assert res.unparsed == () and len(res.observations) == 1


def test_implausible_count_is_unparsed(resolver):
    res = _parse(f"At 01:00, {POST} heard 99999999999999999999 undetermined explosions.", resolver)
    assert res.observations == ()
    assert _reasons(res) == [(1, "implausible_count", "99999999999999999999")]
    ok = _parse(f"At 01:00, {POST} heard {lx.MAX_COUNT:,} undetermined explosions.", resolver)
    assert ok.unparsed == () and ok.observations[0]["count"] == lx.MAX_COUNT


def test_every_reason_is_declared(resolver):
    for r in ("bad_time", "implausible_distance", "implausible_count"):
        assert r in lx.REASONS


def test_unknown_place_names_the_place(resolver):
    res = _parse("At 01:00, the team positioned in Atlantis heard two explosions.", resolver)
    (u,) = res.unparsed
    assert (u.reason, u.detail, u.message) == ("unknown_place", "Atlantis",
                                               "unknown_place: Atlantis")


def test_saw_after_heard_is_not_heard_only(resolver):
    res = _parse(f"At 01:00, {POST} heard five undetermined explosions 3 km east and saw two "
                 "tanks.", resolver)
    got = {o["kind"]: o["heard_only"] for o in res.observations}
    assert got == {"explosion": True, "weapon": False}


def test_no_date_and_invalid_date_in_heading():
    body = f"At 01:00, {POST} heard two explosions 3 km east.\n"
    with pytest.raises(ValidationError, match="no report date"):
        parse_report(body, gazetteer=None)
    bad = "Daily report — Observation post 2, Kherson region, 31 February 2024\n\n" + body
    with pytest.raises(ValidationError, match=r"invalid report date '31 February 2024'"):
        parse_report(bad, gazetteer=None)
    # an explicit --date wins over the heading's invalid date
    assert parse_report(bad, gazetteer=None, report_date=date(2024, 2, 28)).report_date == date(
        2024, 2, 28)
