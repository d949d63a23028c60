"""Observation records (DESIGN.md intake contract) as columns: the edge between records and the
vectorised fusion core.  Records that do not fit are listed with their reason, never dropped
silently."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import numpy as np

from truce.domain.kinds import (
    COMPASS_BEARING_DEG,
    EXPLOSION_DETAILS,
    FIRE_DETAILS,
    ObservationKind,
    SourceKind,
)

KINDS: tuple[str, ...] = tuple(k.value for k in ObservationKind)
KIND_CODE: dict[str, int] = {k: i for i, k in enumerate(KINDS)}
EXPLOSION, PROJECTILE, BURST, SHOT, FLARE, WEAPON = range(6)
#: details with a code (others, e.g. weapon types, keep their text in ``detail`` only)
DETAILS: tuple[str, ...] = ("undetermined", "impact", "outgoing", "airburst", "small_arms",
                            "heavy_machine_gun")
DETAIL_CODE: dict[str, int] = {d: i for i, d in enumerate(DETAILS)}
UNDETERMINED, IMPACT, OUTGOING, AIRBURST = range(4)
SOURCE_KINDS: tuple[str, ...] = tuple(k.value for k in SourceKind)
#: the intake bounds (docs/record.md): a ``count`` above this is a typo or junk (the OSCE's
#: daily totals per region were in the thousands), and it would overflow fusion's sums
MAX_COUNT = 100_000
#: times must lie in [TIME_MIN, TIME_MAX) (UTC); others are typos (year 1, 9999) that cannot
#: be dated, exported or reported
TIME_MIN = datetime(1990, 1, 1, tzinfo=UTC)
TIME_MAX = datetime(2100, 1, 1, tzinfo=UTC)
TIME_MIN_S, TIME_MAX_S = TIME_MIN.timestamp(), TIME_MAX.timestamp()
#: ``detail`` values per kind where the contract lists them (other kinds: free text)
KIND_DETAILS: dict[str, frozenset[str]] = {"explosion": EXPLOSION_DETAILS, "burst": FIRE_DETAILS,
                                           "shot": FIRE_DETAILS}
#: windows longer than this are vague ("overnight", "in the evening"); ``FusionParams.vague_window_s``
VAGUE_WINDOW_S = 7200.0


#: ``Rejected.field`` of a record that tells an observation another record (of the smallest id)
#: already tells: not an error in it, the observation is fused once (:func:`content_key`)
SAME_OBSERVATION = "same_observation"


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that did not fit: its position in the input, its id if any, the field, why."""

    index: int
    id: str | None
    field: str
    reason: str


@dataclass(frozen=True, eq=False)
class ObservationArrays:
    """Columnar observations; every attribute is an array of the table's length.

    Times are seconds since the Unix epoch (UTC); ``day`` is the local date's ordinal (the day the
    observer wrote).  Missing values are NaN (floats), -1 (codes) or None (objects).
    """

    id: np.ndarray  # object
    source_id: np.ndarray  # object
    source_kind: np.ndarray  # object
    kind: np.ndarray  # int8, KINDS
    detail: np.ndarray  # object (as written)
    detail_code: np.ndarray  # int8, DETAILS or -1
    count: np.ndarray  # float, NaN when "an undetermined number"
    t_start: np.ndarray  # float, epoch seconds
    t_end: np.ndarray
    day: np.ndarray  # int64 date ordinal, local
    obs_lon: np.ndarray  # observer, NaN when absent
    obs_lat: np.ndarray
    bearing_deg: np.ndarray  # true north; NaN when no direction
    bearing_sigma_deg: np.ndarray  # NaN: from the compass and params
    compass: np.ndarray  # bool: the bearing came from a 16-point direction
    dist_lo_km: np.ndarray  # NaN when unknown
    dist_hi_km: np.ndarray
    loc_lon: np.ndarray  # directly located events; NaN otherwise
    loc_lat: np.ndarray
    loc_sigma_m: np.ndarray
    heard_only: np.ndarray  # bool
    region: np.ndarray  # object, None when absent
    weapon: np.ndarray  # object: the sighting's {class, type, caliber_mm} dict, None when absent

    def __len__(self) -> int:
        return len(self.id)

    @functools.cached_property
    def key(self) -> np.ndarray:
        """``source_id/id``: the idempotency key (DESIGN.md), unique in a table (computed once)."""
        out = np.empty(len(self.id), dtype=object)
        out[:] = [f"{s}/{i}" for s, i in zip(self.source_id.tolist(), self.id.tolist())]
        return out

    def take(self, idx: np.ndarray) -> ObservationArrays:
        return ObservationArrays(**{f.name: getattr(self, f.name)[idx] for f in dataclasses.fields(self)})

    @classmethod
    def concat(cls, tables: list[ObservationArrays]) -> ObservationArrays:
        return cls(**{f.name: np.concatenate([getattr(t, f.name) for t in tables])
                      for f in dataclasses.fields(cls)})

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], zone: tzinfo | None = None
                     ) -> tuple[ObservationArrays, list[Rejected]]:
        """Parse observation records; returns the table and the rejected records with reasons.
        ``zone``: the time zone local dates (``day``) are taken in (the agreement's); default
        each record's own UTC offset.

        A repeated ``(source.id, id)`` is rejected as a duplicate (the first one is kept).  Records
        of **one observation under two ids** - the same :func:`content_key` (one source, kind,
        time, count, detail, weapon class, direction, distance) - are fused once: the one with the
        smallest id is kept (whatever the input order) and the others are rejected as "same
        observation as ...".  A team's structured form and its narrative report tell the same
        observation under different ids; fusion would otherwise keep them apart (one source's
        two reports at once are two things) and count it twice.
        """
        rows: list[tuple[int, dict[str, Any]]] = []
        rejected: list[Rejected] = []
        seen: set[tuple[str, str]] = set()
        for i, rec in enumerate(records):
            try:
                row = _parse(rec, zone=zone)
            except _Bad as exc:
                rid = rec.get("id") if isinstance(rec, Mapping) else None
                rejected.append(Rejected(i, rid if isinstance(rid, str) else None, exc.field, exc.reason))
                continue
            k = (row["source_id"], row["id"])
            if k in seen:
                rejected.append(Rejected(i, row["id"], "id", f"duplicate of an earlier record of source {k[0]}"))
                continue
            seen.add(k)
            rows.append((i, row))
        keys = [content_key(row) for _, row in rows]
        keep = _smallest_id_per_key(keys, [row["id"] for _, row in rows])
        kept = set(keep.values())
        cols: dict[str, list[Any]] = {f.name: [] for f in dataclasses.fields(cls)}
        for pos, (i, row) in enumerate(rows):
            if pos not in kept:
                first = rows[keep[keys[pos]]][1]["id"]
                rejected.append(Rejected(i, row["id"], SAME_OBSERVATION, (
                    f"same observation as {row['source_id']}/{first} (same source, kind, time, "
                    "count, detail, direction and distance): not fused twice")))
                continue
            for name, v in row.items():
                cols[name].append(v)
        rejected.sort(key=lambda r: r.index)
        return cls._from_columns(cols), rejected

    @classmethod
    def _from_columns(cls, cols: dict[str, list[Any]]) -> ObservationArrays:
        types = {"id": object, "source_id": object, "source_kind": object, "kind": np.int8,
                 "detail": object, "detail_code": np.int8, "day": np.int64, "compass": bool,
                 "heard_only": bool, "region": object, "weapon": object}
        return cls(**{name: np.array(v, dtype=types.get(name, float)) for name, v in cols.items()})


class _Bad(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def content_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """What two records of **one observation** necessarily share, and two distinct observations
    of one source almost never do: source, kind, start and end (instants: ``+02:00`` and ``Z``
    spellings agree), count (None: undetermined), detail, weapon class, the direction as a
    bearing to the degree (a compass point is its bearing), the distance range to 0.1 km, and -
    only without direction and distance - the location to 0.001 degree.  Not the ids, text,
    report, region, ``heard_only`` or sigmas, nor - for a precise window - the observer's position
    (a narrative's comes from the gazetteer, a form's from GPS; one source is at one place at a
    time).  A vague window ("overnight", an undated sentence's whole day) does not tell one
    patrol's stops apart, so there the observer's position to 0.01 degree (about 1 km) is part of
    the key.  ``row``: a parsed row (``_parse``)."""
    b, lo, hi = row["bearing_deg"], row["dist_lo_km"], row["dist_hi_km"]
    bearing = None if math.isnan(b) else math.floor(b % 360.0 + 0.5) % 360
    dist = None if math.isnan(lo) else (round(lo, 1), round(hi, 1))
    loc = None
    if bearing is None and dist is None and not math.isnan(row["loc_lat"]):
        loc = (round(row["loc_lat"], 3), round(row["loc_lon"], 3))
    w = row["weapon"]
    at = None
    if row["t_end"] - row["t_start"] > VAGUE_WINDOW_S and not math.isnan(row["obs_lat"]):
        at = (round(row["obs_lat"], 2), round(row["obs_lon"], 2))
    return (row["source_id"], row["kind"], row["t_start"], row["t_end"],
            None if math.isnan(row["count"]) else row["count"], row["detail"],
            w.get("class") if isinstance(w, Mapping) else None, bearing, dist, loc, at)


_KEY_COLUMNS = ("source_id", "kind", "t_start", "t_end", "count", "detail", "weapon", "bearing_deg",
                "dist_lo_km", "dist_hi_km", "loc_lat", "loc_lon", "obs_lat", "obs_lon")


def content_keys(obs: ObservationArrays, rows: np.ndarray) -> list[tuple[Any, ...]]:
    """:func:`content_key` of the table's ``rows`` (indices)."""
    cols = [getattr(obs, c)[rows].tolist() for c in _KEY_COLUMNS]
    return [content_key(dict(zip(_KEY_COLUMNS, vals, strict=True))) for vals in zip(*cols, strict=True)]


def told_before(new: ObservationArrays, old: ObservationArrays) -> bool:
    """Whether one of ``new`` tells an observation one of ``old`` tells (:func:`content_key`).
    Only the old ones of the new ones' sources and start times are keyed."""
    if not len(new) or not len(old):
        return False
    cand = np.flatnonzero(np.isin(old.t_start, new.t_start) & np.isin(old.source_id, new.source_id))
    if not len(cand):
        return False
    return not set(content_keys(new, np.arange(len(new)))).isdisjoint(content_keys(old, cand))


def _smallest_id_per_key(keys: list[tuple[Any, ...]], ids: list[str]) -> dict[tuple[Any, ...], int]:
    """Content key -> position of the record with the smallest id among those with that key."""
    best: dict[tuple[Any, ...], int] = {}
    for i, k in enumerate(keys):
        j = best.setdefault(k, i)
        if ids[i] < ids[j]:
            best[k] = i
    return best


def drop_told_twice(obs: ObservationArrays) -> ObservationArrays:
    """The table without the records that tell an observation a record of a smaller id tells:
    what :meth:`ObservationArrays.from_records` keeps of the same records."""
    best = _smallest_id_per_key(content_keys(obs, np.arange(len(obs))), obs.id.tolist())
    return obs.take(np.sort(np.fromiter(best.values(), np.int64, len(best))))


def reported_day(t0: datetime, t1: datetime, zone: tzinfo | None = None) -> int:
    """The local date (ordinal) an observation is reported under: its start's for a precise
    window; for a vague one (longer than :data:`VAGUE_WINDOW_S`) the date of its last second -
    "overnight" in the report of the 9th runs from 18:00 on the 8th to 06:00 on the 9th and is
    reported on the 9th, "in the evening" (18:00-24:00) on its own day.  Local: in ``zone`` (the
    agreement's time zone), else in the offset the time was written with."""
    ref = t1 - timedelta(seconds=1) if (t1 - t0).total_seconds() > VAGUE_WINDOW_S else t0
    return (ref.astimezone(zone) if zone is not None else ref).date().toordinal()


def _time(v: Any, field: str, strict: bool = True) -> datetime:
    if not isinstance(v, str):
        raise _Bad(field, "must be an ISO 8601 string with a UTC offset")
    try:
        t = datetime.fromisoformat(v)
    except ValueError:
        raise _Bad(field, f"cannot read {v!r} as ISO 8601") from None
    if t.tzinfo is None:
        raise _Bad(field, f"{v!r} has no UTC offset")
    if strict:
        try:
            ok = TIME_MIN <= t < TIME_MAX
        except OverflowError:  # e.g. 0001-01-01T00:00:00+02:00 is before year 1 in UTC
            ok = False
        if not ok:
            raise _Bad(field, f"{v!r} is out of the supported range (from 1990-01-01 to "
                              "2100-01-01, UTC)")
    return t


def _is_num(x: Any) -> bool:
    """A JSON number (not a boolean, not a string)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _point(v: Any, field: str, strict: bool = True) -> tuple[float, float]:
    if not isinstance(v, Mapping):
        raise _Bad(field, "must be {lat, lon}")
    if strict:
        for k in ("lat", "lon"):
            if k in v and not _is_num(v[k]):
                raise _Bad(f"{field}.{k}", f"must be a JSON number, got {v[k]!r}")
    try:
        lat, lon = float(v["lat"]), float(v["lon"])
    except (KeyError, TypeError, ValueError):
        raise _Bad(field, "must be {lat, lon} with numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Bad(field, f"lat {lat} / lon {lon} out of range")
    return lon, lat


def _weapon(v: Any, strict: bool = True) -> dict[str, Any] | None:
    """A sighting's ``weapon`` as ``{class, type, caliber_mm}`` (missing keys None), kept for
    adjudication (withdrawal distances are per class).  The class is compared in lower case
    ("Tank" is "tank"); a class the agreement does not know is kept (``truce process`` warns)."""
    if v is None:
        return None
    if not isinstance(v, Mapping):
        if strict:
            raise _Bad("weapon", "must be an object {class, type, caliber_mm}, got "
                                 f"{type(v).__name__} {v!r:.40}")
        return None
    cal = v.get("caliber_mm")
    if strict:
        for k in ("class", "type"):
            if v.get(k) is not None and not isinstance(v[k], str):
                raise _Bad(f"weapon.{k}", "must be a string")
        if cal is not None and not (_is_num(cal) and cal > 0):
            raise _Bad("weapon.caliber_mm", "must be a positive number")
    wc = v.get("class")
    return {"class": wc.strip().lower() if isinstance(wc, str) and wc.strip() else None,
            "type": v.get("type") if isinstance(v.get("type"), str) else None,
            "caliber_mm": cal if isinstance(cal, (int, float)) and not isinstance(cal, bool) else None}


def _parse(rec: Mapping[str, Any], strict: bool = True, zone: tzinfo | None = None) -> dict[str, Any]:
    """One record's columns, or ``_Bad``.  ``zone``: local dates in it (the agreement's time
    zone), else in each time's own offset.  ``strict=False`` skips the rules added after records
    may have been stored (count and time bounds, JSON types of ``heard_only``, coordinates,
    ``weapon``, ``text`` and ``detail``, ``direction`` with ``bearing_deg``): ``truce verify``
    re-derives stored columns with it; intake, fusion and review use the strict rules."""
    if not isinstance(rec, Mapping):
        raise _Bad("", "a record must be a JSON object")
    rid = rec.get("id")
    if not isinstance(rid, str) or not rid:
        raise _Bad("id", "required, a non-empty string")
    src = rec.get("source")
    if not isinstance(src, Mapping) or not isinstance(src.get("id"), str):
        raise _Bad("source", "required, {kind, id}")
    if src.get("kind") not in SOURCE_KINDS:
        raise _Bad("source.kind", f"must be one of {', '.join(SOURCE_KINDS)}")
    kind = rec.get("kind")
    if kind not in KIND_CODE:
        raise _Bad("kind", f"must be one of {', '.join(KINDS)}")
    tv = rec.get("time")
    if isinstance(tv, Mapping):
        t0 = _time(tv.get("start"), "time.start", strict)
        t1 = _time(tv.get("end"), "time.end", strict)
        if t1 < t0:
            raise _Bad("time", "end is before start")
    else:
        t0 = t1 = _time(tv, "time", strict)
    count = rec.get("count")
    if count is None:
        c = np.nan
    elif isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise _Bad("count", "must be an integer >= 1")
    elif strict and count > MAX_COUNT:
        raise _Bad("count", f"{count} is more than {MAX_COUNT:,} (the most one observation may "
                            "report; split the record, or check for a typo)")
    else:
        c = float(count)
    olon = olat = llon = llat = lsig = np.nan
    if rec.get("observer") is not None:
        olon, olat = _point(rec["observer"], "observer", strict)
    if rec.get("location") is not None:
        llon, llat = _point(rec["location"], "location", strict)
        lsig = rec["location"].get("sigma_m", 1000.0)
        if not isinstance(lsig, (int, float)) or (strict and isinstance(lsig, bool)) or not lsig > 0:
            raise _Bad("location.sigma_m", "must be a positive number")
    if math.isnan(olon) and math.isnan(llon):  # neither observer nor location given
        raise _Bad("observer", "required unless location is given")
    bearing = bsig = np.nan
    compass = False
    if strict and rec.get("direction") is not None and rec.get("bearing_deg") is not None:
        raise _Bad("direction", "give direction or bearing_deg, not both")
    if rec.get("direction") is not None:
        if rec["direction"] not in COMPASS_BEARING_DEG:
            raise _Bad("direction", "must be a 16-point compass direction (N, NNE, ... NNW)")
        bearing, compass = COMPASS_BEARING_DEG[rec["direction"]], True
    if rec.get("bearing_deg") is not None:
        b = rec["bearing_deg"]
        if not isinstance(b, (int, float)) or (strict and isinstance(b, bool)) or not 0 <= b <= 360:
            raise _Bad("bearing_deg", "must be a number 0-360")
        bearing, compass = float(b) % 360.0, False
        s = rec.get("bearing_sigma_deg")
        if s is not None:
            if not isinstance(s, (int, float)) or (strict and isinstance(s, bool)) or not s > 0:
                raise _Bad("bearing_sigma_deg", "must be a positive number")
            bsig = float(s)
    lo = hi = np.nan
    d = rec.get("distance_km")
    if d is not None:
        if isinstance(d, (int, float)) and not isinstance(d, bool) and d > 0:
            lo = hi = float(d)
        elif (isinstance(d, (list, tuple)) and len(d) == 2
              and all(isinstance(x, (int, float)) and not (strict and isinstance(x, bool))
                      for x in d) and 0 < d[0] <= d[1]):
            lo, hi = float(d[0]), float(d[1])
        else:
            raise _Bad("distance_km", "must be a positive number or [min, max] with 0 < min <= max")
    detail = rec.get("detail")
    region = rec.get("region")
    if strict:
        ho = rec.get("heard_only")
        if ho is not None and not isinstance(ho, bool):
            raise _Bad("heard_only", f"must be a JSON boolean (true or false), got {ho!r:.40}")
        for k in ("text", "region"):
            if rec.get(k) is not None and not isinstance(rec[k], str):
                raise _Bad(k, f"must be a string, got {type(rec[k]).__name__}")
        if detail is not None:
            allowed = KIND_DETAILS.get(kind)
            if not isinstance(detail, str):
                raise _Bad("detail", f"must be a string, got {type(detail).__name__}")
            if allowed is not None and detail not in allowed:
                raise _Bad("detail", f"{detail!r} is not a {kind} detail (one of "
                                     f"{', '.join(sorted(allowed))})")
    return {
        "id": rid, "source_id": src["id"], "source_kind": src["kind"], "kind": KIND_CODE[kind],
        "detail": detail if isinstance(detail, str) else None,
        "detail_code": DETAIL_CODE.get(detail, -1) if isinstance(detail, str) else -1,
        "count": c, "t_start": t0.timestamp(), "t_end": t1.timestamp(),
        "day": reported_day(t0, t1, zone), "obs_lon": olon, "obs_lat": olat, "bearing_deg": bearing,
        "bearing_sigma_deg": bsig, "compass": compass, "dist_lo_km": lo, "dist_hi_km": hi,
        "loc_lon": llon, "loc_lat": llat, "loc_sigma_m": float(lsig),
        "heard_only": bool(rec.get("heard_only", False)),
        "region": region if isinstance(region, str) else None,
        "weapon": _weapon(rec.get("weapon"), strict),
    }
