"""The mission plan: posts sited to cover the line, its coverage, people and national sectors.

``plan_line`` works on a :class:`LineGeometry` in metres; ``plan_agreement`` wraps it for an
agreement frame and adds lon/lat.  Both are pure: values in, a :class:`MissionPlan` out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely.ops
from shapely.geometry import LineString

from truce.errors import ValidationError
from truce.geo.frame import AgreementFrame
from truce.plan.coverage import CoverageShares, cover_counts, coverage_matrix, zone_grid
from truce.plan.geometry import LineGeometry
from truce.plan.optimise import demand, select_sites, uniform_sites, uniform_spacing_m
from truce.plan.params import PlanParams
from truce.plan.personnel import ZERO, Personnel, Sector, make_sectors, sector_cuts_m

Progress = Callable[[str, float], None]


def _no_progress(stage: str, done: float) -> None:
    return None


@dataclass(frozen=True, eq=False)
class MissionPlan:
    """The result of planning a mission for one line under one set of assumptions."""

    params: PlanParams
    line_length_km: float
    line_parts: int
    zone_km: float
    posts_xy: np.ndarray  # (n, 2) metres, sorted along the line
    posts_along_km: np.ndarray
    posts_side: tuple[str, ...]  # party id (or index) holding each post's ground
    candidates: int
    samples: int
    method: str
    lower_bound: float | None
    uniform_spacing_km: float
    uniform_posts: int
    uniform_line_cover: CoverageShares
    line_cover: CoverageShares
    short_share: float  # share of the line where fewer than min_cover sites exist at all
    zone_cover: CoverageShares
    zone_area_km2: float
    sectors: tuple[Sector, ...]
    sector_lines: tuple[tuple[np.ndarray, ...], ...]  # metric vertices of each sector's pieces
    posts_lonlat: np.ndarray | None = None
    sector_lines_lonlat: tuple[tuple[np.ndarray, ...], ...] | None = None
    agreement_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def posts(self) -> int:
        return len(self.posts_xy)

    @property
    def totals(self) -> Personnel:
        out = ZERO
        for s in self.sectors:
            out = out + s.personnel
        return out

    @property
    def saving(self) -> float:
        """How far below uniform spacing the optimiser gets (0.25: 25 % fewer posts)."""
        return 1.0 - self.posts / self.uniform_posts if self.uniform_posts else 0.0

    @property
    def gap(self) -> float | None:
        if self.lower_bound is None or self.posts == 0:
            return None
        return max(0.0, (self.posts - np.ceil(self.lower_bound - 1e-6)) / self.posts)

    def per_100km(self) -> dict[str, float]:
        t = self.totals
        k = 100.0 / self.line_length_km if self.line_length_km else 0.0
        return {"posts": round(self.posts * k, 2), "monitors": round(t.monitors * k, 1),
                "total": round(t.total * k, 1)}

    def summary(self) -> dict[str, Any]:
        """A JSON-serialisable summary: assumptions, posts, coverage, personnel and sectors."""
        return {
            "agreement": self.agreement_id,
            "line": {"length_km": round(self.line_length_km, 3), "parts": self.line_parts,
                     "security_zone_km": self.zone_km},
            "assumptions": self.params.assumptions(),
            "params": self.params.as_dict(),
            "posts": {
                "count": self.posts, "candidates": self.candidates, "line_samples": self.samples,
                "by_side": {s: self.posts_side.count(s) for s in sorted(set(self.posts_side))},
                "optimiser": self.method,
                "lower_bound": None if self.lower_bound is None else round(self.lower_bound, 3),
                "gap": None if self.gap is None else round(self.gap, 4),
                "uniform_spacing_km": round(self.uniform_spacing_km, 3),
                "uniform_posts": self.uniform_posts,
                "saving_vs_uniform": round(self.saving, 4),
            },
            "coverage": {
                "line": self.line_cover.as_dict(),
                "line_uniform": self.uniform_line_cover.as_dict(),
                "line_short_of_sites": round(self.short_share, 5),
                "security_zone": self.zone_cover.as_dict(),
                "security_zone_area_km2": round(self.zone_area_km2, 1),
            },
            "personnel": self.totals.as_dict(),
            "per_100km": self.per_100km(),
            "sectors": [s.as_dict() for s in self.sectors],
        }

    def to_geojson(self) -> dict[str, Any]:
        """Posts (points) and sectors (lines) as a GeoJSON FeatureCollection in lon/lat."""
        if self.posts_lonlat is None or self.sector_lines_lonlat is None:
            raise ValueError("this plan has no lon/lat (plan it with plan_agreement)")
        sector_of = np.clip(np.searchsorted([s.start_km for s in self.sectors], self.posts_along_km,
                                            side="right") - 1, 0, len(self.sectors) - 1)
        feats: list[dict[str, Any]] = []
        for i, (lon, lat) in enumerate(self.posts_lonlat):
            feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
                round(float(lon), 6), round(float(lat), 6)]}, "properties": {
                "kind": "post", "id": f"post-{i + 1:04d}", "side": self.posts_side[i],
                "along_km": round(float(self.posts_along_km[i]), 3),
                "sector": self.sectors[sector_of[i]].nation,
                "range_km": self.params.sensor_range_km}})
        for sector, pieces in zip(self.sectors, self.sector_lines_lonlat):
            feats.append({"type": "Feature", "geometry": {
                "type": "MultiLineString",
                "coordinates": [np.round(p, 6).tolist() for p in pieces]},
                "properties": {"kind": "sector", **sector.as_dict()}})
        return {"type": "FeatureCollection", "features": feats}


def _sector_pieces(geom: LineGeometry, a_m: float, b_m: float) -> tuple[np.ndarray, ...]:
    """The stretch ``[a_m, b_m]`` of the line (parts concatenated) as vertex arrays."""
    out = []
    for v, start, length in zip(geom.vertices, geom.part_start_m, geom.part_lengths_m):
        lo, hi = max(a_m, start), min(b_m, start + length)
        if hi - lo > 1e-6:
            piece = shapely.ops.substring(LineString(v), lo - start, hi - start)
            out.append(np.asarray(piece.coords)[:, :2])
    return tuple(out)


#: Most line samples (and candidate sites) the planner takes on: beyond, the coverage matrix
#: and the optimiser run for many minutes and gigabytes (a 0.01 km sensor range on an 800 km
#: line asks for four million samples).
MAX_POINTS = 100_000


def _check_size(geom: LineGeometry, p: PlanParams) -> None:
    """A ValidationError, naming the parameter, when the line would need more than
    :data:`MAX_POINTS` samples or candidate sites."""
    length = float(geom.length_m)
    for what, spacing, own, per_range in (
            ("samples", p.sample_spacing_m, p.sample_spacing_km, 50.0),
            ("candidate sites", p.candidate_spacing_m, p.candidate_spacing_km, 10.0)):
        n = length / spacing * (2 if what == "candidate sites" else 1)
        if n <= MAX_POINTS:
            continue
        if own is None:  # derived from the sensor range
            least = length * per_range * (2 if what == "candidate sites" else 1) / MAX_POINTS
            raise ValidationError(
                f"{p.sensor_range_km:g} km is too short for a {length / 1000:,.0f} km line "
                f"(it needs {n:,.0f} {what}; at most {MAX_POINTS:,}); give at least "
                f"{np.ceil(least / 10.0) / 100.0:g} km", field="sensor_range_km")
        name = "sample_spacing_km" if what == "samples" else "candidate_spacing_km"
        raise ValidationError(f"{own:g} km gives {n:,.0f} {what} on a {length / 1000:,.0f} km "
                              f"line; at most {MAX_POINTS:,}", field=name)


def plan_line(geom: LineGeometry, params: PlanParams, *, party_ids: tuple[str, ...] = (),
              progress: Progress = _no_progress) -> MissionPlan:
    """Plan posts, coverage, personnel and sectors for a line in metres."""
    p = params
    _check_size(geom, p)
    progress("sampling the line", 0.05)
    xy, _, weight = geom.samples(p.sample_spacing_m)
    # Cover each sample at range minus half the sample spacing: every point of the line lies
    # within half a spacing of a sample, so it is then within full range of the same posts.
    r_eff = p.range_m - p.sample_spacing_m / 2.0  # (PlanParams checks the setback is shorter)
    cand = geom.candidates(p.candidate_spacing_m, p.setback_m, geom.zone_m)
    # The uniform layout's sites are candidates too, so the optimum is never worse than it.
    uxy, ualong = uniform_sites(geom, r_eff, p.setback_m, p.min_cover)
    cand = cand.extended(geom.valid_sites(uxy, ualong, p.setback_m, geom.zone_m))
    progress("coverage matrix", 0.15)
    a = coverage_matrix(xy, cand.xy, r_eff)
    need = demand(a, p.min_cover)
    short = need < p.min_cover
    progress("optimising posts", 0.3)
    sel = select_sites(a, need, p.optimiser, p.time_limit_s)
    order = sel.sites[np.argsort(cand.along_m[sel.sites], kind="stable")]
    posts_xy, posts_along = cand.xy[order], cand.along_m[order]
    names = party_ids or tuple(str(i) for i in range(int(cand.side.max(initial=0)) + 1))
    progress("measuring coverage", 0.7)
    line_counts = cover_counts(xy, posts_xy, p.range_m)
    grid = zone_grid(geom, p.grid_km * 1000.0)
    zone_counts = cover_counts(grid, posts_xy, p.range_m)
    progress("sectors", 0.9)
    sectors = make_sectors(geom.length_m, posts_along, p.nations, p)
    cuts = sector_cuts_m(geom.length_m, [s for _, s in (p.nations or (("mission", 1.0),))])
    pieces = tuple(_sector_pieces(geom, cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1))
    return MissionPlan(
        params=p, line_length_km=geom.length_m / 1000.0, line_parts=len(geom.vertices),
        zone_km=geom.zone_m / 1000.0, posts_xy=posts_xy, posts_along_km=posts_along / 1000.0,
        posts_side=tuple(names[s] for s in cand.side[order]), candidates=len(cand),
        samples=len(xy), method=sel.method, lower_bound=sel.lower_bound,
        uniform_spacing_km=uniform_spacing_m(r_eff, p.setback_m, p.min_cover) / 1000.0,
        uniform_posts=len(uxy),
        uniform_line_cover=CoverageShares.from_counts(cover_counts(xy, uxy, p.range_m), weight,
                                                      k=int(p.min_cover)),
        line_cover=CoverageShares.from_counts(line_counts, weight, k=int(p.min_cover)),
        short_share=float(weight[short].sum() / weight.sum()),
        zone_cover=CoverageShares.from_counts(zone_counts, np.ones(len(grid))),
        zone_area_km2=len(grid) * p.grid_km**2, sectors=tuple(sectors), sector_lines=pieces,
    )


def plan_agreement(frame: AgreementFrame, params: PlanParams, *,
                   progress: Progress = _no_progress) -> MissionPlan:
    """Plan a mission for an agreement's contact line (see :func:`plan_line`), with lon/lat.
    Posts are set back from the line inside the agreement's security zone."""
    zone_km = frame.agreement.security_zone_km
    if params.setback_km > zone_km:
        raise ValidationError(f"{params.setback_km:g} km puts posts outside the {zone_km:g} km "
                              "security zone", field="setback_km")
    plan = plan_line(LineGeometry.from_frame(frame), params,
                     party_ids=frame.agreement.party_ids, progress=progress)
    proj = frame.projection
    lon, lat = proj.to_lonlat(plan.posts_xy[:, 0], plan.posts_xy[:, 1])
    lines = tuple(tuple(np.column_stack(proj.to_lonlat(v[:, 0], v[:, 1])) for v in pieces)
                  for pieces in plan.sector_lines)
    progress("done", 1.0)
    return _replace(plan, posts_lonlat=np.column_stack([lon, lat]), sector_lines_lonlat=lines,
                    agreement_id=frame.agreement.id)


def _replace(plan: MissionPlan, **changes: Any) -> MissionPlan:
    from dataclasses import replace

    return replace(plan, **changes)
