"""Explicit row <-> record mapping: the schema can change without touching the domain types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from truce.ledger.chain import LedgerEntry
from truce.service.ports import IncidentRow, ObservationRow, ViolationRow

#: the observations table's insertable columns, in ``ObservationRow`` field order
OBSERVATION_COLUMNS: tuple[str, ...] = (
    "source_id", "obs_id", "content_hash", "record_json", "kind", "t_start", "t_end",
    "observer_lat", "observer_lon", "count", "region", "ingest_batch")
assert ObservationRow._fields == OBSERVATION_COLUMNS  # the positional fast path relies on it


def observation_to_params(o: ObservationRow) -> tuple[Any, ...]:
    """Positional insert parameters, in ``OBSERVATION_COLUMNS`` order (the row itself)."""
    return o


def observation_to_row(o: ObservationRow) -> dict[str, Any]:
    return {"source_id": o.source_id, "obs_id": o.obs_id, "content_hash": o.content_hash,
            "record_json": o.record_json, "kind": o.kind, "t_start": o.t_start, "t_end": o.t_end,
            "observer_lat": o.observer_lat, "observer_lon": o.observer_lon, "count": o.count,
            "region": o.region, "ingest_batch": o.ingest_batch}


def observation_from_row(r: Mapping[str, Any]) -> ObservationRow:
    return ObservationRow(
        source_id=r["source_id"], obs_id=r["obs_id"], content_hash=r["content_hash"],
        record_json=r["record_json"], kind=r["kind"], t_start=r["t_start"], t_end=r["t_end"],
        observer_lat=r["observer_lat"], observer_lon=r["observer_lon"], count=r["count"],
        region=r["region"], ingest_batch=r["ingest_batch"])


def incident_to_row(i: IncidentRow) -> dict[str, Any]:
    return {"id": i.id, "start": i.start, "end": i.end, "kind": i.kind, "detail": i.detail,
            "count": i.count, "lat": i.lat, "lon": i.lon, "uncertainty_m": i.uncertainty_m,
            "content_hash": i.content_hash, "record_json": i.record_json,
            "fusion_run": i.fusion_run, "superseded_by": i.superseded_by}


def incident_from_row(r: Mapping[str, Any],
                      keys: tuple[tuple[str, str], ...] = ()) -> IncidentRow:
    return IncidentRow(
        id=r["id"], start=r["start"], end=r["end"], kind=r["kind"], detail=r["detail"],
        count=r["count"], lat=r["lat"], lon=r["lon"], uncertainty_m=r["uncertainty_m"],
        content_hash=r["content_hash"], record_json=r["record_json"], fusion_run=r["fusion_run"],
        observation_keys=keys, superseded_by=r["superseded_by"])


def violation_to_row(v: ViolationRow, incident_pk: int | None = None) -> dict[str, Any]:
    return {"id": v.id, "incident_pk": incident_pk, "incident_id": v.incident_id,
            "rule_id": v.rule_id, "rule_version": v.rule_version, "zone": v.zone, "side": v.side,
            "confidence": v.confidence, "start": v.start, "content_hash": v.content_hash,
            "record_json": v.record_json, "adjudication_run": v.adjudication_run,
            "superseded_by": v.superseded_by}


def violation_from_row(r: Mapping[str, Any]) -> ViolationRow:
    return ViolationRow(
        id=r["id"], incident_id=r["incident_id"], rule_id=r["rule_id"],
        rule_version=r["rule_version"], zone=r["zone"], side=r["side"],
        confidence=r["confidence"], start=r["start"], content_hash=r["content_hash"],
        record_json=r["record_json"], adjudication_run=r["adjudication_run"],
        superseded_by=r["superseded_by"])


def ledger_to_row(e: LedgerEntry) -> dict[str, Any]:
    return {"seq": e.seq, "kind": e.kind, "payload_json": e.payload_json,
            "payload_hash": e.payload_hash, "prev_hash": e.prev_hash, "entry_hash": e.entry_hash,
            "created_at": e.created_at}


def ledger_from_row(r: Mapping[str, Any]) -> LedgerEntry:
    return LedgerEntry(seq=r["seq"], kind=r["kind"], payload_json=r["payload_json"],
                       payload_hash=r["payload_hash"], prev_hash=r["prev_hash"],
                       entry_hash=r["entry_hash"], created_at=r["created_at"])
