"""Gating: the candidate pairs of observations that could be of one episode.

Same-end candidates: compatible kinds, windows overlapping within ``gate_time_tol_s``, point
estimates within ``gate_radius_m`` and (given the covariances) passing the same-end chi-square
gate, or of one source (for the cannot-link rule).  A KD-tree per time block: each observation
enters every block its window (widened by half the tolerance on each side) touches, and a pair is
emitted only in the first block both share, so no pair is found twice: per block, a KD-tree over
the observations whose first block it is ("new") gives the new-new pairs and is queried against a
tree of the others for the new-old pairs (old-old pairs were emitted earlier and are never
enumerated); every test runs per block.
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
    same_source: np.ndarray | None = None  # the same-end pairs of one source, when computed in gating


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
    i, j, _, _ = _block_pairs(x, y, t0, t1, kind, params, rho, source, cov)
    return i, j


def block_kdtree_pairs_d2(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
                          kind: np.ndarray, params: FusionParams, rho: np.ndarray | None = None,
                          source: np.ndarray | None = None,
                          cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Same-end candidate pairs by time block and KD-tree, with their d² (see
    :func:`_block_pairs`)."""
    i, j, d2, _ = _block_pairs(x, y, t0, t1, kind, params, rho, source, cov)
    return i, j, d2


def _block_pairs(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
                 kind: np.ndarray, params: FusionParams, rho: np.ndarray | None = None,
                 source: np.ndarray | None = None,
                 cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Same-end candidate pairs ``i < j`` by time block and KD-tree (see the module docstring),
    their d² (with ``cov``) and whether the two are of one source (with ``source``).

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
        return (np.zeros(0, np.int64), np.zeros(0, np.int64), (np.zeros(0) if cov is not None else None),
                (np.zeros(0, bool) if source is not None else None))
    tol = params.gate_time_tol_s
    bsz = params.gate_block_s
    r = params.gate_radius_m
    # each observation widened by tol/2 on both sides: two widened windows share a block iff
    # the windows overlap within tol
    b0 = np.floor((t0 - 0.5 * tol) / bsz).astype(np.int64)
    b1 = np.floor((t1 + 0.5 * tol) / bsz).astype(np.int64)
    nb = b1 - b0 + 1
    row = np.repeat(np.arange(n), nb)
    blk = np.repeat(b0, nb) + (np.arange(nb.sum()) - np.repeat(np.cumsum(nb) - nb, nb))
    order = np.argsort(blk, kind="stable")
    row, blk = row.take(order), blk.take(order)
    first = b0.take(row) == blk  # the block is the observation's first: "new" in it
    cuts = np.flatnonzero(np.r_[True, blk[1:] != blk[:-1], True])
    xy = np.column_stack([x, y])
    nk = len(KIND_COMPATIBLE)
    compatible = KIND_COMPATIBLE.reshape(-1)  # [kind_a * nk + kind_b]
    out = _PairBuffer(32 * n + 1024, cov is not None, source is not None)
    if cov is not None:
        cxx_all, cxy_all, cyy_all = cov
    # KD-trees per time block, not per observation
    for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
        if b - a < 2:
            continue
        f = first[a:b]
        members = row[a:b]
        new = members[f]
        if not len(new):  # every pair here was emitted in an earlier block
            continue
        old = members[~f]
        tree = cKDTree(xy.take(new, axis=0))
        p = tree.query_pairs(r, output_type="ndarray")
        # block-local indices into ``loc`` (the new, then the old)
        if len(old):
            q = tree.sparse_distance_matrix(cKDTree(xy.take(old, axis=0)), r, output_type="ndarray")
            pa = np.concatenate([p[:, 0], q["i"]])
            pb = np.concatenate([p[:, 1], q["j"] + len(new)])
            loc = np.concatenate([new, old])
        else:
            pa, pb, loc = p[:, 0].copy(), p[:, 1].copy(), new
        if not len(pa):
            continue
        # every test on block-local copies (small, in cache), cheapest first, and the pairs
        # compacted after each: kinds, windows, and the chi-square gate last
        bk = kind.take(loc).astype(np.intp)
        s = np.flatnonzero(compatible.take(bk.take(pa) * nk + bk.take(pb)))
        pa, pb = pa.take(s), pb.take(s)
        bt0, bt1 = t0.take(loc), t1.take(loc)
        s = np.flatnonzero(np.maximum(bt0.take(pa), bt0.take(pb))
                           <= np.minimum(bt1.take(pa), bt1.take(pb)) + tol)
        pa, pb = pa.take(s), pb.take(s)
        if rho is not None or cov is not None:
            bx, by = x.take(loc), y.take(loc)
            dx = bx.take(pa) - bx.take(pb)
            dy = by.take(pa) - by.take(pb)
            if cov is not None:
                bxx, bxy, byy = cxx_all.take(loc), cxy_all.take(loc), cyy_all.take(loc)
                sxx = bxx.take(pa) + bxx.take(pb)
                sxy = bxy.take(pa) + bxy.take(pb)
                syy = byy.take(pa) + byy.take(pb)
                d2 = ((syy * dx * dx - 2.0 * sxy * dx * dy + sxx * dy * dy)
                      / np.maximum(sxx * syy - sxy * sxy, 1e-9))
                near = d2 <= params.same_end_gate
            else:
                brho = rho.take(loc)
                near = np.hypot(dx, dy) <= brho.take(pa) + brho.take(pb)
            if source is not None:
                bs = source.take(loc)
                one = bs.take(pa) == bs.take(pb)
                near |= one
            s = np.flatnonzero(near)
            pa, pb = pa.take(s), pb.take(s)
        elif source is not None:
            bs = source.take(loc)
            one, s = bs.take(pa) == bs.take(pb), None
        out.add(loc.take(pa), loc.take(pb), d2 if cov is not None else None,
                one if source is not None else None, s)
    return out.arrays()


class _PairBuffer:
    """The gating's output, written block by block into arrays allocated once (grown by
    doubling when full): no list of per-block pieces and no concatenation, so the pairs are
    held once, not twice, at their peak.  Pages past the end are never touched."""

    def __init__(self, capacity: int, with_d2: bool, with_same: bool) -> None:
        self.m = 0
        self.i, self.j = np.empty(capacity, np.int64), np.empty(capacity, np.int64)
        self.d2 = np.empty(capacity) if with_d2 else None
        self.same = np.empty(capacity, bool) if with_same else None

    def add(self, gi: np.ndarray, gj: np.ndarray, d2: np.ndarray | None, same: np.ndarray | None,
            s: np.ndarray | None) -> None:
        """Pairs ``(gi, gj)`` (rows, either order), with ``d2`` and ``same`` at ``s`` (or all)."""
        a, b = self.m, self.m + len(gi)
        if b > len(self.i):
            self._grow(b)
        np.minimum(gi, gj, out=self.i[a:b])  # the pairs as i < j
        np.maximum(gi, gj, out=self.j[a:b])
        for col, v in ((self.d2, d2), (self.same, same)):
            if col is not None:
                if s is None:
                    col[a:b] = v
                else:
                    np.take(v, s, out=col[a:b])
        self.m = b

    def _grow(self, need: int) -> None:
        cap = max(need, 2 * len(self.i))
        for name in ("i", "j", "d2", "same"):
            old = getattr(self, name)
            if old is not None:
                new = np.empty(cap, old.dtype)
                new[:self.m] = old[:self.m]
                setattr(self, name, new)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        m = self.m
        return (self.i[:m], self.j[:m], None if self.d2 is None else self.d2[:m],
                None if self.same is None else self.same[:m])


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
    p = p.T.copy()  # contiguous columns (faster gathers than the strided ones)
    return ok.take(p[0]), ok.take(p[1])  # ok is increasing and p[:, 0] < p[:, 1]: already i < j


def candidate_pairs(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray, kind: np.ndarray,
                    params: FusionParams, rho: np.ndarray | None = None,
                    source: np.ndarray | None = None,
                    cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All candidate pairs: same-end candidates (:func:`block_kdtree_pairs`) then end-link
    candidates (:func:`link_pairs`); a pair may appear in both."""
    i1, j1 = block_kdtree_pairs(x, y, t0, t1, kind, params, rho, source, cov)
    i2, j2 = link_pairs(x, y, t0, t1, kind, params)
    return np.r_[i1, i2], np.r_[j1, j2]


def ordered(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(min(i, j), max(i, j))`` elementwise; the arrays themselves (no copies) when every
    ``i < j`` already, as the gating's pairs are."""
    if not len(i) or bool(np.all(i < j)):
        return i, j
    return np.minimum(i, j), np.maximum(i, j)


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


def segments(n: int, *edges: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Label of each node (``0..n-1``, in an order where edges are local, e.g. time order): the
    shortest runs ``[a, b)`` of consecutive nodes that no edge leaves (``edges``: ``(i, j)`` arrays).  Each run holds
    whole connected components of the graph (a union of them, numbered in order), found with one
    scatter over the edges instead of a graph search: what incremental fusion needs (a set of
    observations whose result depends on nothing outside it), at a fraction of the cost."""
    if not n:
        return np.zeros(0, np.int64)
    reach = np.arange(n)
    for i, j in edges:
        if len(i):
            np.maximum.at(reach, *ordered(i, j))
    reach = np.maximum.accumulate(reach)
    end = reach < np.arange(1, n + 1)  # node m ends a run: nothing before it reaches past it
    return np.r_[0, np.cumsum(end[:-1])].astype(np.int64)


def gate(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray, kind: np.ndarray,
         params: FusionParams, gater: Gater | None = None, rho: np.ndarray | None = None,
         source: np.ndarray | None = None,
         cov: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
         with_components: bool = True) -> Candidates:
    """The candidates; ``with_components=False`` leaves the components to the caller (the
    pipeline computes them on the graph of end clusters, which is much smaller)."""
    d2 = same = None
    if gater is None and cov is not None:
        i, j, d2, same = _block_pairs(x, y, t0, t1, kind, params, rho, source, cov)
    else:
        i, j = (gater or block_kdtree_pairs)(x, y, t0, t1, kind, params, rho, source, cov)
    li, lj = link_pairs(x, y, t0, t1, kind, params)
    comp = components(len(x), np.r_[i, li], np.r_[j, lj]) if with_components else None
    return Candidates(i=i, j=j, li=li, lj=lj, component=comp, d2=d2, same_source=same)
