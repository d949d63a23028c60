"""The Gazetteer on a small hand-made set: ranking, disambiguation, spatial queries, merging."""

from __future__ import annotations

import numpy as np
import pytest

from truce.errors import PlaceNotFound, ValidationError
from truce.gazetteer import Candidate, Gazetteer, MatchKind, Place

NOVO_A = Place("Novoselivka", 48.00, 37.00, "Donetsk", ("Novoselovka",), "t:1", 300)
NOVO_B = Place("Novoselivka", 49.00, 36.00, "Kharkiv", (), "t:2", 900)
NOVO_C = Place("Novoselivka", 47.50, 35.50, "Zaporizhzhia", (), "t:3", 0)
KURAKHOVE = Place("Kurakhove", 47.98, 37.28, "Donetsk", ("Kurachowe",), "t:4", 18000)
# A place whose *alternate* name is another place's display name.
OLD_NAME = Place(
    "Pokrovsk", 48.28, 37.18, "Donetsk", ("Krasnoarmiisk", "Novoselivka"), "t:5", 60000
)


@pytest.fixture
def g() -> Gazetteer:
    return Gazetteer([NOVO_A, NOVO_B, NOVO_C, KURAKHOVE, OLD_NAME])


def test_len_iter_and_arrays(g):
    assert len(g) == 5 and list(g) == [NOVO_A, NOVO_B, NOVO_C, KURAKHOVE, OLD_NAME]
    np.testing.assert_array_equal(g.lats, [48.0, 49.0, 47.5, 47.98, 48.28])
    np.testing.assert_array_equal(g.lons, [37.0, 36.0, 35.5, 37.28, 37.18])
    assert g.names.tolist() == ["Novoselivka"] * 3 + ["Kurakhove", "Pokrovsk"]
    assert g.admin1s.tolist() == ["Donetsk", "Kharkiv", "Zaporizhzhia", "Donetsk", "Donetsk"]
    with pytest.raises(ValueError):
        g.lats[0] = 0.0  # read-only views


def test_name_matches_rank_before_alt_matches_then_population(g):
    found = g.lookup("Novoselivka")
    assert [(c.place.source, c.match) for c in found] == [
        ("t:2", MatchKind.NAME),
        ("t:1", MatchKind.NAME),
        ("t:3", MatchKind.NAME),
        ("t:5", MatchKind.ALT),
    ]
    assert all(c.distance_km is None for c in found)


def test_near_puts_the_nearest_of_a_duplicated_name_first(g):
    found = g.lookup("Novoselivka", near=(47.6, 35.6))
    assert [c.place.source for c in found] == ["t:3", "t:1", "t:2", "t:5"]
    assert found[0].distance_km == pytest.approx(13.4, abs=0.1)
    assert g.resolve("Novoselivka", near=(48.95, 36.1)) is NOVO_B


def test_admin1_filters_in_any_spelling(g):
    assert [c.place.source for c in g.lookup("Novoselivka", admin1="Donetsk Oblast")] == [
        "t:1",
        "t:5",
    ]
    assert g.resolve("Novoselivka", admin1="Zaporizhzhia region") is NOVO_C
    assert g.resolve("Новоселівка", admin1="Харківська область") is NOVO_B


def test_limit(g):
    assert len(g.lookup("Novoselivka", limit=2)) == 2
    assert len(g.lookup("Novoselivka", limit=None)) == 4


def test_alt_names_and_cyrillic(g):
    assert g.lookup("Krasnoarmiisk") == [Candidate(OLD_NAME, MatchKind.ALT, None)]
    assert g.lookup("Kurachowe") == [Candidate(KURAKHOVE, MatchKind.ALT, None)]
    assert g.lookup("Курахове") == [
        Candidate(KURAKHOVE, MatchKind.NAME, None)
    ]  # folds like the name


def test_loose_key_only_when_the_strict_key_finds_nothing(g):
    assert g.lookup("Kurakhovo") == [Candidate(KURAKHOVE, MatchKind.LOOSE, None)]
    # "Novoselovka" is an alternate of one place (strict hit), so the loose key is not tried.
    assert [c.place.source for c in g.lookup("Novoselovka")] == ["t:1"]


def test_resolve_suggests_close_spellings(g):
    with pytest.raises(PlaceNotFound) as err:
        g.resolve("Kurakhivke")
    assert err.value.message == (
        "no place named 'Kurakhivke' among 5 places; did you mean: Kurakhove (Donetsk)?"
    )
    assert err.value.name == "Kurakhivke" and err.value.exit_code == 2


def test_resolve_names_where_the_place_is_when_admin1_excludes_it(g):
    with pytest.raises(PlaceNotFound) as err:
        g.resolve("Novoselivka", admin1="Luhansk")
    assert err.value.message == (
        "no place named 'Novoselivka' in 'Luhansk'; found in: Donetsk (2), Kharkiv (1), "
        "Zaporizhzhia (1)"
    )


def test_resolve_without_any_close_name(g):
    with pytest.raises(PlaceNotFound, match="no close spelling either"):
        g.resolve("Qwxyz")
    with pytest.raises(ValidationError, match="empty place name"):
        g.resolve("  ")


def test_places_in(g):
    assert g.places_in("donetsk region") == (NOVO_A, KURAKHOVE, OLD_NAME)
    assert g.places_in("Crimea") == ()
    assert g.admin1_counts() == {"Donetsk": 3, "Kharkiv": 1, "Zaporizhzhia": 1}


def test_nearest(g):
    found = g.nearest(48.0, 37.01, k=2)
    assert [c.place.source for c in found] == ["t:1", "t:4"]
    assert found[0].match == MatchKind.POINT
    assert found[0].distance_km == pytest.approx(0.746, abs=0.01)
    assert [c.place.source for c in g.nearest(48.0, 37.0, k=10, admin1="Kharkiv")] == ["t:2"]
    assert len(g.nearest(48.0, 37.0, k=10)) == 5


def test_within(g):
    found = g.within(48.0, 37.0, 40.0)
    assert [(c.place.source, round(c.distance_km, 1)) for c in found] == [
        ("t:1", 0.0),
        ("t:4", 21.0),
        ("t:5", 33.9),
    ]
    assert [c.place.source for c in g.within(48.0, 37.0, 30.0)] == ["t:1", "t:4"]
    assert g.within(48.0, 37.0, 0.0) == [Candidate(NOVO_A, MatchKind.POINT, 0.0)]


def test_within_is_exact_at_the_radius(g):
    d = g.nearest(48.0, 37.0, k=2)[1].distance_km
    assert [c.place.source for c in g.within(48.0, 37.0, d + 1e-6)] == ["t:1", "t:4"]
    assert [c.place.source for c in g.within(48.0, 37.0, d - 1e-3)] == ["t:1"]


@pytest.mark.parametrize("bad", [(91.0, 37.0), (48.0, 181.0), (float("nan"), 0.0)])
def test_bad_points_are_rejected(g, bad):
    with pytest.raises(ValidationError):
        g.nearest(*bad)
    with pytest.raises(ValidationError):
        g.lookup("Kurakhove", near=bad)


def test_merge_other_wins_on_duplicates_and_keeps_the_rest(g):
    better = Place("Kurakhove", 47.985, 37.282, "Donetsk", ("Kurakhovo",), "osm:1")
    elsewhere = Place("Kurakhove", 45.0, 34.0, "Crimea", (), "osm:2")
    merged = g.merge(Gazetteer([better, elsewhere]))
    assert len(merged) == 6
    kept = merged.resolve("Kurakhove", admin1="Donetsk")
    assert kept == Place(
        "Kurakhove", 47.985, 37.282, "Donetsk", ("Kurakhovo", "Kurachowe"), "osm:1", 18000
    )
    assert merged.lookup("Kurachowe")[0].place is kept  # the dropped place's names still find it
    assert [c.place.source for c in merged.lookup("Kurakhove")] == ["osm:1", "osm:2"]


def test_merge_matches_on_an_alternate_name_too():
    russian = Gazetteer(
        [Place("Gorlovka", 48.30, 38.05, "Donetsk", ("Horlivka",), "geonames:1", 250000)]
    )
    ukrainian = Gazetteer([Place("Horlivka", 48.305, 38.04, "Donetsk", ("Горлівка",), "osm:1")])
    merged = russian.merge(ukrainian)
    assert [p.source for p in merged] == ["osm:1"]
    assert merged.places[0].alt_names == ("Горлівка", "Gorlovka")
    assert merged.places[0].population == 250000


def test_merge_with_empty():
    g = Gazetteer([NOVO_A])
    assert g.merge(Gazetteer()) is g and Gazetteer().merge(g) is g


def test_place_validation():
    with pytest.raises(ValidationError, match="latitude"):
        Place("X", 95.0, 0.0)
    with pytest.raises(ValidationError, match="name"):
        Place(" ", 0.0, 0.0)
    assert Place("X", 1.0, 2.0, alt_names=["a"]).alt_names == ("a",)  # type: ignore[arg-type]
