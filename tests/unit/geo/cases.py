"""A catalogue of edge-case geometries for the geometry core (after shapely's tests/common.py)."""

from __future__ import annotations

import json
from pathlib import Path

import shapely

# A square split by a north-south line at lon 31: party a west, party b east.
LINE = shapely.LineString([(31.0, 47.0), (31.0, 48.0), (31.0, 49.0)])
AREA_A = shapely.Polygon([(30.0, 46.0), (31.0, 46.0), (31.0, 50.0), (30.0, 50.0)])
AREA_B = shapely.Polygon([(31.0, 46.0), (32.0, 46.0), (32.0, 50.0), (31.0, 50.0)])
# party b's area with a hole (a lake) in it
AREA_B_HOLE = shapely.Polygon(
    [(31.0, 46.0), (32.0, 46.0), (32.0, 50.0), (31.0, 50.0)],
    holes=[[(31.5, 47.9), (31.7, 47.9), (31.7, 48.1), (31.5, 48.1)]],
)
DISENGAGEMENT = shapely.box(30.98, 47.98, 31.02, 48.02)


def write_agreement_dir(root: Path, *, area_b: shapely.Polygon = AREA_B, reverse_rings: bool = False,
                        yaml_overrides: str = "") -> Path:
    """Write a small agreement directory for tests."""
    root.mkdir(parents=True, exist_ok=True)

    def fc(geoms: list[tuple[dict, shapely.Geometry]]) -> str:
        feats = []
        for props, g in geoms:
            if reverse_rings and g.geom_type == "Polygon":
                g = shapely.orient_polygons(g, exterior_cw=True)
            feats.append({"type": "Feature", "properties": props, "geometry": json.loads(shapely.to_geojson(g))})
        return json.dumps({"type": "FeatureCollection", "features": feats})

    (root / "line.geojson").write_text(fc([({}, LINE)]))
    (root / "a.geojson").write_text(fc([({}, AREA_A)]))
    (root / "b.geojson").write_text(fc([({}, area_b)]))
    (root / "dis.geojson").write_text(fc([({"id": "box", "name": "Box"}, DISENGAGEMENT)]))
    (root / "agreement.yaml").write_text(
        "format: truce-agreement/1\n"
        "id: test\n"
        "title: Test agreement\n"
        "effective: 2020-01-01\n"
        "contact_line: line.geojson\n"
        "parties:\n"
        "  - {id: a, name: Alpha, area: a.geojson}\n"
        "  - {id: b, name: Bravo, area: b.geojson}\n"
        "security_zone_km: 10\n"
        "weapon_classes:\n"
        "  - {id: small_arms, label: Small arms, withdrawal_km: 0}\n"
        "  - {id: mortar, label: Mortar, withdrawal_km: 15}\n"
        "  - {id: artillery_ge100, label: Artillery, withdrawal_km: 50}\n"
        "disengagement_areas: dis.geojson\n"
        "rules:\n"
        "  - {id: ceasefire.fire, kinds: [explosion, burst], where: anywhere}\n"
        + yaml_overrides
    )
    return root
