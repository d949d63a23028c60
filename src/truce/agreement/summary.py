"""What an agreement's geometry says: line length, each party's area and share of the country."""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from truce.agreement.model import Agreement
from truce.geo.crs import GEOD


@dataclass(frozen=True, slots=True)
class PartySummary:
    id: str
    name: str
    area_km2: float
    #: area of (party ∩ national boundary) in km², or None without a boundary
    area_in_country_km2: float | None
    #: that area as a share of the national boundary's area, or None
    share_of_country: float | None


@dataclass(frozen=True, slots=True)
class AgreementSummary:
    id: str
    title: str
    effective: str
    line_length_km: float
    line_parts: int
    line_vertices: int
    security_zone_km: float
    withdrawal_km: dict[str, float]
    disengagement_areas: tuple[str, ...]
    parties: tuple[PartySummary, ...]
    country_area_km2: float | None
    regions: int
    rules: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return asdict(self)


def geodesic_area_km2(geom: shapely.Geometry) -> float:
    """Geodesic (WGS84 ellipsoid) area of a lon/lat polygon in km²."""
    if geom.is_empty:
        return 0.0
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return abs(float(area)) / 1e6


def summarize(agreement: Agreement) -> AgreementSummary:
    """Summarise an agreement's geometry (geodesic lengths and areas)."""
    line = agreement.contact_line
    parts = list(line.geoms) if line.geom_type == "MultiLineString" else [line]
    country = agreement.boundary
    country_km2 = geodesic_area_km2(country) if country is not None else None
    parties = []
    for p in agreement.parties:
        in_country = None
        share = None
        if country is not None and country_km2:
            in_country = geodesic_area_km2(shapely.intersection(p.area, country))
            share = in_country / country_km2
        parties.append(PartySummary(p.id, p.name, geodesic_area_km2(p.area), in_country, share))
    return AgreementSummary(
        id=agreement.id,
        title=agreement.title,
        effective=agreement.effective.isoformat(),
        line_length_km=float(GEOD.geometry_length(line)) / 1000.0,
        line_parts=len(parts),
        line_vertices=int(sum(len(p.coords) for p in parts)),
        security_zone_km=agreement.security_zone_km,
        withdrawal_km={w.id: w.withdrawal_km for w in agreement.weapon_classes},
        disengagement_areas=tuple(d.id for d in agreement.disengagement_areas),
        parties=tuple(parties),
        country_area_km2=country_km2,
        regions=len(agreement.regions),
        rules=tuple(r.id for r in agreement.rules),
    )
