"""The count-error floor: the three estimators on hand-made truth where the answer is known."""

from types import SimpleNamespace

import numpy as np
import pytest

from truce.evaluate.coverage import region_day_floor


def _truth(count, region, day=None, fire=None):
    n = len(count)
    return SimpleNamespace(
        count=np.asarray(count, float), region=np.asarray(region, np.int32),
        day=np.zeros(n, np.int32) if day is None else np.asarray(day, np.int32),
        is_fire=np.ones(n, bool) if fire is None else np.asarray(fire, bool))


def test_everything_observed_is_exact():
    t = _truth([10, 20, 30], [0, 0, 1])
    f = region_day_floor(t, np.ones(3, bool), np.ones(3))
    assert f.observed_only == f.global_corrected == f.horvitz_thompson == 0.0
    assert f.unobserved_share == 0.0 and f.region_days == 2


def test_unobserved_episode_is_missed_by_the_observed_count_and_recovered_by_its_weight():
    # region 0: two episodes of 10 rounds, each observed with probability 0.5, one observed
    # region 1: one episode of 40 rounds, always observed
    t = _truth([10, 10, 40], [0, 0, 1])
    f = region_day_floor(t, np.array([True, False, True]), np.array([0.5, 0.5, 1.0]))
    # observed only: region 0 is 50 % low, region 1 exact -> median 25 %
    assert f.observed_only == pytest.approx(0.25)
    # Horvitz-Thompson: 10 / 0.5 = 20 in region 0, 40 in region 1 -> exact
    assert f.horvitz_thompson == pytest.approx(0.0)
    assert f.unobserved_share == pytest.approx(10 / 60)
    # one global factor (expected observed share (5 + 5 + 40) / 60) cannot fix both regions
    share = 50 / 60
    expected = np.median([abs(10 / share - 20) / 20, abs(40 / share - 40) / 40])
    assert f.global_corrected == pytest.approx(expected)


def test_regions_are_per_day_and_weapons_are_not_fire():
    t = _truth([10, 10, 99], [0, 0, 0], day=[0, 1, 1], fire=[True, True, False])
    f = region_day_floor(t, np.array([True, False, True]), np.ones(3))
    assert f.region_days == 2  # (day 0, region 0) and (day 1, region 0); the weapon row ignored
    assert f.observed_only == pytest.approx(0.5)  # median of 0 % and 100 %


def test_weights_are_floored():
    t = _truth([10], [0])
    f = region_day_floor(t, np.array([True]), np.array([0.001]), p_floor=0.5)
    assert f.horvitz_thompson == pytest.approx(1.0)  # 10 / 0.5 = 20 against 10
    assert f.thin_share == 1.0


def test_a_run_without_fire_is_nan_not_a_warning():
    import math
    import warnings

    t = _truth([5], [0], fire=[False])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = region_day_floor(t, np.array([True]), np.ones(1))
    assert f.region_days == 0 and math.isnan(f.observed_only) and math.isnan(f.horvitz_thompson)
