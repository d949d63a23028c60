"""A small validator of the observation JSONL contract (DESIGN.md) used by the simulator tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from truce.domain.kinds import COMPASS_16

SOURCE_KINDS = {"patrol", "post", "camera", "uav", "acoustic", "osint", "import"}
KINDS = {"explosion", "projectile", "burst", "shot", "flare", "weapon", "casualty", "damage",
         "restriction", "jamming"}
DETAILS = {"explosion": {"undetermined", "impact", "outgoing", "airburst"},
           "burst": {"small_arms", "heavy_machine_gun"}, "shot": {"small_arms", "heavy_machine_gun"}}
WEAPON_CLASSES = {"small_arms", "heavy_machine_gun", "mortar", "tank", "artillery_lt100",
                  "artillery_ge100", "mlrs", "mlrs_heavy", "tactical_missile"}


def _iso(value: Any) -> datetime:
    assert isinstance(value, str), value
    t = datetime.fromisoformat(value)
    assert t.utcoffset() is not None, f"{value} has no UTC offset"
    return t


def _point(p: Any) -> None:
    assert isinstance(p, dict) and -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180, p


def check_observation(rec: dict[str, Any]) -> None:
    """Raise AssertionError naming the problem when ``rec`` breaks the contract."""
    assert isinstance(rec.get("id"), str) and rec["id"], "id"
    src = rec["source"]
    assert src["kind"] in SOURCE_KINDS and isinstance(src["id"], str) and src["id"], "source"
    t = rec["time"]
    if isinstance(t, dict):
        assert set(t) == {"start", "end"}, t
        assert _iso(t["start"]) <= _iso(t["end"]), t
    else:
        _iso(t)
    assert "observer" in rec or "location" in rec, "observer or location required"
    if "observer" in rec:
        _point(rec["observer"])
    assert rec["kind"] in KINDS, rec["kind"]
    if "detail" in rec:
        assert rec["detail"] in DETAILS.get(rec["kind"], set()), (rec["kind"], rec["detail"])
    if "count" in rec:
        assert isinstance(rec["count"], int) and rec["count"] >= 1, rec["count"]
    if "direction" in rec:
        assert rec["direction"] in COMPASS_16, rec["direction"]
    if "bearing_deg" in rec:
        assert 0 <= rec["bearing_deg"] < 360
        assert rec.get("bearing_sigma_deg", 0) >= 0
    if "distance_km" in rec:
        d = rec["distance_km"]
        if isinstance(d, list):
            assert len(d) == 2 and 0 < d[0] < d[1], d
        else:
            assert isinstance(d, float) and d > 0, d
    if "location" in rec:
        _point(rec["location"])
        assert rec["location"].get("sigma_m", 0) >= 0
    if "weapon" in rec:
        w = rec["weapon"]
        assert w["class"] in WEAPON_CLASSES and isinstance(w["type"], str)
        assert "caliber_mm" not in w or (isinstance(w["caliber_mm"], int) and w["caliber_mm"] > 0)
    assert isinstance(rec["heard_only"], bool)
    if "text" in rec:
        assert isinstance(rec["text"], str) and rec["text"].endswith(".")
