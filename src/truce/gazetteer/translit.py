"""Ukrainian Cyrillic to Latin by the national transliteration (KMU resolution 55 of 2010).

The official table romanises Ukrainian place names: it is what road signs, passports and the
Ukrainian government's own English pages use (``Horlivka``, ``Avdiivka``, ``Kupiansk``).  Five
letters (є, ї, й, ю, я) are written differently at the start of a word, ``зг`` is written ``zgh``
(so it cannot be read as ``ж``), and the soft sign and apostrophe are dropped.
"""

from __future__ import annotations

import re
import unicodedata

#: Letter by letter, lower case: (inside a word, at the start of a word).
KMU_2010: dict[str, tuple[str, str]] = {
    "а": ("a", "a"), "б": ("b", "b"), "в": ("v", "v"), "г": ("h", "h"), "ґ": ("g", "g"),
    "д": ("d", "d"), "е": ("e", "e"), "є": ("ie", "ye"), "ж": ("zh", "zh"), "з": ("z", "z"),
    "и": ("y", "y"), "і": ("i", "i"), "ї": ("i", "yi"), "й": ("i", "y"), "к": ("k", "k"),
    "л": ("l", "l"), "м": ("m", "m"), "н": ("n", "n"), "о": ("o", "o"), "п": ("p", "p"),
    "р": ("r", "r"), "с": ("s", "s"), "т": ("t", "t"), "у": ("u", "u"), "ф": ("f", "f"),
    "х": ("kh", "kh"), "ц": ("ts", "ts"), "ч": ("ch", "ch"), "ш": ("sh", "sh"),
    "щ": ("shch", "shch"), "ь": ("", ""), "ю": ("iu", "yu"), "я": ("ia", "ya"),
}  # fmt: skip

#: Apostrophe-like marks: typed in Ukrainian names for the hard sign (Мар’їнка) and in older
#: romanisations for the soft sign (Debal'tseve, Kup”yans’k).  All are dropped.
APOSTROPHES = "'’‘ʼʹʻ`´′″”“\u02bd\u02ee"

#: Letters of the Ukrainian alphabet (lower case).
UKRAINIAN_LETTERS = frozenset(KMU_2010)

#: Letters Ukrainian writes and Russian does not (Belarusian has і too, but its words mostly
#: also hold ў, ы or э, which :func:`is_ukrainian_spelling` rejects).
UKRAINIAN_ONLY = frozenset("ґєії")

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_STRESS = "\u0301\u0300"  # combining acute/grave: stress marks in dictionaries (Караджи́)


def strip_stress(text: str) -> str:
    """Drop stress marks (combining acute and grave) but keep й and ї, which decompose too."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _STRESS))


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` has any Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


def is_ukrainian_spelling(text: str) -> bool:
    """Whether ``text`` can be Ukrainian Cyrillic: every letter is in the Ukrainian alphabet.

    Russian (ы, э, ъ, ё), Belarusian (ў) and Serbian or Kazakh letters rule it out; a word made
    only of letters the languages share (Попасна, Золоте) passes.

    Examples
    --------
    >>> is_ukrainian_spelling("Мар’їнка"), is_ukrainian_spelling("Марьинка")
    (True, True)
    >>> is_ukrainian_spelling("Аўдзееўка"), is_ukrainian_spelling("Светлодарск ы")
    (False, False)
    """
    text = strip_stress(text)
    letters = [c.lower() for c in text if c.isalpha()]
    return bool(letters) and all(c in UKRAINIAN_LETTERS for c in letters)


def kmu2010(text: str) -> str:
    """Romanise Ukrainian Cyrillic by the KMU 2010 national table; other characters pass through.

    A letter starts a word at the start of the text or after anything that is neither a letter
    nor an apostrophe (so ``Мар’їнка`` gives ``Marinka``, as the official examples do).  An
    upper-case letter gives a capitalised romanisation (``Щ`` → ``Shch``).

    Examples
    --------
    >>> kmu2010("Авдіївка"), kmu2010("Горлівка"), kmu2010("Мар’їнка")
    ('Avdiivka', 'Horlivka', 'Marinka')
    >>> kmu2010("Станиця Луганська"), kmu2010("Щастя"), kmu2010("Згурівка")
    ('Stanytsia Luhanska', 'Shchastia', 'Zghurivka')
    >>> kmu2010("Єнакієве"), kmu2010("Юр’ївка"), kmu2010("Яковлівка"), kmu2010("Йосипівка")
    ('Yenakiieve', 'Yurivka', 'Yakovlivka', 'Yosypivka')
    """
    text = strip_stress(text)
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(text):
        low = ch.lower()
        if ch in APOSTROPHES:
            prev = ch
            continue
        pair = KMU_2010.get(low)
        if pair is None:
            out.append(ch)
            prev = ch
            continue
        initial = not prev or not (prev.isalpha() or prev in APOSTROPHES)
        latin = pair[1] if initial else pair[0]
        if low == "г" and prev.lower() == "з":
            latin = "gh"  # зг -> zgh
        if ch != low and latin:
            # Upper case: all capitals inside an upper-case word (ЩАСТЯ), else Title (Щастя).
            nxt = text[i + 1] if i + 1 < len(text) else ""
            word_upper = (nxt.isalpha() and nxt.isupper()) or (prev.isalpha() and prev.isupper())
            latin = latin.upper() if word_upper else latin.capitalize()
        out.append(latin)
        prev = ch
    return "".join(out)
