"""The intake fast path accepts exactly what the fusion core's validator accepts, with the same
values; odd values never crash intake."""

from __future__ import annotations

import copy
import json
import random

import pytest

from truce.fusion.observations import _Bad
from truce.service.intake import Invalid, _fast, _full, parse_line

from .synth import record

ODD = [None, True, False, 0, -1, 1, 2.5, -200.0, 1e300, "", "x", "N", "2024-12-08T01:00:00",
       "2024-12-08T01:00:00Z", "2024-12-08T03:00:00+02:00", [], [1], [2, 1], [1, 2], [True, 3],
       {}, {"lat": 1}, {"lat": 47.0, "lon": 37.0}, {"lat": "47", "lon": "37"},
       {"start": "2024-12-08T01:00:00Z", "end": "2024-12-08T00:00:00Z"},
       {"start": "2024-12-08T01:00:00Z", "end": "2024-12-08T02:00:00Z"}, ["N"], {"id": "s"},
       {"id": "s", "kind": "uav"}, "explosion", "post", 95, 3, 100_000, 100_001, 2**63,
       "0001-01-01T00:00:00+02:00", "2100-01-01T00:00:00Z", "small_arms", "impact",
       {"class": "Tank"}, {"start": "1989-12-31T23:00:00Z", "end": "2024-12-08T02:00:00Z"}]
FIELDS = ["id", "source", "kind", "time", "count", "observer", "direction", "distance_km",
          "detail", "region", "heard_only", "location", "bearing_deg", "text", "weapon"]


def _full_or_none(rec):
    try:
        return _full(rec)
    except _Bad:
        return None
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def test_fast_path_agrees_with_the_core_validator():
    rng = random.Random(7)
    base = [record(i) for i in range(5)] + [record(9, time={"start": "2024-12-08T01:00:00Z",
                                                             "end": "2024-12-08T01:30:00Z"})]
    n_fast = 0
    for _ in range(5000):
        rec = copy.deepcopy(rng.choice(base))
        for _ in range(rng.randint(0, 2)):
            f = rng.choice(FIELDS)
            if rng.random() < 0.2:
                rec.pop(f, None)
            elif f == "source" and isinstance(rec.get("source"), dict) and rng.random() < 0.5:
                rec["source"][rng.choice(["id", "kind"])] = rng.choice(ODD)
            else:
                rec[f] = copy.deepcopy(rng.choice(ODD))
        fast = _fast(rec)
        if fast is not None:
            n_fast += 1
            assert fast == _full(rec), rec
    assert n_fast > 500


@pytest.mark.parametrize("rec", [record(1, kind=["explosion"]), record(1, direction=["N"]),
                                 record(1, source={"id": "a", "kind": ["post"]}),
                                 record(1, observer={"lat": [1], "lon": 2}),
                                 record(1, observer={"lat": 10**400, "lon": 2}),
                                 [[[[["deep"]]]]] * 1])
def test_odd_values_are_rejected_not_crashing(rec):
    assert isinstance(parse_line(json.dumps(rec).encode(), 1), Invalid)


def test_deeply_nested_json_is_rejected():
    r = parse_line(b"[" * 100_000 + b"]" * 100_000, 1)
    assert isinstance(r, Invalid) and "malformed JSON" in r.reason


# ---------------------------------------------------------------- bounds and JSON types (qa2)

def _line(**over) -> bytes:
    return json.dumps(record(1, **over)).encode()


def _why(**over) -> Invalid:
    r = parse_line(_line(**over), 1)
    assert isinstance(r, Invalid), over
    return r


@pytest.mark.parametrize("count", [100_001, 2**63 - 1, 2**63, 10**20])
def test_a_count_above_the_bound_is_rejected_not_stored(count):
    """2**63 crashed ingest (OverflowError, the whole file lost); 2**63-1 went in and fused
    into a negative incident count."""
    r = _why(count=count)
    assert r.field == "count" and "more than 100,000" in r.reason


def test_a_count_at_the_bound_goes_in():
    r = parse_line(_line(count=100_000), 1)
    assert not isinstance(r, Invalid) and r[0].count == 100_000


@pytest.mark.parametrize("field, t", [
    ("time", "0001-01-01T00:00:00+02:00"), ("time", "9999-12-31T23:00:00-12:00"),
    ("time", "1989-12-31T23:59:59Z"), ("time", "2100-01-01T00:00:00Z"),
    ("time.end", {"start": "2024-12-08T01:00:00Z", "end": "9999-01-01T00:00:00Z"}),
    ("time.start", {"start": "1900-01-01T00:00:00Z", "end": "2024-12-08T01:00:00Z"})])
def test_a_time_out_of_the_supported_range_is_rejected(field, t):
    """Year 1 and 9999 went in and then crashed `truce process` for the whole record."""
    r = _why(time=t)
    assert r.field == field and "out of the supported range" in r.reason


@pytest.mark.parametrize("over, field", [
    ({"heard_only": "false"}, "heard_only"),  # was read as True
    ({"heard_only": 0}, "heard_only"),
    ({"observer": {"lat": "47.0", "lon": 37.0}}, "observer.lat"),
    ({"observer": {"lat": 47.0, "lon": True}}, "observer.lon"),
    ({"location": {"lat": 47.0, "lon": "37"}, "observer": None}, "location.lon"),
    ({"kind": "weapon", "weapon": "tank"}, "weapon"),
    ({"kind": "weapon", "weapon": {"class": 3}}, "weapon.class"),
    ({"kind": "weapon", "weapon": {"class": "tank", "caliber_mm": "125"}}, "weapon.caliber_mm"),
    ({"text": {"a": 1}}, "text"),
    ({"kind": "explosion", "detail": "loud"}, "detail"),
    ({"kind": "burst", "detail": "undetermined"}, "detail"),
    ({"direction": "N", "bearing_deg": 10}, "direction"),
    ({"direction": None, "bearing_deg": True}, "bearing_deg"),
    ({"distance_km": [True, 3]}, "distance_km"),
    ({"location": {"lat": 47.0, "lon": 37.0, "sigma_m": True}}, "location.sigma_m"),
])
def test_wrong_json_types_are_rejected_with_the_field(over, field):
    assert _why(**over).field == field


def test_weapon_class_case_is_normalised_and_unknown_classes_kept():
    from truce.fusion.observations import _parse

    rec = record(1, kind="weapon", weapon={"class": " Tank ", "type": "T-72"})
    assert _parse(rec)["weapon"] == {"class": "tank", "type": "T-72", "caliber_mm": None}
    rec = record(1, kind="weapon", weapon={"class": "death_star"})
    assert _parse(rec)["weapon"]["class"] == "death_star"


def test_free_detail_of_other_kinds_is_kept():
    r = parse_line(_line(kind="weapon", detail="T-72 on a trawl"), 1)
    assert not isinstance(r, Invalid)


def test_verify_rederives_records_stored_before_the_bounds():
    """Records stored before the stricter rules still give their columns to `truce verify`."""
    line = _line(count=2**40, time="0001-01-01T00:00:00+02:00", heard_only="false")
    assert isinstance(parse_line(line, 1), Invalid)
    r = parse_line(line, 1, strict=False)
    assert not isinstance(r, Invalid) and r[0].count == 2**40


def test_a_stored_large_count_is_rederived_exactly():
    """The lenient path used to round the count through a float (2**63-1 became 2**63)."""
    r = parse_line(_line(count=2**63 - 1, direction=None, bearing_deg=5), 1, strict=False)
    assert not isinstance(r, Invalid) and r[0].count == 2**63 - 1
