"""Agreement geometry that used to pass `agreement check` silently (QA qa2 item 9)."""

from __future__ import annotations

import json
import shutil
import warnings

import pytest
from typer.testing import CliRunner

from truce.agreement.loader import bundled_dir, load_agreement
from truce.cli.main import app
from truce.errors import AgreementError

BOWTIE = {"type": "Polygon", "coordinates": [[[25, 50], [26, 51], [26, 50], [25, 51], [25, 50]]]}


def _runner():
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # newer click: stderr is always separate
        return CliRunner()


@pytest.fixture
def ag(tmp_path):
    d = tmp_path / "ag"
    shutil.copytree(bundled_dir() / "ukraine-2024-12-07", d)
    return d


def _edit(path, fn):
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


def _line_coords(data):
    g = data["features"][0]["geometry"]
    return g["coordinates"] if g["type"] == "LineString" else g["coordinates"][0]


def test_self_intersecting_polygon_is_repaired_with_a_warning(ag):
    _edit(ag / "area_ua.geojson", lambda d: d["features"].append(
        {"type": "Feature", "properties": {}, "geometry": BOWTIE}))
    a = load_agreement(ag)
    (w,) = a.warnings
    assert str(ag / "area_ua.geojson") in w and "features.1.geometry" in w
    assert "Self-intersection" in w and "repaired" in w
    res = _runner().invoke(app, ["agreement", "check", str(ag)])
    assert res.exit_code == 0, res.output
    assert f"warning: {ag / 'area_ua.geojson'}: features.1.geometry: invalid geometry" in res.stderr


def test_nan_coordinate_is_rejected_without_raw_warnings(ag):
    path = ag / "contact_line.geojson"
    text = path.read_text()
    data = json.loads(text)
    _line_coords(data)[3][1] = float("nan")
    path.write_text(json.dumps(data))  # json writes NaN, which Python's reader accepts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AgreementError, match="not finite numbers") as info:
            load_agreement(ag)
    assert str(path) in str(info.value) and "features.0.geometry" in str(info.value)
    res = _runner().invoke(app, ["agreement", "check", str(ag)])
    assert res.exit_code == 2 and "RuntimeWarning" not in res.stderr


def test_swapped_lat_lon_in_the_line_is_rejected(ag):
    path = ag / "contact_line.geojson"

    def swap(d):
        c = _line_coords(d)
        c[:] = [[y, x, *rest] for x, y, *rest in c]
    _edit(path, swap)
    with pytest.raises(AgreementError, match=r"contact line is [\d,]+ km from the parties' areas"
                       ) as info:
        load_agreement(ag)
    assert str(path) in str(info.value) and "swapped" in str(info.value)


def test_swapped_lat_lon_in_an_area_is_rejected(ag):
    def swap(d):
        for f in d["features"]:
            g = f["geometry"]
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            for poly in polys:
                for ring in poly:
                    ring[:] = [[y, x] for x, y, *_ in ring]
    _edit(ag / "area_ru.geojson", swap)
    with pytest.raises(AgreementError, match="km from") as info:
        load_agreement(ag)
    assert "swapped" in str(info.value)


def test_pydantic_wording_is_plain(ag):
    y = ag / "agreement.yaml"
    text = y.read_text()
    y.write_text(text.replace("withdrawal_km: 15", "withdrawal_km: .nan", 1))
    with pytest.raises(AgreementError, match="must be a finite number, got nan"):
        load_agreement(ag)
    y.write_text(text.replace("id: ru", "id: ua", 1))
    with pytest.raises(AgreementError) as info:
        load_agreement(ag)
    assert "Value error" not in str(info.value) and "duplicate id" in str(info.value)
