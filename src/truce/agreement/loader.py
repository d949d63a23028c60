"""Read an agreement directory (``agreement.yaml`` + GeoJSON) into a validated Agreement.

Every failure is an :class:`~truce.errors.AgreementError` naming the file, the field and the
reason; no traceback reaches the user.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.ops
import yaml
from pydantic import ValidationError as _PydanticError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from truce.agreement.model import Agreement, DisengagementArea, Party, Region, Rule, WeaponClass
from truce.agreement.schema import AgreementSpec
from truce.errors import AgreementError, AgreementNotFound
from truce.geo.crs import geodesic_distance_m

AGREEMENT_FILE = "agreement.yaml"

#: The contact line must lie within this distance of the parties' areas (and of the boundary,
#: when one is given), and each party's area within this distance of the line.  Bundled and
#: real agreements are within 0.1 km; a line with lat/lon swapped is ~1,000 km away.
MAX_LINE_GAP_KM = 10.0


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
        raise AgreementError(f"{_readable(err)}{more}", where=str(yaml_path), field=field) from None
    return _build(spec, root)


def _readable(err: Any) -> str:
    """A pydantic error in plain words: no "Value error, " prefix; NaN and infinity named."""
    inp = err.get("input")
    if isinstance(inp, float) and not np.isfinite(inp):
        return f"must be a finite number, got {inp}"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def _build(spec: AgreementSpec, root: Path) -> Agreement:
    warnings: list[str] = []
    line = _read_geometry(root, spec.contact_line, "contact_line", ("LineString", "MultiLineString"),
                          warnings)
    parties = tuple(
        Party(
            id=p.id,
            name=p.name,
            area=_read_geometry(root, p.area, f"parties.{i}.area", ("Polygon", "MultiPolygon"),
                                warnings),
        )
        for i, p in enumerate(spec.parties)
    )
    if shapely.intersection(parties[0].area, parties[1].area).area > 1e-6 * min(
        parties[0].area.area, parties[1].area.area
    ):
        note = f" (note: {warnings[0]})" if warnings else ""
        raise AgreementError(
            "the two parties' areas overlap; each point must belong to at most one party" + note,
            where=str(root / AGREEMENT_FILE),
            field="parties",
        )
    disengagement: tuple[DisengagementArea, ...] = ()
    if spec.disengagement_areas:
        feats = _read_features(root, spec.disengagement_areas, "disengagement_areas", warnings)
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
        boundary = _read_geometry(root, spec.boundary, "boundary", ("Polygon", "MultiPolygon"),
                                  warnings)
    regions: tuple[Region, ...] = ()
    if spec.regions:
        feats = _read_features(root, spec.regions.file, "regions", warnings)
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
    _check_line_near_areas(spec, root, line, parties, boundary)
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
        warnings=tuple(warnings),
    )


def _km(a: Any, b: Any) -> float:
    """Geodesic km between two shapely points (lon/lat)."""
    return float(geodesic_distance_m(a.x, a.y, b.x, b.y)) / 1000.0


def _gap_km(geom: BaseGeometry, target: BaseGeometry) -> float:
    """How far (geodesic km) the vertex of ``geom`` farthest from ``target`` lies from it."""
    pts = shapely.points(shapely.get_coordinates(geom))
    shapely.prepare(target)
    out = pts[~shapely.intersects(target, pts)]
    if not len(out):
        return 0.0
    far = out[int(np.argmax(shapely.distance(target, out)))]
    near = shapely.ops.nearest_points(target, far)[0]
    return _km(far, near)


def _check_line_near_areas(spec: AgreementSpec, root: Path, line: BaseGeometry,
                           parties: tuple[Party, ...], boundary: BaseGeometry | None) -> None:
    """The contact line separates the parties: it lies along (within MAX_LINE_GAP_KM of) their
    areas and of the boundary, and each area reaches it.  Catches lat/lon swapped in one file."""
    where = str(root / spec.contact_line)
    targets = [(shapely.union(parties[0].area, parties[1].area), "from the parties' areas")]
    if boundary is not None:
        targets.append((boundary, f"outside the boundary ({spec.boundary})"))
    for target, what in targets:
        gap = _gap_km(line, target)
        if gap > MAX_LINE_GAP_KM:
            raise AgreementError(
                f"the contact line is {gap:,.0f} km {what} (at most {MAX_LINE_GAP_KM:g} km "
                "allowed); are lat and lon swapped in this file or in an area?",
                where=where, field="contact_line")
    for i, p in enumerate(parties):
        d = shapely.distance(line, p.area)
        if d > 0:
            a, b = shapely.ops.nearest_points(line, p.area)
            km = _km(a, b)
            if km > MAX_LINE_GAP_KM:
                raise AgreementError(
                    f"the area of party {p.id!r} is {km:,.0f} km from the contact line (at most "
                    f"{MAX_LINE_GAP_KM:g} km allowed): the line must run between the areas; "
                    "are lat and lon swapped?",
                    where=str(root / spec.parties[i].area), field=f"parties.{i}.area")


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


def read_geojson_features(path: Path, field: str = "", warnings: list[str] | None = None,
                          ) -> list[tuple[dict[str, Any], BaseGeometry]]:
    """Read a GeoJSON FeatureCollection, Feature or bare geometry as (properties, geometry) pairs.

    Geometries are checked to be non-empty, with finite coordinates (no NaN), within lon/lat
    bounds and valid: an invalid polygon (a self-intersection, a bow-tie) is repaired with
    ``make_valid`` only if the repair keeps the type, and the repair is appended to
    ``warnings`` naming the file, the feature and the reason.
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
            with np.errstate(all="ignore"):  # NaN coordinates: reported below, not as warnings
                geom = shape(f["geometry"])
        except Exception as exc:  # noqa: BLE001 - shapely raises several types for malformed coordinates
            raise AgreementError(f"malformed geometry ({exc})", where=str(path), field=loc) from None
        if geom.is_empty:
            raise AgreementError("empty geometry", where=str(path), field=loc)
        if not np.isfinite(shapely.get_coordinates(geom)).all():
            raise AgreementError("coordinates are not finite numbers (NaN or Infinity)",
                                 where=str(path), field=loc)
        minx, miny, maxx, maxy = geom.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise AgreementError(
                "coordinates outside lon/lat bounds; GeoJSON must be WGS84 (lon, lat)",
                where=str(path), field=loc)
        if not geom.is_valid:
            fixed = shapely.make_valid(geom)
            reason = shapely.is_valid_reason(geom)
            if fixed.geom_type not in (geom.geom_type, "MultiPolygon", "Polygon") or fixed.is_empty:
                raise AgreementError(f"invalid geometry ({reason})", where=str(path), field=loc)
            if warnings is not None:
                warnings.append(f"{path}: {loc}: invalid geometry ({reason}) repaired with "
                                "make_valid; check that the repaired shape is what you meant")
            geom = fixed
        out.append((dict(f.get("properties") or {}), geom))
    if not out:
        raise AgreementError("no features", where=str(path), field=field)
    return out


def _read_features(root: Path, rel: str, field: str, warnings: list[str] | None = None,
                   ) -> list[tuple[dict[str, Any], BaseGeometry]]:
    return read_geojson_features(root / rel, field, warnings)


def _check_type(geom: BaseGeometry, types: tuple[str, ...], path: Path, field: str) -> None:
    if geom.geom_type not in types:
        raise AgreementError(f"expected {' or '.join(types)}, got {geom.geom_type}",
                             where=str(path), field=field)


def _read_geometry(root: Path, rel: str, field: str, types: tuple[str, ...],
                   warnings: list[str] | None = None) -> BaseGeometry:
    """Read every feature of a file and union them into one geometry of the wanted family."""
    path = root / rel
    feats = read_geojson_features(path, field, warnings)
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
