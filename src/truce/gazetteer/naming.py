"""Choosing a place's display name and cleaning its alternate names, from GeoNames' name lists.

GeoNames' primary name for a Ukrainian place is sometimes a Russian-style romanisation
(``Gorlovka``, ``Svetlodarsk``).  Its alternate names usually include the Ukrainian Cyrillic
(``Горлівка``); the national (KMU 2010) transliteration of that is the name Ukraine uses in
Latin script, and the name the simulator should write and the parser expects.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii

from truce.gazetteer.normalize import fold, fold_loose
from truce.gazetteer.translit import (
    APOSTROPHES,
    UKRAINIAN_ONLY,
    has_cyrillic,
    is_ukrainian_spelling,
    kmu2010,
    strip_stress,
)

# Ukrainian writes the soft sign before the suffix (Покровськ, Торецьк); Russian does not.
_UKRAINIAN_SUFFIX = re.compile(r"[сзц]ьк", re.IGNORECASE)
# Russian endings: adjectives and place names in -ое, -ая, -ово, -ино (Ukrainian -е, -а, -ове,
# -ине) and -ск, -цк without the soft sign (Светлодарск; Ukrainian Світлодарськ).
_RUSSIAN_ENDING = re.compile(r"(?:ое|ая|ово|ево|ино|ье|(?<!ь)[сц]к)\b", re.IGNORECASE)
# How much a Ukrainian spelling must look like the GeoNames name to replace it: confirmed
# spellings (a Latin alternate agrees) and unconfirmed ones.  Below, it is another name
# (a former or historical one, Sollar for Mitrofanovka), not another spelling.
_MIN_CONFIRMED = 0.6
_MIN_UNCONFIRMED = 0.75
# A name this like a romanised Russian spelling is Russian-style (Novozuyevka: Новозуевка).
_RUSSIAN_ALIKE = 0.85


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "?"


def usable_alternates(names: Iterable[str]) -> tuple[str, ...]:
    """The alternate names worth indexing: Latin or Cyrillic script, no digits, no codes.

    Drops names in other scripts (a Cyrillic or Latin query never folds to them), lower-case
    Latin (GeoNames' romanisations of Chinese and Japanese, ``ge er luo fu ka``), names with
    digits and all-capital codes.  Order is kept; duplicates go.

    Examples
    --------
    >>> usable_alternates(["Gorlovka", "ge er luo fu ka", "Горлівка", "ゴロフカ", "UKR"])
    ('Gorlovka', 'Горлівка')
    """
    out: dict[str, None] = {}
    for raw in names:
        name = " ".join(raw.split())
        letters = [c for c in name if c.isalpha()]
        if not letters or any(c.isdigit() for c in name) or name.isupper():
            continue
        scripts = {_script(c) for c in letters}
        if scripts == {"CYRILLIC"} or (scripts == {"LATIN"} and name[0].isupper()):
            out[strip_stress(name)] = None
    return tuple(out)


def _tier(cyrillic: str) -> int:
    """2: certainly Ukrainian; 1: could be either; 0: looks Russian."""
    low = cyrillic.lower()
    if any(c in UKRAINIAN_ONLY or c in APOSTROPHES for c in low) or _UKRAINIAN_SUFFIX.search(low):
        return 2
    return 0 if _RUSSIAN_ENDING.search(low) else 1


def national_name(name: str, alternates: Iterable[str]) -> str:
    """The national transliteration of a place's Ukrainian name, else ``name`` unchanged.

    Parameters
    ----------
    name
        GeoNames' primary name.
    alternates
        GeoNames' alternate names, any script.

    Returns
    -------
    str
        For each Ukrainian-spelt Cyrillic alternate, its KMU 2010 romanisation is a candidate
        (Russian-looking Cyrillic such as ``Золотое`` gives none).  A candidate is *certain*
        when its Cyrillic has a letter or suffix only Ukrainian writes (і, ї, є, ґ, ’, -ськ),
        *alike* when its loose key is at least 0.75 like ``name``'s, *confirmed* when ``name``
        or a Latin alternate folds like it.  The choice, in order:

        1. a certain candidate that folds like ``name``: GeoNames uses the Ukrainian name,
           now spelt the national way (``Stanytsya-Luhanska`` → ``Stanytsia Luhanska``);
        2. an uncertain one that folds like ``name`` (``Бахмут``), unless a certain one is
           alike: then that one (``Тепловка`` is Russian when ``Теплівка`` is there);
        3. ``name`` itself, unless it is 0.85 like a romanisation (``anyascii`` or KMU) of
           Cyrillic that is not certainly Ukrainian:
           a current name whose Ukrainian Cyrillic GeoNames lacks stays as it is;
        4. a confirmed candidate, certain before uncertain, then the most like ``name``, if at
           least 0.6 like it (a former name is another name, not another spelling);
        5. an unconfirmed candidate that is certain and alike, or whose loose key is
           ``name``'s (``Рисове`` for ``Risovoye``);
        6. ``name``.

    Examples
    --------
    >>> national_name("Gorlovka", ["Gorlovka", "Horlivka", "Горловка", "Горлівка"])
    'Horlivka'
    >>> national_name("Stanytsya-Luhanska", ["Stanytsia Luhanska", "Станиця Луганська"])
    'Stanytsia Luhanska'
    >>> national_name("Mar'yinka", ["Marinka", "Марьинка", "Мар’їнка"])
    'Marinka'
    >>> national_name("Bakhmut", ["Artemivsk", "Артемівськ", "Бахмут"])
    'Bakhmut'
    >>> national_name("Svetlodarsk", ["Svitlodarsk", "Светлодарск", "Світлодарськ"])
    'Svitlodarsk'
    >>> national_name("Teplovka", ["Тепловка", "Теплівка"]), national_name("Risovoye", ["Рисове"])
    ('Teplivka', 'Rysove')
    >>> national_name("Olenevka", ["Olenevka", "Оленевка"])
    'Olenevka'
    """
    alternates = list(alternates)
    spelt = {a.lower(): a for a in reversed([name, *alternates]) if not has_cyrillic(a)}
    latin = {fold(a) for a in spelt.values()}
    cyrillic = [a for a in alternates if has_cyrillic(a)]
    name_key, name_loose = fold(name), fold_loose(name)
    forms: list[_Form] = []
    for cyr in cyrillic:
        tier = _tier(cyr) if is_ukrainian_spelling(cyr) else 0
        if tier:
            form = kmu2010(cyr)
            form = spelt.get(form.lower(), form)  # a Latin spelling's capitals
            loose = fold_loose(form)
            sim = _similarity(name_loose, loose)
            forms.append(_Form(tier, form, fold(form), loose, sim))
    certain = [f for f in forms if f.tier == 2]
    for f in certain:
        if f.key == name_key:
            return f.form
    alike = max(
        (f for f in certain if f.sim >= _MIN_UNCONFIRMED), key=lambda f: f.sim, default=None
    )
    for f in forms:
        if f.key == name_key:
            return alike.form if alike is not None else f.form
    russian = {
        fold_loose(romanise(c))
        for c in cyrillic
        if not (is_ukrainian_spelling(c) and _tier(c) == 2)
        for romanise in (anyascii, kmu2010)
    }
    if not any(_similarity(name_loose, r) >= _RUSSIAN_ALIKE for r in russian):
        return name
    confirmed = [f for f in forms if f.key in latin and f.sim >= _MIN_CONFIRMED]
    if confirmed:
        return max(confirmed, key=lambda f: (f.tier, f.sim)).form
    if alike is not None:
        return alike.form
    return next((f.form for f in forms if f.loose == name_loose), name)


@dataclass(frozen=True, slots=True)
class _Form:
    tier: int  # 2: certainly Ukrainian, 1: could be Russian too
    form: str  # the national romanisation
    key: str  # its strict key
    loose: str  # its loose key
    sim: float  # how like the GeoNames name (0..1, on loose keys)
