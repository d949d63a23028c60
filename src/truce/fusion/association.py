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


class Associator(Protocol):
    def __call__(self, problem: AssociationInput, params: FusionParams) -> np.ndarray: ...



def reciprocal_pairs(a: np.ndarray, b: np.ndarray, cost: np.ndarray, n: int) -> np.ndarray:
    """For candidate pairs ``(a, b)`` among ``n`` nodes, which pairs are each other's best
    partner (smallest cost; ties to the smallest partner index).  Vectorised, one pass."""
    node, other, c = np.r_[a, b], np.r_[b, a], np.r_[cost, cost]
    mind = np.full(n, np.inf)
    np.minimum.at(mind, node, c)
    tie = c == mind[node]
    best = np.full(n, n, np.int64)
    np.minimum.at(best, node[tie], other[tie])
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
    a = np.sort(a, kind="stable")
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _compact(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Labels renumbered 0.. in the order of their values."""
    if not len(labels):
        return labels.astype(np.int64), 0
    used = np.zeros(int(labels.max()) + 1, bool)
    used[labels] = True
    rank = np.cumsum(used) - 1
    return rank[labels].astype(np.int64), int(used.sum())


def mutual_best(problem: AssociationInput, params: FusionParams, batch_nodes: int = 65536) -> np.ndarray:
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
    e_b = np.searchsorted(bounds, lo, side="right") - 1
    eo = np.argsort(e_b, kind="stable")
    e_start = np.searchsorted(e_b[eo], np.arange(len(bounds)))
    clo, chi = np.minimum(p.cl_i, p.cl_j), np.maximum(p.cl_i, p.cl_j)
    c_b = np.searchsorted(bounds, clo, side="right") - 1
    same = c_b == np.searchsorted(bounds, chi, side="right") - 1
    clo, chi, c_b = clo[same], chi[same], c_b[same]
    co = np.argsort(c_b, kind="stable")
    c_start = np.searchsorted(c_b[co], np.arange(len(bounds)))
    labels = np.empty(n, np.int64)
    offset = 0
    for b in range(len(bounds) - 1):
        a0, a1 = int(bounds[b]), int(bounds[b + 1])
        e = eo[e_start[b]:e_start[b + 1]]
        c = co[c_start[b]:c_start[b + 1]]
        sub = AssociationInput(
            n=a1 - a0, i=lo[e] - a0, j=hi[e] - a0, cl_i=clo[c] - a0, cl_j=chi[c] - a0,
            x=p.x[a0:a1], y=p.y[a0:a1], cxx=p.cxx[a0:a1], cxy=p.cxy[a0:a1], cyy=p.cyy[a0:a1],
            t0=p.t0[a0:a1], t1=p.t1[a0:a1], kind=p.kind[a0:a1])
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
    rep = np.arange(n, dtype=np.int64)  # rep[c]: the cluster c was merged into (one level)
    tol = params.same_end_time_tol_s

    def pair_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        k = lo * n + hi
        return unique_int(k[lo != hi])

    lo0, hi0 = np.minimum(p.i, p.j), np.maximum(p.i, p.j)
    ekey = (lo0 * n + hi0)[lo0 != hi0]  # the candidate pairs are distinct: no sort needed yet
    clkey = pair_keys(p.cl_i, p.cl_j)
    for _ in range(params.max_rounds):
        if not len(ekey):
            break
        ca, cb = ekey // n, ekey % n
        # the clusters' fused Gaussians (elementwise over the n slots: cheap, no gathers)
        D = np.maximum(Ixx * Iyy - Ixy * Ixy, 1e-30)
        Cxx, Cxy, Cyy = Iyy / D, -Ixy / D, Ixx / D
        mx, my = Cxx * ex + Cxy * ey, Cxy * ex + Cyy * ey
        d2 = mahalanobis2(mx[ca] - mx[cb], my[ca] - my[cb], Cxx[ca] + Cxx[cb], Cxy[ca] + Cxy[cb],
                          Cyy[ca] + Cyy[cb])
        ok = (d2 <= params.same_end_gate) & ((fam[ca] | fam[cb]) != 3)
        ok &= np.maximum(t0max[ca], t0max[cb]) <= np.minimum(t1min[ca], t1min[cb]) + tol
        if len(clkey):
            ok &= ~member(ekey, clkey, b_sorted=True)
        ekey, ca, cb, d2 = ekey[ok], ca[ok], cb[ok], d2[ok]
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
        fam[ma] |= fam[mb]
        rep[mb] = ma
        ekey = pair_keys(rep[ca], rep[cb])
        if len(clkey):
            la, lb = rep[clkey // n], rep[clkey % n]
            clkey = pair_keys(la, lb)
    # resolve the merge chains, then number the clusters by their smallest observation
    while True:
        nxt = rep[rep]
        if np.array_equal(nxt, rep):
            break
        rep = nxt
    labels, _ = _compact(rep)
    return labels
