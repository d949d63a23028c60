"""The front-line settlement list in ../shared/data/gazetteer (skipped when it is absent)."""

from __future__ import annotations

import pytest

from truce.gazetteer import MatchKind, import_file, load_gazetteer
from truce.gazetteer.registry import load_imported

from .conftest import SHARED_DATA

FRONT_CSV = SHARED_DATA / "gazetteer" / "ua_front_settlements.csv"

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def front_home(tmp_path_factory):
    if not FRONT_CSV.is_file():
        pytest.skip(f"../shared/data/gazetteer absent: {FRONT_CSV.resolve()} not found")
    home = tmp_path_factory.mktemp("front-home")
    result = import_file(FRONT_CSV, home=home)
    return home, result


def test_imports_every_row(front_home):
    _, result = front_home
    assert (result.name, result.format, result.places, result.errors) == (
        "ua_front_settlements",
        "csv",
        7236,
        (),
    )


def test_zaitseve_near_horlivka(front_home):
    home, _ = front_home
    g = load_gazetteer(home)
    place = g.resolve("Zaitseve", near=(48.3, 38.0))
    assert (round(place.lat, 2), round(place.lon, 2), place.admin1) == (48.40, 38.03, "Donetsk")
    assert place.source.startswith("osm:node/256613745")


def test_petrivske_has_nine_rows(front_home):
    home, _ = front_home
    front = load_imported("ua_front_settlements", home)
    found = front.lookup("Petrivske", limit=None)
    # Nine rows are named Petrivske; Balabyne lists it as a former name.
    assert [c.match for c in found] == [MatchKind.NAME] * 9 + [MatchKind.ALT]
    assert found[-1].place.name == "Balabyne"
    assert len(front.lookup("Petrivske", admin1="Donetsk", limit=None)) == 3


def test_the_front_line_names_resolve_to_the_rows_the_readme_names(front_home):
    home, _ = front_home
    front = load_imported("ua_front_settlements", home)
    expected = {
        "Shyrokyne": (47.098667, 37.819418),
        "Stanytsia Luhanska": (48.642964, 39.495657),
        "Kurakhove": (47.983521, 37.282641),
        "Toretsk": (48.397047, 37.850138),
        "Kupiansk": (49.710002, 37.61264),
        "Avdiivka": (48.133882, 37.746672),
        "Svitlodarsk": (48.43803, 38.22349),
        "Zolote": (48.69011, 38.512158),
    }
    got = {n: (front.resolve(n).lat, front.resolve(n).lon) for n in expected}
    assert got == expected
