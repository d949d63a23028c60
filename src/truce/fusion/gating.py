"""Gating: the candidate pairs of observations that could be of one episode.

Same-end candidates: compatible kinds, windows overlapping within ``gate_time_tol_s``, point
estimates within ``gate_radius_m`` and (given the covariances) passing the same-end chi-square
gate, or of one source (for the cannot-link rule).  A KD-tree per time block: each observation
enters every block its window (widened by half the tolerance on each side) touches, and a pair is
emitted only in the first block both share, so no pair is found twice; every test runs per block.
End-link candidates (the two ends of one explosive fire, up to ``link_max_m`` apart): one KD-tree
over ``(x, y, s t_start, s t_end)``.  Both bound the candidates per observation by the local
density, so the cost grows linearly with the days covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from truce.fusion.observations import BURST, EXPLOSION, FLARE, KINDS, PROJECTILE, SHOT, WEAPON
from truce.fusion.params import FusionParams


def _compat() -> np.ndarray:
    """Which reported kinds can be one episode: projectiles are the flight of explosive fire or
    tracer; bursts and shots are confused; everything else only with itself."""
    m = np.eye(len(KINDS), dtype=bool)
    for a, b in ((EXPLOSION, PROJECTILE), (BURST, SHOT), (BURST, PROJECTILE), (SHOT, PROJECTILE)):
        m[a, b] = m[b, a] = True
    return m


KIND_COMPATIBLE: np.ndarray = _compat()
_ = (FLARE, WEAPON)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Candidate pairs ``i < j`` (indices into the observations): same-end candidates ``(i, j)``,
    end-link candidates ``(li, lj)``, and the components of the union."""

    i: np.ndarray
    j: np.ndarray
    li: np.ndarray
    lj: np.ndarray
    component: np.ndarray | None  # (n,) connected component of each observation (None: not computed)
    d2: np.ndarray | None = None  # Mahalanobis d² of the same-end pairs, when computed in gating


class Gater(Protocol):
    def __call__(self, x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
                 kind: np.ndarray, params: FusionParams, rho: np.ndarray | None = None,
                 source: np.ndarray | None = None, cov: tuple | None = None) -> tuple[np.ndarray, np.ndarray]: ...


def block_kdtree_pairs(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
                       kind: np.ndarray, params: FusionParams, rho: np.ndarray | None = None,
                       source: np.ndarray | None = None,
                       cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Same-end candidate pairs ``(i, j)``: :func:`block_kdtree_pairs_d2` without the d²."""
    i, j, _ = block_kdtree_pairs_d2(x, y, t0, t1, kind, params, rho, source, cov)
    return i, j


def block_kdtree_pairs_d2(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
                          kind: np.ndarray, params: FusionParams, rho: np.ndarray | None = None,
                          source: np.ndarray | None = None,
                          cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Same-end candidate pairs by time block and KD-tree (see the module docstring).

    With ``cov`` (each observation's covariance ``cxx, cxy, cyy``), pairs must also pass the
    same-end chi-square gate itself (or be of one ``source``): tested per block, while it is in
    cache, so the later stages only see pairs that can be one end.

    Point estimates within ``gate_radius_m`` and, when ``rho`` (each observation's gate radius,
    ``sqrt(same_end_gate * lambda_max)``) is given, within ``rho_i + rho_j`` - the widest the
    chi-square gate on the two Gaussians can accept - except pairs of one ``source`` (kept for
    the cannot-link rule).  Windows overlap within ``gate_time_tol_s``.
    """
    n = len(x)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), (np.zeros(0) if cov is not None else None)
    tol = params.gate_time_tol_s
    bsz = params.gate_block_s
    # each observation widened by tol/2 on both sides: two widened windows share a block iff
    # the windows overlap within tol
    b0 = np.floor((t0 - 0.5 * tol) / bsz).astype(np.int64)
    b1 = np.floor((t1 + 0.5 * tol) / bsz).astype(np.int64)
    nb = b1 - b0 + 1
    row = np.repeat(np.arange(n), nb)
    blk = np.repeat(b0, nb) + (np.arange(nb.sum()) - np.repeat(np.cumsum(nb) - nb, nb))
    order = np.argsort(blk, kind="stable")
    row, blk = row[order], blk[order]
    cuts = np.flatnonzero(np.r_[True, blk[1:] != blk[:-1], True])
    xy = np.column_stack([x, y])
    out_i, out_j, out_d = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for a, b in zip(cuts[:-1], cuts[1:]):  # one KD-tree per time block, not per observation
        members = row[a:b]
        if len(members) < 2:
            continue
        p = cKDTree(xy[members]).query_pairs(params.gate_radius_m, output_type="ndarray")
        if not len(p):
            continue
        # every test per block, while the block is small and in cache
        gi, gj = members[p[:, 0]], members[p[:, 1]]
        keep = np.maximum(b0[gi], b0[gj]) == blk[a]  # emit each pair in its first shared block
        keep &= KIND_COMPATIBLE[kind[gi], kind[gj]]
        keep &= np.maximum(t0[gi], t0[gj]) <= np.minimum(t1[gi], t1[gj]) + tol
        if rho is not None or cov is not None:
            dx, dy = x[gi] - x[gj], y[gi] - y[gj]
            if cov is not None:
                cxx, cxy, cyy = cov
                sxx, sxy, syy = cxx[gi] + cxx[gj], cxy[gi] + cxy[gj], cyy[gi] + cyy[gj]
                d2 = ((syy * dx * dx - 2.0 * sxy * dx * dy + sxx * dy * dy)
                      / np.maximum(sxx * syy - sxy * sxy, 1e-9))
                near = d2 <= params.same_end_gate
            else:
                near = np.hypot(dx, dy) <= rho[gi] + rho[gj]
            if source is not None:
                near |= source[gi] == source[gj]
            keep &= near
        out_i.append(gi[keep])
        out_j.append(gj[keep])
        if cov is not None:
            out_d.append(d2[keep])
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    d2_all = np.concatenate(out_d) if cov is not None else None
    lo, hi = _sorted_pairs(i, j)
    return lo, hi, d2_all


def _sorted_pairs(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` of each pair, in the order found (deterministic for a given observation order;
    no global sort: every consumer decides by value, not by position)."""
    return np.minimum(i, j), np.maximum(i, j)


def link_pairs(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray, kind: np.ndarray,
               params: FusionParams) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs for linking the two ends of one explosive fire: explosive kinds, precise
    windows, and ``(d / link_max_m)^2 + (dt_start^2 + dt_end^2) / link_gate_time_s^2 <= 1`` - one
    KD-tree over ``(x, y, s t0, s t1)`` with ``s = link_max_m / link_gate_time_s``, no blocks."""
    ok = np.flatnonzero(((kind == EXPLOSION) | (kind == PROJECTILE)) & (t1 - t0 <= params.vague_window_s))
    if len(ok) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    s = params.link_max_m / params.link_gate_time_s
    # a fixed time origin (not the data's minimum): the scaled coordinates of an observation must
    # not depend on which others are fused with it (incremental == batch)
    base = 1.7e9
    pts = np.column_stack([x[ok], y[ok], (t0[ok] - base) * s, (t1[ok] - base) * s])
    p = cKDTree(pts).query_pairs(params.link_max_m, output_type="ndarray")
    if not len(p):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _sorted_pairs(ok[p[:, 0]], ok[p[:, 1]])


def candidate_pairs(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray, kind: np.ndarray,
                    params: FusionParams, rho: np.ndarray | None = None,
                    source: np.ndarray | None = None,
                    cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All candidate pairs: same-end candidates (:func:`block_kdtree_pairs`) then end-link
    candidates (:func:`link_pairs`); a pair may appear in both."""
    i1, j1 = block_kdtree_pairs(x, y, t0, t1, kind, params, rho, source, cov)
    i2, j2 = link_pairs(x, y, t0, t1, kind, params)
    return np.r_[i1, i2], np.r_[j1, j2]


def _components_scipy(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    g = coo_matrix((np.ones(len(i), np.int8), (i, j)), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    return lab


def components(n: int, i: np.ndarray, j: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
    """Connected-component label of each node of the graph with edges ``(i, j)``; labels are
    canonical (numbered by each component's smallest node).  With ``group`` (a label per node of
    groups known to be connected, e.g. end clusters), the graph is solved over the groups: edges
    inside one group are dropped first."""
    if group is not None:
        k = int(group.max(initial=-1)) + 1
        gi, gj = group[i], group[j]
        d = gi != gj
        lab = _components_scipy(k, gi[d], gj[d])[group] if n else np.zeros(0, np.int64)
    else:
        lab = _components_scipy(n, i, j)
    first = np.full(lab.max(initial=-1) + 1, n, dtype=np.int64)
    np.minimum.at(first, lab, np.arange(n))
    rank = np.argsort(np.argsort(first))
    return rank[lab]


def gate(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray, kind: np.ndarray,
         params: FusionParams, gater: Gater | None = None, rho: np.ndarray | None = None,
         source: np.ndarray | None = None,
         cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
         with_components: bool = True) -> Candidates:
    """The candidates; ``with_components=False`` leaves the components to the caller (the
    pipeline computes them on the graph of end clusters, which is much smaller)."""
    d2 = None
    if gater is None and cov is not None:
        i, j, d2 = block_kdtree_pairs_d2(x, y, t0, t1, kind, params, rho, source, cov)
    else:
        i, j = (gater or block_kdtree_pairs)(x, y, t0, t1, kind, params, rho, source, cov)
    li, lj = link_pairs(x, y, t0, t1, kind, params)
    comp = components(len(x), np.r_[i, li], np.r_[j, lj]) if with_components else None
    return Candidates(i=i, j=j, li=li, lj=lj, component=comp, d2=d2)
