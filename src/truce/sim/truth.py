"""Ground truth: firing episodes, illumination flares and heavy-weapon groups, generated as arrays.

One **episode** is one weapon (or one crew) of one party firing ``count`` rounds over
``[start, end]`` from an origin on its side of the line at an impact point (mostly across the
line, some short).  ``impact`` is the episode's primary location; ``origin`` is where it was fired
from.  Flares have the firing position as origin and the point where the flare hangs as impact.
A **weapon group** (``kind="weapon"``) is ``count`` heavy weapons of one system standing at one
place (``impact``) during ``[start, end]``; ``firing_party`` is the owner.

Times are integer seconds from local midnight of the scenario's first day.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from truce.geo.frame import AgreementFrame
from truce.sim.lineside import offset_points
from truce.sim.places import Places
from truce.sim.scenario import FIRING_CLASSES, Scenario
from truce.sim.systems import SYSTEM_CLASS, SYSTEM_TYPE, systems_of

DAY_S = 86_400
_MAX_ROUNDS = 12


@dataclass(frozen=True, eq=False)
class TruthTable:
    """Columnar ground truth; every attribute is an array of the table's length."""

    kind: np.ndarray  # object: explosion | burst | shot | flare | weapon
    detail: np.ndarray  # object (None where not applicable)
    weapon_class: np.ndarray  # object (None for flares)
    system: np.ndarray  # int: index into systems.SYSTEMS for weapon groups, -1 otherwise
    party: np.ndarray  # int8: firing (or owning) party index
    start_s: np.ndarray  # int64
    end_s: np.ndarray  # int64
    count: np.ndarray  # int64
    impact_x: np.ndarray
    impact_y: np.ndarray
    origin_x: np.ndarray  # NaN where there is no origin
    origin_y: np.ndarray
    s_km: np.ndarray  # position along the line
    depth_km: np.ndarray  # weapon groups: distance behind the line; episodes: origin's
    day: np.ndarray  # int32, day of the start
    region: np.ndarray  # int32 index into Places.regions (nearest settlement to the impact)

    def __len__(self) -> int:
        return len(self.kind)

    def take(self, idx: np.ndarray) -> TruthTable:
        return TruthTable(**{f.name: getattr(self, f.name)[idx] for f in dataclasses.fields(self)})

    @classmethod
    def concat(cls, tables: list[TruthTable]) -> TruthTable:
        return cls(**{f.name: np.concatenate([getattr(t, f.name) for t in tables])
                      for f in dataclasses.fields(cls)})

    @property
    def is_fire(self) -> np.ndarray:
        """Ceasefire-violation episodes (everything but weapon groups)."""
        return self.kind != "weapon"


def generate_truth(scenario: Scenario, frame: AgreementFrame, places: Places,
                   rng: np.random.Generator) -> TruthTable:
    """All ground truth of the scenario, sorted by start time (then kind, position)."""
    line_m = frame.line_length_m
    hot_s, hot_w = _hotspots(scenario, line_m, rng)
    parts = [
        _fire_episodes(scenario, frame, line_m, hot_s, hot_w, rng),
        _flares(scenario, frame, line_m, hot_s, hot_w, rng),
        _weapon_groups(scenario, frame, line_m, rng),
    ]
    if scenario.buildup is not None:
        parts.append(_buildup(scenario, frame, line_m, rng))
    t = TruthTable.concat(parts)
    t = t.take(np.flatnonzero(np.isfinite(t.impact_x)))  # geometry found for every row but rare misses
    region = places.region[places.nearest(t.impact_x, t.impact_y)].astype(np.int32)
    t = dataclasses.replace(t, region=region)
    order = np.lexsort((t.s_km, t.party, t.count, t.end_s, t.start_s))
    return t.take(order)


def _no_region(n: int) -> np.ndarray:
    return np.full(n, -1, dtype=np.int32)


# -- where and when ------------------------------------------------------------------------------


def _hotspots(scenario: Scenario, line_m: float, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray]:
    """Persistent hot spots along the line (metres) with relative weights."""
    n = max(1, int(rng.poisson(scenario.war.hotspots_per_100km * line_m / 100_000.0)))
    s = np.sort(rng.uniform(0.0, line_m, n))
    w = rng.gamma(2.0, 1.0, n)
    return s, w / w.sum()


def _along(scenario: Scenario, line_m: float, hot_s: np.ndarray, hot_w: np.ndarray, n: int,
           rng: np.random.Generator) -> np.ndarray:
    """Positions along the line: near a hot spot with ``hotspot_share``, else anywhere."""
    war = scenario.war
    near = rng.random(n) < war.hotspot_share
    h = rng.choice(len(hot_s), size=n, p=hot_w)
    s = np.where(near, hot_s[h] + rng.normal(0.0, war.hotspot_sigma_km * 1000.0, n),
                 rng.uniform(0.0, line_m, n))
    return np.clip(s, 0.0, line_m)


def _start_times(weights: np.ndarray, day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Start times (s) with the hour drawn from ``weights`` and the minute uniform."""
    p = np.asarray(weights, dtype=float)
    hour = rng.choice(24, size=len(day), p=p / p.sum())
    return (day.astype(np.int64) * DAY_S + hour * 3600 + rng.integers(0, 3600, len(day))).astype(np.int64)


def _per_day_counts(expected: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Day index of each item, with Poisson-distributed numbers per day."""
    n = rng.poisson(np.maximum(expected, 0.0))
    return np.repeat(np.arange(len(expected), dtype=np.int32), n)


def _neg_binomial(mean: np.ndarray, k: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """At least one; mean ``mean``; over-dispersed with shape ``k``."""
    m = np.maximum(mean - 1.0, 1e-9)
    return 1 + rng.negative_binomial(k, k / (k + m))


# -- firing episodes -----------------------------------------------------------------------------


def _fire_episodes(scenario: Scenario, frame: AgreementFrame, line_m: float, hot_s: np.ndarray,
                   hot_w: np.ndarray, rng: np.random.Generator) -> TruthTable:
    war = scenario.war
    classes = [c for c in FIRING_CLASSES if c in war.weapons]
    models = [war.weapons[c] for c in classes]
    levels = [war.intensities[name] for name in scenario.intensity_by_day]
    mix = np.array([[lv.weapon_mix.get(c, 0.0) for c in classes] for lv in levels])
    mix = mix / np.maximum(mix.sum(axis=1, keepdims=True), 1e-12)
    rounds = np.array([m.count_mean for m in models])
    cfv = np.array([lv.cfv_per_100km for lv in levels]) * line_m / 100_000.0 * scenario.scale
    day = _per_day_counts(cfv / (mix @ rounds), rng)
    n = len(day)
    cum = np.cumsum(mix[day], axis=1)
    cls = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(classes) - 1)
    col = {name: np.array([getattr(m, name) for m in models], dtype=object) for name in
           ("kind", "max_range_km", "count_mean", "count_k", "short_share", "shot_share")}
    o_lo = np.array([m.origin_km[0] for m in models])[cls]
    o_hi = np.array([m.origin_km[1] for m in models])[cls]
    r_lo = np.array([m.reach_km[0] for m in models])[cls]
    r_hi = np.array([m.reach_km[1] for m in models])[cls]
    max_range = col["max_range_km"].astype(float)[cls]
    party = np.where(rng.random(n) < war.first_party_share, 0, 1).astype(np.int8)
    depth = rng.uniform(o_lo, o_hi)
    reach = np.minimum(rng.uniform(r_lo, r_hi), np.maximum(max_range - depth, r_lo))
    short = rng.random(n) < col["short_share"].astype(float)[cls]
    reach = np.where(short, -rng.uniform(0.2, 0.8, n) * depth, reach)
    s, ox, oy, ix, iy = _place_shots(frame, line_m, hot_s, hot_w, scenario, party, depth, reach,
                                     max_range, rng)
    start = _start_times(np.asarray(war.hourly_weights), day, rng)
    d_lo = np.array([m.duration_min[0] for m in models])[cls]
    d_hi = np.array([m.duration_min[1] for m in models])[cls]
    dur = np.exp(rng.uniform(np.log(d_lo), np.log(d_hi))) * 60.0
    count = _neg_binomial(col["count_mean"].astype(float)[cls], col["count_k"].astype(float)[cls], rng)
    kind = col["kind"][cls].copy()
    shot = (kind == "burst") & (rng.random(n) < col["shot_share"].astype(float)[cls])
    kind[shot] = "shot"
    cls_name = np.asarray(classes, dtype=object)[cls]
    detail = np.where(kind == "explosion", "impact", cls_name).astype(object)
    air = (cls_name == "artillery_ge100") & (rng.random(n) < war.airburst_share)
    detail[air] = "airburst"
    return TruthTable(
        kind=kind, detail=detail, weapon_class=cls_name, system=np.full(n, -1), party=party,
        start_s=start, end_s=start + np.maximum(np.round(dur), 20).astype(np.int64),
        count=count.astype(np.int64), impact_x=ix, impact_y=iy, origin_x=ox, origin_y=oy,
        s_km=s / 1000.0, depth_km=depth, day=day, region=_no_region(n))


def _place_shots(frame: AgreementFrame, line_m: float, hot_s: np.ndarray, hot_w: np.ndarray,
                 scenario: Scenario, party: np.ndarray, depth_km: np.ndarray, reach_km: np.ndarray,
                 max_range_km: np.ndarray, rng: np.random.Generator
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Origins ``depth_km`` behind the line on the firing party's side and impacts ``reach_km``
    beyond it (negative: short, on the own side), redrawing the along-line position where a bend
    of the line, the sea or a border makes the geometry impossible."""
    n = len(party)
    s = np.zeros(n)
    ox, oy, ix, iy = (np.full(n, np.nan) for _ in range(4))
    todo = np.arange(n)
    for _ in range(_MAX_ROUNDS):
        if not len(todo):
            break
        m = len(todo)
        st = _along(scenario, line_m, hot_s, hot_w, m, rng)
        si = np.clip(st + rng.normal(0.0, scenario.war.along_sigma_km * 1000.0, m), 0.0, line_m)
        p = party[todo]
        x1, y1, ok1 = offset_points(frame, st, p, depth_km[todo] * 1000.0)
        r = reach_km[todo]
        target = np.where(r >= 0, 1 - p, p).astype(np.int8)
        x2, y2, ok2 = offset_points(frame, si, target, np.abs(r) * 1000.0)
        rng_m = np.hypot(x2 - x1, y2 - y1)
        ok = ok1 & ok2 & (rng_m <= max_range_km[todo] * 1000.0)
        done = todo[ok]
        s[done], ox[done], oy[done], ix[done], iy[done] = st[ok], x1[ok], y1[ok], x2[ok], y2[ok]
        todo = todo[~ok]
    if len(todo):  # pathological geometry: drop them by placing nothing (filtered by the caller)
        s[todo] = np.nan
    return s, ox, oy, ix, iy


def _flares(scenario: Scenario, frame: AgreementFrame, line_m: float, hot_s: np.ndarray,
            hot_w: np.ndarray, rng: np.random.Generator) -> TruthTable:
    war = scenario.war
    per_day = np.array([war.intensities[name].flares_per_100km for name in scenario.intensity_by_day])
    day = _per_day_counts(per_day * line_m / 100_000.0 * scenario.scale, rng)
    n = len(day)
    party = np.where(rng.random(n) < war.first_party_share, 0, 1).astype(np.int8)
    depth = rng.uniform(*war.flare_origin_km, n)
    reach = rng.uniform(max(war.flare_reach_km[0], 0.05), war.flare_reach_km[1], n)
    s, ox, oy, ix, iy = _place_shots(frame, line_m, hot_s, hot_w, scenario, party, depth, reach,
                                     depth + reach + 0.5, rng)
    night = np.array(war.hourly_weights) * np.array([h < 7 or h >= 17 for h in range(24)])
    start = _start_times(night, day, rng)
    count = 1 + rng.poisson(max(war.flare_count_mean - 1.0, 0.0), n)
    return TruthTable(
        kind=np.full(n, "flare", dtype=object), detail=np.full(n, "illumination", dtype=object),
        weapon_class=np.full(n, None, dtype=object), system=np.full(n, -1), party=party,
        start_s=start, end_s=start + rng.integers(30, 600, n), count=count.astype(np.int64),
        impact_x=ix, impact_y=iy, origin_x=ox, origin_y=oy, s_km=s / 1000.0, depth_km=depth,
        day=day, region=_no_region(n))


# -- heavy weapons -------------------------------------------------------------------------------


def _pick_systems(classes: dict[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    names = [c for c in sorted(classes) if len(systems_of(c)) and classes[c] > 0]
    p = np.array([classes[c] for c in names])
    cls = rng.choice(len(names), size=n, p=p / p.sum())
    out = np.empty(n, dtype=np.int64)
    for i, c in enumerate(names):  # per class, not per item
        sel = np.flatnonzero(cls == i)
        out[sel] = rng.choice(systems_of(c), size=len(sel))
    return out


def _withdrawal_km(frame: AgreementFrame, systems: np.ndarray) -> np.ndarray:
    table = {w.id: w.withdrawal_km for w in frame.agreement.weapon_classes}
    return np.array([table.get(str(c), 0.0) for c in SYSTEM_CLASS], dtype=float)[systems]


def _groups(frame: AgreementFrame, line_m: float, s: np.ndarray, party: np.ndarray,
            depth: np.ndarray, system: np.ndarray, count: np.ndarray, day: np.ndarray,
            start: np.ndarray, end: np.ndarray, rng: np.random.Generator, sector: tuple[float, float]
            ) -> TruthTable:
    x = np.full(len(s), np.nan)
    y = np.full(len(s), np.nan)
    todo = np.arange(len(s))
    for _ in range(_MAX_ROUNDS):
        if not len(todo):
            break
        gx, gy, ok = offset_points(frame, s[todo], party[todo], depth[todo] * 1000.0)
        x[todo[ok]], y[todo[ok]] = gx[ok], gy[ok]
        todo = todo[~ok]
        s[todo] = rng.uniform(*sector, len(todo))
    s[todo] = np.nan
    n = len(s)
    return TruthTable(
        kind=np.full(n, "weapon", dtype=object), detail=SYSTEM_TYPE[system].copy(),
        weapon_class=SYSTEM_CLASS[system], system=system, party=party.astype(np.int8),
        start_s=start.astype(np.int64), end_s=end.astype(np.int64), count=count.astype(np.int64),
        impact_x=x, impact_y=y, origin_x=np.full(n, np.nan), origin_y=np.full(n, np.nan),
        s_km=s / 1000.0, depth_km=depth, day=day.astype(np.int32), region=_no_region(n))


def _weapon_groups(scenario: Scenario, frame: AgreementFrame, line_m: float,
                   rng: np.random.Generator) -> TruthTable:
    """Weapons on the move or in position for a few hours; a share inside withdrawal distance."""
    wp = scenario.weapons
    day = _per_day_counts(np.full(scenario.days, wp.groups_per_100km * line_m / 100_000.0
                                  * scenario.scale), rng)
    n = len(day)
    system = _pick_systems(wp.classes, n, rng)
    wd = _withdrawal_km(frame, system)
    violating = rng.random(n) < wp.violating_share
    # weapons kept forward (violations) stand within the security zone's depth at most
    depth = np.where(violating, rng.uniform(0.5, np.clip(wd - 0.5, 1.0, 12.0)),
                     wd + rng.uniform(1.0, 25.0, n))
    party = np.where(rng.random(n) < 0.5, 0, 1).astype(np.int8)
    start = day.astype(np.int64) * DAY_S + rng.integers(6 * 3600, 16 * 3600, n)
    end = start + (rng.uniform(*wp.dwell_h, n) * 3600).astype(np.int64)
    count = rng.integers(wp.group_size[0], wp.group_size[1] + 1, n)
    s = rng.uniform(0.0, line_m, n)
    return _groups(frame, line_m, s, party, depth, system, count, day, start, end, rng, (0.0, line_m))


def _buildup(scenario: Scenario, frame: AgreementFrame, line_m: float,
             rng: np.random.Generator) -> TruthTable:
    """A build-up: groups appear day after day inside withdrawal distance and stay."""
    b = scenario.buildup
    assert b is not None
    party_id = b.party if b.party in frame.agreement.party_ids else frame.agreement.party_ids[-1]
    rate = np.zeros(scenario.days)
    rate[b.start_day:] = b.groups_per_day * scenario.scale
    day = _per_day_counts(rate, rng)
    n = len(day)
    system = _pick_systems(b.classes, n, rng)
    wd = _withdrawal_km(frame, system)
    depth = rng.uniform(1.0, np.clip(wd - 1.0, 2.0, 20.0))
    centre = line_m / 2 if b.center_km is None else b.center_km * 1000.0
    lo = float(np.clip(centre - b.width_km * 500.0, 0.0, line_m))
    hi = float(np.clip(centre + b.width_km * 500.0, 0.0, line_m))
    s = rng.uniform(lo, hi, n)
    party = np.full(n, frame.agreement.party_ids.index(party_id), dtype=np.int8)
    start = day.astype(np.int64) * DAY_S + rng.integers(0, DAY_S, n)
    end = np.full(n, scenario.days * DAY_S, dtype=np.int64)
    count = rng.integers(2, 7, n)
    return _groups(frame, line_m, s, party, depth, system, count, day, start, end, rng, (lo, hi))
