"""Association: which observations are one end of one episode.

Two associators share one input (accepted same-end pairs, cannot-link pairs, the observations'
Gaussians and windows):

* :func:`connected` - connected components over the accepted pairs.  Fast and simple, but it
  chains: A~B and B~C put A and C together even when they are inconsistent, and a post that
  reported two shellings at once can end up in one incident.
* :func:`mutual_best` - constrained agglomeration by reciprocal best pairs (the default).  Each
  round, every cluster picks its most consistent neighbouring cluster (smallest Mahalanobis
  distance between the clusters' fused Gaussians) among those it may merge with: fused locations
  within the chi-square gate, a common time window, compatible kinds and no cannot-link (one
  source reporting two things at once).  Pairs that chose each other merge, the fused Gaussians
  are recomputed, and rounds repeat until nothing merges.  Every decision is checked against
  the whole cluster, so it does not chain; each round is vectorised over the cluster pairs still
  able to merge (the others are dropped for good), and the observations are processed in ranges
  of whole components, so the cost grows linearly.

  The choice of partner also weighs time: reports of one end start and end within a minute or
  two of each other, concurrent episodes a few kilometres apart do not, so the cost adds the
  squared differences of the two clusters' mean precise start and end times over
  ``assoc_time_sigma_s`` squared.  A cluster of vague windows only ("overnight") has no time to
  compare and pays ``assoc_vague_cost`` instead: vague reports join the best precise cluster
  after the precise clusters have formed, rather than seeding merges.  The time term only ranks
  partners; which merges are allowed (gate, windows, kinds, cannot-link) is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from truce.fusion.gating import components
from truce.fusion.observations import BURST, EXPLOSION, SHOT
from truce.fusion.params import FusionParams
from truce.fusion.scoring import mahalanobis2




@dataclass(frozen=True, eq=False)
class AssociationInput:
    n: int
    i: np.ndarray  # accepted same-end pairs
    j: np.ndarray
    cl_i: np.ndarray  # cannot-link pairs
    cl_j: np.ndarray
    x: np.ndarray
    y: np.ndarray
    cxx: np.ndarray
    cxy: np.ndarray
    cyy: np.ndarray
    t0: np.ndarray  # vague windows as -inf / +inf
    t1: np.ndarray
    kind: np.ndarray
    #: the pairs' Mahalanobis d² when the caller has already checked them pairwise (gate, kinds,
    #: windows, no cannot-link): the first round then needs no test (None: tested)
    d2: np.ndarray | None = None


class Associator(Protocol):
    def __call__(self, problem: AssociationInput, params: FusionParams) -> np.ndarray: ...



def reciprocal_pairs(a: np.ndarray, b: np.ndarray, cost: np.ndarray, n: int) -> np.ndarray:
    """For candidate pairs ``(a, b)`` among ``n`` nodes, which pairs are each other's best
    partner (smallest cost; ties to the smallest partner index).  Vectorised, one pass."""
    mind = np.full(n, np.inf)
    np.minimum.at(mind, a, cost)
    np.minimum.at(mind, b, cost)
    best = np.full(n, n, np.int64)
    ta, tb = cost == mind[a], cost == mind[b]
    np.minimum.at(best, a[ta], b[ta])
    np.minimum.at(best, b[tb], a[tb])
    return (best[a] == b) & (best[b] == a)

def connected(problem: AssociationInput, params: FusionParams) -> np.ndarray:
    """Connected components over the accepted pairs (baseline associator)."""
    return components(problem.n, problem.i, problem.j)


def member(a: np.ndarray, b: np.ndarray, b_sorted: bool = False) -> np.ndarray:
    """``np.isin(a, b)`` for integer keys by sorting and binary search (linear-log, no hashing)."""
    if not len(b):
        return np.zeros(len(a), bool)
    if not b_sorted:
        b = np.sort(b, kind="stable")
    idx = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[idx] == a


def unique_int(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (sort-based: faster than hashing here)."""
    a = np.sort(a)  # introsort: faster than the stable sort on unordered keys
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _compact(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Labels renumbered 0.. in the order of their values."""
    if not len(labels):
        return labels.astype(np.int64), 0
    used = np.zeros(int(labels.max()) + 1, bool)
    used[labels] = True
    rank = np.cumsum(used) - 1
    return rank[labels].astype(np.int64), int(used.sum())


def mutual_best(problem: AssociationInput, params: FusionParams, batch_nodes: int = 32768) -> np.ndarray:
    """Constrained reciprocal-best agglomeration, run independently on batches of whole connected
    components of the same-end graph (contiguous index ranges when the observations are in time
    order), so the working set stays small and the cost grows linearly with the observations.
    Merges never cross components, so the result equals one run over everything."""
    p = problem
    n = p.n
    lo, hi = np.minimum(p.i, p.j), np.maximum(p.i, p.j)
    # cut points m where no same-end pair straddles m: every pair with lo < m has hi < m
    reach = np.arange(n)
    np.maximum.at(reach, lo, hi)
    reach = np.maximum.accumulate(reach) if n else reach
    ok_cut = np.flatnonzero(reach < np.arange(1, n + 1)) + 1  # m = index + 1 is a valid cut
    cuts = [0]
    if len(ok_cut):
        want = np.arange(batch_nodes, n, batch_nodes)
        pos = np.searchsorted(ok_cut, want)
        cuts += sorted(set(ok_cut[np.minimum(pos, len(ok_cut) - 1)].tolist()) - {0, n})
    cuts.append(n)
    if len(cuts) == 2:
        return _mutual_best(p, params)
    bounds = np.asarray(cuts)
    small = np.int16 if len(bounds) < 2**15 else np.int64  # 16-bit keys: numpy's radix sort
    e_b = (np.searchsorted(bounds, lo, side="right") - 1).astype(small)
    eo = np.argsort(e_b, kind="stable")
    e_start = np.r_[0, np.cumsum(np.bincount(e_b, minlength=len(bounds) - 1))]
    clo, chi = np.minimum(p.cl_i, p.cl_j), np.maximum(p.cl_i, p.cl_j)
    c_b = np.searchsorted(bounds, clo, side="right") - 1
    same = c_b == np.searchsorted(bounds, chi, side="right") - 1
    clo, chi, c_b = clo[same], chi[same], c_b[same]
    co = np.argsort(c_b.astype(small), kind="stable")
    c_start = np.r_[0, np.cumsum(np.bincount(c_b, minlength=len(bounds) - 1))]
    labels = np.empty(n, np.int64)
    offset = 0
    for b in range(len(bounds) - 1):
        a0, a1 = int(bounds[b]), int(bounds[b + 1])
        e = eo[e_start[b]:e_start[b + 1]]
        c = co[c_start[b]:c_start[b + 1]]
        sub = AssociationInput(
            n=a1 - a0, i=lo[e] - a0, j=hi[e] - a0, cl_i=clo[c] - a0, cl_j=chi[c] - a0,
            x=p.x[a0:a1], y=p.y[a0:a1], cxx=p.cxx[a0:a1], cxy=p.cxy[a0:a1], cyy=p.cyy[a0:a1],
            t0=p.t0[a0:a1], t1=p.t1[a0:a1], kind=p.kind[a0:a1], d2=None if p.d2 is None else p.d2[e])
        lab = _mutual_best(sub, params)
        labels[a0:a1] = lab + offset
        offset += int(lab.max(initial=-1)) + 1
    return labels


def _mutual_best(problem: AssociationInput, params: FusionParams) -> np.ndarray:
    """Constrained reciprocal-best agglomeration (see the module docstring).

    Clusters are named by their smallest observation index, so the result is the same whatever
    order the (canonically sorted) observations came in.  The rounds only touch the cluster pairs
    still able to merge: a pair that fails the gate, the common window, the kinds or a cannot-link
    is dropped for good (merging only adds constraints), and each cluster's sums (information
    matrix, information-weighted mean, window bounds, kind family) are updated in place when it
    merges, so a round costs in proportion to the pairs left, not to all observations.
    """
    p = problem
    n = p.n
    fam = np.zeros(n, np.int8)  # bit 1: explosive fire, bit 2: small-arms fire
    fam[p.kind == EXPLOSION] = 1
    fam[(p.kind == BURST) | (p.kind == SHOT)] = 2
    det = np.maximum(p.cxx * p.cyy - p.cxy * p.cxy, 1e-9)
    Ixx, Ixy, Iyy = p.cyy / det, -p.cxy / det, p.cxx / det
    ex, ey = Ixx * p.x + Ixy * p.y, Ixy * p.x + Iyy * p.y
    t0max, t1min = p.t0.astype(float).copy(), p.t1.astype(float).copy()
    # the union of the precise windows (vague ones neutral): reports of one episode may cover
    # different parts of it, so two clusters may also merge when their union windows overlap and
    # the union stays within ``cluster_span_s``
    fin = np.isfinite(t0max) & np.isfinite(t1min)
    t0min, t1max = np.where(fin, t0max, np.inf), np.where(fin, t1min, -np.inf)
    span = params.cluster_span_s
    # per cluster: the sums of its precise starts and ends and how many (updated in place)
    tsig = params.assoc_time_sigma_s
    if tsig > 0:
        nt = fin.astype(float)
        tref = float(np.min(t0max[fin])) if fin.any() else 0.0
        st0, st1 = np.where(fin, t0max - tref, 0.0), np.where(fin, t1min - tref, 0.0)
        vcost = params.assoc_vague_cost

        def time_cost(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            # mean start + i * mean end, NaN for a cluster of vague windows: one gather per side
            with np.errstate(invalid="ignore", divide="ignore"):
                m = (st0 + 1j * st1) / np.where(nt > 0, nt, np.nan)
            d = m[a]
            d -= m[b]
            dt2 = d.real * d.real
            dt2 += d.imag * d.imag
            dt2 *= 1.0 / (tsig * tsig)
            return np.nan_to_num(dt2, copy=False, nan=vcost)
    rep = np.arange(n, dtype=np.int64)  # rep[c]: the cluster c was merged into (one level)
    tol = params.same_end_time_tol_s

    def pair_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        k = lo * n + hi
        return unique_int(k[lo != hi])

    lo0, hi0 = np.minimum(p.i, p.j), np.maximum(p.i, p.j)
    distinct = lo0 != hi0
    ekey = (lo0 * n + hi0)[distinct]  # the candidate pairs are distinct: no sort needed yet
    ca, cb = lo0[distinct], hi0[distinct]
    clkey = pair_keys(p.cl_i, p.cl_j)
    # per pair: its cluster distance and whether it must be tested again (a pair whose clusters
    # did not change since it last passed still passes, with the same distance)
    if p.d2 is not None:  # tested pairwise by the caller: single observations are the clusters
        d2 = np.asarray(p.d2, float)[distinct]
        if tsig > 0:
            d2 = d2 + time_cost(ca, cb)
        dirty = np.zeros(len(ekey), bool)
    else:
        d2 = np.zeros(len(ekey))
        dirty = np.ones(len(ekey), bool)
    touched = np.zeros(n, bool)
    for _ in range(params.max_rounds):
        if not len(ekey):
            break
        s = np.flatnonzero(dirty)
        if len(s):
            a, b = ca[s], cb[s]
            # the clusters' fused Gaussians (elementwise over the n slots: cheap, no gathers)
            D = np.maximum(Ixx * Iyy - Ixy * Ixy, 1e-30)
            Cxx, Cxy, Cyy = Iyy / D, -Ixy / D, Ixx / D
            mx, my = Cxx * ex + Cxy * ey, Cxy * ex + Cyy * ey
            d2s = mahalanobis2(mx[a] - mx[b], my[a] - my[b], Cxx[a] + Cxx[b], Cxy[a] + Cxy[b],
                               Cyy[a] + Cyy[b])
            ok = (d2s <= params.same_end_gate) & ((fam[a] | fam[b]) != 3)
            inter = np.maximum(t0max[a], t0max[b]) <= np.minimum(t1min[a], t1min[b]) + tol
            if span > 0:
                u0, u1 = np.minimum(t0min[a], t0min[b]), np.maximum(t1max[a], t1max[b])
                inter |= ((np.maximum(t0min[a], t0min[b]) <= np.minimum(t1max[a], t1max[b]) + tol)
                          & (u1 - u0 <= span))
            ok &= inter
            if len(clkey):
                o = np.flatnonzero(ok)
                ok[o[member(ekey[s[o]], clkey, b_sorted=True)]] = False
            d2[s] = d2s + time_cost(a, b) if tsig > 0 else d2s  # the gate is on location alone
            if not ok.all():
                keep = np.ones(len(ekey), bool)
                keep[s[~ok]] = False
                ekey, ca, cb, d2 = ekey[keep], ca[keep], cb[keep], d2[keep]
        if not len(ekey):
            break
        mutual = reciprocal_pairs(ca, cb, d2, n)
        if not mutual.any():
            break
        ma, mb = ca[mutual], cb[mutual]  # ma < mb: mb merges into ma
        Ixx[ma] += Ixx[mb]
        Ixy[ma] += Ixy[mb]
        Iyy[ma] += Iyy[mb]
        ex[ma] += ex[mb]
        ey[ma] += ey[mb]
        t0max[ma] = np.maximum(t0max[ma], t0max[mb])
        t1min[ma] = np.minimum(t1min[ma], t1min[mb])
        t0min[ma] = np.minimum(t0min[ma], t0min[mb])
        t1max[ma] = np.maximum(t1max[ma], t1max[mb])
        fam[ma] |= fam[mb]
        if tsig > 0:
            nt[ma] += nt[mb]
            st0[ma] += st0[mb]
            st1[ma] += st1[mb]
        rep[mb] = ma
        # only the pairs of merged clusters change: re-key and re-test those
        touched[ma] = True
        touched[mb] = True
        t = touched[ca] | touched[cb]
        tk = pair_keys(rep[ca[t]], rep[cb[t]])
        keep = ~t
        ekey = np.r_[ekey[keep], tk]
        ca, cb = np.r_[ca[keep], tk // n], np.r_[cb[keep], tk % n]
        d2 = np.r_[d2[keep], np.zeros(len(tk))]
        dirty = np.r_[np.zeros(int(keep.sum()), bool), np.ones(len(tk), bool)]
        touched[ma] = False
        touched[mb] = False
        if len(clkey):
            la, lb = clkey // n, clkey % n
            absorbed = np.zeros(n, bool)
            absorbed[mb] = True
            c = absorbed[la] | absorbed[lb]
            if c.any():
                moved = pair_keys(rep[la[c]], rep[lb[c]])
                merged = np.sort(np.r_[clkey[~c], moved], kind="stable")
                clkey = merged[np.r_[True, merged[1:] != merged[:-1]]] if len(merged) else merged
    # resolve the merge chains, then number the clusters by their smallest observation
    while True:
        nxt = rep[rep]
        if np.array_equal(nxt, rep):
            break
        rep = nxt
    labels, _ = _compact(rep)
    return labels
