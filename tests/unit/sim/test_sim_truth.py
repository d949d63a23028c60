"""Ground truth: geometry on the right side of the line, plausible ranges, rhythm and intensity."""

from __future__ import annotations

import numpy as np

from truce.geo.classify import classify
from truce.sim.scenario import Scenario
from truce.sim.truth import DAY_S

from .conftest import AGREEMENT, START

HEAVY = ("mortar", "artillery_lt100", "artillery_ge100", "mlrs", "tank")


def _fire(result):
    t = result.truth
    return t.take(np.flatnonzero(t.kind != "weapon"))


def test_origins_are_on_the_firing_partys_side(typical):
    t = _fire(typical)
    lon, lat = typical.frame.projection.to_lonlat(t.origin_x, t.origin_y)
    c = classify(typical.frame, lon, lat)
    assert len(t) > 100
    assert (c.party_index == t.party).all()


def test_impacts_mostly_across_the_line_and_some_short(mixed):
    t = _fire(mixed)
    lon, lat = mixed.frame.projection.to_lonlat(t.impact_x, t.impact_y)
    across = classify(mixed.frame, lon, lat).party_index != t.party
    assert 0.9 < across.mean() < 1.0  # mortars, artillery, tanks and MLRS sometimes fall short


def test_origins_are_at_plausible_distances_for_their_class(mixed):
    t = _fire(mixed)
    weapons = mixed.scenario.war.weapons
    lon, lat = mixed.frame.projection.to_lonlat(t.origin_x, t.origin_y)
    dist = np.abs(classify(mixed.frame, lon, lat).distance_km)
    reach = np.hypot(t.impact_x - t.origin_x, t.impact_y - t.origin_y) / 1000.0
    for cls, model in weapons.items():
        sel = t.weapon_class == cls
        assert sel.any(), cls
        assert dist[sel].max() <= model.origin_km[1] + 0.05, cls
        assert reach[sel].max() <= model.max_range_km + 1e-6, cls
    assert dist[t.weapon_class == "small_arms"].max() <= 1.05
    assert np.median(dist[t.weapon_class == "artillery_ge100"]) > 2 * np.median(dist[t.weapon_class == "mortar"])


def test_some_heavy_weapon_origins_are_inside_their_withdrawal_distance(typical):
    t = _fire(typical)
    lon, lat = typical.frame.projection.to_lonlat(t.origin_x, t.origin_y)
    c = classify(typical.frame, lon, lat)
    inside = np.zeros(len(t), bool)
    for cls in HEAVY:
        inside |= (t.weapon_class == cls) & ~c.ok[cls]
    assert inside.sum() > 20


def test_most_fire_is_at_dusk_and_night(typical):
    t = _fire(typical)
    hour = (t.start_s % DAY_S) / 3600
    night = (hour >= 18) | (hour < 6)
    assert night.mean() > 0.6


def test_escalation_far_exceeds_typical_which_far_exceeds_quiet(mixed):
    t = _fire(mixed)
    per_day = np.bincount(t.day, weights=t.count, minlength=4)
    quiet, typical, escalation = per_day[0], per_day[1], per_day[2]
    assert escalation > 5 * typical
    assert typical > 5 * quiet
    assert escalation > 5_000


def test_a_typical_day_has_hundreds_of_violations_in_the_busiest_regions(typical):
    t = _fire(typical)
    per_region = np.bincount(t.region, weights=t.count, minlength=len(typical.regions)) / 2
    top = np.sort(per_region)[::-1]
    assert 100 <= top[0] < 1_000
    assert top[1] >= 100


def test_buildup_adds_weapons_inside_withdrawal_day_after_day(mixed):
    t = mixed.truth
    wd = {w.id: w.withdrawal_km for w in mixed.agreement.weapon_classes}
    inside = (t.kind == "weapon") & (t.depth_km < np.array([wd.get(str(c), 0.0) for c in t.weapon_class]))
    staying = inside & (t.party == 1) & (t.end_s == 4 * DAY_S)  # build-up groups stay to the end
    present = [int((staying & (t.start_s < (d + 1) * DAY_S)).sum()) for d in range(4)]
    assert present[0] == 0  # the build-up starts on the second day
    assert present[1] > 0 and present[3] >= present[1] + 6
    assert present == sorted(present)


def test_scale_multiplies_the_number_of_episodes(run):
    small = run(Scenario.uniform(AGREEMENT, START, 1, seed=2), reports=False)
    big = run(Scenario.uniform(AGREEMENT, START, 1, seed=2, scale=4.0), reports=False)
    ratio = (big.truth.kind != "weapon").sum() / (small.truth.kind != "weapon").sum()
    assert 3.0 < ratio < 5.0
    assert len(big.observations) > 3 * len(small.observations)
