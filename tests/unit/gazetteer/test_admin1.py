"""Oblast names: GeoNames codes and the spellings a caller may use."""

from __future__ import annotations

import pytest

from truce.gazetteer import UA_ADMIN1, admin1_key, canonical_admin1


@pytest.mark.parametrize(
    "spelling",
    [
        "Donetsk",
        "donetsk",
        "Donetsk Oblast",
        "Donetsk region",
        "Donetsk obl.",
        "Donetska oblast",
        "Donetskaya",
        "Донецька область",
        "Донецкая область",
        "DONETSK OBLAST'",
    ],
)
def test_spellings_of_donetsk(spelling):
    assert canonical_admin1(spelling) == "Donetsk"
    assert admin1_key(spelling) == admin1_key("Donetsk")


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Lugansk region", "Luhansk"),
        ("Zaporozhye", "Zaporizhzhia"),
        ("Kiev Oblast", "Kyiv"),
        ("Kyiv City", "Kyiv City"),
        ("Odessa", "Odesa"),
        ("Dnipro Oblast", "Dnipropetrovsk"),
        ("Kharkov", "Kharkiv"),
        ("Autonomous Republic of Crimea", "Crimea"),
    ],
)
def test_other_oblasts(spelling, name):
    assert canonical_admin1(spelling) == name


def test_unknown_admin1_is_kept_stripped():
    assert canonical_admin1("  Rostov ") == "Rostov"
    assert admin1_key("Rostov") != admin1_key("Donetsk")


def test_geonames_codes_cover_27_divisions():
    assert sorted(UA_ADMIN1) == [f"{i:02d}" for i in range(1, 28)]
    assert len(set(UA_ADMIN1.values())) == 27
    assert all(canonical_admin1(n) == n for n in UA_ADMIN1.values())
