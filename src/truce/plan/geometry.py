"""The line a plan works on, in metres: its parts, along-line positions, samples and candidate
post sites set back on either side.

A :class:`LineGeometry` is built from an :class:`~truce.geo.frame.AgreementFrame` or, in tests,
from plain arrays, so the planner can be checked on a straight line where the answer is exact.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from truce.errors import GeometryError
from truce.geo.frame import AgreementFrame
from truce.geo.polyline import points_along

#: ``side(x, y) -> int array``: which party holds each point (-1: none, e.g. water).
SideFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class LineGeometry:
    """A (multi-part) contact line in a metric frame, with the parties' sides and the zone width.

    ``vertices`` holds one ``(m, 2)`` array per part; along-line distances run over the parts
    concatenated in order (part ``i`` starts at ``part_start_m[i]``).
    """

    vertices: tuple[np.ndarray, ...]
    zone_m: float
    side: SideFn
    land: BaseGeometry | None = None  # projected; where the zone band counts (None: everywhere)

    def __post_init__(self) -> None:
        if not self.vertices or any(len(v) < 2 for v in self.vertices):
            raise GeometryError("a plan needs a line with at least one part of two vertices")

    @classmethod
    def from_frame(cls, frame: AgreementFrame) -> LineGeometry:
        parts = []
        for p in range(int(frame.seg_part.max()) + 1):
            sel = frame.seg_part == p
            parts.append(np.vstack([frame.seg_a[sel], frame.seg_b[sel][-1:]]))
        land = shapely.union_all(list(frame.party_areas)) if frame.party_areas else None
        return cls(vertices=tuple(parts), zone_m=frame.agreement.security_zone_km * 1000.0,
                   side=frame.party_index, land=land)

    @classmethod
    def straight(cls, length_m: float, zone_m: float, parts: Sequence[float] = ()) -> LineGeometry:
        """A straight line along the x axis (tests): party 0 north (y >= 0), party 1 south."""
        bounds = [0.0, *parts, length_m]
        verts = tuple(np.array([[a, 0.0], [b, 0.0]]) for a, b in itertools.pairwise(bounds))

        def side(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return np.where(np.asarray(y) >= 0, 0, 1).astype(np.int8)

        return cls(vertices=verts, zone_m=zone_m, side=side)

    # -- measures ---------------------------------------------------------------------------

    @property
    def part_lengths_m(self) -> np.ndarray:
        return np.array([np.hypot(*np.diff(v, axis=0).T).sum() for v in self.vertices])

    @property
    def part_start_m(self) -> np.ndarray:
        return np.r_[0.0, np.cumsum(self.part_lengths_m)[:-1]]

    @property
    def length_m(self) -> float:
        return float(self.part_lengths_m.sum())

    def shape(self) -> BaseGeometry:
        return shapely.MultiLineString(list(self.vertices))

    def points_along(self, part: int, s_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points at distances ``s_m`` along one part (clamped), and the unit left normals."""
        v = self.vertices[part]
        off = np.r_[0.0, np.cumsum(np.hypot(*np.diff(v, axis=0).T))]
        s = np.clip(np.asarray(s_m, dtype=float), 0.0, off[-1])
        p, u = points_along(v[:-1], v[1:], off[:-1], s)
        return p, np.column_stack([-u[:, 1], u[:, 0]])

    # -- samples and candidate sites --------------------------------------------------------

    def samples(self, spacing_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Evenly spaced points along every part, ends included.

        Returns ``(xy, along_m, weight_m)``: the points, their distance along the whole line and
        the length of line each stands for (weights sum to the line length).
        """
        xy, along, weight = [], [], []
        for p, (start, length) in enumerate(zip(self.part_start_m, self.part_lengths_m)):
            n = max(int(np.ceil(length / spacing_m)), 1) + 1
            s = np.linspace(0.0, length, n)
            w = np.full(n, length / (n - 1))
            w[[0, -1]] /= 2.0
            xy.append(self.points_along(p, s)[0])
            along.append(start + s)
            weight.append(w)
        return np.concatenate(xy), np.concatenate(along), np.concatenate(weight)

    def offset_sites(self, along_m: np.ndarray, part: np.ndarray, sign: np.ndarray,
                     setback_m: float) -> np.ndarray:
        """Points ``setback_m`` to the left (sign +1) or right (-1) of the line at given positions."""
        xy = np.empty((len(along_m), 2))
        for p in np.unique(part):  # one vectorised call per part (a handful)
            sel = part == p
            pt, nrm = self.points_along(int(p), along_m[sel] - self.part_start_m[p])
            xy[sel] = pt + nrm * (sign[sel] * setback_m)[:, None]
        return xy

    def candidates(self, spacing_m: float, setback_m: float, max_m: float) -> Candidates:
        """Candidate post sites every ``spacing_m`` along the line, ``setback_m`` off it on both
        sides, kept where a party holds the ground and the site is between half the setback and
        ``max_m`` from the line (a normal at a sharp bend can land too near another stretch)."""
        along, part = [], []
        for p, (start, length) in enumerate(zip(self.part_start_m, self.part_lengths_m)):
            n = max(int(np.ceil(length / spacing_m)), 1) + 1
            along.append(start + np.linspace(0.0, length, n))
            part.append(np.full(n, p))
        a = np.repeat(np.concatenate(along), 2)
        pt = np.repeat(np.concatenate(part), 2)
        sign = np.tile([1.0, -1.0], len(a) // 2)
        return self.valid_sites(self.offset_sites(a, pt, sign, setback_m), a, setback_m, max_m)

    def valid_sites(self, xy: np.ndarray, along_m: np.ndarray, setback_m: float,
                    max_m: float) -> Candidates:
        """The sites on a party's ground between half the setback and ``max_m`` from the line."""
        dist = shapely.distance(self.shape(), shapely.points(xy))
        side = np.asarray(self.side(xy[:, 0], xy[:, 1]))
        keep = (side >= 0) & (dist >= 0.5 * setback_m - 1e-6) & (dist <= max_m + 1e-6)
        return Candidates(xy=xy[keep], along_m=along_m[keep], side=side[keep].astype(np.int8))


@dataclass(frozen=True, eq=False)
class Candidates:
    """Candidate post sites: metric points, the along-line position each was set back from, and
    the party holding the ground."""

    xy: np.ndarray
    along_m: np.ndarray
    side: np.ndarray

    def __len__(self) -> int:
        return len(self.xy)

    def extended(self, other: Candidates) -> Candidates:
        return Candidates(xy=np.concatenate([self.xy, other.xy]),
                          along_m=np.concatenate([self.along_m, other.along_m]),
                          side=np.concatenate([self.side, other.side]))
