"""Compare parsed observations with reference records (the simulator's ``observations.jsonl``,
or a hand-written expected file), keyed by (report, sentence).

A reference record is recovered when the parser gave exactly one record for its sentence and
that record has the same kind, detail, count, direction, distance, bearing, weapon and time
(start and end), and an observer within :data:`OBSERVER_TOLERANCE_M` (both absent also agrees).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from truce.geo.crs import GEOD

OBSERVER_TOLERANCE_M = 500.0
#: Fields compared exactly (absent on both sides agrees).
EXACT_FIELDS: tuple[str, ...] = ("kind", "detail", "count", "direction", "distance_km",
                                 "bearing_deg", "bearing_sigma_deg", "weapon", "heard_only")


@dataclass(frozen=True)
class Score:
    """Recovery rate and one reason per reference record not recovered."""

    reference: int
    recovered: int
    mismatches: tuple[tuple[str, int, str], ...]  # (report, sentence, reason)

    @property
    def rate(self) -> float:
        return self.recovered / self.reference if self.reference else 1.0


def _time(t: Any) -> tuple[str, str] | None:
    if t is None:
        return None
    if isinstance(t, str):
        return (t, t)
    return (t.get("start"), t.get("end"))


def _norm(field: str, v: Any) -> Any:
    if field == "distance_km" and isinstance(v, (list, tuple)):
        return [float(x) for x in v]
    if field in ("distance_km", "bearing_deg", "bearing_sigma_deg") and v is not None:
        return float(v)
    return v


def compare(ref: dict[str, Any], got: dict[str, Any]) -> str | None:
    """None when ``got`` recovers ``ref``, else the first difference."""
    for f in EXACT_FIELDS:
        a, b = _norm(f, ref.get(f)), _norm(f, got.get(f))
        if a != b:
            return f"{f}: expected {a!r}, got {b!r}"
    if _time(ref.get("time")) != _time(got.get("time")):
        return f"time: expected {ref.get('time')!r}, got {got.get('time')!r}"
    ro, go = ref.get("observer"), got.get("observer")
    if (ro is None) != (go is None):
        return f"observer: expected {ro!r}, got {go!r}"
    if ro is not None and go is not None:
        _, _, d = GEOD.inv(ro["lon"], ro["lat"], go["lon"], go["lat"])
        if d > OBSERVER_TOLERANCE_M:
            return f"observer: {d:.0f} m off"
    return None


def score_records(reference: Iterable[dict[str, Any]], parsed: Iterable[dict[str, Any]]) -> Score:
    """Score parsed records against reference records (both carrying ``report``, ``sentence``)."""
    got: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for p in parsed:
        got.setdefault((str(p.get("report", "")), int(p["sentence"])), []).append(p)
    refs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in reference:
        refs.setdefault((str(r.get("report", "")), int(r["sentence"])), []).append(r)
    n = ok = 0
    miss: list[tuple[str, int, str]] = []
    for key, rs in sorted(refs.items()):
        gs = list(got.get(key, []))
        for r in rs:
            n += 1
            if not gs:
                miss.append((key[0], key[1], "no parsed record"))
                continue
            reasons = [compare(r, g) for g in gs]
            hit = next((i for i, x in enumerate(reasons) if x is None), None)
            if hit is None:
                miss.append((key[0], key[1], str(reasons[0])))
                gs.pop(0)
            else:
                ok += 1
                gs.pop(hit)
        for g in gs:
            miss.append((key[0], key[1], f"extra parsed record ({g.get('kind')})"))
    return Score(n, ok, tuple(miss))
