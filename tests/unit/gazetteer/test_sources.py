"""Readers: GeoNames dumps and CSV; bad rows are reported with line numbers, the rest is kept."""

from __future__ import annotations

import zipfile

import pytest

from truce.errors import ValidationError
from truce.gazetteer import Place, read_csv, read_gazetteer_file, read_geonames_dump
from truce.gazetteer.sources import detect_format
from truce.io.points import RowError

from .conftest import DATA

UA_TXT = DATA / "UA.txt"


def test_geonames_dump_keeps_populated_places_and_reports_bad_rows():
    g, errors = read_geonames_dump(UA_TXT)
    assert errors == [
        RowError(4, "expected 19 tab-separated columns, got 10"),
        RowError(5, "latitude '48.x' is not a number"),
        RowError(8, "latitude 91.0 is not in [-90, 90]"),
    ]
    assert [(p.name, p.admin1, p.source, p.population) for p in g] == [
        ("Avdiivka", "Donetsk", "geonames:713122", 35826),
        ("Horlivka", "Donetsk", "geonames:707753", 250991),
        ("Svitlodarsk", "Donetsk", "geonames:709162", 11540),
        ("Rostov-na-Donu", "61", "geonames:501175", 1074482),  # not UA: name and code kept
    ]
    assert g.places[0] == Place(
        "Avdiivka",
        48.14019,
        37.75008,
        "Donetsk",
        ("Avdiyivka", "Avdeevka", "Avdeyevka", "Авдеевка", "Авдіївка"),
        "geonames:713122",
        35826,
    )
    assert g.resolve("Gorlovka").name == "Horlivka"


def test_geonames_feature_classes():
    g, errors = read_geonames_dump(UA_TXT, feature_classes=None)
    assert "Kalmius" in [p.name for p in g] and len(errors) == 3
    g, _ = read_geonames_dump(UA_TXT, feature_classes=("H",))
    assert [p.name for p in g] == ["Kalmius"]


def test_geonames_zip_as_downloaded(tmp_path):
    z = tmp_path / "UA.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "GeoNames country dump")
        zf.write(UA_TXT, "UA.txt")
    g, errors = read_geonames_dump(z)
    assert len(g) == 4 and len(errors) == 3


def test_geonames_invalid_utf8_is_a_row_error(tmp_path):
    good = UA_TXT.read_bytes().splitlines()[0]
    bad = good.replace(b"Avdiyivka", b"Avd\xff", 1)
    path = tmp_path / "UA.txt"
    path.write_bytes(good + b"\n" + bad + b"\n")
    g, errors = read_geonames_dump(path)
    assert len(g) == 1 and errors == [RowError(2, "not valid UTF-8")]


CSV_TEXT = (
    "name,lat,lon,admin1,alt_names,source_id,extra\n"
    "Zaitseve,48.40087,38.02643,Donetsk,Зайцеве|Zaytseve;Zaitsevo,osm:node/256613745,x\n"
    "Zaitseve,48.5268,38.0669,Donetsk Oblast,,osm:relation/3586248,\n"
    "Nowhere,abc,38.0,Donetsk,,,\n"
    ",48.0,38.0,Donetsk,,,\n"
    "Short,48.0\n"
    "\n"
    '"Vodiane, near the airport",48.096854,37.665983,Donetsk,Водяне,,\n'
    "Far,48.0,200.0,Donetsk,,,\n"
)


def test_csv_with_bad_rows(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    g, errors = read_csv(path)
    assert errors == [
        RowError(4, "latitude 'abc' is not a number"),
        RowError(5, "empty name"),
        RowError(6, "expected 7 columns, got 2"),
        RowError(9, "longitude 200.0 is not in [-180, 180]"),
    ]
    assert list(g) == [
        Place(
            "Zaitseve",
            48.40087,
            38.02643,
            "Donetsk",
            ("Зайцеве", "Zaytseve", "Zaitsevo"),
            "osm:node/256613745",
        ),
        Place("Zaitseve", 48.5268, 38.0669, "Donetsk", (), "osm:relation/3586248"),
        Place(
            "Vodiane, near the airport", 48.096854, 37.665983, "Donetsk", ("Водяне",), "places:8"
        ),
    ]


def test_csv_minimal_columns_and_aliases(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("Latitude,Longitude,Name\n47.1,37.8,Shyrokyne\n", encoding="utf-8-sig")
    g, errors = read_csv(path)
    assert errors == [] and list(g) == [Place("Shyrokyne", 47.1, 37.8, "", (), "mine:2")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file; expected a header with name,lat,lon"),
        ("name,x,y\nA,1,2\n", "header must name the columns name, lat and lon (missing lat, lon)"),
    ],
)
def test_csv_unusable_files_raise(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_csv(path)
    assert message in err.value.message


def test_missing_file_raises(tmp_path):
    with pytest.raises(ValidationError, match="cannot read"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(ValidationError, match="directory"):
        read_geonames_dump(tmp_path)


def test_format_detection(tmp_path):
    assert detect_format(UA_TXT) == "geonames"
    assert detect_format(tmp_path / "x.csv") == "csv"
    odd = tmp_path / "places.dat"
    odd.write_bytes(UA_TXT.read_bytes())
    assert detect_format(odd) == "geonames"
    odd.write_text("name,lat,lon\nA,1,2\n", encoding="utf-8")
    assert detect_format(odd) == "csv"
    g, errors, used = read_gazetteer_file(odd)
    assert (len(g), errors, used) == (1, [], "csv")
    with pytest.raises(ValidationError, match="unknown format"):
        read_gazetteer_file(odd, "xml")
