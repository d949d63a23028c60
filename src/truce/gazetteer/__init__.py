"""Place names to coordinates: a gazetteer of Ukrainian settlements, and imports of your own.

>>> from truce.gazetteer import load_gazetteer
>>> g = load_gazetteer()                                     # doctest: +SKIP
>>> g.resolve("Avdiyivka", near=(48.1, 37.7))                # doctest: +SKIP
Place(name='Avdiivka', lat=48.14019, lon=37.75008, admin1='Donetsk', ...)

Modules: :mod:`.normalize` (name keys), :mod:`.translit` (KMU 2010), :mod:`.admin1` (oblasts),
:mod:`.naming` (display names from GeoNames), :mod:`.model` (values), :mod:`.store` (the
:class:`Gazetteer`), :mod:`.sources` (readers, the starter), :mod:`.registry` (stored imports).
"""

from __future__ import annotations

from truce.gazetteer.admin1 import UA_ADMIN1, admin1_key, canonical_admin1
from truce.gazetteer.model import Candidate, MatchKind, Place
from truce.gazetteer.normalize import fold, fold_loose
from truce.gazetteer.registry import (
    ImportedGazetteer,
    ImportResult,
    import_file,
    list_imported,
    load_gazetteer,
    remove,
)
from truce.gazetteer.sources import (
    read_csv,
    read_gazetteer_file,
    read_geonames_dump,
    starter_gazetteer,
)
from truce.gazetteer.store import Gazetteer
from truce.gazetteer.translit import kmu2010

__all__ = [
    "UA_ADMIN1",
    "Candidate",
    "Gazetteer",
    "ImportResult",
    "ImportedGazetteer",
    "MatchKind",
    "Place",
    "admin1_key",
    "canonical_admin1",
    "fold",
    "fold_loose",
    "import_file",
    "kmu2010",
    "list_imported",
    "load_gazetteer",
    "read_csv",
    "read_gazetteer_file",
    "read_geonames_dump",
    "remove",
    "starter_gazetteer",
]
