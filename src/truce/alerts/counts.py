"""Daily counts per region (or region and side) from violation records, as a dense table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

#: the rule ids counted as fire by default (the bundled agreements' ceasefire rule)
FIRE_RULES: tuple[str, ...] = ("ceasefire.fire",)
#: the rule ids counted as heavy weapons inside their withdrawal distance by default
WITHDRAWAL_RULES: tuple[str, ...] = ("withdrawal.weapons",)


@dataclass(frozen=True, eq=False)
class DailyCounts:
    """``counts[i, t]``: the count of key ``keys[i]`` on day ``days[t]`` (consecutive days)."""

    keys: tuple[Any, ...]
    days: tuple[date, ...]
    counts: np.ndarray


def day_range(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def daily_counts(violations: Iterable[Mapping[str, Any]], *,
                 key: Callable[[Mapping[str, Any]], Any] = lambda v: v.get("region"),
                 weight: Callable[[Mapping[str, Any]], float] = lambda v: float(v.get("count") or 1),
                 select: Callable[[Mapping[str, Any]], bool] = lambda v: v.get("rule") in FIRE_RULES,
                 days: Sequence[date] | None = None,
                 keys: Sequence[Any] | None = None) -> DailyCounts:
    """Sum ``weight`` per ``key`` per ``date`` over the selected violations.

    Defaults: ceasefire violations (the OSCE count: explosions, bursts, shots, flares — the
    records' ``count``) per region.  ``days`` (default: first to last date seen) and ``keys``
    (default: every key seen, sorted; a key of None is left out) fix the table's axes.
    """
    rows = [(key(v), _day(v["date"]), weight(v)) for v in violations if select(v)]
    if days is None:
        seen = [d for _, d, _ in rows]
        days = day_range(min(seen), max(seen)) if seen else ()
    if keys is None:
        keys = sorted({k for k, _, _ in rows if k is not None}, key=str)
    days = tuple(days)
    ki = {k: i for i, k in enumerate(keys)}
    di = {d: i for i, d in enumerate(days)}
    out = np.zeros((len(keys), len(days)))
    for k, d, w in rows:
        if k in ki and d in di:
            out[ki[k], di[d]] += w
    return DailyCounts(tuple(keys), days, out)
