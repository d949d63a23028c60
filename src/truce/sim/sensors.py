"""Detection and description: which observer perceives which firing episode, and what it reports.

For every (episode end, observer stint) pair within ``RADIUS_KM`` that overlaps in time, the
observer hears the end with a logistic probability of distance per kind, sees it with another
(night flashes, flares, tracer, projectiles in flight; cameras only see, within their field of
view; acoustic sensors only hear explosions).  An observation then gets a noisy direction
(16-point compass, or a bearing with sigma for acoustic sensors), a distance estimate with
multiplicative lognormal error written as a range, "about" or unknown, a time window with
minute-level error, an outgoing/impact judgement with confusion, and a thinned, sometimes
over-counted number of rounds.  Long episodes are sometimes reported as two observations.
A small rate of false reports (events that did not happen) and wrong directions is added.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from truce.geo.crs import GEOD
from truce.geo.frame import AgreementFrame
from truce.sim import observations as ob
from truce.sim.monitors import ACOUSTIC, CAMERA, PATROL, POST, UAV, Network
from truce.sim.observations import ObservationTable
from truce.sim.places import Places
from truce.sim.scenario import Curve, Scenario, SensorParams
from truce.sim.truth import DAY_S, TruthTable

#: No observer perceives anything farther than this.
RADIUS_KM = 16.0
#: Hours (local) of darkness, December in the Donbas: dusk ~16:30, dawn ~07:30.
NIGHT_FROM_H, NIGHT_TO_H = 16.5, 7.5
_SPLIT_MIN_S = 20 * 60


def curve(c: Curve, d_km: np.ndarray) -> np.ndarray:
    """Detection probability at distance ``d_km`` on a logistic curve."""
    return c.p_max / (1.0 + np.exp((d_km - c.d50_km) / c.width_km))


def is_night(t_s: np.ndarray) -> np.ndarray:
    hour = np.mod(t_s, DAY_S) / 3600.0
    return (hour >= NIGHT_FROM_H) | (hour < NIGHT_TO_H)


def pairs_by_day(ax: np.ndarray, ay: np.ndarray, aday: np.ndarray, bx: np.ndarray, by: np.ndarray,
                 bday: np.ndarray, days: int, radius_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (a, b) pairs on the same day within ``radius_m``: indices and distances (m), sorted."""
    ea = np.argsort(aday, kind="stable")
    eb = np.argsort(bday, kind="stable")
    ba = np.searchsorted(aday[ea], np.arange(days + 1))
    bb = np.searchsorted(bday[eb], np.arange(days + 1))
    out_i, out_j, out_d = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for d in range(days):  # one KD-tree join per day, not per item
        ia = ea[ba[d]:ba[d + 1]]
        ib = eb[bb[d]:bb[d + 1]]
        if not len(ia) or not len(ib):
            continue
        m = cKDTree(np.column_stack([ax[ia], ay[ia]])).sparse_distance_matrix(
            cKDTree(np.column_stack([bx[ib], by[ib]])), radius_m, output_type="ndarray")
        out_i.append(ia[m["i"]])
        out_j.append(ib[m["j"]])
        out_d.append(m["v"])
    i, j, dist = np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_d)
    order = np.lexsort((j, i))
    return i[order], j[order], dist[order]


def to_minutes(t_s: np.ndarray) -> np.ndarray:
    return (np.round(np.asarray(t_s, dtype=float) / 60.0) * 60.0).astype(np.int64)


def time_modes(sp: SensorParams, start: np.ndarray, end: np.ndarray, day: np.ndarray,
               vague_ok: np.ndarray, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Round to minutes and choose how the time is written; returns (start, end, mode)."""
    s = to_minutes(start)
    e = np.maximum(to_minutes(end), s)
    mode = np.where(e - s < 120, ob.TIME_AT, ob.TIME_RANGE).astype(np.int8)
    e = np.where(mode == ob.TIME_AT, s, e)
    midnight = day.astype(np.int64) * DAY_S
    vague = vague_ok & (rng.random(len(s)) < sp.vague_time_share)
    night = vague & (s >= midnight) & (e < midnight + 6 * 3600)
    evening = vague & (s >= midnight + 18 * 3600) & (e < midnight + DAY_S)
    mode[night] = ob.TIME_OVERNIGHT
    s = np.where(night, midnight, s)
    e = np.where(night, midnight + 6 * 3600, e)
    mode[evening] = ob.TIME_EVENING
    s = np.where(evening, midnight + 18 * 3600, s)
    e = np.where(evening, midnight + DAY_S, e)
    return s, e, mode


def describe_distance(sp: SensorParams, d_km: np.ndarray, unknown_p: np.ndarray,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimated distance with lognormal error, written as unknown, "about" or a range."""
    n = len(d_km)
    est = d_km * np.exp(rng.normal(0.0, sp.distance_sigma, n))
    u = rng.random(n)
    mode = np.where(u < unknown_p, ob.DIST_UNKNOWN,
                    np.where(u < unknown_p + sp.about_distance_share, ob.DIST_ABOUT, ob.DIST_RANGE))
    small = est < 1.5
    about = np.where(est < 2.0, np.maximum(np.round(est * 2) / 2, 0.5), np.round(est))
    lo = np.where(small, np.maximum(np.floor(est * 0.8 * 2) / 2, 0.5), np.maximum(np.floor(est * 0.8), 1.0))
    hi = np.where(small, np.maximum(np.ceil(est * 1.2 * 2) / 2, lo + 0.5),
                  np.maximum(np.ceil(est * 1.2), lo + 1.0))
    lo = np.where(mode == ob.DIST_ABOUT, about, np.where(mode == ob.DIST_RANGE, lo, np.nan))
    hi = np.where(mode == ob.DIST_ABOUT, about, np.where(mode == ob.DIST_RANGE, hi, np.nan))
    return mode.astype(np.int8), lo, hi


def observe_fire(scenario: Scenario, frame: AgreementFrame, places: Places, truth: TruthTable,
                 net: Network, rng: np.random.Generator) -> ObservationTable:
    """Observations of the firing episodes (explosions, bursts, shots, flares, projectiles)."""
    sp = scenario.sensors
    fire = np.flatnonzero(truth.is_fire)
    kind = truth.kind[fire]
    # the ends an observer can perceive: impacts (explosions, flares), firing positions (launch
    # of explosive fire, bursts and shots)
    has_imp = (kind == "explosion") | (kind == "flare")
    has_org = kind != "flare"
    ep = np.concatenate([fire[has_imp], fire[has_org]])
    etype = np.concatenate([np.full(has_imp.sum(), ob.END_IMPACT), np.full(has_org.sum(), ob.END_ORIGIN)])
    ex = np.where(etype == ob.END_IMPACT, truth.impact_x[ep], truth.origin_x[ep])
    ey = np.where(etype == ob.END_IMPACT, truth.impact_y[ep], truth.origin_y[ep])
    st = net.stints
    src_kind = net.sources.kind[st.source]
    use = np.flatnonzero((st.pos >= 0) & (src_kind != UAV))
    pos = st.pos[use]
    px, py = net.positions.x[pos], net.positions.y[pos]
    ie, js, dist_m = pairs_by_day(ex, ey, truth.day[ep], px, py, st.day[use], scenario.days,
                                  RADIUS_KM * 1000.0)
    s_idx = use[js]
    e_ep = ep[ie]
    sk = src_kind[s_idx]
    t0, t1 = truth.start_s[e_ep], truth.end_s[e_ep]
    fixed = sk != PATROL  # round-the-clock observers keep listening past midnight
    ov0 = np.maximum(t0, st.t0[s_idx])
    ov1 = np.where(fixed, t1, np.minimum(t1, st.t1[s_idx]))
    ok = ov1 >= ov0
    ie, s_idx, e_ep, sk, ov0, ov1, dist_m = (a[ok] for a in (ie, s_idx, e_ep, sk, ov0, ov1, dist_m))
    n = len(ie)
    d_km = dist_m / 1000.0
    e_type = etype[ie]
    t_kind = truth.kind[e_ep]
    wclass = truth.weapon_class[e_ep]
    night = is_night((ov0 + ov1) // 2)
    olon, olat = net.positions.lon[st.pos[s_idx]], net.positions.lat[st.pos[s_idx]]
    elon, elat = frame.projection.to_lonlat(ex[ie], ey[ie])
    az = np.mod(np.asarray(GEOD.inv(olon, olat, elon, elat)[0]) if n else np.zeros(0), 360.0)

    # -- detection ---------------------------------------------------------------------------
    human = (sk == POST) | (sk == PATROL)
    expl = t_kind == "explosion"
    fireburst = (t_kind == "burst") | (t_kind == "shot")
    flare = t_kind == "flare"
    p_heard = np.zeros(n)
    p_seen = np.zeros(n)
    impact = e_type == ob.END_IMPACT
    p_heard = np.where(human & expl & impact, curve(sp.heard["explosion"], d_km), p_heard)
    p_heard = np.where(human & expl & ~impact, curve(sp.heard["outgoing"], d_km), p_heard)
    for c in ("small_arms", "heavy_machine_gun"):
        p_heard = np.where(human & fireburst & (wclass == c), curve(sp.heard[c], d_km), p_heard)
    p_heard = np.where((sk == ACOUSTIC) & expl, curve(sp.acoustic, d_km), p_heard)
    seen_expl = np.where(night, curve(sp.seen["explosion_night"], d_km),
                         curve(sp.seen["explosion_day"], d_km))
    p_seen = np.where(human & expl, seen_expl, p_seen)
    p_seen = np.where(human & flare & night, curve(sp.seen["flare"], d_km), p_seen)
    p_seen = np.where(human & fireburst & night, 0.5 * curve(sp.seen["projectile"], d_km), p_seen)
    cam = sk == CAMERA
    off = np.abs((az - net.sources.azimuth_deg[st.source[s_idx]] + 180.0) % 360.0 - 180.0)
    in_view = cam & (off <= net.sources.half_angle_deg[st.source[s_idx]]) & (
        d_km <= net.sources.range_km[st.source[s_idx]])
    p_cam = np.where(night, sp.camera_p_night, sp.camera_p_day)
    p_seen = np.where(in_view & expl, p_cam, p_seen)
    p_seen = np.where(in_view & flare & night, sp.camera_p_night, p_seen)
    p_seen = np.where(in_view & fireburst & night, 0.5 * sp.camera_p_night, p_seen)
    heard = rng.random(n) < p_heard
    seen = rng.random(n) < p_seen
    det = np.flatnonzero(heard | seen)
    cols = [ie, s_idx, e_ep, sk, ov0, ov1, d_km, e_type, t_kind, wclass, night, olon, olat, az,
            heard, seen, human, expl, fireburst, flare]
    (ie, s_idx, e_ep, sk, ov0, ov1, d_km, e_type, t_kind, wclass, night, olon, olat, az, heard, seen,
     human, expl, fireburst, flare) = (c[det] for c in cols)

    # -- long episodes reported in two parts -------------------------------------------------
    n = len(ie)
    true_count = truth.count[e_ep]
    frac = np.clip((ov1 - ov0) / np.maximum(truth.end_s[e_ep] - truth.start_s[e_ep], 1), 0.0, 1.0)
    split = ((ov1 - ov0) > _SPLIT_MIN_S) & (true_count >= 4) & (sk != ACOUSTIC) & (
        rng.random(n) < sp.split_share)
    cut = rng.uniform(0.3, 0.7, n)
    rep = np.where(split, 2, 1)
    row = np.repeat(np.arange(n), rep)
    part = np.arange(len(row)) - np.repeat(np.cumsum(rep) - rep, rep)
    is_split = split[row]
    length = (ov1 - ov0)[row]
    c0 = ov0[row] + (cut[row] * length).astype(np.int64)
    gap = (0.15 * length).astype(np.int64)
    new0 = np.where(is_split & (part == 1), c0 + gap, ov0[row])
    new1 = np.where(is_split & (part == 0), c0, ov1[row])
    share = np.where(is_split, np.where(part == 0, cut[row], 1.0 - cut[row]), 1.0)
    (ie, s_idx, e_ep, sk, d_km, e_type, t_kind, wclass, night, olon, olat, az, heard, seen, human,
     expl, fireburst, flare, frac) = (c[row] for c in (ie, s_idx, e_ep, sk, d_km, e_type, t_kind, wclass,
                                                        night, olon, olat, az, heard, seen, human, expl,
                                                        fireburst, flare, frac))
    ov0, ov1 = new0, new1
    n = len(row)

    # -- what is reported --------------------------------------------------------------------
    proj_p = np.where(wclass == "mlrs", sp.projectile_share_mlrs, sp.projectile_share_other)
    okind = np.full(n, ob.EXPLOSION, np.int8)
    okind[fireburst] = np.where(t_kind[fireburst] == "shot", ob.SHOT, ob.BURST)
    okind[flare] = ob.FLARE
    okind[expl & seen & night & (sk != ACOUSTIC) & (rng.random(n) < proj_p)] = ob.PROJECTILE
    okind[fireburst & seen & ~heard] = ob.PROJECTILE  # tracer seen, not heard (cameras, far)
    detail = _details(sp, okind, e_type, truth.detail[e_ep], wclass, sk, rng)
    heard_only = heard & ~seen & (sk != CAMERA)

    # counts: thinned by distance, some over-counted, a few "undetermined number"
    in_window = np.maximum(1, np.round(true_count[row] * frac * share)).astype(np.int64)
    ref = np.where(fireburst, 4.0, np.where(sk == CAMERA, 8.0, 12.0))
    p_count = sp.count_p_far + (sp.count_p_near - sp.count_p_far) * np.clip(1.0 - d_km / ref, 0.0, 1.0)
    count = rng.binomial(in_window, p_count)
    over = rng.random(n) < sp.overcount_share
    count = np.maximum(1, count + over * (1 + rng.poisson(0.1 * in_window)))
    fire_kind = (okind == ob.BURST) | (okind == ob.SHOT)
    count_known = ~(fire_kind & (rng.random(n) < sp.undetermined_count_share))

    # direction, with a few reported the wrong way
    sigma = np.where(sk == CAMERA, sp.camera_bearing_sigma_deg, sp.bearing_sigma_deg)
    wrong = (rng.random(n) < sp.wrong_direction_share) & (sk != ACOUSTIC)
    bearing = az + rng.normal(0.0, 1.0, n) * sigma + wrong * rng.uniform(90.0, 270.0, n)
    compass = (np.round(np.mod(bearing, 360.0) / 22.5).astype(np.int64) % 16).astype(np.int8)
    acoustic = sk == ACOUSTIC
    a_bearing = np.mod(np.round(az + rng.normal(0.0, sp.acoustic_bearing_sigma_deg, n)), 360.0)

    # distance
    unknown_p = np.where(sk == CAMERA, 0.5, np.where(night, 1.5, 1.0) * sp.unknown_distance_share)
    dmode, dlo, dhi = describe_distance(sp, d_km, unknown_p, rng)

    # time, from the observer's clock
    start = ov0 + rng.normal(0.0, sp.time_sigma_min * 60.0, n)
    end = ov1 + rng.normal(0.0, sp.time_sigma_min * 60.0, n)
    day = net.stints.day[s_idx]
    t_s, t_e, tmode = time_modes(sp, start, end, day, (sk == POST) | (sk == CAMERA), rng)

    base = ObservationTable.empty_like(n)
    base.update(
        detail=detail, time_mode=tmode, count_known=count_known,
        compass=np.where(acoustic, -1, compass).astype(np.int8),
        bearing_deg=np.where(acoustic, a_bearing, np.nan),
        bearing_sigma_deg=np.where(acoustic, sp.acoustic_bearing_sigma_deg, np.nan),
        dist_mode=np.where(acoustic, ob.DIST_NONE, dmode).astype(np.int8),
        dist_lo=np.where(acoustic, np.nan, dlo), dist_hi=np.where(acoustic, np.nan, dhi),
        heard_only=heard_only, episode=e_ep.astype(np.int64), end=e_type.astype(np.int8),
        error=np.where(wrong, ob.ERR_DIRECTION, ob.ERR_NONE).astype(np.int8))
    return ObservationTable(stint=s_idx.astype(np.int64), source=net.stints.source[s_idx], day=day,
                            t_start=t_s, t_end=t_e, kind=okind, count=count.astype(np.int64),
                            region=net.stints.region[s_idx], **base)


def _details(sp: SensorParams, okind: np.ndarray, e_type: np.ndarray, t_detail: np.ndarray,
             wclass: np.ndarray, sk: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Outgoing/impact judged right, left undetermined or confused; small arms vs HMG mixed up."""
    n = len(okind)
    u = rng.random(n)
    true = np.where(e_type == ob.END_ORIGIN, ob.OUTGOING,
                    np.where(t_detail == "airburst", ob.AIRBURST, ob.IMPACT))
    confused = np.where(true == ob.OUTGOING, ob.IMPACT, ob.OUTGOING)
    expl = np.where(u < sp.detail_correct, true,
                    np.where(u < sp.detail_correct + sp.detail_undetermined, ob.UNDETERMINED, confused))
    expl = np.where(sk == ACOUSTIC, ob.UNDETERMINED, expl)
    fire_true = np.where(wclass == "heavy_machine_gun", ob.HMG, ob.SMALL_ARMS)
    fire = np.where(rng.random(n) < sp.fire_detail_confused, ob.SMALL_ARMS + ob.HMG - fire_true, fire_true)
    out = np.full(n, -1, np.int8)
    is_expl = okind == ob.EXPLOSION
    is_fire = (okind == ob.BURST) | (okind == ob.SHOT)
    out[is_expl] = expl[is_expl]
    out[is_fire] = fire[is_fire]
    return out


def false_reports(scenario: Scenario, net: Network, rng: np.random.Generator) -> ObservationTable:
    """Reports of explosions and bursts that did not happen, at a small rate per observer-day."""
    sp = scenario.sensors
    st = net.stints
    sk = net.sources.kind[st.source]
    eligible = (st.pos >= 0) & (sk != UAV)
    rate = np.where(eligible, sp.false_per_observer_day * scenario.scale * (st.t1 - st.t0) / DAY_S, 0.0)
    k = rng.poisson(rate)
    s_idx = np.repeat(np.arange(len(st)), k)
    n = len(s_idx)
    sk = sk[s_idx]
    start = st.t0[s_idx] + rng.random(n) * (st.t1[s_idx] - st.t0[s_idx])
    end = start + rng.uniform(0.0, 900.0, n)
    burst = (rng.random(n) < 0.3) & ((sk == POST) | (sk == PATROL))
    okind = np.where(burst, ob.BURST, ob.EXPLOSION).astype(np.int8)
    dist = np.where(burst, rng.uniform(0.5, 3.0, n), rng.uniform(1.0, 10.0, n))
    unknown_p = np.where(sk == CAMERA, 0.5, sp.unknown_distance_share)
    dmode, dlo, dhi = describe_distance(sp, dist, unknown_p, rng)
    acoustic = sk == ACOUSTIC
    day = st.day[s_idx]
    t_s, t_e, tmode = time_modes(sp, start, end, day, (sk == POST) | (sk == CAMERA), rng)
    base = ObservationTable.empty_like(n)
    base.update(
        detail=np.where(burst, ob.SMALL_ARMS, ob.UNDETERMINED).astype(np.int8), time_mode=tmode,
        compass=np.where(acoustic, -1, rng.integers(0, 16, n)).astype(np.int8),
        bearing_deg=np.where(acoustic, rng.integers(0, 360, n).astype(float), np.nan),
        bearing_sigma_deg=np.where(acoustic, sp.acoustic_bearing_sigma_deg, np.nan),
        dist_mode=np.where(acoustic, ob.DIST_NONE, dmode).astype(np.int8),
        dist_lo=np.where(acoustic, np.nan, dlo), dist_hi=np.where(acoustic, np.nan, dhi),
        heard_only=(sk != CAMERA), error=np.full(n, ob.ERR_FALSE, np.int8))
    return ObservationTable(stint=s_idx.astype(np.int64), source=st.source[s_idx], day=day,
                            t_start=t_s, t_end=t_e, kind=okind,
                            count=(1 + rng.poisson(2.0, n)).astype(np.int64),
                            region=st.region[s_idx], **base)
