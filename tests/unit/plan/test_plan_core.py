"""The planner on a straight line, where coverage and spacing can be reasoned exactly."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely

from truce.errors import ValidationError
from truce.plan import LineGeometry, PlanParams, parse_nations, plan_line, staff
from truce.plan.coverage import CoverageShares, cover_counts, coverage_matrix
from truce.plan.optimise import demand, greedy_multicover, uniform_spacing_m
from truce.plan.personnel import largest_remainder, make_sectors

LINE = LineGeometry.straight(100_000.0, zone_m=15_000.0)
P = PlanParams(sensor_range_km=5.0, setback_km=3.0, min_cover=2, grid_km=0.5)


def test_coverage_matrix_matches_distances_exactly():
    pts = np.array([[0.0, 0.0], [10_000.0, 0.0]])
    sites = np.array([[0.0, 3000.0], [4000.0, 3000.0], [4001.0, 3000.0], [10_000.0, -5000.0]])
    a = coverage_matrix(pts, sites, 5000.0).toarray()
    # (0,0)->(4000,3000) is exactly 5 km: in range; 4001 is not; (10 km, -5 km) is 5 km from pt 1
    assert a.tolist() == [[1, 1, 0, 0], [0, 0, 0, 1]]
    assert cover_counts(pts, sites, 5000.0).tolist() == [2, 1]


def test_uniform_spacing_is_the_chord_over_min_cover():
    assert uniform_spacing_m(5000.0, 3000.0, 2) == pytest.approx(4000.0)  # 2*sqrt(25-9)/2 km
    assert uniform_spacing_m(5000.0, 0.0, 1) == pytest.approx(10_000.0)


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("optimiser", ["milp", "greedy"])
def test_min_cover_holds_everywhere_and_beats_uniform(k, optimiser):
    plan = plan_line(LINE, PlanParams(sensor_range_km=5.0, setback_km=3.0, min_cover=k,
                                      optimiser=optimiser))
    dense = np.column_stack([np.linspace(0, 100_000, 20_001), np.zeros(20_001)])  # every 5 m
    counts = cover_counts(dense, plan.posts_xy, 5000.0 + 1e-6)
    assert counts.min() >= k
    assert plan.line_cover.at_least(k) == pytest.approx(1.0)
    if plan.uniform_line_cover.at_least(k) == 1.0:  # when uniform spacing does the job at all
        assert plan.posts <= plan.uniform_posts
    # each post sees an 8 km stretch of a 100 km line: no fewer than k * 100 / 8 posts can do it
    assert plan.posts >= math.ceil(k * 100 / 8)
    assert np.all(np.abs(np.abs(plan.posts_xy[:, 1]) - 3000.0) < 1e-6)  # set back 3 km
    assert set(plan.posts_side) <= {"0", "1"}


def test_milp_reaches_the_straight_line_minimum():
    # k = 1, R = 5, s = 3, samples every 100 m covered at 4.95 km: each post covers a chord of
    # 2 sqrt(4.95² - 3²) = 7.875 km, so 100 km needs ceil(100 / 7.875) = 13 posts; candidates
    # every 125 m (7.875 = 63 x 0.125) can realise it, and the interval structure of the
    # constraints makes the LP bound exact (proven optimal).
    plan = plan_line(LINE, PlanParams(sensor_range_km=5.0, setback_km=3.0, min_cover=1,
                                      sample_spacing_km=0.1, candidate_spacing_km=0.125))
    assert plan.posts == 13
    assert plan.gap == 0.0
    assert plan.method == "milp"


def test_greedy_then_prune_leaves_no_redundant_site():
    rng = np.random.default_rng(3)
    pts = rng.uniform(0, 20_000, (400, 2))
    sites = rng.uniform(0, 20_000, (300, 2))
    a = coverage_matrix(pts, sites, 3000.0)
    need = demand(a, 2)
    chosen = greedy_multicover(a, need)
    cov = np.asarray(a[:, chosen].sum(axis=1)).ravel()
    assert np.all(cov >= need)
    for j in range(len(chosen)):  # removing any one breaks some demand
        rest = np.delete(chosen, j)
        assert np.any(np.asarray(a[:, rest].sum(axis=1)).ravel() < need)


def test_zone_coverage_of_a_straight_band():
    plan = plan_line(LINE, P)
    # band = 100 km x 30 km plus two half discs of 15 km radius
    expected = 100 * 30 + math.pi * 15**2
    assert plan.zone_area_km2 == pytest.approx(expected, rel=0.01)
    # independent check: area of the union of the posts' range discs inside the band
    band = shapely.buffer(LINE.shape(), 15_000.0, quad_segs=64)
    discs = shapely.union_all(shapely.buffer(shapely.points(plan.posts_xy), 5000.0, quad_segs=64))
    exact = shapely.area(shapely.intersection(discs, band)) / shapely.area(band)
    assert plan.zone_cover.at_least(1) == pytest.approx(exact, abs=0.01)
    s = plan.zone_cover
    assert s.none + s.one + s.two + s.three_plus == pytest.approx(1.0)


def test_parts_are_planned_separately_and_sum_to_the_line():
    geom = LineGeometry.straight(100_000.0, zone_m=15_000.0, parts=[40_000.0])
    plan = plan_line(geom, P)
    assert plan.line_parts == 2
    assert plan.line_length_km == pytest.approx(100.0)
    assert plan.line_cover.at_least(2) == pytest.approx(1.0)


def test_coverage_shares_weighting():
    s = CoverageShares.from_counts(np.array([0, 1, 2, 5]), np.array([1.0, 1.0, 1.0, 2.0]))
    assert (s.none, s.one, s.two, s.three_plus) == (0.2, 0.2, 0.2, 0.4)
    assert s.at_least(2) == pytest.approx(0.6)


# -- personnel and sectors -------------------------------------------------------------------

def test_personnel_arithmetic():
    p = PlanParams(crew_per_post=3, patrol_team_size=4, rotation=1.5, support_ratio=0.85,
                   force_protection_ratio=0.0)
    s = staff(10, 3, p)
    assert s.positions == 10 * 3 + 3 * 4 == 42
    assert s.monitors == 63  # 42 x 1.5
    assert s.support == 54  # ceil(63 x 0.85 = 53.55)
    assert s.force_protection == 0
    assert s.total == 117


def test_sectors_are_contiguous_proportional_and_sum_to_the_line():
    nations = parse_nations("France:30,United Kingdom:25,Germany:20,Poland:15,Italy:10")
    plan = plan_line(LINE, PlanParams(sensor_range_km=5.0, setback_km=3.0, nations=nations))
    secs = plan.sectors
    assert [s.nation for s in secs] == ["France", "United Kingdom", "Germany", "Poland", "Italy"]
    assert secs[0].start_km == 0.0 and secs[-1].end_km == pytest.approx(100.0)
    for a, b in itertools.pairwise(secs):
        assert a.end_km == b.start_km
    assert [round(s.length_km, 6) for s in secs] == [30.0, 25.0, 20.0, 15.0, 10.0]
    assert sum(s.personnel.posts for s in secs) == plan.posts
    for s in secs:  # each sector's posts are the posts standing along its stretch
        inside = (plan.posts_along_km >= s.start_km) & (plan.posts_along_km < s.end_km + 1e-9)
        assert s.personnel.posts == int(inside.sum()) or s is secs[-1]
    t = plan.totals
    assert t.total == sum(s.personnel.total for s in secs)
    assert t.patrol_teams == math.ceil(4 * 100 / 100)


def test_patrol_teams_split_by_largest_remainder():
    assert largest_remainder(7, [30, 25, 20, 15, 10]).tolist() == [2, 2, 1, 1, 1]
    p = PlanParams(patrols_per_100km=4.0)
    secs = make_sectors(250_000.0, np.array([1.0, 200_000.0]), [("A", 1), ("B", 1)], p)
    assert [s.personnel.patrol_teams for s in secs] == [5, 5]
    assert [s.personnel.posts for s in secs] == [1, 1]


@pytest.mark.parametrize("kwargs, field", [
    ({"min_cover": 0}, "min_cover"), ({"sensor_range_km": -1.0}, "sensor_range_km"),
    ({"rotation": 0.0}, "rotation"), ({"setback_km": 6.0}, "setback_km"),
    ({"support_ratio": -0.1}, "support_ratio"), ({"nations": (("A", 0.0),)}, "nations"),
])
def test_bad_params_name_the_field(kwargs, field):
    with pytest.raises(ValidationError) as exc:
        PlanParams(**kwargs)
    assert exc.value.field == field


@pytest.mark.parametrize("text", ["France", "France:x", ":3", "France:-2", ""])
def test_parse_nations_rejects(text):
    with pytest.raises(ValidationError):
        parse_nations(text)


def test_coverage_above_three_is_counted_when_asked():
    """A --min-cover of 4 or more: the share at >= k is counted (it used to raise IndexError
    in `truce plan`'s table and map title)."""
    counts, w = np.array([0, 3, 4, 6]), np.array([1.0, 1.0, 1.0, 1.0])
    s = CoverageShares.from_counts(counts, w, k=4)
    assert s.at_least(4) == pytest.approx(0.5)
    assert s.at_least(3) == pytest.approx(0.75)
    assert s.as_dict()[">=4"] == 0.5
    with pytest.raises(ValueError, match="5 or more"):
        CoverageShares.from_counts(counts, w).at_least(5)


def test_a_min_cover_above_three_plans_and_reports_its_share():
    plan = plan_line(LINE, PlanParams(sensor_range_km=5.0, setback_km=3.0, min_cover=4))
    assert plan.line_cover.at_least(4) == pytest.approx(1.0)
    assert 0.0 <= plan.uniform_line_cover.at_least(4) <= 1.0
    assert plan.summary()["coverage"]["line"][">=4"] == pytest.approx(1.0)


def test_a_sensor_range_too_short_for_the_line_is_refused_at_once():
    """0.01 km on a 100 km line asks for 500,000 samples: refused (naming the parameter and
    the least range that works) instead of running for minutes."""
    import time

    t0 = time.perf_counter()
    with pytest.raises(ValidationError, match=r"give at least 0\.05 km") as exc:
        plan_line(LINE, PlanParams(sensor_range_km=0.01, setback_km=0.0))
    assert exc.value.field == "sensor_range_km"
    assert time.perf_counter() - t0 < 2.0
    plan_line(LINE, PlanParams(sensor_range_km=0.05, setback_km=0.0, min_cover=1,
                               time_limit_s=5.0))  # the least range given works


def test_a_setback_within_half_a_sample_of_the_range_is_refused_not_a_crash():
    from truce.errors import ValidationError
    from truce.plan.geometry import LineGeometry
    from truce.plan.params import PlanParams
    from truce.plan.planner import plan_line

    with pytest.raises(ValidationError, match="setback"):
        plan_line(LineGeometry.straight(50000, 15000), PlanParams(sensor_range_km=5, setback_km=4.97))


def test_plan_agreement_keeps_posts_inside_the_security_zone():
    """The check was only in the CLI: a library caller got posts outside the security zone."""
    from truce.agreement.loader import load_agreement
    from truce.errors import ValidationError
    from truce.geo.frame import AgreementFrame
    from truce.plan import plan_agreement

    frame = AgreementFrame.from_agreement(load_agreement("ukraine-2024-12-07"))  # zone: 15 km
    with pytest.raises(ValidationError, match="outside the 15 km security zone") as info:
        plan_agreement(frame, PlanParams(sensor_range_km=30.0, setback_km=20.0))
    assert info.value.field == "setback_km"
