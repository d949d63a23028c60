"""Imported gazetteers that persist between runs, and the merged gazetteer a run uses.

This is a persistence edge.  Each import is stored as a normalised CSV under
``<home>/gazetteers/<name>.csv``; :func:`load_gazetteer` merges the starter with every stored
import.  ``home`` is always an argument: the CLI chooses it (``TRUCE_HOME`` or the user data
directory), tests pass a temporary directory.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from truce.errors import NotFound, StorageError, ValidationError
from truce.gazetteer.model import Place
from truce.gazetteer.sources import read_csv, read_gazetteer_file, starter_gazetteer
from truce.gazetteer.store import Gazetteer
from truce.io.points import RowError

#: Columns of a stored gazetteer, in order.
STORED_COLUMNS = ("name", "lat", "lon", "admin1", "alt_names", "population", "source")

#: The name the bundled gazetteer is listed under; no import may take it.
STARTER_NAME = "starter"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SEPARATORS = re.compile(r"[|;\r\n]+")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What :func:`import_file` stored.

    Parameters
    ----------
    name
        The gazetteer's name (``list``, ``remove`` and ``lookup`` output use it).
    path
        The stored CSV.
    format
        ``geonames`` or ``csv``: how the file was read.
    places
        Places stored.
    errors
        Rejected rows, each with its line number in the imported file and the reason.
    replaced
        Whether an earlier import of the same name was overwritten.
    """

    name: str
    path: Path
    format: str
    places: int
    errors: tuple[RowError, ...]
    replaced: bool


@dataclass(frozen=True, slots=True)
class ImportedGazetteer:
    """A stored import: its name, file and number of places."""

    name: str
    path: Path
    places: int


def gazetteers_dir(home: Path) -> Path:
    """Where imports are stored: ``<home>/gazetteers``."""
    return Path(home) / "gazetteers"


_LIST_HINT = " (`truce gazetteer list` shows the imported gazetteers)"


def check_name(name: str, hint: str = "; choose one with --name") -> str:
    """``name`` if it can name a stored gazetteer (letters, digits, ``._-``; not ``starter``).
    ``hint`` ends the message (the default fits ``import``, which has ``--name``)."""
    if not _NAME.match(name) or name.lower() == STARTER_NAME:
        raise ValidationError(
            f"gazetteer name {name!r} must be 1-64 letters, digits, '.', '_' or '-', start with "
            f"a letter or digit, and not be {STARTER_NAME!r}{hint}",
            field="name",
        )
    return name


def _default_name(path: Path) -> str:
    stem = path.name.split(".")[0] if path.suffix.lower() == ".zip" else path.stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "imported"


def _write_places(places: tuple[Place, ...], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(STORED_COLUMNS)
            for p in places:
                alts = (" ".join(_SEPARATORS.sub(" ", a).split()) for a in p.alt_names)
                alt_names = "|".join(a for a in alts if a)
                w.writerow([p.name, repr(p.lat), repr(p.lon), p.admin1, alt_names,
                            p.population or "", p.source])  # fmt: skip
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_file(
    path: Path | str, *, home: Path | str, name: str | None = None, fmt: str = "auto"
) -> ImportResult:
    """Read a gazetteer file and store its places for later runs.

    Parameters
    ----------
    path
        A GeoNames dump (``UA.txt``, ``UA.zip``) or a CSV
        (:func:`~truce.gazetteer.sources.read_csv`).
    home
        The truce data directory; the places go to ``<home>/gazetteers/<name>.csv``.
    name
        The stored gazetteer's name; default: the file's stem.  Importing under an existing
        name replaces that import.
    fmt
        ``auto`` (by extension, then content), ``geonames`` or ``csv``.

    Returns
    -------
    ImportResult
        Counts and the rejected rows.

    Raises
    ------
    ValidationError
        The file cannot be read, has no usable header, or has no valid row (the message gives
        the first reasons).
    StorageError
        The data directory cannot be written.
    """
    path = Path(path)
    name = check_name(name if name is not None else _default_name(path))
    gazetteer, errors, used = read_gazetteer_file(path, fmt)
    if not len(gazetteer):
        reasons = "; ".join(f"line {e.line}: {e.reason}" for e in errors[:3])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        raise ValidationError(
            f"no valid row ({len(errors)} rejected{': ' + reasons + more if errors else ''})",
            where=str(path),
        )
    target = gazetteers_dir(Path(home)) / f"{name}.csv"
    replaced = target.exists()
    try:
        _write_places(gazetteer.places, target)
    except OSError as exc:
        raise StorageError(f"cannot write {target}: {exc.strerror or exc}") from None
    return ImportResult(name, target, used, len(gazetteer), tuple(errors), replaced)


def list_imported(home: Path | str) -> list[ImportedGazetteer]:
    """The stored imports, by name."""
    out = []
    for p in sorted(gazetteers_dir(Path(home)).glob("*.csv")):
        try:
            with open(p, encoding="utf-8", newline="") as fh:
                rows = sum(1 for _ in csv.reader(fh)) - 1
        except (OSError, csv.Error, UnicodeDecodeError) as exc:
            raise StorageError(f"cannot read stored gazetteer {p}: {exc}") from None
        out.append(ImportedGazetteer(p.stem, p, max(rows, 0)))
    return out


def remove(name: str, home: Path | str) -> Path:
    """Delete a stored import; return the removed file's path."""
    if name.lower() == STARTER_NAME:
        raise ValidationError(f"the built-in {STARTER_NAME} gazetteer cannot be removed; only "
                              f"imports can (`truce gazetteer list` shows them)", field="name")
    target = gazetteers_dir(Path(home)) / f"{check_name(name, _LIST_HINT)}.csv"
    if not target.is_file():
        known = ", ".join(g.name for g in list_imported(home)) or "none"
        raise NotFound(f"no imported gazetteer named {name!r} (imported: {known})", name=name)
    try:
        target.unlink()
    except OSError as exc:
        raise StorageError(f"cannot remove {target}: {exc.strerror or exc}") from None
    return target


def load_imported(name: str, home: Path | str) -> Gazetteer:
    """One stored import, as a gazetteer."""
    target = gazetteers_dir(Path(home)) / f"{check_name(name, _LIST_HINT)}.csv"
    if not target.is_file():
        raise NotFound(f"no imported gazetteer named {name!r}", name=name)
    try:
        gazetteer, errors = read_csv(target)
    except ValidationError as exc:
        raise StorageError(f"stored gazetteer is unreadable: {exc}") from None
    if errors:
        e = errors[0]
        raise StorageError(
            f"stored gazetteer {target} is damaged: line {e.line}: {e.reason} "
            f"({len(errors)} bad row(s)); re-import it or remove it"
        )
    return gazetteer


def load_gazetteer(
    home: Path | str | None = None,
    *,
    include_starter: bool = True,
    cache_dir: Path | None = None,
) -> Gazetteer:
    """The gazetteer a run uses: the starter merged with every stored import.

    Parameters
    ----------
    home
        The truce data directory whose imports to merge; ``None``: no imports.
    include_starter
        Start from the bundled GeoNames starter
        (:func:`~truce.gazetteer.sources.starter_gazetteer`).
    cache_dir
        The starter's cache directory (``None``: the user cache directory).

    Returns
    -------
    Gazetteer
        Imports are merged in name order; where an import and the gazetteer so far hold the
        same place (one folded name, within 2 km) the import's record wins
        (:meth:`~truce.gazetteer.store.Gazetteer.merge`).
    """
    gazetteer = starter_gazetteer(cache_dir) if include_starter else Gazetteer()
    if home is not None:
        for imported in list_imported(home):
            gazetteer = gazetteer.merge(load_imported(imported.name, home))
    return gazetteer
