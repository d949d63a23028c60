"""Who covers what: sparse sample-by-site coverage matrices and coverage counts, vectorised with
k-d trees (no per-point Python loops)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import sparse
from scipy.spatial import cKDTree

from truce.plan.geometry import LineGeometry


def coverage_matrix(points: np.ndarray, sites: np.ndarray, range_m: float) -> sparse.csr_matrix:
    """Boolean ``(points, sites)`` matrix: site ``j`` is within ``range_m`` of point ``i``.

    Built from two k-d trees in one call (``sparse_distance_matrix``), so the cost grows with the
    number of pairs in range, not points x sites.
    """
    n, m = len(points), len(sites)
    if n == 0 or m == 0:
        return sparse.csr_matrix((n, m), dtype=np.int8)
    pairs = cKDTree(points).sparse_distance_matrix(cKDTree(sites), range_m, output_type="ndarray")
    return sparse.csr_matrix((np.ones(len(pairs), dtype=np.int8), (pairs["i"], pairs["j"])),
                             shape=(n, m))


def cover_counts(points: np.ndarray, posts: np.ndarray, range_m: float) -> np.ndarray:
    """Number of posts within ``range_m`` of each point."""
    if len(posts) == 0 or len(points) == 0:
        return np.zeros(len(points), dtype=np.int64)
    return np.asarray(cKDTree(posts).query_ball_point(points, range_m, return_length=True),
                      dtype=np.int64)


@dataclass(frozen=True, slots=True)
class CoverageShares:
    """Share (0–1) of a line or an area covered by 0, 1, 2 and 3 or more posts; with ``k`` above
    3 (a ``--min-cover`` of 4 or more), also the share covered by ``k`` or more."""

    none: float
    one: float
    two: float
    three_plus: float
    k: int = 3
    k_plus: float | None = None

    @classmethod
    def from_counts(cls, counts: np.ndarray, weights: np.ndarray, k: int = 3) -> CoverageShares:
        total = float(weights.sum())
        if total <= 0:
            return cls(0.0, 0.0, 0.0, 0.0, k, 0.0 if k > 3 else None)
        f = [float(weights[m].sum()) / total
             for m in (counts == 0, counts == 1, counts == 2, counts >= 3)]
        k_plus = float(weights[counts >= k].sum()) / total if k > 3 else None
        return cls(*f, k, k_plus)

    def at_least(self, k: int) -> float:
        """Share covered by ``k`` or more posts (k = 1, 2, 3, or the ``k`` counted above 3)."""
        if k < 1:
            return 1.0
        if k <= 3:
            return (self.one + self.two + self.three_plus, self.two + self.three_plus,
                    self.three_plus)[k - 1]
        if k == self.k and self.k_plus is not None:
            return self.k_plus
        raise ValueError(f"the share covered by {k} or more posts was not counted "
                         f"(CoverageShares.from_counts(..., k={k}))")

    def as_dict(self) -> dict[str, float]:
        return {"0": round(self.none, 5), "1": round(self.one, 5), "2": round(self.two, 5),
                "3+": round(self.three_plus, 5), ">=1": round(self.at_least(1), 5),
                ">=2": round(self.at_least(2), 5),
                **({f">={self.k}": round(self.k_plus, 5)} if self.k_plus is not None else {})}


def zone_grid(geom: LineGeometry, grid_m: float) -> np.ndarray:
    """Grid points (``grid_m`` apart) inside the security-zone band, on land held by a party."""
    band = shapely.buffer(geom.shape(), geom.zone_m, quad_segs=8)
    if geom.land is not None:
        band = shapely.intersection(band, geom.land)
    if band.is_empty:
        return np.empty((0, 2))
    shapely.prepare(band)
    minx, miny, maxx, maxy = band.bounds
    xs = np.arange(minx + grid_m / 2, maxx, grid_m)
    ys = np.arange(miny + grid_m / 2, maxy, grid_m)
    out = []
    for lo in range(0, len(ys), 256):  # rows in blocks: bounds memory on a 1,000 km line
        gx, gy = np.meshgrid(xs, ys[lo:lo + 256])
        inside = shapely.contains_xy(band, gx.ravel(), gy.ravel())
        out.append(np.column_stack([gx.ravel()[inside], gy.ravel()[inside]]))
    return np.concatenate(out) if out else np.empty((0, 2))
