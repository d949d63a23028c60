"""``adjudicate``: incident records judged against the agreement's rules, vectorised over incidents.

For each incident the **judged point** is where the act happened that the rules restrict: the
origin of fire when it is known (the incident's ``origin``, or its location when fusion says the
location is the origin end — outgoing fire, bursts, shots), the weapon's position for a sighting,
the location otherwise.  It is classified once (signed distance to the contact line, party area,
disengagement area) for all incidents at a time; then every rule is one boolean mask.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from truce.adjudicate.regions import RegionOf, default_region_of
from truce.adjudicate.side import SideModel, origin_probability
from truce.geo.frame import AgreementFrame

FIRE_KINDS: tuple[str, ...] = ("explosion", "projectile", "burst", "shot", "flare")
WEAPON = "weapon"
ZONE_SECURITY = "security_zone"
ZONE_REAR = "rear"
DISENGAGEMENT_PREFIX = "disengagement:"
WITHDRAWAL_PREFIX = "withdrawal:"
UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Adjudication:
    """``incidents``: copies of the inputs with ``zone``, ``side_probability``, ``violations``
    (rule ids) and ``region`` filled; ``violations``: violation records sorted by
    ``(date, start, id)``."""

    incidents: list[dict[str, Any]]
    violations: list[dict[str, Any]]


def violation_id(rule_id: str, subject_id: str) -> str:
    return "vio-" + hashlib.sha1(f"{rule_id}|{subject_id}".encode()).hexdigest()[:16]


def _point(rec: Mapping[str, Any], key: str) -> tuple[float, float]:
    p = rec.get(key)
    if isinstance(p, Mapping) and p.get("lat") is not None and p.get("lon") is not None:
        return float(p["lon"]), float(p["lat"])
    return np.nan, np.nan


def _utc_date(start: Any) -> str:
    try:
        return datetime.fromisoformat(str(start)).astimezone(
            UTC).date().isoformat()
    except ValueError:
        return ""


def end_classes(kind: np.ndarray, end: np.ndarray, has_origin: np.ndarray,
                detail: np.ndarray | None = None) -> np.ndarray:
    """What the judged point is, per incident: the side model's class (see
    :mod:`truce.adjudicate.side`); None where no side can be assessed (kinds that are neither
    fire nor weapons).

    Bursts and shots are perceived at the firing position, projectiles in flight and flares by
    their own rules; an explosion is judged at its linked origin (``linked``), at its location
    when fusion says it is the origin (``outgoing``) or the target (``impact``), and otherwise
    by the stated detail of its reports (``undetermined_outgoing``, ``undetermined_impact``,
    ``undetermined``).
    """
    kind = np.asarray(kind, dtype=object)
    detail = np.full(len(kind), None, dtype=object) if detail is None else np.asarray(detail, object)
    out = np.full(len(kind), None, dtype=object)
    expl = kind == "explosion"
    out[expl] = "undetermined"
    out[expl & (detail == "outgoing")] = "undetermined_outgoing"
    out[expl & np.isin(detail, ("impact", "airburst"))] = "undetermined_impact"
    out[expl & (end == "impact")] = "impact"
    out[expl & (end == "origin")] = "outgoing"
    out[expl & has_origin] = "linked"
    out[np.isin(kind, ("burst", "shot"))] = "small_arms"
    out[kind == "projectile"] = "projectile"
    out[kind == "flare"] = "flare"
    out[kind == WEAPON] = "weapon"
    return out


def _sources(rec: Mapping[str, Any], kinds: Mapping[str, str] | None) -> dict[str, Any]:
    by_source: dict[str, str] = {}
    for key in rec.get("observation_ids") or ():
        src = str(key).split("/", 1)[0]
        if src not in by_source:
            by_source[src] = (kinds or {}).get(str(key), "unknown")
    return {"n": len(by_source), "kinds": dict(sorted(Counter(by_source.values()).items()))}


@dataclass(frozen=True, eq=False)
class JudgedPoints:
    """Per incident: kind, end class, the judged point (lon, lat) and its signed distance to the
    line (km, positive on ``parties[0]``'s side); ``x``, ``y``: the metric coordinates of the
    judged points then of the locations (``2n``)."""

    kind: np.ndarray
    end_class: np.ndarray
    judged: np.ndarray
    uncertainty_m: np.ndarray
    distance_km: np.ndarray
    x: np.ndarray
    y: np.ndarray


def judged_points(recs: Sequence[Mapping[str, Any]], frame: AgreementFrame) -> JudgedPoints:
    """Where each incident is judged (see the module docstring), classified in one pass."""
    from truce.geo.classify import classify

    n = len(recs)
    kind = np.array([str(r.get("kind")) for r in recs], dtype=object)
    end = np.array([r.get("end_of_fire") for r in recs], dtype=object)
    detail = np.array([r.get("detail") for r in recs], dtype=object)
    loc = np.array([_point(r, "location") for r in recs], float).reshape(n, 2)
    org = np.array([_point(r, "origin") for r in recs], float).reshape(n, 2)
    has_origin = np.isfinite(org[:, 0]) & np.isin(kind, FIRE_KINDS)
    unc = np.array([float(r.get("uncertainty_m") or 0.0) for r in recs], float)
    judged = np.where(has_origin[:, None], org, loc)
    both = np.vstack([judged, loc])
    c = classify(frame, both[:, 0], both[:, 1])
    x, y = frame.projection.to_xy(both[:, 0], both[:, 1])
    return JudgedPoints(kind, end_classes(kind, end, has_origin, detail), judged, unc,
                        c.distance_km[:n], np.asarray(x, float), np.asarray(y, float))


def adjudicate(incident_records: Sequence[Mapping[str, Any]], frame: AgreementFrame, *,
               observation_kinds: Mapping[str, str] | None = None,
               dates: Mapping[str, str | date] | None = None,
               region_of: RegionOf | None = None,
               model: SideModel | None = None) -> Adjudication:
    """Judge incident records (DESIGN incident export) against ``frame.agreement``'s rules.

    Parameters
    ----------
    incident_records
        Incident export records; they are not modified.
    frame
        The agreement's frame (``AgreementFrame.from_agreement``).
    observation_kinds
        ``"source/id" -> source kind`` for the sources of each violation (``unknown`` if absent).
    dates
        ``incident id -> local date``; default: the record's own ``date`` (the day fusion reports
        it under), else the UTC date of ``start``.
    region_of
        ``(x, y) -> region names`` in the frame's metric CRS; default: the agreement's regions,
        else the nearest gazetteer settlement.
    model
        The side model (default: the calibrated one).
    """
    agr = frame.agreement
    recs = [dict(r) for r in incident_records]
    n = len(recs)
    if n == 0:
        return Adjudication([], [])
    model = model or SideModel()
    g = judged_points(recs, frame)
    kind, cls, judged, unc, d_km, x, y = g.kind, g.end_class, g.judged, g.uncertainty_m, \
        g.distance_km, g.x, g.y
    didx = (frame.disengagement_index(x, y) if frame.disengagement
            else np.full(2 * n, -1, np.int16))
    dis_area = np.where(didx[:n] >= 0, didx[:n], didx[n:])  # the judged point or the location
    region = (region_of or default_region_of(frame))(x[n:], y[n:])

    # side: P(fire/weapon originated in parties[0]'s area)
    p0 = origin_probability(cls, d_km * 1000.0, unc, model)
    assessable = np.isfinite(p0)
    p0 = np.round(np.where(assessable, p0, 0.5), 3)
    conf = np.maximum(p0, np.round(1.0 - p0, 3))  # = max of the published probabilities
    pid = agr.party_ids
    side = np.where(~assessable | (conf < model.undetermined_below), UNDETERMINED,
                    np.where(p0 >= 0.5, pid[0], pid[1])).astype(object)

    # weapon classes and their withdrawal distances
    wclass = np.array([(r.get("weapon") or {}).get("class") if isinstance(r.get("weapon"), Mapping)
                       else None for r in recs], dtype=object)
    wkm = {w.id: w.withdrawal_km for w in agr.weapon_classes}
    withdrawal_km = np.array([wkm.get(w, 0.0) if w is not None else 0.0 for w in wclass], float)
    absd = np.abs(d_km)
    inside_withdrawal = (kind == WEAPON) & (withdrawal_km > 0) & (absd < withdrawal_km)
    dis_names = np.array([DISENGAGEMENT_PREFIX + a.id for a in agr.disengagement_areas] + [""],
                         dtype=object)
    zone = np.where(absd <= agr.security_zone_km, ZONE_SECURITY, ZONE_REAR).astype(object)
    wz = inside_withdrawal & (zone == ZONE_REAR)
    zone[wz] = np.char.add(WITHDRAWAL_PREFIX, wclass[wz].astype(str)).astype(object)
    zone[dis_area >= 0] = dis_names[dis_area[dis_area >= 0]]

    # the cease-fire binds from its effective date: what happened before is not a violation
    effective = agr.effective.isoformat()
    in_force = np.array([not d or d >= effective for d in (_local_date(r, dates) for r in recs)],
                        bool)
    hits: list[tuple[Any, np.ndarray, np.ndarray]] = []  # (rule, mask, zone per incident)
    for rule in agr.rules:
        km = np.isin(kind, rule.kinds) & in_force
        if rule.where == "anywhere":
            hits.append((rule, km, zone))
        elif rule.where == "security_zone":
            hits.append((rule, km & (absd <= agr.security_zone_km),
                         np.full(n, ZONE_SECURITY, dtype=object)))
        elif rule.where == "disengagement_area":
            hits.append((rule, km & (dis_area >= 0), dis_names[dis_area]))
        elif rule.where == "inside_withdrawal":
            wzone = np.char.add(WITHDRAWAL_PREFIX, wclass.astype(str)).astype(object)
            hits.append((rule, km & inside_withdrawal, wzone))

    rules_of: list[list[str]] = [[] for _ in range(n)]
    violations: list[dict[str, Any]] = []
    for rule, mask, vzone in hits:
        for i in np.flatnonzero(mask).tolist():
            rules_of[i].append(rule.id)
            violations.append(_violation(
                recs[i], rule, agr.id, str(vzone[i]), float(absd[i]), region[i],
                _side_dict(pid, p0[i]) if assessable[i] else {}, str(side[i]), float(conf[i]),
                judged[i], observation_kinds, dates))
    for i, r in enumerate(recs):
        r["zone"] = str(zone[i])
        r["side_probability"] = _side_dict(pid, p0[i]) if assessable[i] else {}
        r["violations"] = rules_of[i]
        r["region"] = region[i]
    violations.sort(key=lambda v: (v["date"], str(v["start"]), v["id"]))
    return Adjudication(recs, violations)


def _local_date(rec: Mapping[str, Any], dates: Mapping[str, str | date] | None) -> str:
    """The date an incident is reported under: ``dates``, else its own ``date``, else the UTC
    date of its start ("" when none can be read)."""
    day = (dates or {}).get(str(rec["id"])) or rec.get("date")
    if day:
        return day.isoformat() if isinstance(day, date) else str(day)
    return _utc_date(rec.get("start"))


def _violation(rec: Mapping[str, Any], rule: Any, agreement_id: str, zone: str, dist_km: float,
               region: Any, side_probability: dict[str, float], side: str, conf: float,
               judged: np.ndarray, kinds: Mapping[str, str] | None,
               dates: Mapping[str, str | date] | None) -> dict[str, Any]:
    iid = str(rec["id"])
    weapon = rec.get("weapon") if isinstance(rec.get("weapon"), Mapping) else None
    out = {
        "id": violation_id(rule.id, iid), "rule": rule.id, "rule_version": int(rule.version),
        "agreement": agreement_id, "subject": {"type": "incident", "id": iid},
        "date": _local_date(rec, dates),
        "start": rec.get("start"), "end": rec.get("end"), "kind": rec.get("kind"),
        "detail": rec.get("detail"), "count": int(rec.get("count") or 1),
        "weapon": dict(weapon) if weapon else None,
        "location": dict(rec["location"]),
        "judged_at": {"lat": round(float(judged[1]), 5), "lon": round(float(judged[0]), 5)},
        "uncertainty_m": float(rec.get("uncertainty_m") or 0.0),
        "zone": zone, "distance_km": round(dist_km, 3), "region": region,
        "sources": _sources(rec, kinds),
        "side_probability": side_probability,
        "side": side,
        "confidence": float(conf) if side != UNDETERMINED else 0.5,
    }
    return out


def _side_dict(party_ids: tuple[str, ...], p0: float) -> dict[str, float]:
    return {party_ids[0]: float(p0), party_ids[1]: float(np.round(1.0 - p0, 3))}

