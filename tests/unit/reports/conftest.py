"""Synthetic reviewed incidents and violations for the daily report's tests."""

from __future__ import annotations

from datetime import date

import pytest

DAY = date(2024, 12, 20)
PREV = "2024-12-19"


def incident(i: int, day: str, kind: str, count: int, region: str | None, *,
             zone: str | None = "security_zone", status: str = "unreviewed",
             lat: float = 48.0, lon: float = 37.8) -> dict:
    return {"id": f"inc-{i:04d}", "date": day, "start": f"{day}T20:00:00Z",
            "end": f"{day}T20:10:00Z", "kind": kind, "detail": None, "count": count,
            "location": {"lat": lat, "lon": lon}, "uncertainty_m": 1500.0, "region": region,
            "zone": zone, "review": {"status": status, "by": []}, "observation_ids": []}


def violation(inc: dict, rule: str, *, side: str = "ru", confidence: float = 0.9,
              weapon: dict | None = None, zone: str | None = None,
              distance_km: float | None = 4.2) -> dict:
    return {"id": f"vio-{inc['id']}-{rule}", "rule": rule, "rule_version": 1,
            "agreement": "ukraine-2024-12-07", "subject": {"type": "incident", "id": inc["id"]},
            "date": inc["date"], "start": inc["start"], "end": inc["end"], "kind": inc["kind"],
            "detail": inc["detail"], "count": inc["count"], "weapon": weapon,
            "location": inc["location"], "uncertainty_m": inc["uncertainty_m"],
            "zone": zone or inc["zone"], "distance_km": distance_km, "region": inc["region"],
            "sources": {"n": 2, "kinds": {"post": 2}},
            "side_probability": {"ua": round(1 - confidence, 2), "ru": confidence}
            if side == "ru" else {"ua": confidence, "ru": round(1 - confidence, 2)},
            "side": side, "confidence": confidence}


@pytest.fixture(scope="session")
def agreement():
    from truce.agreement.loader import load_agreement

    return load_agreement("ukraine-2024-12-07")


@pytest.fixture
def records():
    """Incidents of the day, the day before and earlier, with violations; figures:

    2024-12-20: Donetsk 12 explosions + 30 bursts (security zone) + 5 explosions beyond it,
    one rejected incident of 100 explosions; Luhansk 3 shots; a tank (2) in violation of the
    withdrawal line in Donetsk (ru) and a flare (4) in the disengagement area;
    2024-12-19: Donetsk 7 explosions; Luhansk 1 flare; 2024-12-10: Donetsk 50 bursts.
    """
    d, p = DAY.isoformat(), PREV
    inc = [
        incident(1, d, "explosion", 12, "Donetsk"),
        incident(2, d, "burst", 30, "Donetsk"),
        incident(3, d, "explosion", 5, "Donetsk", zone="rear"),
        incident(4, d, "explosion", 100, "Donetsk", status="rejected"),
        incident(5, d, "shot", 3, "Luhansk", status="confirmed"),
        incident(6, d, "weapon", 2, "Donetsk", zone="withdrawal:tank"),
        incident(7, d, "flare", 4, "Zaporizhzhia", zone="disengagement:znpp"),
        incident(8, p, "explosion", 7, "Donetsk"),
        incident(9, p, "flare", 1, "Luhansk"),
        incident(10, "2024-12-10", "burst", 50, "Donetsk"),
        incident(11, "2024-11-01", "burst", 999, "Donetsk"),  # outside the 30-day window
    ]
    tank = {"class": "tank", "type": "T-72", "caliber_mm": None}
    vio = [violation(inc[0], "ceasefire.fire", side="ru", confidence=0.9),
           violation(inc[1], "ceasefire.fire", side="ua", confidence=0.8),
           violation(inc[2], "ceasefire.fire", side="undetermined", confidence=0.5),
           violation(inc[4], "ceasefire.fire", side="ua", confidence=0.7),
           violation(inc[5], "withdrawal.weapons", side="ru", confidence=0.95, weapon=tank),
           violation(inc[5], "security_zone.weapons", side="ru", confidence=0.95, weapon=tank),
           violation(inc[6], "ceasefire.fire", side="undetermined", confidence=0.5),
           violation(inc[6], "disengagement.presence", side="undetermined", confidence=0.5),
           violation(inc[7], "ceasefire.fire", side="ru", confidence=0.9)]
    return inc, vio


@pytest.fixture
def model(records, agreement):
    from truce.reports.daily.model import build_daily_model

    inc, vio = records
    alerts = [{"type": "escalation", "region": "Donetsk", "date": DAY.isoformat(), "observed": 47,
               "expected": 3.1, "p_value": 1e-9,
               "message": "Donetsk: 47 ceasefire violations against 3.1 expected."},
              {"type": "escalation", "region": "Luhansk", "date": PREV, "observed": 1,
               "expected": 0.1, "p_value": 0.01, "message": "an older alert"}]
    return build_daily_model(inc, vio, day=DAY, agreement=agreement, alerts=alerts, reviews=3,
                             integrity={"head_hash": "ab" * 32, "seq": 5, "ledger_entries": 6,
                                        "how_to_check": "run truce verify"})
