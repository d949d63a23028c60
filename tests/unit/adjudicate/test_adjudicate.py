"""adjudicate(): rules, zones, distances, regions, sources and the side assessment, on the small
test agreement (a straight north-south line at 31E; party a west, b east; 1 degree of longitude
is about 73.8 km at 48.5N)."""

from __future__ import annotations

import copy
import hashlib
import json

import numpy as np
import pytest

from truce.adjudicate import Adjudication, SideModel, adjudicate
from truce.adjudicate.side import ClassParams

KM_PER_DEG = 73.8  # km per degree of longitude at 48.5N (WGS84: 73.9)


def lon_at(km: float) -> float:
    """Longitude ``km`` from the line: positive west (party a), negative east (party b)."""
    return 31.0 - km / KM_PER_DEG


def inc(i: int, kind: str, km: float, *, lat: float = 48.5, unc: float = 500.0,
        end: str = "undetermined", detail: str | None = None, origin_km: float | None = None,
        weapon: dict | None = None, obs: tuple[str, ...] = ("op-1/x-1",),
        start: str = "2024-12-08T10:00:00Z") -> dict:
    return {"id": f"inc-{i}", "start": start, "end": start, "kind": kind, "detail": detail,
            "count": 3, "location": {"lat": lat, "lon": lon_at(km)}, "uncertainty_m": unc,
            "observation_ids": list(obs), "side_probability": {}, "zone": None, "region": None,
            "violations": [], "end_of_fire": end,
            "origin": None if origin_km is None else {"lat": lat, "lon": lon_at(origin_km)},
            "n_observers": 1, "n_bearings": 0, "weapon": weapon}


def by_rule(adj: Adjudication, iid: str) -> dict[str, dict]:
    return {v["rule"]: v for v in adj.violations if v["subject"]["id"] == iid}


def test_weapon_inside_its_withdrawal_distance(frame):
    recs = [inc(1, "weapon", -5.0, weapon={"class": "mortar", "type": "2B11", "caliber_mm": 120}),
            inc(2, "weapon", 30.0, weapon={"class": "artillery_ge100", "type": "D-30",
                                          "caliber_mm": 122}),
            inc(3, "weapon", -20.0, weapon={"class": "mortar", "type": "2B11", "caliber_mm": 120}),
            inc(4, "weapon", 60.0, weapon={"class": "artillery_ge100", "type": "D-30",
                                          "caliber_mm": 122})]
    adj = adjudicate(recs, frame)
    v1 = by_rule(adj, "inc-1")
    assert set(v1) == {"withdrawal.weapons", "security_zone.weapons"}
    w = v1["withdrawal.weapons"]
    assert (w["zone"], w["rule_version"], w["side"]) == ("withdrawal:mortar", 2, "b")
    assert w["distance_km"] == pytest.approx(5.0, abs=0.1)
    assert w["weapon"] == {"class": "mortar", "type": "2B11", "caliber_mm": 120}
    assert v1["security_zone.weapons"]["zone"] == "security_zone"
    v2 = by_rule(adj, "inc-2")
    assert set(v2) == {"withdrawal.weapons"}  # 30 km: beyond the 10 km security zone
    assert v2["withdrawal.weapons"]["zone"] == "withdrawal:artillery_ge100"
    assert v2["withdrawal.weapons"]["side"] == "a"
    assert by_rule(adj, "inc-3") == {} and by_rule(adj, "inc-4") == {}
    zones = [r["zone"] for r in adj.incidents]
    assert zones == ["security_zone", "withdrawal:artillery_ge100", "rear", "rear"]
    assert [r["violations"] for r in adj.incidents] == [
        ["withdrawal.weapons", "security_zone.weapons"], ["withdrawal.weapons"], [], []]


def test_fire_is_a_violation_anywhere_and_judged_at_its_origin(frame):
    recs = [inc(1, "explosion", 3.0, end="impact", detail="impact"),     # target on a's side
            inc(2, "burst", 3.0, end="origin", detail="small_arms"),       # fired from a's side
            inc(3, "explosion", 4.0, end="both", detail="impact", origin_km=-6.0),
            inc(4, "explosion", 40.0, end="impact", detail="impact")]
    adj = adjudicate(recs, frame)
    fire = {v["subject"]["id"]: v for v in adj.violations if v["rule"] == "ceasefire.fire"}
    assert sorted(fire) == ["inc-1", "inc-2", "inc-3", "inc-4"]
    # an impact on a's side was most likely fired from b's
    assert fire["inc-1"]["side"] == "b" and fire["inc-1"]["side_probability"]["b"] > 0.75
    assert fire["inc-2"]["side"] == "a" and fire["inc-2"]["side_probability"]["a"] > 0.9
    # linked: judged at the origin 6 km on b's side, not at the impact
    assert fire["inc-3"]["side"] == "b"
    assert fire["inc-3"]["distance_km"] == pytest.approx(6.0, abs=0.1)
    assert fire["inc-3"]["judged_at"]["lon"] == pytest.approx(lon_at(-6.0), abs=1e-5)
    assert fire["inc-1"]["zone"] == "security_zone" and fire["inc-4"]["zone"] == "rear"
    for v in fire.values():
        p = v["side_probability"]
        assert set(p) == {"a", "b"} and p["a"] + p["b"] == pytest.approx(1.0, abs=1e-9)
        assert v["confidence"] == max(p.values())


def test_near_the_line_the_side_is_undetermined(frame):
    recs = [inc(1, "burst", 0.05, end="origin", unc=4000.0),
            inc(2, "burst", 0.05, end="origin", unc=20.0)]  # same place, precisely located
    adj = adjudicate(recs, frame)
    v1, v2 = (by_rule(adj, f"inc-{i}")["ceasefire.fire"] for i in (1, 2))
    assert v1["side"] == "undetermined" and v1["confidence"] == 0.5
    assert max(v1["side_probability"].values()) < SideModel().undetermined_below
    assert v2["side"] == "a"


def test_side_probability_follows_the_model(frame):
    model = SideModel(classes={**SideModel().classes, "small_arms": ClassParams(1.0, 1.0)})
    # 1 sigma from the line (sigma = unc / 2.146): the share on a's side is Phi(1) = 0.841
    adj = adjudicate([inc(1, "burst", 2.146, end="origin", unc=2146.0 * 2.146)], frame,
                     model=model)
    assert adj.incidents[0]["side_probability"]["a"] == pytest.approx(0.841, abs=0.01)


def test_disengagement_area_and_region(frame):
    # the disengagement box is 30.98-31.02E, 47.98-48.02N
    recs = [inc(1, "explosion", -0.7, lat=48.01, end="impact"),
            inc(2, "explosion", -0.7, lat=48.5, end="impact")]
    adj = adjudicate(recs, frame)
    v = by_rule(adj, "inc-1")["disengagement.presence"]
    assert v["zone"] == "disengagement:box"
    assert adj.incidents[0]["zone"] == "disengagement:box"
    assert "disengagement.presence" not in by_rule(adj, "inc-2")
    assert [r["region"] for r in adj.incidents] == ["North", "North"]
    south = adjudicate([inc(3, "explosion", 3.0, lat=47.5, end="impact")], frame)
    assert south.violations[0]["region"] == "South"
    outside = adjudicate([inc(4, "explosion", 3.0, lat=45.5, end="impact")], frame)
    assert outside.violations[0]["region"] is None


def test_sources_count_independent_observers_by_kind(frame):
    rec = inc(1, "explosion", 3.0, end="impact",
              obs=("op-1/a", "op-1/b", "cam-2/c", "patrol-3/d", "x-9/e"))
    kinds = {"op-1/a": "post", "op-1/b": "post", "cam-2/c": "camera", "patrol-3/d": "patrol"}
    v = adjudicate([rec], frame, observation_kinds=kinds).violations[0]
    assert v["sources"] == {"n": 4, "kinds": {"camera": 1, "patrol": 1, "post": 1,
                                              "unknown": 1}}


def test_record_shape_ids_dates_and_order(frame):
    recs = [inc(2, "explosion", 3.0, end="impact", start="2024-12-08T23:30:00Z"),
            inc(1, "explosion", 3.0, end="impact", start="2024-12-08T10:00:00Z"),
            inc(3, "restriction", 1.0, start="2024-12-08T12:00:00Z")]
    before = copy.deepcopy(recs)
    adj = adjudicate(recs, frame, dates={"inc-2": "2024-12-09"})
    assert recs == before  # inputs untouched
    assert [(v["date"], v["subject"]["id"]) for v in adj.violations] == [
        ("2024-12-08", "inc-1"), ("2024-12-08", "inc-3"), ("2024-12-09", "inc-2")]
    v = adj.violations[0]
    want = "vio-" + hashlib.sha1(b"ceasefire.fire|inc-1").hexdigest()[:16]
    assert v["id"] == want
    assert set(v) >= {"id", "rule", "rule_version", "agreement", "subject", "date", "start",
                      "end", "kind", "detail", "count", "weapon", "location", "uncertainty_m",
                      "zone", "distance_km", "region", "sources", "side_probability", "side",
                      "confidence"}
    assert (v["agreement"], v["count"], v["weapon"]) == ("test", 3, None)
    r = by_rule(adj, "inc-3")["access.restriction"]  # not fire: no side can be assessed
    assert (r["side"], r["side_probability"], r["confidence"]) == ("undetermined", {}, 0.5)
    assert adj.incidents[2]["side_probability"] == {}
    json.dumps(adj.violations, allow_nan=False)  # plain JSON, no NaN


def test_empty_input(frame):
    assert adjudicate([], frame) == Adjudication([], [])


def test_vectorised_and_order_independent(frame):
    rng = np.random.default_rng(4)
    n = 3000
    kinds = rng.choice(["explosion", "burst", "weapon", "flare"], n)
    recs = [inc(i, str(k), float(d), lat=float(la), end=str(e), unc=float(u),
                weapon={"class": "mortar", "type": "2B11", "caliber_mm": 120} if k == "weapon"
                else None)
            for i, (k, d, la, e, u) in enumerate(zip(
                kinds, rng.uniform(-60, 60, n), rng.uniform(47.2, 48.8, n),
                rng.choice(["impact", "origin", "undetermined"], n), rng.uniform(100, 5000, n)))]
    a = adjudicate(recs, frame)
    b = adjudicate(recs[::-1], frame)
    assert a.violations == b.violations
    assert {r["id"]: r for r in a.incidents} == {r["id"]: r for r in b.incidents}
    from truce.geo.crs import GEOD

    w = [r for r in recs if r["kind"] == "weapon"]
    lon = np.array([r["location"]["lon"] for r in w])
    lat = np.array([r["location"]["lat"] for r in w])
    _, _, d_m = GEOD.inv(lon, lat, np.full(len(w), 31.0), lat)  # to the meridian line
    want = sorted(r["id"] for r, d in zip(w, d_m) if d < 15_000.0)
    got = sorted(v["subject"]["id"] for v in a.violations if v["rule"] == "withdrawal.weapons")
    assert len(want) > 100 and got == want


def test_nothing_before_the_effective_date_is_a_violation(frame):
    """The test agreement takes effect on 2020-01-01: fire reported under an earlier date is
    judged (zone, side) but breaks no rule; from that date on it does."""
    assert frame.agreement.effective.isoformat() == "2020-01-01"
    before = inc(1, "explosion", 3.0, start="2019-12-31T23:00:00Z")
    before["date"] = "2019-12-31"
    on = inc(2, "explosion", 3.0, start="2019-12-31T23:00:00Z")
    on["date"] = "2020-01-01"  # reported under the local date of its first report
    undated = inc(3, "explosion", 3.0, start="2019-12-30T10:00:00Z")  # UTC date of its start
    adj = adjudicate([before, on, undated], frame)
    assert by_rule(adj, "inc-1") == {} and by_rule(adj, "inc-3") == {}
    assert set(by_rule(adj, "inc-2")) == {"ceasefire.fire"}
    assert adj.incidents[0]["zone"] == "security_zone" and adj.incidents[0]["violations"] == []
    # an explicit dates map wins over the record's own date
    adj = adjudicate([before], frame, dates={"inc-1": "2020-01-02"})
    assert set(by_rule(adj, "inc-1")) == {"ceasefire.fire"}
