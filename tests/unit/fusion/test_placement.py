"""Final placement of single-bearing end clusters (truce.fusion.placement): where a lone report
lands, which incidents are left alone, its covariance, and that a cluster's placement does not
depend on the clusters placed with it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from tests.unit.fusion.test_fusion import FRAME, PROJ, _point, arrays, rec
from truce.fusion import FusionParams, fuse
from truce.fusion import placement as P
from truce.fusion.triangulate import radius90

OFF = FusionParams(place_single_bearing=False)


def _median_by_quadrature(prior, stated_m=None, n=0):
    """The posterior median written out independently of the module: the density
    ``d^a / (1 + exp((d - d50) / width)) * exp(-n (ln(d / stated) - bias)^2 / (2 sigma^2))``."""
    a, d50, width, sigma, bias = prior

    def f(d):
        v = d**a / (1.0 + np.exp((d - d50 * 1000) / (width * 1000)))
        return v * (np.exp(-n * (np.log(d / stated_m) - bias) ** 2 / (2 * sigma**2)) if n else 1.0)

    lo, hi = P.GRID_M[0], P.GRID_M[-1]
    total = quad(f, lo, hi, limit=200)[0]
    return brentq(lambda x: quad(f, lo, x, limit=200)[0] / total - 0.5, lo + 1, hi - 1, xtol=0.5)


def _offset_km(res, k=0):
    """Incident ``k``'s location relative to the observer at (-4, 0) km, in km (east, north)."""
    x, y = PROJ.to_xy(res.incidents.lon[k:k + 1], res.incidents.lat[k:k + 1])
    lon, lat = _point(-4, 0)
    ox, oy = PROJ.to_xy(np.array([lon]), np.array([lat]))
    return (x[0] - ox[0]) / 1000.0, (y[0] - oy[0]) / 1000.0


def test_a_lone_report_without_distance_goes_to_the_prior_median_along_its_bearing():
    """An explosion heard to the east with no distance: the default range put it at the middle,
    7.75 km; placed, it is at the median of the explosion prior (~6.5 km) on the same bearing."""
    one = arrays([rec(1, "a", "10:00", "10:05", *_point(-4, 0), "E")])
    before, after = fuse(one, FRAME, OFF), fuse(one, FRAME)
    bx, by = _offset_km(before)
    ax, ay = _offset_km(after)
    assert bx == pytest.approx(7.75, abs=0.15)
    expected = _median_by_quadrature(FusionParams().placement_prior["explosion"]) / 1000.0
    assert 4.0 < expected < 7.0
    assert np.hypot(ax, ay) == pytest.approx(expected, abs=0.01)
    assert np.arctan2(ay, ax) == pytest.approx(np.arctan2(by, bx), abs=1e-9)  # same bearing
    assert after.incidents.n_bearings.tolist() == [1]


@pytest.mark.parametrize("kind,detail,group", [("explosion", "undetermined", "explosion"),
                                               ("burst", "small_arms", "burst"), ("flare", None, "flare")])
def test_a_lone_report_with_a_distance_goes_to_its_posterior_median(kind, detail, group):
    """"3-5 km": the posterior median combines the group's prior with the lognormal error of the
    stated distance (its middle, 4 km); each kind has its own prior."""
    r = rec(1, "a", "10:00", "10:05", *_point(-4, 0), "E", [3, 5], kind=kind, detail=detail)
    if detail is None:
        del r["detail"]
    res = fuse(arrays([r]), FRAME)
    expected = _median_by_quadrature(FusionParams().placement_prior[group], 4000.0, 1) / 1000.0
    assert np.hypot(*_offset_km(res)) == pytest.approx(expected, abs=0.01)


def test_an_acoustic_bearing_uses_the_acoustic_prior():
    r = {"id": "s1", "source": {"kind": "acoustic", "id": "ac-1"}, "kind": "explosion",
         "time": {"start": "2024-12-08T10:00:00+02:00", "end": "2024-12-08T10:05:00+02:00"},
         "observer": dict(zip(("lon", "lat"), _point(-4, 0))), "bearing_deg": 90.0, "bearing_sigma_deg": 4.0}
    res = fuse(arrays([r]), FRAME)
    expected = _median_by_quadrature(FusionParams().placement_prior["explosion_acoustic"]) / 1000.0
    assert np.hypot(*_offset_km(res)) == pytest.approx(expected, abs=0.01)


def test_two_reports_of_one_observer_are_placed_together():
    """A split report (one observer, two windows, both "3-5 km"): one bearing, n = 2 stated
    distances, so the stated distance weighs twice."""
    a = _point(-4, 0)
    recs = [rec(1, "a", "10:00", "10:20", *a, "E", [3, 5], count=4),
            rec(2, "a", "10:22", "10:40", *a, "E", [3, 5], count=4)]
    res = fuse(arrays(recs), FRAME)
    assert len(res.incidents) == 1
    expected = _median_by_quadrature(FusionParams().placement_prior["explosion"], 4000.0, 2) / 1000.0
    assert np.hypot(*_offset_km(res)) == pytest.approx(expected, abs=0.01)


def _fields(res):
    inc = res.incidents
    return {i: (x, y, u) for i, x, y, u in zip(inc.id.tolist(), inc.x.tolist(), inc.y.tolist(),
                                               inc.uncertainty_m.tolist())}


def test_incidents_on_two_bearings_or_a_located_report_are_untouched():
    """Two observers' bearings intersect; a located report (UAV) pins its incident; a source
    reporting from two positions (a patrol that moved, a split report) has two bearings: none of
    them moves.  The lone report in the same batch does."""
    a, b = _point(-4, 0), _point(0, -4)
    uav = {"id": "u1", "source": {"kind": "uav", "id": "uav-1"}, "kind": "explosion",
           "time": {"start": "2024-12-08T13:00:00+02:00", "end": "2024-12-08T13:05:00+02:00"},
           "location": dict(zip(("lon", "lat"), _point(0, 0)), sigma_m=200)}
    recs = [rec(1, "a", "10:00", "10:10", *a, "E", [3, 5]), rec(1, "b", "10:01", "10:10", *b, "N", [3, 5]),
            rec(2, "a", "13:00", "13:05", *a, "E", [3, 5]), uav,
            rec(1, "p", "16:00", "16:20", *_point(-4, 0), "E", [3, 5], count=4),
            rec(2, "p", "16:22", "16:40", *_point(-4, 1), "E", [3, 5], count=4),
            rec(3, "a", "19:00", "19:05", *a, "E")]
    res_on, res_off = fuse(arrays(recs), FRAME), fuse(arrays(recs), FRAME, OFF)
    on, off = _fields(res_on), _fields(res_off)
    assert on.keys() == off.keys()
    groups = sorted(sorted(res_on.observation_ids(k)) for k in range(len(res_on.incidents)))
    assert groups == [["a/a-1", "b/b-1"], ["a/a-2", "uav-1/u1"], ["a/a-3"], ["p/p-1", "p/p-2"]]
    moved = [sorted(res_on.observation_ids(res_on.incidents.id.tolist().index(i))) for i in on if on[i] != off[i]]
    assert moved == [["a/a-3"]]


def test_covariance_radial_from_the_posterior_tangential_rescaled():
    """Placed at distance d from r0: the radial sigma is spread * posterior sd along the bearing,
    the tangential variance is the fused one times (d / r0)^2, and uncertainty_m follows."""
    params = FusionParams()
    b = np.radians(60.0)
    ux, uy = np.sin(b), np.cos(b)
    r0, ct2, cr2 = 7750.0, 1500.0**2, 4000.0**2
    cxx = cr2 * ux * ux + ct2 * uy * uy
    cxy = (cr2 - ct2) * ux * uy
    cyy = cr2 * uy * uy + ct2 * ux * ux
    d, sd = P.posterior_median(np.array([0]), np.array([0]), np.array([0.0]), params)
    mx, my, nxx, nxy, nyy = P._moved(np.array([0]), d, sd, np.zeros(1), np.zeros(1), np.array([r0]),
                                     np.array([r0 * ux]), np.array([r0 * uy]), np.array([cxx]),
                                     np.array([cxy]), np.array([cyy]), params.placement_spread)
    assert (mx[0], my[0]) == pytest.approx((d[0] * ux, d[0] * uy))
    radial = nxx[0] * ux * ux + 2 * nxy[0] * ux * uy + nyy[0] * uy * uy
    tangential = nxx[0] * uy * uy - 2 * nxy[0] * ux * uy + nyy[0] * ux * ux
    assert radial == pytest.approx((params.placement_spread * sd[0]) ** 2)
    assert tangential == pytest.approx(ct2 * (d[0] / r0) ** 2)
    assert radius90(nxx, nxy, nyy)[0] == pytest.approx(np.sqrt(4.605 * max(radial, tangential)))
    assert 1500.0 < sd[0] < 5000.0  # no distance: kilometres, not the default range's 4.2 km


def test_vectorised_over_many_clusters_equals_one_at_a_time():
    """Thousands of single-bearing clusters placed at once, bit for bit as each alone (what
    incremental fusion relies on), and the medians those of the quadrature."""
    rng = np.random.default_rng(3)
    n = 3000
    group = rng.integers(0, len(P.GROUPS), n)
    n_known = rng.integers(0, 4, n)
    stated = np.where(n_known > 0, rng.choice([500.0, 1000.0, 3000.0, 4000.0, 12000.0], n)
                      * np.where(rng.random(n) < 0.5, rng.uniform(0.7, 1.4, n), 1.0), 1.0)
    params = FusionParams()
    d, sd = P.posterior_median(group, n_known, stated, params)
    for i in rng.choice(n, 40, replace=False):
        di, sdi = P.posterior_median(group[i:i + 1], n_known[i:i + 1], stated[i:i + 1], params)
        assert (di[0], sdi[0]) == (d[i], sd[i])
    for i in rng.choice(np.flatnonzero(n_known <= 2), 5, replace=False):
        prior = params.placement_prior[P.GROUPS[group[i]]]
        assert d[i] == pytest.approx(_median_by_quadrature(prior, stated[i], n_known[i]), abs=5.0)


def test_placement_in_a_simulated_day_moves_only_single_bearing_incidents(sim_day_small):
    """On a simulated day: the same incidents (ids, counts, times); only those resting on one
    bearing may move, the others keep location and uncertainty to the bit."""
    on, off = fuse(sim_day_small.obs, sim_day_small.frame), fuse(sim_day_small.obs, sim_day_small.frame, OFF)
    a, b = on.incidents, off.incidents
    assert a.id.tolist() == b.id.tolist()
    for col in ("count", "t_start", "t_end", "n_bearings", "end"):
        assert getattr(a, col).tolist() == getattr(b, col).tolist()
    moved = (a.x != b.x) | (a.y != b.y) | (a.uncertainty_m != b.uncertainty_m)
    assert moved.any()
    assert (a.n_bearings[moved] <= 1).all()
    assert not moved[a.n_bearings >= 2].any()


@pytest.fixture(scope="module")
def sim_day_small():
    from truce.evaluate.run import sim_case

    return sim_case("ukraine-2024-12-07", "typical", 5, scale=0.5)


def test_off_switch_restores_the_fused_estimate():
    one = arrays([rec(1, "a", "10:00", "10:05", *_point(-4, 0), "E")])
    assert dataclasses.replace(FusionParams(), place_single_bearing=False) == OFF
    assert _offset_km(fuse(one, FRAME, OFF))[0] == pytest.approx(7.75, abs=0.15)


def test_which_clusters_rest_on_one_bearing():
    """Clusters given by hand: a lone bearing and one observer's two bearings rest on one; a
    bearing with a located report, with a report without direction, two sources at one place, or
    one source at two places do not."""
    from truce.fusion.localize import localize
    from truce.fusion.pipeline import source_codes

    a, far = _point(-4, 0), _point(-4, 3)
    located = {"id": "u1", "source": {"kind": "post", "id": "a"}, "kind": "explosion",
               "time": {"start": "2024-12-08T10:00:00+02:00", "end": "2024-12-08T10:05:00+02:00"},
               "location": dict(zip(("lon", "lat"), _point(0, 0)), sigma_m=200)}
    recs = [rec(1, "a", "10:00", "10:05", *a, "E"),                                   # 0: alone
            rec(2, "a", "10:00", "10:05", *a, "E"), rec(3, "a", "10:06", "10:09", *a, "ENE"),  # 1: one observer
            rec(4, "a", "10:00", "10:05", *a, "E"), located,                          # 2: + located, same source
            rec(5, "a", "10:00", "10:05", *a, "E"), rec(6, "a", "10:00", "10:05", *a),  # 3: + no direction
            rec(7, "a", "10:00", "10:05", *a, "E"), rec(1, "b", "10:00", "10:05", *a, "E"),  # 4: two sources, one place
            rec(8, "a", "10:00", "10:05", *a, "E"), rec(9, "a", "10:00", "10:05", *far, "E")]  # 5: one source, two places
    for n, r in enumerate(recs):  # distinct observations (one told twice is fused once)
        r["count"] = 10 + n
    obs = arrays(recs)
    cluster = np.array([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    loc = localize(obs, PROJ, FusionParams())
    assert P.single_bearing_clusters(cluster, 6, loc, source_codes(obs)).tolist() == [True, True] + [False] * 4


def test_a_prior_given_for_some_groups_keeps_the_defaults_for_the_others():
    """Overriding the explosion prior moves an explosion; a burst (its group not given) is placed
    with the fitted default, as before (it raised KeyError inside fusion)."""
    explosion = arrays([rec(1, "a", "10:00", "10:05", *_point(-4, 0), "E")])
    only = dataclasses.replace(FusionParams(), placement_prior={"explosion": (1.0, 3.0, 0.5, 0.3, 0.0)})
    ax, ay = _offset_km(fuse(explosion, FRAME, only))
    dx, dy = _offset_km(fuse(explosion, FRAME))
    assert abs(np.hypot(ax, ay) - np.hypot(dx, dy)) > 1.0  # the given prior is used
    burst = arrays([rec(1, "a", "10:00", "10:05", *_point(-4, 0), "E", kind="burst",
                        detail="small_arms")])
    bx, by = _offset_km(fuse(burst, FRAME, only))
    cx, cy = _offset_km(fuse(burst, FRAME))
    assert (bx, by) == (cx, cy)
