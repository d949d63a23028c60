"""Counting: an incident's number of rounds from the counts of the observations behind it.

Several observers of one episode each count (most of) the same rounds, so their counts are not
added.  Each observer's reports within the incident are first summed (a report split in two, the
two ends it reported) per end, the larger end kept; the incident's count is then the maximum over
observers (``count_estimator="max"``), or their median or mean.  Observers undercount (rounds at
the edge of hearing are missed) and sometimes overcount, so the maximum is the least biased of
the three on the simulator (docs/fusion.md gives the figures); ``count_scale`` corrects what bias
remains.  Reports with "an undetermined number" count only when nothing else does (as 1).
"""

from __future__ import annotations

import numpy as np


def _group(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense label of each distinct ``(a, b)`` pair of non-negative integers (in key order)."""
    if not len(a):
        return np.zeros(0, np.int64)
    key = a.astype(np.int64) * (int(b.max()) + 1) + b.astype(np.int64)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    lab = np.cumsum(np.r_[True, ks[1:] != ks[:-1]]) - 1
    out = np.empty(len(key), np.int64)
    out[order] = lab
    return out


def incident_counts(incident: np.ndarray, cluster: np.ndarray, source: np.ndarray,
                    count: np.ndarray, k: int, estimator: str = "max", scale: float = 1.0
                    ) -> np.ndarray:
    """Count per incident (``k`` incidents) from per-observation ``count`` (NaN: unknown).

    ``incident`` and ``cluster`` (the end cluster) label each observation; ``source`` is an
    integer code of its source.
    """
    c = np.nan_to_num(count, nan=0.0)
    # per (cluster, source): sum over that source's reports
    inv = _group(cluster, source)
    per_cs = np.bincount(inv, c)
    cs_inc = np.zeros(len(per_cs), np.int64)
    cs_inc[inv] = incident
    cs_src = np.zeros(len(per_cs), np.int64)
    cs_src[inv] = source
    # per (incident, source): the larger of its ends
    inv2 = _group(cs_inc, cs_src)
    per_is = np.zeros(inv2.max(initial=-1) + 1)
    np.maximum.at(per_is, inv2, per_cs)
    is_inc = np.zeros(len(per_is), np.int64)
    is_inc[inv2] = cs_inc
    if estimator == "max":
        out = np.zeros(k)
        np.maximum.at(out, is_inc, per_is)
    elif estimator == "mean":
        known = per_is > 0
        out = np.bincount(is_inc[known], per_is[known], k) / np.maximum(np.bincount(is_inc[known], minlength=k), 1)
    elif estimator == "median":
        known = per_is > 0
        inc, val = is_inc[known], per_is[known]
        order = np.lexsort((val, inc))
        inc, val = inc[order], val[order]
        start = np.searchsorted(inc, np.arange(k))
        n = np.bincount(inc, minlength=k)
        lo_i = np.minimum(start + (n - 1) // 2, len(val) - 1)
        hi_i = np.minimum(start + n // 2, len(val) - 1)
        out = np.where(n > 0, 0.5 * (val[lo_i] + val[hi_i]) if len(val) else 0.0, 0.0)
    else:
        raise ValueError(f"unknown count estimator {estimator!r}; use max, mean or median")
    return np.maximum(np.round(out * scale), 1.0)
