"""Read a CSV of points (``lat,lon`` columns plus anything else), keeping bad rows as errors."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from truce.errors import ValidationError


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str


@dataclass
class PointTable:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lat: np.ndarray = field(default_factory=lambda: np.empty(0))
    lon: np.ndarray = field(default_factory=lambda: np.empty(0))
    errors: list[RowError] = field(default_factory=list)


def csv_rows(reader: Any, errors: list[RowError], *,
             keep_empty_fields: bool = False) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows of a ``csv.reader`` with their 1-based line numbers; a row the csv module
    cannot read becomes a :class:`RowError` in ``errors`` and reading goes on.  A row of empty
    fields only (``,``) is skipped unless ``keep_empty_fields``; a blank line always is."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            errors.append(RowError(reader.line_num, f"unreadable row ({exc})"))
            continue
        if row and (keep_empty_fields or any(c.strip() for c in row)):
            yield reader.line_num, row


def read_points_csv(path: Path) -> PointTable:
    """Read ``path``; rows with another number of fields than the header, or whose lat/lon are
    missing, not numbers or out of range become errors (1-based line numbers, header = line 1)
    and the rest are returned.  Only blank lines are skipped: a row of empty fields is an error."""
    try:
        fh = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise ValidationError(f"cannot open ({exc.strerror})", where=str(path)) from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise ValidationError("empty file; expected a header with lat,lon", where=str(path)) from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ValidationError(f"unreadable header ({exc})", where=str(path)) from None
        names = [h.strip().lower() for h in header]
        if "lat" not in names or "lon" not in names:
            raise ValidationError(f"header must name lat and lon columns, got {header}", where=f"{path}:1")
        ilat, ilon = names.index("lat"), names.index("lon")
        table = PointTable(header=header)
        lats: list[float] = []
        lons: list[float] = []
        for line, row in csv_rows(reader, table.errors, keep_empty_fields=True):
            if len(row) != len(header):
                table.errors.append(RowError(line, f"expected {len(header)} columns, got {len(row)}"))
                continue
            if not row[ilat].strip() or not row[ilon].strip():
                table.errors.append(RowError(line, "lat/lon missing"))
                continue
            try:
                lat = float(row[ilat])
                lon = float(row[ilon])
            except ValueError:
                table.errors.append(RowError(line, f"lat/lon not numbers: {row[ilat]!r}, {row[ilon]!r}"))
                continue
            if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
                table.errors.append(RowError(line, f"lat/lon out of range: {lat}, {lon}"))
                continue
            lats.append(lat)
            lons.append(lon)
            table.rows.append(row)
        table.lat = np.asarray(lats, dtype=float)
        table.lon = np.asarray(lons, dtype=float)
        return table
