"""An agreement's geometry in a metric frame: projected line segments in an STRtree, prepared
party areas, disengagement areas and regions.  Built once per agreement, then queried with arrays.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from truce.agreement.model import Agreement
from truce.errors import GeometryError
from truce.geo.crs import GEOD, MetricProjection, auto_crs
from truce.geo.polyline import points_along

_CHUNK = 32_768  # points per STRtree query: bounds memory and keeps the arrays in cache
#: Consecutive segments per STRtree item (see AgreementFrame.from_agreement).
CHUNK_SEGMENTS = 4


def _foot(
    a: np.ndarray, b: np.ndarray, px: np.ndarray, py: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Foot of the perpendicular from points to segments ``a``–``b`` (arrays ``(..., 2)``),
    clamped to the segment, and the distance."""
    abx = b[..., 0] - a[..., 0]
    aby = b[..., 1] - a[..., 1]
    denom = abx * abx + aby * aby
    t = ((px - a[..., 0]) * abx + (py - a[..., 1]) * aby) / np.where(denom > 0, denom, 1.0)
    t = np.clip(t, 0.0, 1.0)
    fx = a[..., 0] + abx * t
    fy = a[..., 1] + aby * t
    return fx, fy, np.hypot(px - fx, py - fy)


def _line_parts(geom: BaseGeometry) -> list[BaseGeometry]:
    if geom.geom_type == "LineString":
        return [geom]
    if geom.geom_type == "MultiLineString":
        return list(geom.geoms)
    raise GeometryError(f"a contact line must be a LineString or MultiLineString, not {geom.geom_type}")


def _agreement_bounds(agreement: Agreement) -> tuple[float, float, float, float]:
    """The extent that matters for metric work: the line plus the security and withdrawal bands."""
    minx, miny, maxx, maxy = agreement.contact_line.bounds
    reach_km = max([agreement.security_zone_km] + [w.withdrawal_km for w in agreement.weapon_classes])
    dlat = reach_km / 111.0
    dlon = reach_km / (111.0 * max(np.cos(np.radians((miny + maxy) / 2)), 0.1))
    return (max(minx - dlon, -180), max(miny - dlat, -90), min(maxx + dlon, 180), min(maxy + dlat, 90))


@dataclass(frozen=True, eq=False)
class AgreementFrame:
    """The agreement's geometry projected to a metric CRS, indexed for array queries.

    Build it with :meth:`from_agreement`; it is immutable and can be shared.
    """

    agreement: Agreement
    projection: MetricProjection
    seg_a: np.ndarray  # (n, 2) segment start, metres
    seg_b: np.ndarray  # (n, 2) segment end, metres
    seg_part: np.ndarray  # (n,) index of the line part each segment belongs to
    seg_offset_m: np.ndarray  # (n,) distance along the whole line at each segment start
    segment_tree: shapely.STRtree  # over runs of consecutive segments
    run_segments: np.ndarray  # (runs, CHUNK_SEGMENTS) segment ids of each run (last repeated)
    party_areas: tuple[BaseGeometry, ...]  # projected, prepared
    disengagement: tuple[BaseGeometry, ...]  # projected, prepared
    regions: tuple[BaseGeometry, ...]  # projected, prepared
    region_tree: shapely.STRtree | None

    @classmethod
    def from_agreement(cls, agreement: Agreement) -> AgreementFrame:
        crs = auto_crs(_agreement_bounds(agreement)) if agreement.crs == "auto" else CRS.from_user_input(agreement.crs)
        proj = MetricProjection(crs)

        def project(geom: BaseGeometry) -> BaseGeometry:
            out = shapely.transform(geom, lambda c: np.column_stack(proj.to_xy(c[:, 0], c[:, 1])))
            shapely.prepare(out)
            return out

        a_list, b_list, part_list = [], [], []
        for i, part in enumerate(_line_parts(agreement.contact_line)):
            c = np.asarray(part.coords)[:, :2]
            x, y = proj.to_xy(c[:, 0], c[:, 1])
            xy = np.column_stack([x, y])
            keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]  # drop repeated vertices
            xy = xy[keep]
            if len(xy) < 2:
                raise GeometryError(f"contact line part {i} has fewer than two distinct vertices")
            a_list.append(xy[:-1])
            b_list.append(xy[1:])
            part_list.append(np.full(len(xy) - 1, i))
        seg_a = np.concatenate(a_list)
        seg_b = np.concatenate(b_list)
        seg_len = np.hypot(*(seg_b - seg_a).T)
        offsets = np.r_[0.0, np.cumsum(seg_len)[:-1]]
        seg_part = np.concatenate(part_list)
        # The STRtree indexes runs of up to CHUNK_SEGMENTS consecutive segments of one part: a
        # smaller, deeper tree answers query_nearest faster; the exact segment within the run is
        # then found with numpy.
        bounds = np.flatnonzero(np.r_[True, seg_part[1:] != seg_part[:-1], True])
        run_start = np.concatenate(
            [np.arange(i, j, CHUNK_SEGMENTS) for i, j in itertools.pairwise(bounds)])
        part_end = bounds[1:][np.searchsorted(bounds[1:], run_start, side="right")]
        run_end = np.minimum(run_start + CHUNK_SEGMENTS, part_end)
        runs = [np.vstack([seg_a[i:j], seg_b[j - 1 : j]]) for i, j in zip(run_start, run_end, strict=True)]
        # each run's segment ids, padded by repeating its last segment (same distance, no mask)
        run_segments = np.minimum(run_start[:, None] + np.arange(CHUNK_SEGMENTS), run_end[:, None] - 1)
        regions = tuple(project(r.geometry) for r in agreement.regions)
        return cls(
            agreement=agreement,
            projection=proj,
            seg_a=seg_a,
            seg_b=seg_b,
            seg_part=seg_part,
            seg_offset_m=offsets,
            # node_capacity=2: a deeper tree halves query_nearest time on a long thin line
            segment_tree=shapely.STRtree([shapely.LineString(r) for r in runs], node_capacity=2),
            run_segments=run_segments,
            party_areas=tuple(project(p.area) for p in agreement.parties),
            disengagement=tuple(project(d.geometry) for d in agreement.disengagement_areas),
            regions=regions,
            region_tree=shapely.STRtree(list(regions)) if regions else None,
        )

    # -- the line ---------------------------------------------------------------------------

    @property
    def line_length_m(self) -> float:
        """Planar length of the line in the frame (see :meth:`geodesic_line_length_km`)."""
        return float(np.hypot(*(self.seg_b - self.seg_a).T).sum())

    def geodesic_line_length_km(self) -> float:
        """Geodesic (WGS84) length of the contact line in km."""
        return float(GEOD.geometry_length(self.agreement.contact_line)) / 1000.0

    def nearest_on_line(
        self, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For metric points, the nearest segment, the nearest point on the line and the distance.

        Returns ``(segment_index, foot_x, foot_y, distance_m)``.  The nearest segment comes from
        an STRtree over the line's segments (``query_nearest``, exact); the foot of the
        perpendicular is then computed with numpy.
        """
        x = np.asarray(x, dtype=float).ravel()
        y = np.asarray(y, dtype=float).ravel()
        seg = np.empty(len(x), dtype=np.int64)
        fx = np.empty(len(x))
        fy = np.empty(len(x))
        d = np.empty(len(x))
        for lo in range(0, len(x), _CHUNK):  # chunks small enough to stay in cache
            sl = slice(lo, lo + _CHUNK)
            px, py = x[sl], y[sl]
            pairs = self.segment_tree.query_nearest(shapely.points(px, py), all_matches=False)
            run = np.empty(len(px), dtype=np.int64)
            run[pairs[0]] = pairs[1]
            cand = self.run_segments[run]  # (m, CHUNK_SEGMENTS), padded with the run's last one
            cx, cy, cd = _foot(self.seg_a[cand], self.seg_b[cand], px[:, None], py[:, None])
            best = np.argmin(cd, axis=1)
            rows = np.arange(len(px))
            seg[sl] = cand[rows, best]
            fx[sl] = cx[rows, best]
            fy[sl] = cy[rows, best]
            d[sl] = cd[rows, best]
        return seg, fx, fy, d

    def locate_along(self, distance_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Points at given distances along the line (parts concatenated), with unit normals.

        Returns ``(x, y, nx, ny)``: the normal points to the left of the line's direction.  Use
        :meth:`side_of_normal` to know which party's area that is.
        """
        s = np.clip(np.asarray(distance_m, dtype=float), 0.0, self.line_length_m)
        p, u = points_along(self.seg_a, self.seg_b, self.seg_offset_m, s)
        return p[:, 0], p[:, 1], -u[:, 1], u[:, 0]

    # -- areas ------------------------------------------------------------------------------

    def party_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the party whose area holds each point, -1 where none does."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        out = np.full(x.shape, -1, dtype=np.int8)
        todo = np.arange(x.size)
        for i, area in enumerate(self.party_areas):  # test each point until one area holds it
            inside = shapely.intersects_xy(area, x.flat[todo], y.flat[todo])  # boundary counts
            out.flat[todo[inside]] = i
            todo = todo[~inside]
        return out

    def disengagement_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the disengagement area holding each point, -1 where none does."""
        out = np.full(np.shape(x), -1, dtype=np.int16)
        for i, area in enumerate(self.disengagement):
            out[(out < 0) & shapely.intersects_xy(area, x, y)] = i
        return out

    def region_index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the agreement region (oblast) holding each point, -1 where none does."""
        out = np.full(np.shape(x), -1, dtype=np.int32)
        if self.region_tree is None:
            return out
        pts = shapely.points(x, y)
        pairs = self.region_tree.query(pts, predicate="intersects")
        out[pairs[0][::-1]] = pairs[1][::-1]  # first matching region wins
        return out
