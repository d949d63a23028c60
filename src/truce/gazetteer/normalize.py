"""Folding place names to lookup keys, so spellings of one name meet on one key.

Names of Ukrainian places reach a monitor in many spellings: the national transliteration
(``Avdiivka``), older BGN/PCGN-style forms (``Avdiyivka``, ``Kup'yans'k``), Cyrillic (``Авдіївка``)
and names with typographic apostrophes (``Mar’inka``).  :func:`fold` maps them to one key by a
fixed recipe, and :func:`fold_loose` adds the lossier Russian-to-Ukrainian rules that a caller
should try only when the strict key finds nothing.

The recipe, in order:

1. Ukrainian-alphabet Cyrillic is romanised by the KMU 2010 table (:mod:`.translit`), any other
   script by ``anyascii``, which also strips Latin diacritics (``Avdiïvka`` → ``Avdiivka``).
2. Case is folded, apostrophes (``' ’ ʼ ` ″``, and the soft sign) are dropped, and every other run
   of non-alphanumerics (hyphens, dots, spaces) becomes one space.
3. The substitution table :data:`FOLD_RULES` (with :data:`LOOSE_RULES` for the loose key) is
   applied until nothing changes, so a key folds to itself.
"""

from __future__ import annotations

import re
from typing import Final

from anyascii import anyascii

from truce.gazetteer.translit import APOSTROPHES, has_cyrillic, kmu2010

#: Strict rules: (pattern, replacement, what it merges).  Order matters; the whole table is
#: applied repeatedly until the key stops changing.
FOLD_RULES: Final[tuple[tuple[str, str, str], ...]] = (
    (
        r"[yj](?=[aeiou])",
        "i",
        "ya/ja→ia, yu/ju→iu, ye/je→ie, yo/jo→io, yi/ji→ii: Kupyansk = Kupiansk",
    ),
    (r"i{2,}", "i", "ii→i: Avdiivka = Avdiyivka = Avdijivka, Mariinka = Marinka"),
    (r"[iy][yj](?![aeiou])", "i", "-iy/-yy/-ij/-yj→i: Krasnyy = Krasnyi, -skiy = -skyi"),
)

#: Loose rules, applied to the strict key: Russian-style spellings and lossy merges.
LOOSE_RULES: Final[tuple[tuple[str, str, str], ...]] = (
    (r"gh", "g", "zgh→zg (KMU writes зг as zgh)"),
    (r"(?<!z)g", "h", "g→h: Gorlovka → horlovka (Russian г is g, Ukrainian h)"),
    (r"x", "kh", "x→kh: Kuraxovo = Kurakhovo"),
    (r"y", "i", "y→i: Shirokine = Shyrokyne"),
    (r"ovo\b", "ove", "-ovo→-ove: Kurakhovo = Kurakhove"),
    (r"evo\b", "eve", "-evo→-eve: Debaltsevo = Debaltseve"),
    (r"ino\b", "ine", "-ino→-ine: Shirokino = Shyrokyne"),
    (r"oie\b", "e", "-oye→-e: Zolotoye = Zolote, -skoye = -ske"),
    (r"oe\b", "e", "-oe→-e: Zolotoe = Zolote"),
    (r"oi\b", "i", "-oy→-yi: Zolotoy = Zolotyi"),
    (r"aia\b", "a", "-aya→-a: Popasnaya = Popasna, Luganskaya = Luhanska"),
)

_COMPILED = tuple((re.compile(p), r) for p, r, _ in FOLD_RULES)
# The loose table runs together with the strict one, so a loose key is a strict key too.
_COMPILED_LOOSE = _COMPILED + tuple((re.compile(p), r) for p, r, _ in LOOSE_RULES)
_DROP = re.compile("[" + re.escape(APOSTROPHES + '"ьЬъЪ') + "]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _apply(key: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    # To a fixed point: every rule shortens the key or removes a y/j/g/x, so this ends.
    while True:
        before = key
        for pattern, repl in rules:
            key = pattern.sub(repl, key)
        if key == before:
            return key


def _basic(name: str) -> str:
    text = _DROP.sub("", name)
    if has_cyrillic(text):
        text = kmu2010(text)
    if not text.isascii():
        text = anyascii(text)
    text = _DROP.sub("", text.lower())
    return _NON_ALNUM.sub(" ", text).strip()


def fold(name: str) -> str:
    """The strict lookup key of a place name.

    Parameters
    ----------
    name
        A place name in any script and spelling.

    Returns
    -------
    str
        Lower-case ASCII letters and digits, words separated by single spaces.  ``fold`` of a key
        is the key itself.

    Examples
    --------
    >>> fold("Avdiivka") == fold("Avdiyivka") == fold("Авдіївка") == fold("Avdiïvka")
    True
    >>> fold("Debal'tseve") == fold("Debaltseve"), fold("Kup'yans'k") == fold("Kupiansk")
    (True, True)
    >>> fold("Mar’inka") == fold("Maryinka") == fold("Marinka") == fold("Мар’їнка")
    True
    >>> fold("Shchastya") == fold("Shchastia"), fold("Stanytsya-Luhans'ka")
    (True, 'stanytsia luhanska')
    >>> fold("Kurakhovo") == fold("Kurakhove")
    False
    """
    return _apply(_basic(name), _COMPILED)


def fold_loose(name: str) -> str:
    """A lossier key: :func:`fold` plus Russian-style endings, ``g``→``h`` and ``y``→``i``.

    Use it only when the strict key finds nothing: it merges names that are different places
    more often than :func:`fold` does.

    Examples
    --------
    >>> fold_loose("Kurakhovo") == fold_loose("Kurakhove")
    True
    >>> fold_loose("Zolotoye") == fold_loose("Zolote") == fold_loose("Zolotoe")
    True
    >>> fold_loose("Shirokino") == fold_loose("Shyrokyne")
    True
    >>> fold_loose("Popasnaya") == fold_loose("Popasna")
    True
    >>> fold_loose("Gorlovka")
    'horlovka'
    """
    return loosen(fold(name))


def loosen(key: str) -> str:
    """The loose key of a strict key: ``loosen(fold(name)) == fold_loose(name)``.

    Examples
    --------
    >>> loosen("kurakhovo")
    'kurakhove'
    """
    return _apply(key, _COMPILED_LOOSE)
