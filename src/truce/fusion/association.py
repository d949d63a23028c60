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

from truce.fusion.gating import components, ordered
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
    ta, tb = np.flatnonzero(cost == mind[a]), np.flatnonzero(cost == mind[b])
    np.minimum.at(best, a[ta], b[ta])
    np.minimum.at(best, b[tb], a[tb])
    # mutual: a's best is b and b's best is a (the second test only where the first holds)
    s = np.flatnonzero(best[a] == b)
    out = np.zeros(len(a), bool)
    out[s[best[b[s]] == a[s]]] = True
    return out


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
    if len(a) < 2:
        return a
    head = np.empty(len(a), bool)
    head[0] = True
    np.not_equal(a[1:], a[:-1], out=head[1:])
    return a[np.flatnonzero(head)]


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
    lo, hi = ordered(p.i, p.j)
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
    nb = len(bounds) - 1
    small = np.int16 if nb < 2**15 else np.int64  # 16-bit keys: numpy's radix sort
    # each node's batch (a lookup, cheaper than a binary search per pair); a same-end pair's
    # two nodes are in one batch (no pair straddles a cut)
    batch_of = np.repeat(np.arange(nb, dtype=small), np.diff(bounds))
    e_parts = _groups(batch_of[lo], nb)
    clo, chi = ordered(p.cl_i, p.cl_j)
    c_parts = _groups(batch_of[clo], nb)
    labels = np.empty(n, np.int64)
    offset = 0
    for b in range(nb):
        a0, a1 = int(bounds[b]), int(bounds[b + 1])
        ci, cj = _gather(clo, c_parts[b]), _gather(chi, c_parts[b])
        keep = np.flatnonzero(cj < a1)  # a cannot-link across batches never matters
        sub = AssociationInput(
            n=a1 - a0, i=_gather(lo, e_parts[b]) - a0, j=_gather(hi, e_parts[b]) - a0,
            cl_i=ci[keep] - a0, cl_j=cj[keep] - a0,
            x=p.x[a0:a1], y=p.y[a0:a1], cxx=p.cxx[a0:a1], cxy=p.cxy[a0:a1], cyy=p.cyy[a0:a1],
            t0=p.t0[a0:a1], t1=p.t1[a0:a1], kind=p.kind[a0:a1],
            d2=None if p.d2 is None else _gather(p.d2, e_parts[b]))
        lab = _mutual_best(sub, params)
        labels[a0:a1] = lab + offset
        offset += int(lab.max(initial=-1)) + 1
    return labels


def _groups(key: np.ndarray, k: int) -> list[list]:
    """For each group ``g < k``, the positions where ``key == g`` in increasing order, as a list
    of slices or index arrays (for :func:`_gather`).  Pairs from the gating come almost grouped
    already (a few runs per batch): then the runs are sliced, with no sort and no gather over
    millions of pairs; otherwise a stable sort."""
    out: list[list] = [[] for _ in range(k)]
    if not len(key):
        return out
    change = np.flatnonzero(key[1:] != key[:-1]) + 1
    if len(change) < 4 * k + 64:
        starts, ends = np.r_[0, change].tolist(), np.r_[change, len(key)].tolist()
        for s, e, g in zip(starts, ends, key[starts].tolist()):
            out[g].append(slice(s, e))
        return out
    order = np.argsort(key, kind="stable")
    start = np.searchsorted(key[order], np.arange(k + 1))
    for g in range(k):
        out[g].append(order[start[g]:start[g + 1]])
    return out


def _gather(a: np.ndarray, parts: list) -> np.ndarray:
    """``a`` at the positions ``parts`` (slices or index arrays, from :func:`_groups`), in order."""
    if len(parts) == 1:
        return a[parts[0]]
    return np.concatenate([a[q] for q in parts]) if parts else a[:0]


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
            # a cluster of vague windows only (NaN mean) pays the vague cost; d is finite
            # otherwise (means of finite times), so dt2 is never infinite
            dt2[np.isnan(dt2)] = vcost
            return dt2
    rep = np.arange(n, dtype=np.int64)  # rep[c]: the cluster c was merged into (one level)
    tol = params.same_end_time_tol_s
    # a cluster pair's key: lo << shift | hi (lo < hi) - sorts as (lo, hi), split by shift and mask
    shift = max(int(n - 1).bit_length(), 1)
    low = (1 << shift) - 1

    def pair_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lo = np.minimum(a, b).astype(np.int64, copy=False)
        hi = np.maximum(a, b).astype(np.int64, copy=False)
        k = lo << shift
        k |= hi
        if not np.all(lo != hi):
            k = k[np.flatnonzero(lo != hi)]
        return unique_int(k)

    lo0, hi0 = ordered(np.asarray(p.i, np.int64), np.asarray(p.j, np.int64))
    distinct = lo0 != hi0
    ca, cb = lo0[distinct], hi0[distinct]  # the candidate pairs are distinct: no sort needed yet
    # cannot-link cluster pairs: ``clkey`` (sorted) is what the tests look up; ``cl_lo, cl_hi``
    # follow the pairs' clusters as they merge.  A key whose cluster was merged away stays in
    # ``clkey``: the tests only ever ask about live clusters, so it is never looked up again
    clkey = pair_keys(p.cl_i, p.cl_j)
    cl_lo, cl_hi = clkey >> shift, clkey & low
    # per pair: its cluster distance; the pairs ``[clean:]`` must be tested (again): a pair
    # whose clusters did not change since it last passed still passes, with the same distance
    if p.d2 is not None:  # tested pairwise by the caller: single observations are the clusters
        d2 = np.asarray(p.d2, float)[distinct]
        if tsig > 0:
            d2 = d2 + time_cost(ca, cb)
        clean = len(ca)
    else:
        d2 = np.zeros(len(ca))
        clean = 0
    touched = np.zeros(n, bool)
    for _ in range(params.max_rounds):
        if not len(ca):
            break
        if clean < len(ca):
            a, b = ca[clean:], cb[clean:]
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
                ok[o[member((a[o] << shift) | b[o], clkey, b_sorted=True)]] = False
            d2[clean:] = d2s + time_cost(a, b) if tsig > 0 else d2s  # the gate is on location alone
            if not ok.all():
                o = np.flatnonzero(ok)  # (index arrays: faster than boolean masks on random masks)
                ca, cb = np.concatenate([ca[:clean], a[o]]), np.concatenate([cb[:clean], b[o]])
                d2 = np.concatenate([d2[:clean], d2[clean:][o]])
        if not len(ca):
            break
        mutual = reciprocal_pairs(ca, cb, d2, n)
        if not mutual.any():
            break
        mutual = np.flatnonzero(mutual)
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
        # only the pairs of merged clusters change: re-key those, and test them next round
        touched[ma] = True
        touched[mb] = True
        t = touched[ca] | touched[cb]
        tt = np.flatnonzero(t)
        tk = pair_keys(rep[ca[tt]], rep[cb[tt]])
        keep = np.flatnonzero(~t)
        clean = len(keep)
        # the untouched pairs (clean) then the re-keyed ones (to test), written in place
        m = clean + len(tk)
        nca, ncb, nd2 = np.empty(m, np.int64), np.empty(m, np.int64), np.zeros(m)
        np.take(ca, keep, out=nca[:clean])
        np.take(cb, keep, out=ncb[:clean])
        np.take(d2, keep, out=nd2[:clean])
        np.right_shift(tk, shift, out=nca[clean:])
        np.bitwise_and(tk, low, out=ncb[clean:])
        ca, cb, d2 = nca, ncb, nd2
        touched[ma] = False
        if len(clkey):
            # touched[mb] marks the absorbed clusters
            c = np.flatnonzero(touched[cl_lo] | touched[cl_hi])
            if len(c):
                na, nb = rep[cl_lo[c]], rep[cl_hi[c]]
                cl_lo[c], cl_hi[c] = np.minimum(na, nb), np.maximum(na, nb)
                moved = pair_keys(na, nb)
                # two sorted runs: numpy's stable sort merges them in about linear time
                clkey = np.sort(np.concatenate([clkey, moved]), kind="stable")
        touched[mb] = False
    # resolve the merge chains, then number the clusters by their smallest observation
    while True:
        nxt = rep[rep]
        if np.array_equal(nxt, rep):
            break
        rep = nxt
    labels, _ = _compact(rep)
    return labels
