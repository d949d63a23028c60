"""Imports persist in <home>/gazetteers and are merged over the starter by later runs."""

from __future__ import annotations

import pytest

from truce.errors import NotFound, StorageError, ValidationError
from truce.gazetteer import (
    ImportedGazetteer,
    MatchKind,
    Place,
    import_file,
    list_imported,
    load_gazetteer,
    remove,
)
from truce.gazetteer.registry import STORED_COLUMNS, load_imported
from truce.io.points import RowError

from .conftest import DATA

OWN = (
    "name,lat,lon,admin1,alt_names\n"
    "Zvytiazhne,47.630501,37.842751,Donetsk,Звитяжне|Petrivske\n"
    "Avdiivka,48.133882,37.746672,Donetsk,Авдіївка|Avdiyivka\n"
    "Broken,x,1,Donetsk,\n"
)


@pytest.fixture
def own_csv(tmp_path):
    path = tmp_path / "own.csv"
    path.write_text(OWN, encoding="utf-8")
    return path


def test_import_persists_and_a_new_load_finds_it(tmp_path, own_csv, _isolated_cache):
    home = tmp_path / "home"
    result = import_file(own_csv, home=home)
    assert (result.name, result.path, result.format, result.places, result.replaced) == (
        "own",
        home / "gazetteers" / "own.csv",
        "csv",
        2,
        False,
    )
    assert result.errors == (RowError(4, "latitude 'x' is not a number"),)
    assert result.path.read_text(encoding="utf-8").splitlines()[0] == ",".join(STORED_COLUMNS)

    g = load_gazetteer(home)  # as a later run would
    assert g.resolve("Zvytiazhne") == Place(
        "Zvytiazhne", 47.630501, 37.842751, "Donetsk", ("Звитяжне", "Petrivske"), "own:2"
    )
    found = g.lookup("Petrivske", admin1="Donetsk", near=(47.63, 37.76))
    assert [(c.place.source, c.match) for c in found] == [("own:2", MatchKind.ALT)]
    assert found[0].distance_km == pytest.approx(6.22, abs=0.01)


def test_imported_places_replace_the_starters_duplicates(tmp_path, own_csv, starter):
    home = tmp_path / "home"
    import_file(own_csv, home=home)
    g = load_gazetteer(home)
    assert len(g) == len(starter) + 2 - 1  # Avdiivka (Donetsk) is one place, now the import's
    avdiivka = g.lookup("Avdiivka", admin1="Donetsk")
    assert [(c.place.lat, c.place.source, c.place.population) for c in avdiivka] == [
        (48.133882, "own:3", 35826),
    ]
    # The starter's names for it are kept as alternates.
    assert g.resolve("Авдеевка").source == "own:3"


def test_reimport_replaces_and_name_option(tmp_path, own_csv):
    home = tmp_path / "home"
    import_file(own_csv, home=home)
    own_csv.write_text("name,lat,lon\nOnly,48.0,38.0\n", encoding="utf-8")
    again = import_file(own_csv, home=home)
    assert again.replaced and again.places == 1
    import_file(own_csv, home=home, name="second")
    assert list_imported(home) == [
        ImportedGazetteer("own", home / "gazetteers" / "own.csv", 1),
        ImportedGazetteer("second", home / "gazetteers" / "second.csv", 1),
    ]
    # The two imports hold one place: merged, it is there once.
    assert [p.name for p in load_gazetteer(home, include_starter=False)] == ["Only"]


def test_geonames_import(tmp_path):
    result = import_file(DATA / "UA.txt", home=tmp_path, name="ua-dump")
    assert (result.format, result.places, len(result.errors)) == ("geonames", 4, 3)
    assert load_imported("ua-dump", tmp_path).resolve("Gorlovka").name == "Horlivka"


def test_no_valid_row_raises_and_stores_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nA,x,1\nB,1,y\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        import_file(bad, home=tmp_path / "home")
    assert err.value.message == (
        f"{bad}: no valid row (2 rejected: line 2: latitude 'x' is not a number; "
        "line 3: longitude 'y' is not a number)"
    )
    assert list_imported(tmp_path / "home") == []


@pytest.mark.parametrize("name", ["starter", "../evil", "", "a b"])
def test_bad_names(tmp_path, own_csv, name):
    with pytest.raises(ValidationError, match="gazetteer name"):
        import_file(own_csv, home=tmp_path, name=name)


def test_remove(tmp_path, own_csv):
    import_file(own_csv, home=tmp_path)
    assert remove("own", tmp_path) == tmp_path / "gazetteers" / "own.csv"
    assert list_imported(tmp_path) == []
    with pytest.raises(NotFound, match="no imported gazetteer named 'own'"):
        remove("own", tmp_path)


def test_damaged_store_is_a_storage_error(tmp_path, own_csv):
    result = import_file(own_csv, home=tmp_path)
    result.path.write_text(
        result.path.read_text(encoding="utf-8") + "X,999,0,,,,\n", encoding="utf-8"
    )
    with pytest.raises(StorageError, match=r"damaged: line 4: latitude 999\.0"):
        load_gazetteer(tmp_path, include_starter=False)


def test_home_none_is_the_starter_only(starter):
    assert load_gazetteer(None).places == starter.places
