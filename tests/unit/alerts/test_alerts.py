"""Escalation and build-up alerts: the negative-binomial test, daily counts, alert records, and a
reduced run of ``python -m truce.evaluate.alerts`` on the simulator."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from scipy.stats import nbinom

from truce.alerts import (
    BuildupParams,
    EscalationParams,
    buildup_alerts,
    daily_counts,
    escalation_alerts,
    escalation_test,
)

D0 = date(2024, 12, 8)
DAYS = tuple(D0 + timedelta(days=i) for i in range(20))


def test_p_value_is_the_negative_binomial_tail():
    base = [10, 30, 5, 20, 15, 40, 10, 25, 5, 10, 20, 30, 15, 25]  # mean 20, overdispersed
    counts = np.array([[*base, 90.0]])
    p = EscalationParams(window=14, min_history=7, k_max=50.0, k_min=0.01)
    res = escalation_test(counts, p)
    mu = np.mean(base)
    var = np.var(base, ddof=1)
    k = mu * mu / (var - mu)
    assert res.expected[0, -1] == pytest.approx(mu)
    assert res.size[0, -1] == pytest.approx(k)
    assert res.p_value[0, -1] == pytest.approx(nbinom.sf(89, k, k / (k + mu)))
    assert np.isnan(res.p_value[0, :7]).all() and np.isfinite(res.p_value[0, 7:]).all()


def test_overdispersion_makes_the_test_more_cautious():
    calm = [20.0] * 14
    wild = [0, 40, 5, 35, 10, 30, 0, 40, 5, 35, 10, 30, 20, 20]
    p = EscalationParams(k_max=100.0, min_count=0, min_ratio=0)
    res = escalation_test(np.array([[*calm, 45.0], [*wild, 45.0]]), p)
    assert res.p_value[0, -1] < 1e-4 < res.p_value[1, -1]
    assert res.alert[0, -1] and not res.alert[1, -1]


def test_escalation_alerts_on_a_jump_only():
    quiet = np.random.default_rng(3).poisson(6, 20).astype(float)
    jump = quiet.copy()
    jump[15:] = [400, 450, 420, 380, 500]
    alerts = escalation_alerts({"Donetsk": jump.tolist(), "Kherson": quiet.tolist()}, DAYS)
    assert [a["region"] for a in alerts] == ["Donetsk"] * len(alerts)
    assert alerts[0]["date"] == DAYS[15].isoformat()
    a = alerts[0]
    assert set(a) >= {"type", "region", "date", "observed", "expected", "p_value", "message"}
    assert (a["type"], a["observed"]) == ("escalation", 400.0)
    assert a["p_value"] < 1e-4 and a["expected"] == pytest.approx(quiet[1:15].mean(), abs=0.01)
    assert a["message"].startswith("Donetsk: 400 ceasefire violations on 2024-12-23")


def test_small_counts_never_alert():
    c = np.zeros((1, 20))
    c[0, 15] = 25  # far above zero, but under min_count
    assert escalation_alerts(c, DAYS, ["X"]) == []
    with pytest.raises(ValueError):
        escalation_alerts(c, DAYS)


def _vio(day: int, region: str, rule: str = "ceasefire.fire", count: int = 1,
         side: str = "ru", wclass: str | None = None) -> dict:
    return {"rule": rule, "date": DAYS[day].isoformat(), "region": region, "count": count,
            "side": side, "weapon": {"class": wclass} if wclass else None}


def test_daily_counts_sum_counts_per_region_and_day():
    v = [_vio(0, "A", count=3), _vio(0, "A", count=2), _vio(2, "B"), _vio(1, "A",
                                                                         rule="withdrawal.weapons"),
         _vio(1, None, count=9)]
    dc = daily_counts(v)
    assert dc.keys == ("A", "B") and dc.days == DAYS[:3]
    assert dc.counts.tolist() == [[5.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    dc2 = daily_counts(v, days=DAYS[:2], keys=["B", "A", "C"])
    assert dc2.counts.tolist() == [[0.0, 0.0], [5.0, 0.0], [0.0, 0.0]]


def test_buildup_needs_elevated_sightings_on_k_of_n_days():
    rng = np.random.default_rng(1)
    v = []
    for d in range(20):  # background: a sighting now and then on both sides
        for _ in range(rng.poisson(0.4)):
            v.append(_vio(d, "Donetsk", "withdrawal.weapons", side=str(rng.choice(["ru", "ua"])),
                          wclass="tank"))
    build = [_vio(d, "Donetsk", "withdrawal.weapons", side="ru", wclass="artillery_ge100")
             for d in (12, 12, 12, 12, 14, 14, 14, 14, 14) for _ in range(1)]
    alerts = buildup_alerts(v + build, days=DAYS)
    assert [(a["region"], a["side"], a["date"]) for a in alerts][:1] == [
        ("Donetsk", "ru", DAYS[14].isoformat())]
    assert all(a["type"] == "buildup" for a in alerts)
    assert alerts[0]["elevated_days"] == 2 and alerts[0]["window_days"] == 4
    # the message names the side by the agreement's party name; the field keeps the id
    assert "on the side of ru above" in alerts[0]["message"]
    named = buildup_alerts(v + build, days=DAYS, party_names={"ru": "Party B", "ua": "Party A"})
    assert "on the side of Party B above" in named[0]["message"] and named[0]["side"] == "ru"
    # one elevated day alone is not a build-up
    assert buildup_alerts(v + build[:4], days=DAYS) == []
    # undetermined sides and other rules are not counted
    other = [dict(b, side="undetermined") for b in build] + [dict(b, rule="ceasefire.fire")
                                                            for b in build]
    assert buildup_alerts(v + other, days=DAYS) == []
    # a class filter
    only_tanks = BuildupParams(classes=("tank",))
    assert buildup_alerts(v + build, days=DAYS, params=only_tanks) == []


def test_alerts_on_the_simulator_reduced():
    """A quiet fortnight gives no escalation alert; an escalation is caught the day it starts
    (or the evening before, when overnight reports date it there)."""
    from truce.evaluate.alerts import escalation_delay, quiet_weeks

    q = quiet_weeks((11,), days=14)
    assert q.region_days > 30
    assert q.escalation_rate <= 0.03
    e = escalation_delay((11,), quiet=8, escalation=2)
    detected = [d for d in e.delays if d is not None]
    assert len(detected) >= 0.7 * len(e.delays) and max(detected) == 0
    assert e.false_before == 0


def test_sustained_escalation_keeps_alerting_when_alert_days_leave_the_baseline():
    # 20 quiet days around 10, then 10 days at 200: the step must alert on every day of it when
    # alert days leave the baseline, and only on the first few when they become the baseline
    rng = np.random.default_rng(3)
    quiet = rng.poisson(10, 20).astype(float)
    counts = np.concatenate([quiet, np.full(10, 200.0)])[None, :]
    kept = escalation_test(counts, EscalationParams(exclude_alerts=True))
    plain = escalation_test(counts, EscalationParams(exclude_alerts=False))
    assert kept.alert[0, 20:].all()
    assert not kept.alert[0, :20].any()
    assert plain.alert[0, 20]  # the first day is the same test either way
    assert plain.alert[0, 20:].sum() < 10
    # the baseline of the last day is still the quiet days' mean
    assert abs(kept.expected[0, -1] - quiet[-14:].mean()) < 1e-9
