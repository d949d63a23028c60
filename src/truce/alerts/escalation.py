"""Escalation alerts: a region's daily count far above its trailing baseline.

The test (one-sided, per region and day, vectorised over both):

* baseline: the previous ``window`` days (at least ``min_history`` of them), mean ``m`` and
  sample variance ``s2``; the expected count is ``mu = max(m, min_expected)``;
* counts are overdispersed (fire comes in episodes of many rounds, and episodes cluster), so the
  count is modelled as **negative binomial** with mean ``mu`` and size ``k`` from the moments,
  ``k = mu^2 / (s2 - mu)``, clipped to ``[k_min, k_max]`` (``k_max`` also when ``s2 <= mu``:
  a short window often underestimates the variance, and ``k_max`` bounds how Poisson-like the
  baseline may look);
* ``p = P(X >= observed)``; an alert when ``p < alpha``, the count is at least ``min_count``
  and at least ``min_ratio`` times ``mu``;
* with ``exclude_alerts`` (the build-up test uses it), days that raised an alert are left out
  of later baselines: the baseline is the last ``window`` days *without* an alert, so a
  sustained build-up keeps alerting instead of becoming its own baseline after a few days.  (The
  test is then sequential in days; it stays vectorised over regions.)  The escalation test
  keeps the plain trailing baseline: a new level of fire that lasts becomes the new normal, and
  only a further rise is an escalation.

The defaults were tuned on quiet simulated weeks of training seeds and the false-alarm rate is
measured on other seeds (``python -m truce.evaluate.alerts``, docs/adjudication.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from scipy.stats import nbinom


@dataclass(frozen=True, slots=True)
class EscalationParams:
    window: int = 14  # trailing days in the baseline
    min_history: int = 7  # fewer days of baseline: no test
    alpha: float = 1e-4  # one-sided p-value threshold
    k_min: float = 0.3  # most overdispersed baseline allowed (NB size)
    k_max: float = 1.0  # least overdispersed baseline allowed
    min_expected: float = 1.0  # expected count floor (a silent region is not certain silence)
    min_count: float = 30.0  # fewer: never an alert
    min_ratio: float = 4.0  # "far above": at least this many times the expected count
    exclude_alerts: bool = False  # True: alert days do not enter later baselines


@dataclass(frozen=True, eq=False)
class EscalationTest:
    """Per key and day: expected count, size, p-value (NaN where not tested) and alert flag."""

    expected: np.ndarray
    size: np.ndarray
    p_value: np.ndarray
    alert: np.ndarray


def escalation_test(counts: np.ndarray, params: EscalationParams | None = None) -> EscalationTest:
    """The test on a ``(keys, days)`` array of daily counts (consecutive days)."""
    p = params or EscalationParams()
    c = np.asarray(counts, float)
    if c.ndim == 1:
        c = c[None, :]
    nk, nd = c.shape
    if not p.exclude_alerts:
        zero = np.zeros((nk, 1))
        s1 = np.concatenate([zero, np.cumsum(c, axis=1)], axis=1)
        s2 = np.concatenate([zero, np.cumsum(c * c, axis=1)], axis=1)
        t = np.arange(nd)
        lo = np.maximum(t - p.window, 0)
        n = np.broadcast_to((t - lo).astype(float), c.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (s1[:, t] - s1[:, lo]) / n
            var = ((s2[:, t] - s2[:, lo]) - n * mean * mean) / np.maximum(n - 1, 1)
        mu, k, pv, alert = _day_test(c, mean, var, n, p)
    else:  # sequential in days: an alert day leaves the baseline of the days after it
        n = np.zeros(c.shape)
        mu, k = np.full(c.shape, np.nan), np.full(c.shape, np.nan)
        pv, alert = np.full(c.shape, np.nan), np.zeros(c.shape, bool)
        for t in range(nd):
            ok = ~alert[:, :t]  # baseline candidates: earlier days without an alert
            # the last `window` of them: rank each candidate from the right
            rank = np.cumsum(ok[:, ::-1], axis=1)[:, ::-1]
            use = ok & (rank <= p.window)
            nt = use.sum(axis=1).astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                m = np.where(use, c[:, :t], 0.0).sum(axis=1) / nt
                v = (np.where(use, c[:, :t] ** 2, 0.0).sum(axis=1) - nt * m * m) / np.maximum(
                    nt - 1, 1)
            mu_t, k_t, pv_t, al_t = _day_test(c[:, t:t + 1], m[:, None], v[:, None],
                                              nt[:, None], p)
            n[:, t], mu[:, t], k[:, t], pv[:, t], alert[:, t] = (
                nt, mu_t[:, 0], k_t[:, 0], pv_t[:, 0], al_t[:, 0])
    tested = n >= p.min_history
    return EscalationTest(np.where(tested, mu, np.nan), np.where(tested, k, np.nan), pv, alert)


def _day_test(c: np.ndarray, mean: np.ndarray, var: np.ndarray, n: np.ndarray,
              p: EscalationParams) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected count, NB size, p-value and alert flag of counts ``c`` against baselines of
    ``n`` days with ``mean`` and ``var`` (arrays of one shape)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.maximum(mean, p.min_expected)
        k = np.where(var > mu, mu * mu / (var - mu), p.k_max)
    k = np.clip(np.nan_to_num(k, nan=p.k_max), p.k_min, p.k_max)
    tested = n >= p.min_history
    pv = np.full(c.shape, np.nan)
    # P(X >= x) = sf(x - 1); counts may be weighted sums: round up to whole counts
    x = np.ceil(c - 1e-9)
    pv[tested] = nbinom.sf(x[tested] - 1, k[tested], k[tested] / (k[tested] + mu[tested]))
    alert = tested & (pv < p.alpha) & (c >= p.min_count) & (c >= p.min_ratio * mu)
    return mu, k, pv, alert


def escalation_alerts(counts: Mapping[str, Sequence[float]] | np.ndarray, days: Sequence[date],
                      regions: Sequence[str] | None = None, *,
                      params: EscalationParams | None = None,
                      what: str = "ceasefire violations") -> list[dict[str, Any]]:
    """Alert dicts for every region-day whose count is far above its trailing baseline.

    ``counts``: ``region -> daily counts`` aligned with ``days`` (consecutive dates), or a
    ``(regions, days)`` array with ``regions`` naming its rows.  Sorted by date then region.
    """
    if isinstance(counts, Mapping):
        regions = list(counts)
        arr = np.array([list(counts[r]) for r in regions], float).reshape(len(regions), len(days))
    else:
        arr = np.asarray(counts, float)
        if regions is None:
            raise ValueError("name the rows of a counts array with `regions`")
    res = escalation_test(arr, params)
    out = []
    for i, j in zip(*np.nonzero(res.alert), strict=True):
        obs, exp, pv = float(arr[i, j]), float(res.expected[i, j]), float(res.p_value[i, j])
        region = list(regions)[i]
        day = days[j]
        out.append({
            "type": "escalation", "region": region, "date": day.isoformat(),
            "observed": obs, "expected": round(exp, 2), "p_value": pv,
            "dispersion_k": round(float(res.size[i, j]), 3),
            "message": (f"{region}: {obs:,.0f} {what} on {day.isoformat()}, "
                        f"{obs / exp:,.1f} times the trailing daily mean of {exp:,.1f} "
                        f"(negative-binomial p = {pv:.1e})."),
        })
    out.sort(key=lambda a: (a["date"], str(a["region"])))
    return out
