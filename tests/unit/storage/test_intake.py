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
       {"id": "s", "kind": "uav"}, "explosion", "post", 95, 3]
FIELDS = ["id", "source", "kind", "time", "count", "observer", "direction", "distance_km",
          "detail", "region", "heard_only", "location", "bearing_deg"]


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
