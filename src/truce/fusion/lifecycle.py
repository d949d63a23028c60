"""Lifecycle: end clusters become incidents.

The two ends of one explosive fire - the launch heard near the origin ("outgoing") and the
explosions heard near the target - are reported by different observers kilometres apart, so they
form two end clusters.  :func:`link_ends` joins two end clusters into one incident when both are
explosive fire, their windows start and end together (within ``link_time_tol_s``), they are
``link_min_m``-``link_max_m`` apart on different sides of the contact line (or on one side, when
one of them is within ``link_line_margin_m`` of the line), and their detail votes do not both say
the same end.  Linking is one-to-one, by reciprocal best cost.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from truce.fusion.association import _compact, reciprocal_pairs, unique_int
from truce.fusion.observations import EXPLOSION, IMPACT, OUTGOING, PROJECTILE, UNDETERMINED
from truce.fusion.params import FusionParams

#: log-likelihood ratio origin:impact of one report's detail (right 45%, confused 15% of the time)
DETAIL_LOGLR = float(np.log(0.45 / 0.15))


def group_median(labels: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Median of ``values`` per label (NaN values ignored; NaN where a group has none)."""
    ok = np.isfinite(values)
    lab, val = labels[ok], values[ok]
    order = np.lexsort((val, lab))
    lab, val = lab[order], val[order]
    start = np.searchsorted(lab, np.arange(k))
    n = np.bincount(lab, minlength=k)
    if not len(val):
        return np.full(k, np.nan)
    lo = np.minimum(start + (n - 1) // 2, len(val) - 1)
    hi = np.minimum(start + n // 2, len(val) - 1)
    return np.where(n > 0, 0.5 * (val[lo] + val[hi]), np.nan)


def end_logodds(labels: np.ndarray, k: int, detail_code: np.ndarray) -> np.ndarray:
    """Per cluster: log-odds that it is the origin end (outgoing votes +, impact votes -)."""
    v = np.where(detail_code == OUTGOING, DETAIL_LOGLR, np.where(detail_code == IMPACT, -DETAIL_LOGLR, 0.0))
    return np.bincount(labels, v, k)


def rejoin_sources(cluster: np.ndarray, source: np.ndarray, detail_code: np.ndarray,
                   stated_only: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The ``(cluster, source and detail)`` pairs the rejoin's observer rule weighs (see
    :func:`link_ends`): two pieces sharing one of these keys hold one observer's two alike
    reports at once.  ``stated_only``: only reports stating a detail (impact, outgoing, airburst,
    a weapon class; not "undetermined" and not none): a source's two "undetermined" reports at
    once are as often the two ends of one fire as two fires, they say nothing about which."""
    alike = source.astype(np.int64) * 8 + (detail_code.astype(np.int64) + 1)
    if not stated_only:
        return cluster, alike
    w = np.flatnonzero(detail_code > UNDETERMINED)
    return cluster[w], alike[w]


def link_ends(cand_a: np.ndarray, cand_b: np.ndarray, explosive: np.ndarray, mx: np.ndarray,
              my: np.ndarray, t0: np.ndarray, t1: np.ndarray, side: np.ndarray, logodds: np.ndarray,
              params: FusionParams, cluster_source: tuple[np.ndarray, np.ndarray] | None = None,
              line_distance: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Incident label of each end cluster (``k`` clusters); candidate cluster pairs come from the
    gating pairs; ``line_distance(clusters)``: their distance to the contact line in metres (for
    the pairs on one side of it, see ``link_line_margin_m``).  Returns labels numbered in the order
    of each incident's first cluster."""
    k = len(mx)
    lo, hi = np.minimum(cand_a, cand_b), np.maximum(cand_a, cand_b)
    keep = (lo != hi) & explosive[lo] & explosive[hi]
    key = np.sort(lo[keep] * k + hi[keep])  # (integers: a stable sort gives the same)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    a, b = key // k, key % k
    dist = np.hypot(mx[a] - mx[b], my[a] - my[b])
    dt0, dt1 = np.abs(t0[a] - t0[b]), np.abs(t1[a] - t1[b])
    a0, b0, dt0_0, dt1_0, dist0 = a, b, dt0, dt1, dist
    sure = params.end_sure_logodds
    ok = (explosive[a] & explosive[b] & (dt0 <= params.link_time_tol_s) & (dt1 <= params.link_time_tol_s)
          & (dist >= params.link_min_m) & (dist <= params.link_max_m)
          & ~((logodds[a] >= sure) & (logodds[b] >= sure)) & ~((logodds[a] <= -sure) & (logodds[b] <= -sure)))
    sides = (side[a] >= 0) & (side[b] >= 0) & (side[a] != side[b])
    if line_distance is not None and params.link_line_margin_m > 0:
        # an end within the margin of the contact line may be on either side of it (an impact
        # near the line, or a fused location off by a kilometre): only those pairs need the
        # distance to the line, so it is computed for their clusters alone
        q = np.flatnonzero(ok & ~sides)
        if len(q):
            cl_q = unique_int(np.r_[a[q], b[q]])
            near = np.zeros(k, bool)
            near[cl_q] = line_distance(cl_q) <= params.link_line_margin_m
            sides[q] = near[a[q]] | near[b[q]]
    ok &= sides
    a, b = a[ok], b[ok]
    cost = (dt0[ok] ** 2 + dt1[ok] ** 2) / params.link_time_tol_s**2 + (dist[ok] / params.link_max_m) ** 2
    partner = np.full(k, -1, np.int64)
    for _ in range(3):  # reciprocal best, each cluster linked once; a few rounds for the rest
        free = (partner[a] < 0) & (partner[b] < 0)
        a, b, cost = a[free], b[free], cost[free]
        if not len(a):
            break
        node, other, c = np.r_[a, b], np.r_[b, a], np.r_[cost, cost]
        order = np.lexsort((other, c, node))
        node, other = node[order], other[order]
        head = np.r_[True, node[1:] != node[:-1]]
        best = np.full(k, -1, np.int64)
        best[node[head]] = other[head]
        mutual = (best[a] == b) & (best[b] == a)
        if not mutual.any():
            break
        partner[a[mutual]] = b[mutual]
        partner[b[mutual]] = a[mutual]
    root = np.where(partner >= 0, np.minimum(np.arange(k), partner), np.arange(k))
    if params.rejoin_time_s > 0:
        root = _rejoin(root, a0, b0, dt0_0, dt1_0, dist0, explosive, params, cluster_source)
    labels, _ = _compact(root)
    return labels


def _rejoin(root: np.ndarray, a: np.ndarray, b: np.ndarray, dt0: np.ndarray, dt1: np.ndarray,
            dist: np.ndarray, explosive: np.ndarray, params: FusionParams,
            cluster_source: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Second pass: pieces of one explosive fire left apart (an end split in two, or a third
    cluster) join when two of their clusters start and end within ``rejoin_time_s`` and lie within
    ``rejoin_max_m``, and no observer has a report with the same stated detail in both pieces (an
    observer's two alike reports at once are two things; "impact" and "outgoing" are the two ends;
    with ``rejoin_stated_only`` "undetermined" states nothing and never vetoes - the reports
    weighed are ``cluster_source``, see :func:`rejoin_sources`); reciprocal best over the
    incidents, a few rounds."""
    ok = (explosive[a] & explosive[b] & (dt0 <= params.rejoin_time_s) & (dt1 <= params.rejoin_time_s)
          & (dist <= params.rejoin_max_m))
    a, b = a[ok], b[ok]
    cost = (np.maximum(dt0[ok], dt1[ok]) / params.rejoin_time_s) ** 2 + (dist[ok] / params.rejoin_max_m) ** 2
    k = len(root)
    for _ in range(3):
        ra, rb = root[a], root[b]
        keep = ra != rb
        a, b, cost, ra, rb = a[keep], b[keep], cost[keep], ra[keep], rb[keep]
        if not len(a):
            break
        lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
        if cluster_source is not None and len(lo):
            free = ~_share_source(root, lo, hi, *cluster_source)
            a, b, cost, lo, hi = a[free], b[free], cost[free], lo[free], hi[free]
            if not len(lo):
                break
        mutual = reciprocal_pairs(lo, hi, cost, k)
        if not mutual.any():
            break
        m = np.arange(k)
        m[hi[mutual]] = lo[mutual]
        root = m[root]
    return root


def _share_source(root: np.ndarray, lo: np.ndarray, hi: np.ndarray, cl: np.ndarray,
                  src: np.ndarray) -> np.ndarray:
    """For each pair of incidents (roots ``lo``, ``hi``): whether some source is in both.
    ``(cl, src)``: the (cluster, source) pairs present."""
    if not len(cl):
        return np.zeros(len(lo), bool)
    S = int(src.max(initial=0)) + 1
    rkey = np.sort(root[cl] * S + src)
    rkey = rkey[np.r_[True, rkey[1:] != rkey[:-1]]]
    r, s_ = rkey // S, rkey % S
    start = np.searchsorted(r, lo)
    cnt = np.searchsorted(r, lo, side="right") - start
    pair = np.repeat(np.arange(len(lo)), cnt)
    pos = np.repeat(start, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    probe = hi[pair] * S + s_[pos]
    idx = np.minimum(np.searchsorted(rkey, probe), len(rkey) - 1)
    hit = rkey[idx] == probe if len(rkey) else np.zeros(len(probe), bool)
    return np.bincount(pair[hit], minlength=len(lo)) > 0


def is_explosive(kind: np.ndarray) -> np.ndarray:
    return (kind == EXPLOSION) | (kind == PROJECTILE)
