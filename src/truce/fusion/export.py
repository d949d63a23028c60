"""Incident records (DESIGN.md incident export contract), as dicts, JSONL and GeoJSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

import numpy as np

from truce.fusion.pipeline import FusionResult

_DUMPS = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _iso(t: float) -> str:
    return datetime.fromtimestamp(float(t), tz=UTC).isoformat().replace("+00:00", "Z")


def _weapon(sightings: np.ndarray) -> dict[str, Any] | None:
    """A weapon incident's ``{class, type, caliber_mm}``: the commonest among its sightings (ties:
    the first in sorted order), None when no sighting names one."""
    named = [w for w in sightings.tolist() if isinstance(w, dict) and w.get("class")]
    if not named:
        return None
    keyed = Counter(json.dumps(w, sort_keys=True) for w in named)
    best = min(keyed, key=lambda k: (-keyed[k], k))
    return dict(json.loads(best))


def incident_records(result: FusionResult, decimals: int = 5) -> Iterator[dict[str, Any]]:
    """One record per incident: ``id, date`` (the day it is reported under: docs/fusion.md)``, start, end, kind, detail, count, location{lat, lon},
    uncertainty_m, observation_ids (``source_id/id``), side_probability, zone, region, violations`` plus the fusion's
    own fields (``end_of_fire``, ``origin``, ``n_observers``, ``n_bearings``) and ``weapon``
    (``{class, type, caliber_mm}`` of a weapon sighting, None for other kinds).  Side probability,
    zone and violations are filled by adjudication (a later stage)."""
    inc = result.incidents
    lat, lon = np.round(inc.lat, decimals).tolist(), np.round(inc.lon, decimals).tolist()
    olat, olon = np.round(inc.origin_lat, decimals).tolist(), np.round(inc.origin_lon, decimals).tolist()
    unc = np.round(inc.uncertainty_m).tolist()
    keys = result.observations.key  # source_id/id: an id is unique only within its source
    weapons = getattr(result.observations, "weapon", None)
    if weapons is None:
        weapons = np.full(len(keys), None, dtype=object)
    for k in range(len(inc)):
        m = inc.members[inc.indptr[k]:inc.indptr[k + 1]]
        yield {
            "id": inc.id[k], "date": date.fromordinal(int(inc.day[k])).isoformat(),
            "start": _iso(inc.t_start[k]), "end": _iso(inc.t_end[k]),
            "kind": inc.kind[k], "detail": inc.detail[k], "count": int(inc.count[k]),
            "location": {"lat": lat[k], "lon": lon[k]}, "uncertainty_m": unc[k],
            "observation_ids": keys[m].tolist(), "side_probability": {}, "zone": None,
            "region": inc.region[k], "violations": [], "end_of_fire": inc.end[k],
            "origin": {"lat": olat[k], "lon": olon[k]} if olat[k] == olat[k] else None,
            "n_observers": int(inc.n_observers[k]), "n_bearings": int(inc.n_bearings[k]),
            "weapon": _weapon(weapons[m]) if inc.kind[k] == "weapon" else None,
        }


def write_jsonl(result: FusionResult, fh: IO[str]) -> int:
    """Write incident records, one JSON object per line; returns the number written."""
    n = 0
    for rec in incident_records(result):
        fh.write(_DUMPS(rec) + "\n")
        n += 1
    return n


def write_geojson(result: FusionResult, fh: IO[str]) -> int:
    """Write a GeoJSON FeatureCollection of incident points (properties: the record)."""
    fh.write('{"type":"FeatureCollection","features":[')
    n = 0
    for rec in incident_records(result):
        loc = rec.pop("location")
        feat = {"type": "Feature", "id": rec["id"], "properties": rec,
                "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}}
        fh.write(("," if n else "") + _DUMPS(feat))
        n += 1
    fh.write("]}\n")
    return n
