"""Read an agreement directory (``agreement.yaml`` + GeoJSON) into a validated Agreement.

Every failure is an :class:`~truce.errors.AgreementError` naming the file, the field and the
reason; no traceback reaches the user.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import shapely
import yaml
from pydantic import ValidationError as _PydanticError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from truce.agreement.model import Agreement, DisengagementArea, Party, Region, Rule, WeaponClass
from truce.agreement.schema import AgreementSpec
from truce.errors import AgreementError, AgreementNotFound

AGREEMENT_FILE = "agreement.yaml"


def bundled_dir() -> Path:
    """The directory holding the agreements shipped with truce."""
    return Path(str(resources.files("truce") / "data" / "agreements"))


def bundled_agreements() -> list[str]:
    """Names of the bundled agreements, sorted."""
    root = bundled_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / AGREEMENT_FILE).is_file())


def resolve_agreement(name_or_dir: str | Path) -> Path:
    """Turn a bundled name or a directory path into the agreement's directory."""
    p = Path(name_or_dir)
    if (p / AGREEMENT_FILE).is_file():
        return p
    if p.is_file() and p.name == AGREEMENT_FILE:
        return p.parent
    candidate = bundled_dir() / str(name_or_dir)
    if (candidate / AGREEMENT_FILE).is_file():
        return candidate
    if p.is_dir():
        raise AgreementError(f"no {AGREEMENT_FILE} in this directory", where=str(p))
    names = ", ".join(bundled_agreements()) or "none"
    raise AgreementNotFound(
        f"no agreement {str(name_or_dir)!r}: give a directory holding {AGREEMENT_FILE} "
        f"or one of the bundled names ({names})",
        name=str(name_or_dir),
    )


def load_agreement(name_or_dir: str | Path) -> Agreement:
    """Load and validate an agreement by bundled name or directory.

    Raises
    ------
    AgreementNotFound
        Neither a bundled name nor a directory with ``agreement.yaml``.
    AgreementError
        The YAML or a GeoJSON file is invalid; the message names file, field and reason.
    """
    root = resolve_agreement(name_or_dir)
    yaml_path = root / AGREEMENT_FILE
    try:
        raw = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{yaml_path}:{mark.line + 1}" if mark is not None else str(yaml_path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AgreementError(f"not valid YAML ({problem})", where=where) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AgreementError(f"cannot read ({exc})", where=str(yaml_path)) from None
    if not isinstance(raw, dict):
        raise AgreementError("expected a mapping of fields at the top level", where=str(yaml_path))
    try:
        spec = AgreementSpec.model_validate(raw)
    except _PydanticError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"]) or None
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise AgreementError(f"{err['msg']}{more}", where=str(yaml_path), field=field) from None
    return _build(spec, root)


def _build(spec: AgreementSpec, root: Path) -> Agreement:
    line = _read_geometry(root, spec.contact_line, "contact_line", ("LineString", "MultiLineString"))
    parties = tuple(
        Party(
            id=p.id,
            name=p.name,
            area=_read_geometry(root, p.area, f"parties.{i}.area", ("Polygon", "MultiPolygon")),
        )
        for i, p in enumerate(spec.parties)
    )
    if shapely.intersection(parties[0].area, parties[1].area).area > 1e-6 * min(
        parties[0].area.area, parties[1].area.area
    ):
        raise AgreementError(
            "the two parties' areas overlap; each point must belong to at most one party",
            where=str(root / AGREEMENT_FILE),
            field="parties",
        )
    disengagement: tuple[DisengagementArea, ...] = ()
    if spec.disengagement_areas:
        feats = _read_features(root, spec.disengagement_areas, "disengagement_areas")
        items = []
        for i, (props, geom) in enumerate(feats):
            _check_type(geom, ("Polygon", "MultiPolygon"), root / spec.disengagement_areas,
                        f"disengagement_areas.features.{i}")
            did = str(props.get("id") or "").strip()
            if not did:
                raise AgreementError("each disengagement area needs a properties.id",
                                     where=str(root / spec.disengagement_areas),
                                     field=f"features.{i}.properties.id")
            items.append(DisengagementArea(id=did, name=str(props.get("name") or did), geometry=geom))
        disengagement = tuple(items)
    boundary = None
    if spec.boundary:
        boundary = _read_geometry(root, spec.boundary, "boundary", ("Polygon", "MultiPolygon"))
    regions: tuple[Region, ...] = ()
    if spec.regions:
        feats = _read_features(root, spec.regions.file, "regions")
        regs = []
        for i, (props, geom) in enumerate(feats):
            name = props.get(spec.regions.name_property)
            if not name:
                raise AgreementError(
                    f"region has no {spec.regions.name_property!r} property",
                    where=str(root / spec.regions.file), field=f"features.{i}.properties",
                )
            regs.append(Region(name=str(name), geometry=geom))
        regions = tuple(regs)
    return Agreement(
        id=spec.id,
        title=spec.title,
        effective=spec.effective,
        timezone=spec.timezone,
        crs=spec.crs,
        contact_line=line,
        parties=parties,
        security_zone_km=spec.security_zone_km,
        weapon_classes=tuple(
            WeaponClass(id=w.id, label=w.label, withdrawal_km=w.withdrawal_km,
                        examples=tuple(w.examples))
            for w in spec.weapon_classes
        ),
        disengagement_areas=disengagement,
        rules=tuple(
            Rule(id=r.id, description=r.description, kinds=tuple(str(k) for k in r.kinds),
                 where=r.where, version=r.version)
            for r in spec.rules
        ),
        boundary=boundary,
        regions=regions,
        description=spec.description,
        sources=tuple(spec.sources),
        path=root,
    )


def _read_json(path: Path, field: str) -> Any:
    if not path.is_file():
        raise AgreementError("file not found", where=str(path), field=field)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AgreementError(f"not valid JSON ({exc.msg} at line {exc.lineno})",
                             where=str(path), field=field) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AgreementError(f"cannot read ({exc})", where=str(path), field=field) from None


def read_geojson_features(path: Path, field: str = "") -> list[tuple[dict[str, Any], BaseGeometry]]:
    """Read a GeoJSON FeatureCollection, Feature or bare geometry as (properties, geometry) pairs.

    Geometries are checked to be non-empty, valid (invalid polygons are repaired with
    ``make_valid`` only if the repair keeps the type) and within lon/lat bounds.
    """
    data = _read_json(path, field)
    if not isinstance(data, dict) or "type" not in data:
        raise AgreementError("not a GeoJSON object (no 'type')", where=str(path), field=field)
    if data["type"] == "FeatureCollection":
        feats = data.get("features")
        if not isinstance(feats, list):
            raise AgreementError("FeatureCollection without a 'features' list",
                                 where=str(path), field=field)
    elif data["type"] == "Feature":
        feats = [data]
    else:
        feats = [{"type": "Feature", "properties": {}, "geometry": data}]
    out = []
    for i, f in enumerate(feats):
        loc = f"features.{i}.geometry"
        if not isinstance(f, dict) or not isinstance(f.get("geometry"), dict):
            raise AgreementError("feature without a geometry", where=str(path), field=loc)
        try:
            geom = shape(f["geometry"])
        except Exception as exc:  # noqa: BLE001 - shapely raises several types for malformed coordinates
            raise AgreementError(f"malformed geometry ({exc})", where=str(path), field=loc) from None
        if geom.is_empty:
            raise AgreementError("empty geometry", where=str(path), field=loc)
        minx, miny, maxx, maxy = geom.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise AgreementError(
                "coordinates outside lon/lat bounds; GeoJSON must be WGS84 (lon, lat)",
                where=str(path), field=loc)
        if not geom.is_valid:
            fixed = shapely.make_valid(geom)
            if fixed.geom_type not in (geom.geom_type, "MultiPolygon", "Polygon") or fixed.is_empty:
                raise AgreementError(f"invalid geometry ({shapely.is_valid_reason(geom)})",
                                     where=str(path), field=loc)
            geom = fixed
        out.append((dict(f.get("properties") or {}), geom))
    if not out:
        raise AgreementError("no features", where=str(path), field=field)
    return out


def _read_features(root: Path, rel: str, field: str) -> list[tuple[dict[str, Any], BaseGeometry]]:
    return read_geojson_features(root / rel, field)


def _check_type(geom: BaseGeometry, types: tuple[str, ...], path: Path, field: str) -> None:
    if geom.geom_type not in types:
        raise AgreementError(f"expected {' or '.join(types)}, got {geom.geom_type}",
                             where=str(path), field=field)


def _read_geometry(root: Path, rel: str, field: str, types: tuple[str, ...]) -> BaseGeometry:
    """Read every feature of a file and union them into one geometry of the wanted family."""
    path = root / rel
    feats = read_geojson_features(path, field)
    geoms = []
    for i, (_, g) in enumerate(feats):
        if g.geom_type == "GeometryCollection":
            g = shapely.union_all([p for p in g.geoms if p.geom_type in types])
        _check_type(g, types, path, f"{field}: features.{i}")
        geoms.append(g)
    if "LineString" in types:
        parts = []
        for g in geoms:
            parts.extend(g.geoms if g.geom_type == "MultiLineString" else [g])
        return parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)
    return geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
