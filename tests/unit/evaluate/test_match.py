"""Matching rules (docs/fusion.md, "Matching"): time overlap within 10 min, within 2 km of either
end of the episode; two-ended incidents at either of their located ends when asked."""

from __future__ import annotations

import numpy as np

from truce.evaluate.match import TruthArrays, match


def _truth(ix, iy, ox, oy, t0=0.0, t1=600.0):
    z = np.array
    return TruthArrays(id=z(["ep-1"], object), kind=z(["explosion"], object), t_start=z([t0]), t_end=z([t1]),
                       day=z([1]), count=z([5.0]), ix=z([ix]), iy=z([iy]), ox=z([ox]), oy=z([oy]),
                       region=z(["R"], object))


def test_primary_location_within_2km_of_either_end():
    tr = _truth(0.0, 0.0, 8000.0, 0.0)
    for x, ok in ((1500.0, True), (6500.0, True), (4000.0, False)):
        m = match(tr, np.array([x]), np.array([0.0]), np.array([0.0]), np.array([600.0]))
        assert (len(m.truth) == 1) == ok, x


def test_time_overlap_within_10_min():
    tr = _truth(0.0, 0.0, np.nan, np.nan, 0.0, 600.0)
    assert len(match(tr, np.array([0.0]), np.array([0.0]), np.array([1100.0]), np.array([1200.0])).truth) == 1
    assert len(match(tr, np.array([0.0]), np.array([0.0]), np.array([1300.0]), np.array([1400.0])).truth) == 0


def test_two_ended_incident_matches_at_its_other_end():
    # the incident's primary location is 4 km from both ends; its origin is 500 m from the truth's
    tr = _truth(0.0, 0.0, 8000.0, 0.0)
    x, y, t0, t1 = np.array([4000.0]), np.array([0.0]), np.array([0.0]), np.array([600.0])
    assert len(match(tr, x, y, t0, t1).truth) == 0
    m = match(tr, x, y, t0, t1, ox=np.array([8500.0]), oy=np.array([0.0]))
    assert len(m.truth) == 1 and m.distance_m[0] == 500.0
    # an incident without a second end (NaN) is unchanged by the option
    assert len(match(tr, x, y, t0, t1, ox=np.array([np.nan]), oy=np.array([np.nan])).truth) == 0


def test_one_to_one_greedy_by_distance():
    tr = _truth(0.0, 0.0, np.nan, np.nan)
    m = match(tr, np.array([1500.0, 300.0]), np.array([0.0, 0.0]), np.zeros(2), np.full(2, 600.0))
    assert m.incident.tolist() == [1] and m.truth.tolist() == [0]


def test_seeds_signed_errors_sign():
    from truce.evaluate.metrics import Quality
    from truce.evaluate.seeds import signed_errors

    q = Quality(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                region_days=[(1, "A", 100.0, 80.0, 90.0, 200.0), (1, "B", 0.0, 0.0, 5.0, 5.0)])
    np.testing.assert_allclose(signed_errors(q), [-0.1])
    np.testing.assert_allclose(signed_errors(q, "naive"), [1.0])
    np.testing.assert_allclose(signed_errors(q, observed=True), [0.125])
