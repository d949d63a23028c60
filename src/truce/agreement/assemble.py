"""Assemble an agreement directory from geometry a user brings: a contact line, one party's
controlled area and a national boundary (optionally admin-1 regions); the rules, distances and
party names come from a template agreement."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import shapely
import yaml
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from truce.agreement.loader import AGREEMENT_FILE, load_agreement, read_geojson_features
from truce.agreement.model import Agreement, Party, Region
from truce.errors import AgreementError, GeometryError, ValidationError


def assemble(
    template: Agreement,
    *,
    line: BaseGeometry,
    party_id: str,
    party_area: BaseGeometry,
    boundary: BaseGeometry,
    regions: tuple[Region, ...] = (),
    agreement_id: str,
    title: str | None = None,
    effective: date | None = None,
) -> Agreement:
    """A new agreement: the given party holds ``party_area``, the other party the rest of the
    national ``boundary``; everything else is taken from ``template``.  Pure."""
    if party_id not in template.party_ids:
        raise ValidationError(
            f"party {party_id!r} is not a party of template {template.id!r} "
            f"(its parties are {', '.join(template.party_ids)})", field="--area")
    if line.geom_type not in ("LineString", "MultiLineString"):
        raise GeometryError(f"the contact line must be lines, not {line.geom_type}")
    other = shapely.difference(boundary, party_area)
    other = shapely.make_valid(other) if not other.is_valid else other
    if other.geom_type == "GeometryCollection":
        other = shapely.union_all([g for g in other.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    if other.is_empty:
        raise GeometryError("the boundary minus the party's area is empty: nothing left for the other party")
    parties = tuple(
        Party(p.id, p.name, party_area if p.id == party_id else other) for p in template.parties
    )
    return replace(
        template,
        id=agreement_id,
        title=title or f"{template.title} (geometry: {agreement_id})",
        effective=effective or template.effective,
        contact_line=line,
        parties=parties,
        boundary=boundary,
        regions=regions,
        disengagement_areas=(),
        crs="auto",
        path=None,
    )


def _lines(path: Path) -> BaseGeometry:
    parts = []
    for i, (_, g) in enumerate(read_geojson_features(path, "line")):
        if g.geom_type == "LineString":
            parts.append(g)
        elif g.geom_type == "MultiLineString":
            parts.extend(g.geoms)
        else:
            raise AgreementError(f"expected LineString features, got {g.geom_type}",
                                 where=str(path), field=f"features.{i}")
    return parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)


def _polygons(path: Path, field: str) -> BaseGeometry:
    geoms = []
    for i, (_, g) in enumerate(read_geojson_features(path, field)):
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            raise AgreementError(f"expected Polygon features, got {g.geom_type}",
                                 where=str(path), field=f"features.{i}")
        geoms.append(g)
    return shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]


def read_regions(path: Path, name_property: str = "name") -> tuple[Region, ...]:
    """Admin-1 regions from a GeoJSON FeatureCollection, named by ``name_property``."""
    out = []
    for i, (props, g) in enumerate(read_geojson_features(path, "regions")):
        name = props.get(name_property)
        if not name:
            raise AgreementError(f"feature has no {name_property!r} property",
                                 where=str(path), field=f"features.{i}.properties")
        out.append(Region(str(name), g))
    return tuple(out)


def assemble_from_files(
    *,
    line: Path,
    area: tuple[str, Path],
    boundary: Path,
    regions: Path | None = None,
    region_name_property: str = "name",
    template: str = "ukraine-2024-12-07",
    agreement_id: str,
) -> Agreement:
    """Read the user's files (the I/O edge) and :func:`assemble` them."""
    return assemble(
        load_agreement(template),
        line=_lines(line),
        party_id=area[0],
        party_area=_polygons(area[1], f"area {area[0]}"),
        boundary=_polygons(boundary, "boundary"),
        regions=read_regions(regions, region_name_property) if regions else (),
        agreement_id=agreement_id,
    )


def _round(obj: Any, nd: int = 6) -> Any:
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, (list, tuple)):
        return [_round(o, nd) for o in obj]
    if isinstance(obj, dict):
        return {k: _round(v, nd) for k, v in obj.items()}
    return obj


def _write_fc(path: Path, features: list[tuple[dict[str, Any], BaseGeometry]]) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": _round(mapping(g))}
            for props, g in features
        ],
    }
    path.write_text(json.dumps(fc, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")


def write_agreement(agreement: Agreement, out: Path, *, overwrite: bool = False) -> Path:
    """Write an agreement as a directory (``agreement.yaml`` + GeoJSON) that loads back equal."""
    out = Path(out)
    if (out / AGREEMENT_FILE).exists() and not overwrite:
        raise ValidationError(f"{out / AGREEMENT_FILE} exists; choose another --out or remove it")
    out.mkdir(parents=True, exist_ok=True)
    line = agreement.contact_line
    parts = list(line.geoms) if line.geom_type == "MultiLineString" else [line]
    _write_fc(out / "contact_line.geojson", [({"part": i}, p) for i, p in enumerate(parts)])
    parties = []
    for p in agreement.parties:
        fname = f"area_{p.id}.geojson"
        _write_fc(out / fname, [({"party": p.id, "name": p.name}, p.area)])
        parties.append({"id": p.id, "name": p.name, "area": fname})
    doc: dict[str, Any] = {
        "format": "truce-agreement/1",
        "id": agreement.id,
        "title": agreement.title,
        "effective": agreement.effective,
        **({"timezone": agreement.timezone} if agreement.timezone else {}),
        "description": agreement.description,
        "crs": agreement.crs,
        "contact_line": "contact_line.geojson",
        "parties": parties,
        "security_zone_km": agreement.security_zone_km,
        "weapon_classes": [
            {"id": w.id, "label": w.label, "withdrawal_km": w.withdrawal_km, "examples": list(w.examples)}
            for w in agreement.weapon_classes
        ],
        "rules": [
            {"id": r.id, "description": r.description, "kinds": list(r.kinds), "where": r.where,
             "version": r.version}
            for r in agreement.rules
        ],
        "sources": list(agreement.sources),
    }
    if agreement.disengagement_areas:
        _write_fc(out / "disengagement_areas.geojson",
                  [({"id": d.id, "name": d.name}, d.geometry) for d in agreement.disengagement_areas])
        doc["disengagement_areas"] = "disengagement_areas.geojson"
    if agreement.boundary is not None:
        _write_fc(out / "boundary.geojson", [({}, agreement.boundary)])
        doc["boundary"] = "boundary.geojson"
    if agreement.regions:
        _write_fc(out / "regions.geojson", [({"name": r.name}, r.geometry) for r in agreement.regions])
        doc["regions"] = {"file": "regions.geojson", "name_property": "name"}
    (out / AGREEMENT_FILE).write_text(
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return out
