"""Display names: the national transliteration of the Ukrainian name, from GeoNames' lists."""

from __future__ import annotations

import pytest

from truce.gazetteer.naming import national_name, usable_alternates


@pytest.mark.parametrize(
    ("name", "alternates", "expected"),
    [
        ("Gorlovka", ["Gorlovka", "Horlivka", "Горловка", "Горлівка"], "Horlivka"),
        (
            "Svetlodarsk",
            ["Svitlodars'k", "Svitlodarsk", "Светлодарск", "Світлодарськ"],
            "Svitlodarsk",
        ),
        (
            "Stanytsya-Luhanska",
            ["Stanytsia Luhanska", "Станица Луганская", "Станиця Луганська"],
            "Stanytsia Luhanska",
        ),
        ("Mar'yinka", ["Maryinka", "Mar'inka", "Марьинка", "Мар’інка", "Мар’їнка"], "Marinka"),
        ("Kupyansk", ["Kupiansk", "Купянск", "Куп’янськ"], "Kupiansk"),
        ("Shchastya", ["Shchastia", "Счастье", "Щастя"], "Shchastia"),
        ("Zolote", ["Zolotoye", "Золоте", "Золотое"], "Zolote"),
        # A current name stays even when a former Ukrainian name is listed.
        ("Bakhmut", ["Artemivsk", "Артемівськ", "Бахмут"], "Bakhmut"),
        ("Pokrovsk", ["Krasnoarmiisk", "Красноармійськ", "Покровськ"], "Pokrovsk"),
        # A Russian spelling of only shared letters loses to the Ukrainian one.
        ("Teplovka", ["Тепловка", "Теплівка"], "Teplivka"),
        # No Ukrainian Cyrillic: GeoNames' name stays.
        ("Olenevka", ["Karadzhi", "Olenevka", "Оленевка"], "Olenevka"),
        # A renamed place's other name is not a spelling of this one.
        (
            "Imeni Stepana Bandery",
            ["Имени Степана Бандеры", "Імені Леніна", "Imeni Lenina"],
            "Imeni Stepana Bandery",
        ),
    ],
)
def test_national_name(name, alternates, expected):
    assert national_name(name, alternates) == expected


def test_usable_alternates_keeps_latin_and_cyrillic_names():
    assert usable_alternates(
        [
            "Horlivka",
            "ge er luo fu ka",
            "Горлі́вка",
            "ゴロフカ",
            "هورليفكا",
            "UA-14",
            "KBP",
            "Horlivka",
        ]
    ) == ("Horlivka", "Горлівка")
