"""Localization, triangulation, gating/association on hand-built cases, order independence,
batch == incremental, and a small simulated day."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truce.fusion import FusionParams, ObservationArrays, fuse, fuse_incremental
from truce.fusion.localize import localize
from truce.fusion.triangulate import triangulate
from truce.geo.crs import MetricProjection

PROJ = MetricProjection.for_bounds((36.5, 47.5, 37.5, 48.5))


class _Frame:  # the parts of AgreementFrame fusion uses, on a line along lon 37.0
    projection = PROJ

    def party_index(self, x, y):
        cx, _ = PROJ.to_xy(np.array([37.0]), np.array([48.0]))
        return np.where(np.asarray(x) < cx[0], 0, 1).astype(np.int8)

    def nearest_on_line(self, x, y):
        cx, _ = PROJ.to_xy(np.array([37.0]), np.array([48.0]))
        x, y = np.asarray(x, float), np.asarray(y, float)
        return np.zeros(len(x), np.int64), np.full(len(x), cx[0]), y, np.abs(x - cx[0])


FRAME = _Frame()


def rec(i, src, t0, t1, lon, lat, direction=None, dist=None, kind="explosion", detail="undetermined",
        count=3, bearing=None):
    r = {"id": f"{src}-{i}", "source": {"kind": "post", "id": src}, "kind": kind, "detail": detail,
         "time": {"start": f"2024-12-08T{t0}:00+02:00", "end": f"2024-12-08T{t1}:00+02:00"},
         "observer": {"lat": lat, "lon": lon}, "count": count}
    if direction:
        r["direction"] = direction
    if bearing is not None:
        r["bearing_deg"], r["bearing_sigma_deg"] = bearing, 3.0
    if dist is not None:
        r["distance_km"] = dist
    return r


def arrays(records):
    obs, rejected = ObservationArrays.from_records(records)
    assert rejected == []
    return obs


def test_localize_known_geometry():
    obs = arrays([rec(1, "a", "10:00", "10:05", 37.0, 48.0, "E", [3, 5])])
    loc = localize(obs, PROJ, FusionParams())
    assert loc.x[0] - loc.ox[0] == pytest.approx(4000, abs=150)  # grid convergence is small here
    assert loc.y[0] - loc.oy[0] == pytest.approx(0, abs=150)
    # radial (east-west) variance from the range, tangential (north-south) from the bearing
    sr2 = (0.3 * 4000) ** 2 + 2000**2 / 12
    st2 = (4000 * np.radians(np.hypot(12.0, 22.5 / np.sqrt(12)))) ** 2
    assert loc.cxx[0] == pytest.approx(sr2, rel=0.02)
    assert loc.cyy[0] == pytest.approx(st2, rel=0.02)


def test_located_observation_keeps_point_and_sigma():
    r = {"id": "u1", "source": {"kind": "uav", "id": "uav-1"}, "kind": "weapon", "time": "2024-12-08T10:00:00+02:00",
         "location": {"lat": 48.0, "lon": 37.0, "sigma_m": 250}}
    loc = localize(arrays([r]), PROJ, FusionParams())
    x, y = PROJ.to_xy(np.array([37.0]), np.array([48.0]))
    assert (loc.x[0], loc.y[0], loc.cxx[0], loc.cyy[0]) == pytest.approx((x[0], y[0], 62500.0, 62500.0))


def test_rejects_with_reason_and_keeps_the_rest():
    good = rec(1, "a", "10:00", "10:05", 37.0, 48.0, "E")
    bad = dict(good, id="x", direction="EAST")
    obs, rejected = ObservationArrays.from_records([good, bad, good])
    assert len(obs) == 1
    assert [(r.index, r.field) for r in rejected] == [(1, "direction"), (2, "id")]


def _point(dx_km, dy_km):
    x0, y0 = PROJ.to_xy(np.array([37.0]), np.array([48.0]))
    lon, lat = PROJ.to_lonlat(x0 + dx_km * 1000, y0 + dy_km * 1000)
    return float(lon[0]), float(lat[0])


def test_triangulation_of_two_perpendicular_bearings():
    # target at (0, 0); observer A 5 km west looking east, B 5 km south looking north
    a, b = _point(-5, 0), _point(0, -5)
    obs = arrays([rec(1, "a", "10:00", "10:05", *a, bearing=90.0, dist=[2, 12]),
                  rec(1, "b", "10:00", "10:05", *b, bearing=0.0, dist=[2, 12])])
    loc = localize(obs, PROJ, FusionParams())
    mx, my, cxx, _, cyy = triangulate(np.array([0, 0]), 1, loc, FusionParams())
    tx, ty = PROJ.to_xy(np.array([37.0]), np.array([48.0]))
    assert np.hypot(mx[0] - tx[0], my[0] - ty[0]) < 250  # grid convergence only
    assert np.sqrt(cxx[0]) < 400 and np.sqrt(cyy[0]) < 400  # both axes pinned by a bearing


def scene():
    a, b = _point(-4, 0), _point(0, -4)
    far = _point(40, 40)
    return [
        rec(1, "a", "10:00", "10:10", *a, "E", [3, 5]),  # one episode, two observers
        rec(1, "b", "10:01", "10:10", *b, "N", [3, 5]),
        rec(2, "a", "10:02", "10:09", *a, "W", [3, 5]),  # same observer, another episode at once
        rec(1, "c", "10:00", "10:10", *far, "E", [1, 2]),  # far away
    ]


def test_hand_built_scene():
    # the first episode is on the contact line (lon 37.0): with link_line_margin_m a's report to
    # the west may be its other end (one observer hearing a launch and its impacts), so the rule
    # without that margin is checked here and the margin's effect below.  a's two reports at once
    # are both "undetermined": the rejoin weighs only stated ends (rejoin_stated_only), so it
    # would join the two pieces (8 km apart, same times) - the rule that every alike report
    # vetoes is checked here, the default below
    res = fuse(arrays(scene()), FRAME, FusionParams(link_line_margin_m=0.0, rejoin_stated_only=False))
    groups = sorted(sorted(res.observation_ids(k)) for k in range(len(res.incidents)))
    assert groups == [["a/a-1", "b/b-1"], ["a/a-2"], ["c/c-1"]]
    assert sorted(res.incidents.n_bearings.tolist()) == [1, 1, 2]
    res = fuse(arrays(scene()), FRAME, FusionParams(link_line_margin_m=0.0))
    groups = sorted(sorted(res.observation_ids(k)) for k in range(len(res.incidents)))
    assert groups == [["a/a-1", "a/a-2", "b/b-1"], ["c/c-1"]]
    # a stated end in both ("impact" twice at once) is two things: the veto holds
    stated = [dict(r, detail="impact") if r["source"]["id"] == "a" else r for r in scene()]
    res = fuse(arrays(stated), FRAME, FusionParams(link_line_margin_m=0.0))
    groups = sorted(sorted(res.observation_ids(k)) for k in range(len(res.incidents)))
    assert groups == [["a/a-1", "b/b-1"], ["a/a-2"], ["c/c-1"]]


def test_hand_built_scene_end_clusters_with_the_line_margin():
    """Association is unchanged (a's two reports at once never share an end cluster); the link
    pass joins a's western report to the episode on the line as its other end."""
    res = fuse(arrays(scene()), FRAME)
    key = res.observations.key.tolist()
    cl = dict(zip(key, res.cluster_of.tolist()))
    assert cl["a/a-1"] == cl["b/b-1"] != cl["a/a-2"]
    groups = sorted(sorted(res.observation_ids(k)) for k in range(len(res.incidents)))
    assert groups == [["a/a-1", "a/a-2", "b/b-1"], ["c/c-1"]]
    assert sorted(res.incidents.end.tolist()) == ["both", "undetermined"]


def test_every_observation_in_exactly_one_incident():
    res = fuse(arrays(scene()), FRAME)
    members = np.sort(res.incidents.members)
    assert members.tolist() == list(range(len(res.observations)))


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(4))))
def test_order_independent(perm):
    recs = scene()
    base = fuse(arrays(recs), FRAME).incidents.id.tolist()
    assert fuse(arrays([recs[i] for i in perm]), FRAME).incidents.id.tolist() == base


@pytest.fixture(scope="module")
def sim_day():
    from truce.evaluate.run import sim_case

    return sim_case("ukraine-2024-12-07", "typical", 5, scale=0.5)


def _same(a, b):
    assert a.incidents.id.tolist() == b.incidents.id.tolist()
    for col in ("count", "lon", "lat", "uncertainty_m", "t_start", "t_end"):
        np.testing.assert_array_equal(getattr(a.incidents, col), getattr(b.incidents, col))


def test_batch_equals_incremental_and_rerun(sim_day):
    obs = sim_day.obs
    batch = fuse(obs, sim_day.frame)
    _same(batch, fuse(obs, sim_day.frame))
    order = np.argsort(obs.t_start, kind="stable")
    chunks = np.array_split(order, 4)
    res = fuse(obs.take(chunks[0]), sim_day.frame)
    for c in chunks[1:]:
        res = fuse_incremental(obs.take(c), res, sim_day.frame)
    _same(batch, res)


def test_simulated_day_beats_the_naive_tally(sim_day):
    from truce.evaluate.run import run_fusion

    _, q, _ = run_fusion(sim_day)
    # measured 0.880 on this day (scale 0.5, seed 5; 0.871 before the association's time term and
    # the line margin); docs/fusion.md gives the figures over the evaluation seeds 11-15 (0.85
    # typical, 0.86 escalation); the target is 0.9
    assert q.f1 >= 0.85
    assert abs(q.fused_count - q.true_count_observed) < abs(q.naive_count - q.true_count_observed)


def test_association_batches_equal_one_run(sim_day):
    """mutual_best on ranges of whole components (cache-sized batches) == one run over all."""
    from truce.fusion import association as A
    from truce.fusion.gating import block_kdtree_pairs
    from truce.fusion.pipeline import source_codes
    from truce.fusion.scoring import score_pairs

    obs = sim_day.obs.take(np.argsort(sim_day.obs.t_start, kind="stable"))
    p = FusionParams()
    loc = localize(obs, sim_day.frame.projection, p)
    src = source_codes(obs)
    i, j = block_kdtree_pairs(loc.x, loc.y, obs.t_start, obs.t_end, obs.kind, p, None, src,
                              (loc.cxx, loc.cxy, loc.cyy))
    sc = score_pairs(i, j, obs, loc, p, src)
    prob = A.AssociationInput(n=len(obs), i=i[sc.same_end], j=j[sc.same_end], cl_i=i[sc.cannot_link],
                              cl_j=j[sc.cannot_link], x=loc.x, y=loc.y, cxx=loc.cxx, cxy=loc.cxy,
                              cyy=loc.cyy, t0=obs.t_start, t1=obs.t_end, kind=obs.kind)
    whole = A.mutual_best(prob, p, batch_nodes=10**9)
    batched = A.mutual_best(prob, p, batch_nodes=64)
    np.testing.assert_array_equal(whole, batched)
    assert whole.max() + 1 < len(obs)  # something merged


def _union_scene():
    # one episode at (0, 0) heard by three posts: a's window and b's do not overlap, c's covers both
    a, b, c = _point(-4, 0), _point(0, -4), _point(4, 0)
    return [rec(1, "a", "10:00", "10:08", *a, bearing=90.0, dist=[3, 5]),
            rec(1, "b", "10:14", "10:25", *b, bearing=0.0, dist=[3, 5]),
            rec(1, "c", "10:00", "10:25", *c, bearing=270.0, dist=[3, 5])]


def test_reports_of_different_parts_of_one_episode_merge():
    """Clusters merge when their union windows overlap and span at most cluster_span_s, though a's
    and b's windows are 6 min apart (beyond the 3-min tolerance); without it they cannot."""
    obs = arrays(_union_scene())
    assert len(fuse(obs, FRAME).incidents) == 1
    assert len(fuse(obs, FRAME, FusionParams(cluster_span_s=0.0)).incidents) == 2
    # a span shorter than the 25 min the three cover keeps them apart again
    assert len(fuse(obs, FRAME, FusionParams(cluster_span_s=600.0)).incidents) == 2


def test_incremental_in_any_order_equals_batch(sim_day):
    """New observations may be older than the previous ones (late reports): still == batch."""
    obs = sim_day.obs
    batch = fuse(obs, sim_day.frame)
    order = np.random.default_rng(3).permutation(len(obs))
    res = None
    for c in np.array_split(order, 3):
        res = fuse(obs.take(c), sim_day.frame) if res is None else fuse_incremental(obs.take(c), res, sim_day.frame)
    _same(batch, res)


def test_segments_hold_whole_components():
    from truce.fusion.gating import components, segments

    rng = np.random.default_rng(0)
    n = 400
    i = rng.integers(0, n, 300)
    j = np.minimum(i + rng.integers(0, 6, 300), n - 1)  # local edges, as in time order
    seg = segments(n, (i, j))
    comp = components(n, i, j)
    # every component inside one segment, segments are runs numbered in order
    assert all(len(np.unique(seg[comp == c])) == 1 for c in np.unique(comp))
    assert np.all(np.diff(seg) >= 0) and seg[0] == 0
    # and they are the shortest such runs: each run boundary is crossed by no edge
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    for m in np.flatnonzero(np.diff(seg)) + 1:
        assert not np.any((lo < m) & (hi >= m))
    # no edge: every node alone; one edge over everything: one run
    assert segments(5).tolist() == [0, 1, 2, 3, 4]
    assert segments(5, (np.array([0]), np.array([4]))).tolist() == [0] * 5


def test_source_codes_by_key_equal_iff_same_source():
    from truce.fusion.pipeline import _source_codes_by_key, canonical

    def one(src, i):  # distinct counts: distinct observations (one told twice is fused once)
        return dict(rec(1, src, "10:00", "10:05", 37.0, 48.0, "E", count=1 + ord(i[0])), id=i)

    # keys in order: a-b/q, a/a, a/b/c (source "a/b"), a/m, a/z, b/r: source "a" is interleaved
    for recs in ([one("a", "a"), one("a", "z"), one("a", "m"), one("a/b", "c"), one("a-b", "q"), one("b", "r")],
                 [one("a", "a"), one("a", "z"), one("a-b", "q"), one("b", "r")]):
        obs = canonical(arrays(recs))
        code = _source_codes_by_key(obs)
        src = obs.source_id.tolist()
        same_code = code[:, None] == code[None, :]
        same_src = np.array(src, dtype=object)[:, None] == np.array(src, dtype=object)[None, :]
        np.testing.assert_array_equal(same_code, same_src)


def test_score_pairs_windows_checked_is_the_same(sim_day):
    from truce.fusion.gating import block_kdtree_pairs_d2
    from truce.fusion.pipeline import source_codes
    from truce.fusion.scoring import score_pairs

    obs = sim_day.obs
    p = FusionParams()
    loc = localize(obs, sim_day.frame.projection, p)
    src = source_codes(obs)
    i, j, d2 = block_kdtree_pairs_d2(loc.x, loc.y, obs.t_start, obs.t_end, obs.kind, p, None, src,
                                     (loc.cxx, loc.cxy, loc.cyy))
    a = score_pairs(i, j, obs, loc, p, src, d2)
    b = score_pairs(i, j, obs, loc, p, src, d2, src[i] == src[j], windows_checked=True)
    assert a.same_end.sum() > 0 and a.cannot_link.sum() > 0
    np.testing.assert_array_equal(a.same_end, b.same_end)
    np.testing.assert_array_equal(a.cannot_link, b.cannot_link)


def test_text_codes_as_numpy_unique():
    from truce.fusion.pipeline import _text_codes

    vals = np.array(["b", None, "a", "b", "", "c", None], dtype=object)
    codes, inv = _text_codes(vals)
    u, uinv = np.unique(np.array(["" if v is None else v for v in vals], dtype=str), return_inverse=True)
    assert codes.tolist() == u.tolist()
    assert inv.tolist() == uinv.ravel().tolist()


def test_per_kind_count_scale_is_applied():
    recs = [rec(1, "a", "10:00", "10:05", *_point(-4, 0), "E", [3, 5], count=10),
            rec(1, "b", "12:00", "12:05", *_point(-4, 0), "E", [3, 5], kind="burst", detail="small_arms",
                count=10)]
    res = fuse(arrays(recs), FRAME, FusionParams(count_scale_by_kind={"explosion": 1.5, "burst": 0.5}))
    by_kind = dict(zip(res.incidents.kind.tolist(), res.incidents.count.tolist()))
    assert by_kind == {"explosion": 15, "burst": 5}


def _three(t0, t1, cl=((0, 1),), d2=False):
    """Three isotropic observations (sigma 1 km) on a line: 0 at x=0, 1 at x=2 km, 2 at x=0.9 km;
    accepted pairs (0, 2), (1, 2), and (0, 1) unless cannot-linked."""
    from truce.fusion import association as A
    from truce.fusion.scoring import mahalanobis2

    x = np.array([0.0, 2000.0, 900.0])
    pairs = [(0, 2), (1, 2)] + ([(0, 1)] if (0, 1) not in cl else [])
    i, j = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    c = np.full(3, 1e6)
    return A.AssociationInput(
        n=3, i=i, j=j, cl_i=np.array([p[0] for p in cl], np.int64), cl_j=np.array([p[1] for p in cl], np.int64),
        x=x, y=np.zeros(3), cxx=c, cxy=np.zeros(3), cyy=c, t0=np.asarray(t0, float), t1=np.asarray(t1, float),
        kind=np.zeros(3, np.int8),
        d2=mahalanobis2(x[i] - x[j], np.zeros(len(i)), c[i] + c[j], np.zeros(len(i)), c[i] + c[j]) if d2 else None)


@pytest.mark.parametrize("given_d2", [False, True])
def test_association_prefers_the_partner_that_started_and_ended_together(given_d2):
    """Report 2 is nearer report 0 (d2 0.41 against 0.61), but started and ended with report 1
    (0 is 8 min earlier, within the windows' 3-min tolerance): the time term sends it to 1; on
    location alone (assoc_time_sigma_s=0) it goes to 0.  Either way 0 and 1 (one source) stay apart."""
    from truce.fusion.association import mutual_best

    prob = _three([0, 480, 480], [300, 780, 780], d2=given_d2)
    assert mutual_best(prob, FusionParams()).tolist() == [0, 1, 1]
    assert mutual_best(prob, FusionParams(assoc_time_sigma_s=0.0)).tolist() == [0, 1, 0]


@pytest.mark.parametrize("given_d2", [False, True])
def test_vague_report_joins_after_the_precise_ones(given_d2):
    """Report 2 ("overnight", a vague window) is nearest report 0, and report 1 cannot be with 2
    (cannot-link).  A vague report must not seed the merge: 0 pairs with the precise 1 first and 2
    stays apart; with no cost on vague windows, 2 and 0 merge first and 1 is left alone."""
    from truce.fusion.association import mutual_best

    prob = _three([0, 60, -np.inf], [300, 360, np.inf], cl=((1, 2),), d2=given_d2)
    assert mutual_best(prob, FusionParams()).tolist() == [0, 0, 1]
    assert mutual_best(prob, FusionParams(assoc_vague_cost=0.0)).tolist() == [0, 1, 0]


def test_ends_near_the_contact_line_may_link_on_one_side():
    """Two explosive end clusters 6 km apart, same times, both on one side of the contact line:
    linked when one is within link_line_margin_m of the line, not when both are farther, nor with
    the margin off; on different sides they link without the line distance being asked for."""
    from truce.fusion.lifecycle import link_ends

    def link(side, dist_to_line, **kw):
        asked = []

        def line_distance(c):
            asked.append(c.tolist())
            return np.asarray(dist_to_line, float)[c]

        lab = link_ends(np.array([0]), np.array([1]), np.array([True, True]), np.array([0.0, 6000.0]),
                        np.zeros(2), np.zeros(2), np.full(2, 300.0), np.asarray(side, np.int8), np.zeros(2),
                        FusionParams(rejoin_time_s=0.0, **kw), None, line_distance)
        return lab[0] == lab[1], asked

    assert link([0, 0], [1500.0, 7000.0]) == (True, [[0, 1]])
    assert not link([0, 0], [2500.0, 7000.0])[0]
    assert not link([0, 0], [1500.0, 7000.0], link_line_margin_m=0.0)[0]
    assert link([0, 1], [9000.0, 9000.0]) == (True, [])


@pytest.mark.parametrize("details, stated_only, joined", [
    (("undetermined", "undetermined"), True, True),    # says nothing about which end: no veto
    (("undetermined", "undetermined"), False, False),  # the old rule: every alike report vetoes
    (("impact", "impact"), True, False),                # two stated impacts at once: two things
    (("impact", "outgoing"), True, True),               # the two ends of one fire
    ((None, None), True, True),                         # no detail stated
])
def test_rejoin_weighs_only_stated_details(details, stated_only, joined):
    """Two explosive end clusters 3 km apart on one side of the line, same times (not linkable as
    two ends, but rejoinable); observer 0 has one report in each (observations 0 and 1), observer
    1 one report in cluster 1.  The rejoin's observer rule vetoes the join only when observer 0's
    two reports state the same end - "undetermined" (or nothing) is no statement."""
    from truce.fusion.lifecycle import link_ends, rejoin_sources
    from truce.fusion.observations import DETAIL_CODE

    cluster = np.array([0, 1, 1])
    source = np.array([0, 0, 1])
    code = np.array([DETAIL_CODE[d] if d else -1 for d in details] + [DETAIL_CODE["impact"]], np.int8)
    cs = rejoin_sources(cluster, source, code, stated_only)
    lab = link_ends(np.array([0]), np.array([1]), np.array([True, True]), np.array([0.0, 3000.0]),
                    np.zeros(2), np.zeros(2), np.full(2, 300.0), np.zeros(2, np.int8), np.zeros(2),
                    FusionParams(link_line_margin_m=0.0, rejoin_stated_only=stated_only), cs, None)
    assert (lab[0] == lab[1]) == joined


def test_rejoin_with_no_weighed_report():
    """No report states a detail: the observer rule has nothing to weigh (an empty list) and the
    rejoin still runs."""
    from truce.fusion.lifecycle import link_ends

    lab = link_ends(np.array([0]), np.array([1]), np.array([True, True]), np.array([0.0, 3000.0]),
                    np.zeros(2), np.zeros(2), np.full(2, 300.0), np.zeros(2, np.int8), np.zeros(2),
                    FusionParams(link_line_margin_m=0.0), (np.zeros(0, np.int64), np.zeros(0, np.int64)), None)
    assert lab[0] == lab[1]


def _timed(i, src, start, end, lon=36.95):
    r = rec(i, src, "00:00", "00:00", lon, 48.0, direction="E", dist=[2, 4])
    r["time"] = {"start": start, "end": end}
    return r


def test_incident_date_is_the_day_its_fire_is_reported_under():
    """Fire at 00:34 on the 9th, heard precisely by one post and in another's "overnight" window
    (18:00 on the 8th to 06:00 on the 9th): the incident is of the 9th, not of the evening its
    vague window starts on.  A fire reported only "overnight" is of the day the window ends on;
    one reported "in the evening" (18:00-24:00) is of its own day."""
    from datetime import date

    recs = [_timed(0, "a", "2024-12-09T00:34:00+02:00", "2024-12-09T00:40:00+02:00"),
            _timed(1, "b", "2024-12-08T18:00:00+02:00", "2024-12-09T06:00:00+02:00", lon=36.96)]
    res = fuse(arrays(recs), FRAME)
    assert len(res.incidents.day) == 1
    assert date.fromordinal(int(res.incidents.day[0])) == date(2024, 12, 9)
    only_vague = fuse(arrays(recs[1:]), FRAME)
    assert date.fromordinal(int(only_vague.incidents.day[0])) == date(2024, 12, 9)
    evening = [_timed(2, "c", "2024-12-08T18:00:00+02:00", "2024-12-09T00:00:00+02:00")]
    assert date.fromordinal(int(fuse(arrays(evening), FRAME).incidents.day[0])) == date(2024, 12, 8)


def test_local_date_in_the_agreements_zone_whatever_offset_the_time_is_written_with():
    """23:30Z on the 8th is 01:30 on the 9th in Kyiv: with the agreement's zone the observation is
    of the 9th however it was written; without one, of the date in its own offset."""
    from datetime import date
    from zoneinfo import ZoneInfo

    utc = _timed(0, "a", "2024-12-08T23:30:00Z", "2024-12-08T23:35:00Z")
    kyiv = _timed(1, "b", "2024-12-09T01:30:00+02:00", "2024-12-09T01:35:00+02:00")
    zoned, _ = ObservationArrays.from_records([utc, kyiv], ZoneInfo("Europe/Kyiv"))
    assert [date.fromordinal(int(d)) for d in zoned.day] == [date(2024, 12, 9)] * 2
    own, _ = ObservationArrays.from_records([utc, kyiv])
    assert [date.fromordinal(int(d)) for d in own.day] == [date(2024, 12, 8), date(2024, 12, 9)]


def test_one_observation_told_twice_is_fused_once_but_a_patrols_two_stops_are_two():
    """A form and a narrative of one observation (same source, content, other ids; times in
    other offsets) are fused once, the smallest id kept, whatever the order.  Without a precise
    window (an undated sentence: the whole day) one patrol's reports from two stops 12 km apart
    are two observations, however alike."""
    from truce.fusion.observations import SAME_OBSERVATION

    form = _timed(0, "p", "2024-12-08T21:14:00+02:00", "2024-12-08T21:40:00+02:00")
    told = dict(form, id="p-s1-1", time={"start": "2024-12-08T19:14:00Z", "end": "2024-12-08T19:40:00Z"})
    for recs in ([form, told], [told, form]):
        obs, rej = ObservationArrays.from_records(recs)
        assert obs.id.tolist() == ["p-0"]
        assert [(r.id, r.field) for r in rej] == [("p-s1-1", SAME_OBSERVATION)]
        assert "same observation as p/p-0" in rej[0].reason
    other = dict(told, count=4)  # another count: another observation
    assert len(ObservationArrays.from_records([form, other])[0]) == 2
    day = {"start": "2024-12-08T00:00:00+02:00", "end": "2024-12-09T00:00:00+02:00"}
    stop1 = {**rec(1, "patrol-099", "00:00", "00:00", 32.64, 46.65), "time": day}
    stop2 = {**stop1, "id": "patrol-099-2", "observer": {"lat": 46.54, "lon": 32.64}}
    for r in (stop1, stop2):
        del r["count"]
    obs, rej = ObservationArrays.from_records([stop1, stop2])
    assert len(obs) == 2 and rej == []
    same_place = dict(stop2, observer=stop1["observer"])
    obs, rej = ObservationArrays.from_records([stop1, same_place])
    assert len(obs) == 1 and [r.field for r in rej] == [SAME_OBSERVATION]


@pytest.mark.parametrize("prefix", ["z", "0"], ids=["later-id", "earlier-id"])
def test_incremental_equals_batch_when_an_observation_arrives_told_again(sim_day, prefix):
    """The day's records, then the same records again under other ids (a team's narratives after
    its forms): incremental fusion gives the batch's incidents whether the new ids sort after the
    old ones (the new are dropped) or before (the old give way)."""
    from truce.fusion.observations import drop_told_twice

    obs = sim_day.obs
    again = dataclasses.replace(obs, id=np.array([prefix + i for i in obs.id.tolist()], object))
    batch = fuse(drop_told_twice(ObservationArrays.concat([obs, again])), sim_day.frame)
    assert len(batch.observations) == len(obs)  # each observation once
    assert all(i.startswith(prefix) == (prefix == "0") for i in batch.observations.id.tolist())
    _same(batch, fuse_incremental(again, fuse(obs, sim_day.frame), sim_day.frame))
    if prefix == "z":  # the old ids kept: the incidents of the first telling alone
        _same(batch, fuse(obs, sim_day.frame))
