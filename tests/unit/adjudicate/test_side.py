"""The side model: the analytic share, its fit, the reliability table, and calibration on the
simulator (a reduced run of ``python -m truce.evaluate.calibration``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.adjudicate.test_adjudicate import lon_at
from truce.adjudicate import end_classes, fit_side_model, origin_probability, reliability
from truce.adjudicate.side import R90_SIGMAS, ClassParams, SideModel, side_share
from truce.geo import classify


def test_share_equals_the_sampled_share_of_the_uncertainty(frame):
    rng = np.random.default_rng(0)
    unc = 3000.0
    sigma_deg_lon = unc / R90_SIGMAS / 73_800.0
    sigma_deg_lat = unc / R90_SIGMAS / 111_200.0
    for km in (-2.0, 0.3, 1.5):
        lon = lon_at(km) + rng.normal(0, sigma_deg_lon, 20_000)
        lat = 48.5 + rng.normal(0, sigma_deg_lat, 20_000)
        sampled = float(np.mean(classify(frame, lon, lat).distance_km > 0))
        c = classify(frame, np.array([lon_at(km)]), np.array([48.5]))
        analytic = float(side_share(c.distance_km * 1000.0, np.array([unc]))[0])
        assert analytic == pytest.approx(sampled, abs=0.01), km


def test_mixture_maps_the_share_to_the_origin_side():
    d = np.array([5000.0, 5000.0, -5000.0])
    u = np.array([1000.0, 1000.0, 1000.0])
    model = SideModel(classes={"outgoing": ClassParams(0.9), "impact": ClassParams(0.1)})
    p = origin_probability(np.array(["outgoing", "impact", "outgoing"], object), d, u, model)
    np.testing.assert_allclose(p, [0.9, 0.1, 0.1], atol=1e-6)
    assert np.isnan(origin_probability(np.array([None], object), d[:1], u[:1], model)[0])


def test_fit_recovers_the_generating_parameters():
    rng = np.random.default_rng(5)
    n = 20_000
    cls = rng.choice(np.array(["small_arms", "impact"], object), n)
    d = rng.normal(0, 3000, n)
    u = rng.uniform(500, 4000, n)
    true = SideModel(classes={"small_arms": ClassParams(0.95, 1.5),
                              "impact": ClassParams(0.1, 0.7)})
    y = rng.random(n) < origin_probability(cls, d, u, true)
    fit = fit_side_model(cls, d, u, y)
    assert fit.classes["small_arms"].w == pytest.approx(0.95, abs=0.02)
    assert fit.classes["impact"].w == pytest.approx(0.1, abs=0.02)
    assert fit.classes["small_arms"].temperature == 1.5
    assert fit.classes["impact"].temperature == 0.7


def test_reliability_bins():
    p = np.array([0.95, 0.92, 0.08, 0.65, 0.35, 0.5])
    y = np.array([True, False, False, True, True, False])
    rel = reliability(p, y, edges=(0.5, 0.7, 0.9, 1.0001))
    assert rel.n.tolist() == [3, 0, 3]
    # bin 0.5-0.7: 0.65 right, 0.35 (says "not first") wrong, 0.5 (says first) wrong
    assert rel.observed[0] == pytest.approx(1 / 3)
    assert rel.mean_predicted[2] == pytest.approx((0.95 + 0.92 + 0.92) / 3)
    assert rel.observed[2] == pytest.approx(2 / 3)


def test_end_classes():
    kind = np.array(["explosion"] * 6 + ["burst", "shot", "projectile", "flare", "weapon",
                                         "restriction"], object)
    end = np.array(["undetermined", "undetermined", "undetermined", "impact", "origin", "both",
                    "origin", "origin", "undetermined", "impact", None, None], object)
    detail = np.array(["undetermined", "outgoing", "impact", "impact", "outgoing", "impact",
                       "small_arms", "small_arms", None, None, None, None], object)
    has_origin = np.zeros(12, bool)
    has_origin[5] = True
    assert end_classes(kind, end, has_origin, detail).tolist() == [
        "undetermined", "undetermined_outgoing", "undetermined_impact", "impact", "outgoing",
        "linked", "small_arms", "small_arms", "projectile", "flare", "weapon", None]


def test_calibrated_on_the_simulator():
    """Held-out seeds: in each bin with enough cases, the observed share of right sides is
    within a few points of the mean predicted probability."""
    from truce.evaluate.calibration import collect

    cases = collect((7, 8), schedule="escalation")
    cls, d, u, y = cases.arrays()
    p = origin_probability(cls, d, u)
    ok = np.isfinite(p)
    assert ok.sum() > 1000
    rel = reliability(p[ok], y[ok], edges=(0.5, 0.7, 0.8, 0.9, 1.0001))
    checked = 0
    for lo, _hi, n, mp, ob in rel.rows():
        if n >= 150:
            assert abs(ob - mp) < 0.06, (lo, n, mp, ob)
            checked += 1
    assert checked >= 3
