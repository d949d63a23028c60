"""Choosing the fewest post sites so every line sample is covered by at least ``min_cover`` posts
(set multicover), and the uniform-spacing baseline it is compared with.

Why an integer program first: along a line each site covers a contiguous run of samples, so the
constraint matrix is (nearly) an interval matrix, whose LP relaxation is integral on a straight
line and very tight on a wiggly one; HiGHS then proves optimality, or a small gap, in seconds for
a 1,000 km line.  Greedy set multicover (with a pruning pass) is the fallback when the solver
hits its time limit without a solution; it only guarantees a ln(n) factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from truce.plan.geometry import LineGeometry


@dataclass(frozen=True, slots=True)
class Selection:
    """Chosen site indices, how they were found, and a lower bound on the optimum if known."""

    sites: np.ndarray
    method: str  # "milp", "milp (time limit)", "greedy", "greedy (milp fallback)"
    lower_bound: float | None

    @property
    def gap(self) -> float | None:
        """Relative distance of the solution above the lower bound (0: proven optimal)."""
        if self.lower_bound is None or len(self.sites) == 0:
            return None
        return max(0.0, (len(self.sites) - np.ceil(self.lower_bound - 1e-6)) / len(self.sites))


def demand(a: sparse.csr_matrix, min_cover: int) -> np.ndarray:
    """Posts each sample must see: ``min_cover``, or all the sites that can see it if fewer."""
    return np.minimum(np.asarray(a.sum(axis=1)).ravel(), min_cover).astype(np.int64)


def greedy_multicover(a: sparse.csr_matrix, need: np.ndarray) -> np.ndarray:
    """Sweep greedy for set multicover, then drop every site whose samples stay covered without it.

    Samples are in order along the line.  Each step takes the first sample still short of its
    demand and adds, among the sites covering it, the one whose reach runs furthest along the line
    (optimal for intervals on a straight line; a good heuristic on a wiggly one).  One step per
    post chosen, each a few array operations: no per-sample Python loop.
    """
    a = sparse.csr_matrix(a)
    ac = a.tocsc()
    n_sites = a.shape[1]
    rows_of = np.diff(ac.indptr)
    reach = np.full(n_sites, -1, dtype=np.int64)
    has = rows_of > 0
    reach[has] = np.maximum.reduceat(ac.indices, ac.indptr[:-1][has]) if has.any() else reach[has]
    short = need.astype(np.int64).copy()
    taken = np.zeros(n_sites, dtype=bool)
    chosen: list[int] = []
    i = 0
    while True:
        pending = np.flatnonzero(short[i:] > 0)
        if len(pending) == 0:
            break
        i += int(pending[0])
        cand = a.indices[a.indptr[i]:a.indptr[i + 1]]
        cand = cand[~taken[cand]]
        if len(cand) == 0:  # cannot happen: demand is capped at the sites available
            short[i] = 0
            continue
        j = int(cand[np.argmax(reach[cand])])
        chosen.append(j)
        taken[j] = True
        short[ac.indices[ac.indptr[j]:ac.indptr[j + 1]]] -= 1
    return prune(a, np.array(chosen, dtype=np.int64), need)


def prune(a: sparse.spmatrix, sites: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Remove redundant sites (latest picked first) while every demand stays met."""
    a = sparse.csc_matrix(a)
    count = np.asarray(a[:, sites].sum(axis=1)).ravel()
    keep = np.ones(len(sites), dtype=bool)
    for k in range(len(sites) - 1, -1, -1):  # one step per chosen site, not per sample
        j = sites[k]
        rows = a.indices[a.indptr[j]:a.indptr[j + 1]]
        if np.all(count[rows] - 1 >= need[rows]):
            count[rows] -= 1
            keep[k] = False
    return np.sort(sites[keep])


def milp_multicover(a: sparse.csr_matrix, need: np.ndarray, time_limit_s: float) -> Selection:
    """Minimum number of sites with ``a @ x >= need`` (binary ``x``) by HiGHS; greedy if it fails."""
    n_sites = a.shape[1]
    rows = need > 0
    res = milp(
        c=np.ones(n_sites),
        constraints=LinearConstraint(a[rows].astype(float), lb=need[rows], ub=np.inf),
        integrality=np.ones(n_sites),
        bounds=Bounds(0, 1),
        options={"time_limit": float(time_limit_s), "disp": False},
    )
    bound = getattr(res, "mip_dual_bound", None)
    bound = float(bound) if bound is not None and np.isfinite(bound) else None
    if res.x is None:
        return Selection(greedy_multicover(a, need), "greedy (milp fallback)", bound)
    sites = prune(a, np.flatnonzero(res.x > 0.5), need)
    return Selection(sites, "milp" if res.status == 0 else "milp (time limit)", bound)


def select_sites(a: sparse.csr_matrix, need: np.ndarray, optimiser: str,
                 time_limit_s: float) -> Selection:
    if optimiser == "greedy":
        return Selection(greedy_multicover(a, need), "greedy", None)
    return milp_multicover(a, need, time_limit_s)


def uniform_spacing_m(range_m: float, setback_m: float, min_cover: int) -> float:
    """Spacing of posts that guarantees ``min_cover`` on a straight line.

    A post ``setback_m`` off the line sees a stretch of ``2 h`` with ``h = sqrt(R² - s²)``; posts
    every ``2 h / k`` put ``k`` of them over every point away from the ends.
    """
    return 2.0 * np.sqrt(range_m**2 - setback_m**2) / min_cover


def uniform_sites(geom: LineGeometry, range_m: float, setback_m: float,
                  min_cover: int) -> tuple[np.ndarray, np.ndarray]:
    """The uniform baseline: per part, ``ceil(L / spacing) + 1`` posts evenly spaced from end to
    end, alternately on either side.  Returns ``(xy, along_m)``."""
    step = uniform_spacing_m(range_m, setback_m, min_cover)
    along, part = [], []
    for p, (start, length) in enumerate(zip(geom.part_start_m, geom.part_lengths_m)):
        n = int(np.ceil(length / step - 1e-9)) + 1
        along.append(start + np.linspace(0.0, length, n))
        part.append(np.full(n, p))
    a = np.concatenate(along)
    pt = np.concatenate(part)
    sign = np.where(np.arange(len(a)) % 2 == 0, 1.0, -1.0)
    return geom.offset_sites(a, pt, sign, setback_m), a
