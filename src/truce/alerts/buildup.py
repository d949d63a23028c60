"""Build-up alerts: heavy weapons appearing inside their withdrawal distances, in one region on
one party's side, on several of the last days — the fear that a party uses the cease-fire to
rebuild its forces.

Heavy weapons are seen inside their withdrawal distances now and then anyway (a group on the
move, a sighting placed at the wrong settlement), so a day only counts when its sightings are
above that region-side's own trailing baseline: the escalation test of
:mod:`truce.alerts.escalation` with its own, more sensitive parameters marks the **elevated**
days, and an alert is raised on a day when at least ``k`` of the last ``n`` days (that one
included) were elevated.  Elevated days are left out of later baselines
(``EscalationParams.exclude_alerts``): weapons kept inside the withdrawal distances never become
the region's normal, so a build-up keeps alerting for as long as it lasts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from truce.alerts.counts import WITHDRAWAL_RULES, daily_counts
from truce.alerts.escalation import EscalationParams, escalation_test


def _day_params() -> EscalationParams:
    # tuned on build-up and quiet runs of training seeds 101-106 (docs/adjudication.md)
    return EscalationParams(window=14, min_history=5, alpha=0.05, k_min=0.5, k_max=5.0,
                            min_expected=0.5, min_count=3.0, min_ratio=2.0,
                            exclude_alerts=True)


@dataclass(frozen=True, slots=True)
class BuildupParams:
    k: int = 2  # elevated days ...
    n: int = 4  # ... among the last n days
    day: EscalationParams = field(default_factory=_day_params)
    rules: tuple[str, ...] = WITHDRAWAL_RULES
    classes: tuple[str, ...] | None = None  # weapon classes counted (None: every class)
    count: str = "sightings"  # "sightings" (violation records) or "weapons" (their counts)


def buildup_alerts(violations: Iterable[Mapping[str, Any]], *,
                   days: Sequence[date] | None = None,
                   params: BuildupParams | None = None,
                   party_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Alert dicts per (region, side) and day where heavy weapons inside their withdrawal
    distances were elevated on ``k`` of the last ``n`` days.  The count is the number of
    sightings (violation records of the selected rules; ``count="weapons"``: the weapons they
    saw); sides ``undetermined`` are left out.  Sorted by date, region, side.  ``party_names``
    (party id -> name, the agreement's) names the side in the message; the ``side`` field keeps
    the id."""
    p = params or BuildupParams()

    def select(v: Mapping[str, Any]) -> bool:
        w = v.get("weapon") or {}
        return (v.get("rule") in p.rules and v.get("side") not in (None, "undetermined")
                and (p.classes is None or w.get("class") in p.classes))

    def weight(v: Mapping[str, Any]) -> float:
        return float(v.get("count") or 1) if p.count == "weapons" else 1.0

    dc = daily_counts(violations, key=lambda v: (v.get("region"), v.get("side")),
                      select=select, weight=weight, days=days)
    if not dc.keys:
        return []
    res = escalation_test(dc.counts, p.day)
    elevated = res.alert.astype(np.int64)
    cs = np.concatenate([np.zeros((len(dc.keys), 1), np.int64), np.cumsum(elevated, axis=1)],
                        axis=1)
    t = np.arange(len(dc.days))
    lo = np.maximum(t + 1 - p.n, 0)
    in_window = cs[:, t + 1] - cs[:, lo]
    fire = (in_window >= p.k) & elevated.astype(bool)  # raised on an elevated day
    out = []
    for i, j in zip(*np.nonzero(fire), strict=True):
        (region, side), day = dc.keys[i], dc.days[j]
        obs = float(dc.counts[i, j])
        first = dc.days[max(0, j + 1 - p.n)]
        out.append({
            "type": "buildup", "region": region, "side": side, "date": day.isoformat(),
            "observed": obs, "expected": round(float(res.expected[i, j]), 2),
            "p_value": float(res.p_value[i, j]), "elevated_days": int(in_window[i, j]),
            "window_days": p.n,
            "message": (f"{region}: heavy weapons inside their withdrawal distances on "
                        f"the side of {(party_names or {}).get(side, side)} above their usual level on {int(in_window[i, j])} of "
                        f"the {p.n} days {first.isoformat()} to {day.isoformat()} "
                        f"({obs:,.0f} on the last, against an expected "
                        f"{float(res.expected[i, j]):,.1f} a day)."),
        })
    out.sort(key=lambda a: (a["date"], str(a["region"]), str(a["side"])))
    return out
