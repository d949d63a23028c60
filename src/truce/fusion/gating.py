"""Gating: the candidate pairs of observations that could be of one episode.

Kinds must be compatible, time windows must overlap within a tolerance, and point estimates must
lie within ``gate_radius_m`` (wide enough for the two ends of one fire).  Candidate search is a
KD-tree per time block: each observation enters every block its widened window touches, and a pair
is emitted only in the first block both share, so no pair is found twice.  Blocks bound the
candidates per observation by the local density, so the cost grows linearly with the days covered.
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
    """Candidate pairs ``i < j`` (indices into the observations), and the gating components."""

    i: np.ndarray
    j: np.ndarray
    component: np.ndarray  # (n,) label of each observation's connected component of candidates


class Gater(Protocol):
    def __call__(self, x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
                 kind: np.ndarray, params: FusionParams) -> tuple[np.ndarray, np.ndarray]: ...


def block_kdtree_pairs(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
                       kind: np.ndarray, params: FusionParams) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs by time block and KD-tree (see the module docstring)."""
    n = len(x)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    tol = params.gate_time_tol_s
    bsz = params.gate_block_s
    b0 = np.floor((t0 - tol) / bsz).astype(np.int64)
    b1 = np.floor((t1 + tol) / bsz).astype(np.int64)
    nb = b1 - b0 + 1
    row = np.repeat(np.arange(n), nb)
    blk = np.repeat(b0, nb) + (np.arange(nb.sum()) - np.repeat(np.cumsum(nb) - nb, nb))
    order = np.argsort(blk, kind="stable")
    row, blk = row[order], blk[order]
    cuts = np.flatnonzero(np.r_[True, blk[1:] != blk[:-1], True])
    xy = np.column_stack([x, y])
    out_i, out_j = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for a, b in zip(cuts[:-1], cuts[1:]):  # one KD-tree per time block, not per observation
        members = row[a:b]
        if len(members) < 2:
            continue
        p = cKDTree(xy[members]).query_pairs(params.gate_radius_m, output_type="ndarray")
        if not len(p):
            continue
        gi, gj = members[p[:, 0]], members[p[:, 1]]
        first = np.maximum(b0[gi], b0[gj]) == blk[a]  # emit each pair in its first shared block
        out_i.append(gi[first])
        out_j.append(gj[first])
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    keep = (KIND_COMPATIBLE[kind[i], kind[j]]
            & (np.maximum(t0[i], t0[j]) <= np.minimum(t1[i], t1[j]) + tol))
    i, j = i[keep], j[keep]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    order = np.lexsort((hi, lo))
    return lo[order], hi[order]


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected-component label of each node of the graph with edges ``(i, j)``; labels are
    canonical (numbered by each component's smallest node)."""
    g = coo_matrix((np.ones(len(i), np.int8), (i, j)), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    first = np.full(lab.max(initial=-1) + 1, n, dtype=np.int64)
    np.minimum.at(first, lab, np.arange(n))
    rank = np.argsort(np.argsort(first))
    return rank[lab]


def gate(x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray, kind: np.ndarray,
         params: FusionParams, gater: Gater = block_kdtree_pairs) -> Candidates:
    i, j = gater(x, y, t0, t1, kind, params)
    return Candidates(i=i, j=j, component=components(len(x), i, j))
