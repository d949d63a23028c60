"""Intake validation: one JSONL line -> a stored observation row, or the reason it does not fit.

The field rules are the fusion core's (``truce.fusion.observations``), so the record accepts
exactly what fusion can read; a fast path handles the common valid record with the same rules.
The record is stored verbatim: ``record_json`` is the line as submitted (UTF-8, without its line
ending) and ``content_hash`` the SHA-256 of those bytes, so anyone can re-check a stored record
with nothing but ``sha256sum``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from truce.domain.kinds import COMPASS_BEARING_DEG
from truce.fusion.observations import (
    KIND_DETAILS,
    KINDS,
    MAX_COUNT,
    SOURCE_KINDS,
    TIME_MAX_S,
    TIME_MIN_S,
    _Bad,
    _parse,
)
from truce.ledger.chain import canonical
from truce.service.ports import ObservationRow


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why a line was rejected (``field`` may be empty: the line as a whole)."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_decode = json.JSONDecoder(parse_constant=_reject_constant).decode

_KINDS = frozenset(KINDS)
_SOURCE_KINDS = frozenset(SOURCE_KINDS)
_NUM = (int, float)
#: fields the fast path does not handle itself (the full validator does)
_RARE = ("location", "bearing_deg", "bearing_sigma_deg", "weapon")
#: a leading byte order mark (Windows tools write one): not part of the first record
BOM = b"\xef\xbb\xbf"


def _fast_time(v: Any) -> float | None:
    if type(v) is not str:
        return None
    try:
        t = datetime.fromisoformat(v)
        ts = None if t.tzinfo is None else t.timestamp()
    except (ValueError, OverflowError):
        return None
    return ts if ts is not None and TIME_MIN_S <= ts < TIME_MAX_S else None


def _fast(rec: Any) -> tuple[Any, ...] | None:
    """The common, valid record, checked with concrete-type tests (the full validator's ABC
    checks cost half of an ingest).  Returns the parsed values, or ``None``: ask ``_parse``,
    which gives the exact reason.  It never accepts what ``_parse`` rejects (a test checks)."""
    if type(rec) is not dict:
        return None
    rid, src, kind = rec.get("id"), rec.get("source"), rec.get("kind")
    if (type(rid) is not str or not rid or type(src) is not dict or type(kind) is not str
            or kind not in _KINDS):
        return None
    sid, skind = src.get("id"), src.get("kind")
    if type(sid) is not str or type(skind) is not str or skind not in _SOURCE_KINDS:
        return None
    for k in _RARE:
        if rec.get(k) is not None:
            return None
    tv = rec.get("time")
    if type(tv) is dict:
        t0, t1 = _fast_time(tv.get("start")), _fast_time(tv.get("end"))
        if t0 is None or t1 is None or t1 < t0:
            return None
    else:
        t0 = t1 = _fast_time(tv)
        if t0 is None:
            return None
    count = rec.get("count")
    if count is not None and (type(count) is not int or not 1 <= count <= MAX_COUNT):
        return None
    ho = rec.get("heard_only")
    if ho is not None and type(ho) is not bool:
        return None
    for k in ("text", "region"):
        if rec.get(k) is not None and type(rec[k]) is not str:
            return None
    dt = rec.get("detail")
    if dt is not None and (type(dt) is not str or dt not in KIND_DETAILS.get(kind, (dt,))):
        return None
    ob = rec.get("observer")
    if type(ob) is not dict:
        return None
    lat, lon = ob.get("lat"), ob.get("lon")
    if type(lat) not in _NUM or type(lon) not in _NUM or not (-90 <= lat <= 90 and
                                                               -180 <= lon <= 180):
        return None
    d = rec.get("direction")
    if d is not None and (type(d) is not str or d not in COMPASS_BEARING_DEG):
        return None
    d = rec.get("distance_km")
    if d is not None:
        if type(d) in _NUM:
            if not d > 0:
                return None
        elif not (type(d) is list and len(d) == 2 and type(d[0]) in _NUM and type(d[1]) in _NUM
                  and 0 < d[0] <= d[1]):
            return None
    region = rec.get("region")
    return (rid, sid, skind, kind, t0, t1, float(lat), float(lon), count,
            region if type(region) is str else None)


def _full(rec: Any, strict: bool = True) -> tuple[Any, ...]:
    """The same values through the fusion core's validator (raises ``_Bad``)."""
    p = _parse(rec, strict)
    c, olat, olon = p["count"], p["obs_lat"], p["obs_lon"]
    return (p["id"], p["source_id"], p["source_kind"], KINDS[p["kind"]], p["t_start"],
            p["t_end"], None if math.isnan(olat) else olat, None if math.isnan(olon) else olon,
            None if math.isnan(c) else rec["count"], p["region"])  # the int as written


def parse_line(line: bytes, batch: int, *, strict: bool = True
               ) -> tuple[ObservationRow, str] | Invalid:
    """Parse and validate one line; returns ``(row, source_kind)`` or ``Invalid``.

    ``strict=False`` (``truce verify``, re-deriving stored rows) skips the rules added after
    records may have been stored (``truce.fusion.observations._parse``)."""
    raw = line.rstrip(b"\r\n")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Invalid("", f"not UTF-8 text (byte {exc.start + 1})")
    try:
        rec: Any = _decode(text)
    except ValueError as exc:
        return Invalid("", f"malformed JSON ({exc})")
    except RecursionError:
        return Invalid("", "malformed JSON (nested too deeply)")
    v = _fast(rec)
    if v is None:
        try:
            v = _full(rec, strict)
        except _Bad as exc:
            return Invalid(exc.field, exc.reason)
        except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError) as exc:
            # e.g. a list where a name is expected: the core's validator does not foresee it
            return Invalid("", f"does not fit the observation contract ({exc})")
    rid, sid, skind, kind, t0, t1, olat, olon, count, region = v
    for field, value in (("id", rid), ("source.id", sid), ("region", region)):
        if value is not None and "\x00" in value:  # PostgreSQL's text columns cannot hold it
            return Invalid(field, "contains a NUL character (U+0000), which the record cannot "
                                  "store in a column")
    row = ObservationRow(sid, rid, hashlib.sha256(raw).hexdigest(), text, kind, t0, t1, olat,
                         olon, count, region, batch)
    return row, skind


def same_content(a: str, b: str) -> bool:
    """Two stored records that differ only in key order or whitespace hold the same content."""
    return canonical(json.loads(a)) == canonical(json.loads(b))
