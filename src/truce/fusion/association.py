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
  the whole cluster, so it does not chain; each round is vectorised over the pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from truce.fusion.gating import components
from truce.fusion.observations import BURST, EXPLOSION, SHOT
from truce.fusion.params import FusionParams
from truce.fusion.scoring import mahalanobis2
from truce.fusion.triangulate import fuse_gaussians


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


def connected(problem: AssociationInput, params: FusionParams) -> np.ndarray:
    """Connected components over the accepted pairs (baseline associator)."""
    return components(problem.n, problem.i, problem.j)


def member(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.isin(a, b)`` for integer keys by sorting and binary search (linear-log, no hashing)."""
    if not len(b):
        return np.zeros(len(a), bool)
    b = np.sort(b)
    idx = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[idx] == a


def _compact(labels: np.ndarray) -> tuple[np.ndarray, int]:
    u, inv = np.unique(labels, return_inverse=True)
    return inv.astype(np.int64), len(u)


def mutual_best(problem: AssociationInput, params: FusionParams) -> np.ndarray:
    """Constrained reciprocal-best agglomeration (see the module docstring).

    Labels are canonical: numbered in the order of each cluster's first observation, so the result
    does not depend on how the input was ordered once the observations are sorted canonically.
    """
    p = problem
    labels = np.arange(p.n, dtype=np.int64)
    ei, ej = p.i, p.j
    fam = np.zeros(p.n, np.int8)  # bit 1: explosive fire, bit 2: small-arms fire
    fam[p.kind == EXPLOSION] = 1
    fam[(p.kind == BURST) | (p.kind == SHOT)] = 2
    k = p.n
    for _ in range(params.max_rounds):
        a, b = labels[ei], labels[ej]
        keep = a != b
        a, b, ei, ej = a[keep], b[keep], ei[keep], ej[keep]
        if not len(a):
            break
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        key, first = np.unique(lo * k + hi, return_index=True)
        ca, cb = lo[first], hi[first]
        mx, my, Cxx, Cxy, Cyy = fuse_gaussians(labels, k, p.x, p.y, p.cxx, p.cxy, p.cyy)
        t0max = np.full(k, -np.inf)
        np.maximum.at(t0max, labels, p.t0)
        t1min = np.full(k, np.inf)
        np.minimum.at(t1min, labels, p.t1)
        cfam = np.zeros(k, np.int8)
        np.bitwise_or.at(cfam, labels, fam)
        d2 = mahalanobis2(mx[ca] - mx[cb], my[ca] - my[cb], Cxx[ca] + Cxx[cb], Cxy[ca] + Cxy[cb],
                          Cyy[ca] + Cyy[cb])
        ok = (d2 <= params.same_end_gate) & ((cfam[ca] | cfam[cb]) != 3)
        ok &= np.maximum(t0max[ca], t0max[cb]) <= np.minimum(t1min[ca], t1min[cb]) + params.same_end_time_tol_s
        if len(p.cl_i):
            la, lb = labels[p.cl_i], labels[p.cl_j]
            ok &= ~member(key, np.minimum(la, lb) * k + np.maximum(la, lb))
        # drop observation pairs whose clusters may not merge now: merging only adds constraints
        good = member(lo * k + hi, key[ok])
        ei, ej = ei[good], ej[good]
        ca, cb, d2 = ca[ok], cb[ok], d2[ok]
        if not len(ca):
            break
        # each cluster's best partner (smallest d2, then smallest label)
        node = np.r_[ca, cb]
        other = np.r_[cb, ca]
        cost = np.r_[d2, d2]
        order = np.lexsort((other, cost, node))
        node, other = node[order], other[order]
        head = np.r_[True, node[1:] != node[:-1]]
        best = np.full(k, -1, np.int64)
        best[node[head]] = other[head]
        mutual = best[ca] == cb
        mutual &= best[cb] == ca
        if not mutual.any():
            break
        m = np.arange(k)
        m[cb[mutual]] = ca[mutual]
        labels, k = _compact(m[labels])
    labels, _ = _compact(labels)
    return labels
