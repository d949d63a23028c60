"""The monitoring network: who observes from where and when.

* **posts**: crewed around the clock, every ``post_spacing_km`` along the line on each side
  (the sides staggered), 1-5 km back;
* **cameras**: fixed, with an azimuth, a half-angle and a range, looking towards the line;
* **acoustic sensors**: fixed, explosions only, report a bearing with its sigma;
* **patrols**: teams that drive in daylight (08:00-17:00 local) between 2-5 stops in their stretch
  of line, observing while stopped (OSCE patrols did not move at night);
* **UAV flights**: daylight flights over a stretch of one side, looking for heavy weapons.

Every position is a stated one (see :mod:`truce.sim.places`).  A **stint** is one observer at one
position over a time window: a post's day, a patrol's stop, a UAV flight.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from truce.geo.crs import GEOD
from truce.geo.frame import AgreementFrame
from truce.sim.lineside import offset_points
from truce.sim.places import Places, StatedPositions
from truce.sim.scenario import Scenario

SOURCE_KINDS: tuple[str, ...] = ("post", "patrol", "camera", "acoustic", "uav")
POST, PATROL, CAMERA, ACOUSTIC, UAV = range(5)
DAY_S = 86_400
_POOL = 12  # candidate stops per patrol team
_RETRIES = 6  # attempts to find a stateable position near a wanted one


@dataclass(frozen=True, eq=False)
class Sources:
    """The observers (teams and sensors), one row each."""

    id: np.ndarray  # object, e.g. "op-012"
    kind: np.ndarray  # int, index into SOURCE_KINDS
    number: np.ndarray  # int, 1-based within the kind
    party: np.ndarray  # int8: the side it stands on (UAV: -1)
    azimuth_deg: np.ndarray  # cameras; NaN otherwise
    half_angle_deg: np.ndarray
    range_km: np.ndarray

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True, eq=False)
class Stints:
    """One observer at one stated position over ``[t0, t1)`` (seconds from the first midnight)."""

    source: np.ndarray
    pos: np.ndarray  # index into Network.positions, -1 for UAV flights
    day: np.ndarray
    t0: np.ndarray
    t1: np.ndarray
    region: np.ndarray
    s0_km: np.ndarray  # UAV: the stretch of line flown over, the side and the depth
    s1_km: np.ndarray
    side: np.ndarray
    depth_km: np.ndarray

    def __len__(self) -> int:
        return len(self.source)


@dataclass(frozen=True, eq=False)
class Network:
    sources: Sources
    positions: StatedPositions
    stints: Stints


def build_network(scenario: Scenario, frame: AgreementFrame, places: Places,
                  rng: np.random.Generator) -> Network:
    """Place the posts, cameras, acoustic sensors and patrol stops, and schedule every stint."""
    net = scenario.network
    line_m = frame.line_length_m
    zone_km = frame.agreement.security_zone_km
    src: dict[str, list[np.ndarray]] = {k: [] for k in ("kind", "party", "az", "half", "range", "pos")}
    pos_parts: list[StatedPositions] = []
    n_pos = 0

    def add_fixed(kind: int, s: np.ndarray, party: np.ndarray, setback: tuple[float, float]) -> None:
        nonlocal n_pos
        st, keep = _stated(frame, places, s, party, setback, zone_km, rng)
        st = st.take(keep)
        party = party[keep]
        m = len(keep)
        if kind == CAMERA:
            fx, fy, _, _ = frame.locate_along(s[keep])
            flon, flat = frame.projection.to_lonlat(fx, fy)
            az = np.asarray(GEOD.inv(st.lon, st.lat, flon, flat)[0]) if m else np.zeros(0)
            az = np.mod(az + rng.normal(0.0, 10.0, m), 360.0)
            half = rng.uniform(*net.camera_half_angle_deg, m)
            rng_km = np.full(m, net.camera_range_km)
        else:
            az, half, rng_km = (np.full(m, np.nan) for _ in range(3))
        src["kind"].append(np.full(m, kind))
        src["party"].append(party)
        src["az"].append(az)
        src["half"].append(half)
        src["range"].append(rng_km)
        src["pos"].append(n_pos + np.arange(m))
        pos_parts.append(st)
        n_pos += m

    for p in (0, 1):
        k = np.arange(int(line_m // (net.post_spacing_km * 1000.0)) + 1)
        s = (k + 0.25 + 0.5 * p + rng.normal(0.0, 0.08, len(k))) * net.post_spacing_km * 1000.0
        add_fixed(POST, s[(s > 0) & (s < line_m)], np.full(len(k), p, np.int8)[(s > 0) & (s < line_m)],
                  net.post_setback_km)
    for kind, spacing, setback in ((CAMERA, net.camera_spacing_km, net.camera_setback_km),
                                   (ACOUSTIC, net.acoustic_spacing_km, net.acoustic_setback_km)):
        k = np.arange(int(line_m // (spacing * 1000.0)) + 1)
        s = np.minimum((k + rng.uniform(0.2, 0.8, len(k))) * spacing * 1000.0, line_m)
        add_fixed(kind, s, (k % 2).astype(np.int8), setback)

    # patrol teams and their pools of stops
    teams_party, pool_team, pool_pos = [], [], []
    team = 0
    for p in (0, 1):
        k = np.arange(max(1, int(line_m // (net.patrol_spacing_km * 1000.0))))
        centre = (k + 0.5) * net.patrol_spacing_km * 1000.0
        s = (np.repeat(centre, _POOL)
             + rng.uniform(-0.5, 0.5, len(k) * _POOL) * net.patrol_sector_km * 1000.0)
        s = np.clip(s, 0.0, line_m)
        tm = np.repeat(k, _POOL)
        st, keep = _stated(frame, places, s, np.full(len(s), p, np.int8), net.patrol_setback_km,
                           zone_km, rng)
        tm, st = tm[keep], st.take(keep)
        # a team reports for one region: keep the stops stated from the region of its first stop
        reg = places.region[st.place]
        first = np.full(len(k), -1)
        uniq, idx = np.unique(tm, return_index=True)
        first[uniq] = reg[idx]
        same = reg == first[tm]
        tm, st = tm[same], st.take(np.flatnonzero(same))
        counts = np.bincount(tm, minlength=len(k))
        good = np.flatnonzero(counts >= 2)
        remap = np.full(len(k), -1)
        remap[good] = team + np.arange(len(good))
        sel = np.flatnonzero(remap[tm] >= 0)
        pool_team.append(remap[tm[sel]])
        pool_pos.append(n_pos + np.arange(len(sel)))
        pos_parts.append(st.take(sel))
        n_pos += len(sel)
        teams_party.append(np.full(len(good), p, np.int8))
        team += len(good)
    n_fixed = sum(len(a) for a in src["kind"])
    positions = _concat_positions(pos_parts)
    fixed_kind = np.concatenate(src["kind"])
    fixed_pos = np.concatenate(src["pos"])
    patrol_party = np.concatenate(teams_party)
    n_teams = len(patrol_party)
    p_team = np.concatenate(pool_team)
    p_pos = np.concatenate(pool_pos)

    # stints: fixed observers for every day
    days = scenario.days
    fs = np.repeat(np.arange(n_fixed), days)
    fday = np.tile(np.arange(days), n_fixed).astype(np.int32)
    fixed_stints = _stints(fs, fixed_pos[fs], fday, fday.astype(np.int64) * DAY_S,
                           (fday.astype(np.int64) + 1) * DAY_S,
                           places.region[positions.place[fixed_pos[fs]]])
    patrol_stints = _patrol_days(scenario, n_fixed, n_teams, p_team, p_pos, positions, places, rng)
    uav_stints, n_uav = _uav_flights(scenario, frame, places, n_fixed + n_teams, rng)
    stints = Stints(**{f.name: np.concatenate([getattr(s, f.name) for s in
                                               (fixed_stints, patrol_stints, uav_stints)])
                       for f in dataclasses.fields(Stints)})

    kind = np.concatenate([fixed_kind, np.full(n_teams, PATROL), np.full(n_uav, UAV)])
    number = np.zeros(len(kind), dtype=np.int64)
    for k in range(len(SOURCE_KINDS)):
        sel = np.flatnonzero(kind == k)
        number[sel] = np.arange(1, len(sel) + 1)
    prefix = np.array(["op", "patrol", "cam", "acoustic", "uav"], dtype=object)
    ids = np.array([f"{prefix[k]}-{n:03d}" for k, n in zip(kind.tolist(), number.tolist())], dtype=object)
    pad = np.full(n_teams + n_uav, np.nan)
    sources = Sources(
        id=ids, kind=kind, number=number,
        party=np.concatenate([np.concatenate(src["party"]), patrol_party,
                              np.full(n_uav, -1, np.int8)]).astype(np.int8),
        azimuth_deg=np.concatenate([np.concatenate(src["az"]), pad]),
        half_angle_deg=np.concatenate([np.concatenate(src["half"]), pad]),
        range_km=np.concatenate([np.concatenate(src["range"]), pad]))
    return Network(sources=sources, positions=positions, stints=stints)


def _stated(frame: AgreementFrame, places: Places, s: np.ndarray, party: np.ndarray,
            setback: tuple[float, float], zone_km: float, rng: np.random.Generator
            ) -> tuple[StatedPositions, np.ndarray]:
    """Stated positions for points a ``setback`` (km range) behind the line at ``s`` (m); where
    none works (off the party's area, no settlement to state it from, too close to or too far
    from the line) retry a few times nearby.  Returns the positions and the indices that worked."""
    n = len(s)
    best = places.state_positions(frame, np.zeros(n), np.zeros(n), party.astype(np.int8))
    found = np.zeros(n, dtype=bool)
    for attempt in range(_RETRIES):
        todo = np.flatnonzero(~found)
        if not len(todo):
            break
        jitter = rng.uniform(-1.0, 1.0, len(todo)) * 1500.0 * attempt
        st_s = np.clip(s[todo] + jitter, 0.0, frame.line_length_m)
        x, y, ok = offset_points(frame, st_s, party[todo], rng.uniform(*setback, len(todo)) * 1000.0)
        st = places.state_positions(frame, np.where(ok, x, 0.0), np.where(ok, y, 0.0), party[todo])
        _, _, _, d = frame.nearest_on_line(st.x, st.y)
        good = ok & st.ok & (d >= 300.0) & (d <= zone_km * 1000.0)
        for f in ("place", "offset_km", "compass", "lat", "lon", "x", "y", "ok"):
            getattr(best, f)[todo[good]] = getattr(st, f)[good]
        found[todo[good]] = True
    return best, np.flatnonzero(found)


def _concat_positions(parts: list[StatedPositions]) -> StatedPositions:
    return StatedPositions(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                             ("place", "offset_km", "compass", "lat", "lon", "x", "y", "ok")))


def _stints(source: np.ndarray, pos: np.ndarray, day: np.ndarray, t0: np.ndarray, t1: np.ndarray,
            region: np.ndarray) -> Stints:
    n = len(source)
    nan = np.full(n, np.nan)
    return Stints(source=source.astype(np.int64), pos=pos.astype(np.int64), day=day.astype(np.int32),
                  t0=t0.astype(np.int64), t1=t1.astype(np.int64), region=region.astype(np.int32),
                  s0_km=nan, s1_km=nan.copy(), side=np.full(n, -1, np.int8), depth_km=nan.copy())


def _patrol_days(scenario: Scenario, first_source: int, n_teams: int, pool_team: np.ndarray,
                 pool_pos: np.ndarray, positions: StatedPositions, places: Places,
                 rng: np.random.Generator) -> Stints:
    """Each team's daily round: leave between 08:00 and 09:00, drive to 2-5 stops, observe at each
    for 30-120 min, be back by 17:00.  Stops are drawn from the team's pool."""
    net = scenario.network
    days = scenario.days
    td_team = np.repeat(np.arange(n_teams), days)
    td_day = np.tile(np.arange(days), n_teams)
    m = len(td_team)
    k = net.patrol_stops[1]
    n_stops = rng.integers(net.patrol_stops[0], net.patrol_stops[1] + 1, m)
    depart = net.patrol_hours[0] * 3600.0 + rng.uniform(0.0, 3600.0, m)
    travel = rng.uniform(*net.patrol_travel_min, (m, k)) * 60.0
    dwell = rng.uniform(*net.patrol_dwell_min, (m, k)) * 60.0
    arrive = depart[:, None] + np.cumsum(travel, axis=1) + np.cumsum(dwell, axis=1) - dwell
    leave = np.minimum(arrive + dwell, net.patrol_hours[1] * 3600.0)
    keep = (np.arange(k)[None, :] < n_stops[:, None]) & (leave - arrive >= 600.0)
    order = np.argsort(pool_team, kind="stable")
    start = np.searchsorted(pool_team[order], np.arange(n_teams))
    size = np.bincount(pool_team, minlength=n_teams)
    # k distinct stops from the team's pool: the first k of a random permutation of the pool
    keys = rng.random((m, _POOL))
    keys[np.arange(_POOL)[None, :] >= size[td_team][:, None]] = np.inf
    perm = np.argsort(keys, axis=1, kind="stable")[:, :k]
    pick = start[td_team][:, None] + np.minimum(perm, size[td_team][:, None] - 1)
    keep &= np.arange(k)[None, :] < size[td_team][:, None]
    row, col = np.nonzero(keep)
    pos = pool_pos[order][pick[row, col]]
    day = td_day[row]
    base = day.astype(np.int64) * DAY_S
    return _stints(first_source + td_team[row], pos, day,
                   base + np.round(arrive[row, col]).astype(np.int64),
                   base + np.round(leave[row, col]).astype(np.int64),
                   places.region[positions.place[pos]])


def _uav_flights(scenario: Scenario, frame: AgreementFrame, places: Places, first_source: int,
                 rng: np.random.Generator) -> tuple[Stints, int]:
    net = scenario.network
    line_m = frame.line_length_m
    n_day = rng.poisson(net.uav_flights_per_100km * line_m / 100_000.0, scenario.days)
    day = np.repeat(np.arange(scenario.days), n_day).astype(np.int32)
    n = len(day)
    k = np.arange(n) - np.repeat(np.cumsum(n_day) - n_day, n_day)  # flight number within the day
    sector = min(net.uav_sector_km * 1000.0, line_m)
    s0 = rng.uniform(0.0, line_m - sector, n)
    side = rng.integers(0, 2, n).astype(np.int8)
    dur = rng.uniform(*net.uav_flight_h, n) * 3600.0
    t0 = rng.uniform(net.uav_hours[0] * 3600.0, np.maximum(net.uav_hours[1] * 3600.0 - dur,
                                                            net.uav_hours[0] * 3600.0))
    base = day.astype(np.int64) * DAY_S
    mx, my, _ = offset_points(frame, s0 + sector / 2, side, np.full(n, 5000.0))
    region = places.region[places.nearest(np.nan_to_num(mx), np.nan_to_num(my))]
    st = _stints(first_source + k, np.full(n, -1), day, base + np.round(t0).astype(np.int64),
                 base + np.round(t0 + dur).astype(np.int64), region)
    st = dataclasses.replace(st, s0_km=s0 / 1000.0, s1_km=(s0 + sector) / 1000.0, side=side,
                             depth_km=np.full(n, net.uav_depth_km))
    return st, int(n_day.max(initial=0))
