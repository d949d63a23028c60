"""Observations: the DESIGN contract, the truth links, redundancy, and the detection model."""

from __future__ import annotations

import numpy as np

from truce.sim import observations as ob
from truce.sim.io import link_records, observation_records, truth_ids
from truce.sim.monitors import ACOUSTIC, CAMERA, PATROL, UAV
from truce.sim.stats import compute_stats, format_stats
from truce.sim.truth import DAY_S

from .contract import check_observation


def test_every_observation_fits_the_contract(mixed):
    records = list(observation_records(mixed))
    assert len(records) == len(mixed.observations) > 1000
    for rec in records:
        check_observation(rec)
    ids = [(r["source"]["id"], r["id"]) for r in records]
    assert len(set(ids)) == len(ids)  # the idempotency key is unique
    kinds = {r["kind"] for r in records}
    assert {"explosion", "projectile", "burst", "shot", "flare", "weapon"} <= kinds
    sources = {r["source"]["kind"] for r in records}
    assert sources == {"post", "patrol", "camera", "acoustic", "uav"}


def test_observations_never_carry_the_truth(typical):
    rec = next(observation_records(typical))
    assert not {"episode", "episode_id", "truth", "error"} & set(rec)


def test_links_point_to_truth_or_mark_false_reports(mixed):
    ids = set(truth_ids(mixed).tolist())
    links = list(link_records(mixed))
    assert len(links) == len(mixed.observations)
    false = [lk for lk in links if lk["error"] == "false_report"]
    assert false and all(lk["episode_id"] is None for lk in false)
    real = [lk for lk in links if lk["error"] != "false_report"]
    assert all(lk["episode_id"] in ids for lk in real)
    share = (len(false) + sum(lk["error"] == "wrong_direction" for lk in links)) / len(links)
    assert 0.003 < share < 0.03  # a small rate of false or mistaken reports


def test_reported_directions_point_at_the_perceived_end(typical):
    o = typical.observations
    net = typical.network
    sel = np.flatnonzero((o.compass >= 0) & (o.error == ob.ERR_NONE) & (o.kind != ob.WEAPON))
    t = typical.truth
    ep, end = o.episode[sel], o.end[sel]
    ex = np.where(end == ob.END_ORIGIN, t.origin_x[ep], t.impact_x[ep])
    ey = np.where(end == ob.END_ORIGIN, t.origin_y[ep], t.impact_y[ep])
    pos = net.stints.pos[o.stint[sel]]
    dx, dy = ex - net.positions.x[pos], ey - net.positions.y[pos]
    # grid bearing in the local azimuthal projection is close to true bearing near its centre
    bearing = np.degrees(np.arctan2(dx, dy)) % 360
    err = np.abs((o.compass[sel] * 22.5 - bearing + 180) % 360 - 180)
    assert np.median(err) < 15
    assert (err < 50).mean() > 0.95


def test_several_observers_per_episode_and_the_naive_tally_overshoots(typical):
    s = compute_stats(typical)
    assert s.obs_per_episode_mean > 1.5
    assert s.multi_observer_share >= 0.4
    assert s.overshoot > 1.2
    assert sum(s.obs_per_episode_hist.values()) == __import__("pytest").approx(1.0)
    assert "naive tally" in format_stats(s)


def test_patrols_only_observe_in_daylight_and_sensors_only_see_or_hear(mixed):
    o = mixed.observations
    kind = mixed.network.sources.kind[o.source]
    hour = (o.t_start % DAY_S) / 3600
    patrol = kind == PATROL
    assert patrol.any()
    assert (hour[patrol] >= 7.9).all() and (hour[patrol] <= 17.2).all()
    assert not o.heard_only[kind == CAMERA].any()
    assert set(np.unique(o.kind[kind == ACOUSTIC]).tolist()) == {ob.EXPLOSION}
    assert np.isfinite(o.bearing_deg[kind == ACOUSTIC]).all()
    assert set(np.unique(o.kind[kind == UAV]).tolist()) == {ob.WEAPON}


def test_some_weapon_sightings_are_of_weapons_inside_withdrawal_distance(mixed):
    s = compute_stats(mixed)
    assert s.weapon_sightings_inside_withdrawal >= 5
