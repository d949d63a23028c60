"""Weapon sightings: heavy weapons seen by patrols and posts in daylight at short range ("saw two
self-propelled howitzers (2S1 Gvozdika, 122 mm) near <settlement>") and by UAV flights over a
stretch of one side (located "<N> km <direction> of <settlement>")."""

from __future__ import annotations

import numpy as np

from truce.geo.frame import AgreementFrame
from truce.sim import observations as ob
from truce.sim.monitors import PATROL, POST, UAV, Network
from truce.sim.observations import ObservationTable
from truce.sim.places import Places
from truce.sim.scenario import Scenario
from truce.sim.sensors import NIGHT_FROM_H, NIGHT_TO_H, curve, pairs_by_day, to_minutes
from truce.sim.truth import DAY_S, TruthTable

#: Farthest a patrol or post picks out a weapon (km).
SIGHT_KM = 3.5


def observe_weapons(scenario: Scenario, frame: AgreementFrame, places: Places, truth: TruthTable,
                    net: Network, rng: np.random.Generator) -> ObservationTable:
    g = np.flatnonzero(truth.kind == "weapon")
    return ObservationTable.concat([
        _ground(scenario, places, truth, net, g, rng),
        _uav(scenario, frame, places, truth, net, g, rng),
    ])


def _group_days(truth: TruthTable, g: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray]:
    """(group, day) rows for every day a group is present."""
    first = np.clip(truth.start_s[g] // DAY_S, 0, days - 1)
    last = np.clip((truth.end_s[g] - 1) // DAY_S, 0, days - 1)
    n = (last - first + 1).astype(np.int64)
    rows = np.repeat(g, n)
    day = np.repeat(first, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    return rows, day.astype(np.int32)


def _ground(scenario: Scenario, places: Places, truth: TruthTable, net: Network, g: np.ndarray,
            rng: np.random.Generator) -> ObservationTable:
    sp = scenario.sensors
    st = net.stints
    sk = net.sources.kind[st.source]
    use = np.flatnonzero((sk == POST) | (sk == PATROL))
    grow, gday = _group_days(truth, g, scenario.days)
    pos = st.pos[use]
    i, j, dist = pairs_by_day(truth.impact_x[grow], truth.impact_y[grow], gday,
                              net.positions.x[pos], net.positions.y[pos], st.day[use], scenario.days,
                              SIGHT_KM * 1000.0)
    row, s_idx = grow[i], use[j]
    day0 = st.day[s_idx].astype(np.int64) * DAY_S
    ov0 = np.maximum.reduce([truth.start_s[row], st.t0[s_idx], day0 + int(NIGHT_TO_H * 3600)])
    ov1 = np.minimum.reduce([truth.end_s[row], st.t1[s_idx], day0 + int(NIGHT_FROM_H * 3600)])
    kind = sk[s_idx]
    p = np.where(kind == PATROL, curve(sp.seen["weapon_patrol"], dist / 1000.0),
                 curve(sp.seen["weapon_post"], dist / 1000.0))
    keep = (ov1 > ov0) & (rng.random(len(row)) < p)
    row, s_idx, ov0, ov1 = row[keep], s_idx[keep], ov0[keep], ov1[keep]
    n = len(row)
    near = places.nearest_ref(truth.impact_x[row], truth.impact_y[row], truth.party[row])
    ok = near >= 0
    row, s_idx, ov0, ov1, near = row[ok], s_idx[ok], ov0[ok], ov1[ok], near[ok]
    n = len(row)
    t = to_minutes(ov0 + rng.random(n) * (ov1 - ov0))
    base = ObservationTable.empty_like(n)
    base.update(
        time_mode=np.full(n, ob.TIME_AT, np.int8), loc_lat=places.lat[near], loc_lon=places.lon[near],
        loc_sigma_m=np.full(n, sp.patrol_location_sigma_m), loc_place=near.astype(np.int64),
        system=truth.system[row].astype(np.int64), episode=row.astype(np.int64),
        end=np.full(n, ob.END_IMPACT, np.int8))
    return ObservationTable(
        stint=s_idx.astype(np.int64), source=st.source[s_idx], day=st.day[s_idx], t_start=t, t_end=t,
        kind=np.full(n, ob.WEAPON, np.int8), count=np.maximum(1, rng.binomial(truth.count[row], 0.9)),
        region=st.region[s_idx], **base)


def _uav(scenario: Scenario, frame: AgreementFrame, places: Places, truth: TruthTable, net: Network,
         g: np.ndarray, rng: np.random.Generator) -> ObservationTable:
    sp = scenario.sensors
    st = net.stints
    flights = np.flatnonzero(net.sources.kind[st.source] == UAV)
    order = g[np.argsort(truth.s_km[g], kind="stable")]
    gs = truth.s_km[order]
    lo = np.searchsorted(gs, st.s0_km[flights])
    hi = np.searchsorted(gs, st.s1_km[flights], side="right")
    k = hi - lo
    f = np.repeat(flights, k)
    row = order[np.repeat(lo, k) + (np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k))]
    ov0 = np.maximum(truth.start_s[row], st.t0[f])
    ov1 = np.minimum(truth.end_s[row], st.t1[f])
    keep = ((truth.party[row] == st.side[f]) & (truth.depth_km[row] <= st.depth_km[f]) & (ov1 > ov0)
            & (rng.random(len(row)) < sp.uav_p_detect))
    row, f, ov0, ov1 = row[keep], f[keep], ov0[keep], ov1[keep]
    pos = places.state_positions(frame, truth.impact_x[row], truth.impact_y[row], truth.party[row])
    near = places.nearest_ref(truth.impact_x[row], truth.impact_y[row], truth.party[row])
    good = pos.ok | (near >= 0)
    row, f, ov0, ov1, near = row[good], f[good], ov0[good], ov1[good], near[good]
    pos = pos.take(np.flatnonzero(good))
    n = len(row)
    stated = pos.ok
    place = np.where(stated, pos.place, near)
    t = to_minutes((ov0 + ov1) // 2)
    base = ObservationTable.empty_like(n)
    base.update(
        time_mode=np.full(n, ob.TIME_AT, np.int8),
        loc_lat=np.where(stated, pos.lat, places.lat[place]),
        loc_lon=np.where(stated, pos.lon, places.lon[place]),
        loc_sigma_m=np.where(stated, sp.uav_location_sigma_m, sp.patrol_location_sigma_m),
        loc_place=place.astype(np.int64), loc_offset_km=np.where(stated, pos.offset_km, np.nan),
        loc_compass=np.where(stated, pos.compass, -1).astype(np.int8),
        system=truth.system[row].astype(np.int64), episode=row.astype(np.int64),
        end=np.full(n, ob.END_IMPACT, np.int8))
    return ObservationTable(
        stint=f.astype(np.int64), source=st.source[f], day=st.day[f], t_start=t, t_end=t,
        kind=np.full(n, ob.WEAPON, np.int8), count=truth.count[row].astype(np.int64),
        region=places.region[place].astype(np.int32), **base)
