"""Store a fusion result: the incidents of a time range replace the current ones, in one
transaction, with one ledger entry (kind ``fusion``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from truce.errors import StorageError, ValidationError
from truce.ledger.chain import LedgerEntry, RowFold, canonical, sha256_hex
from truce.service.ports import IncidentRow, UnitOfWork


@dataclass(frozen=True, slots=True)
class FusionStored:
    added: int
    superseded: int
    ledger_entry: LedgerEntry


def _epoch(v: Any, field: str) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        t = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"cannot read {v!r} as ISO 8601", field=field) from None
    if t.tzinfo is None:
        raise ValidationError(f"{v!r} has no UTC offset", field=field)
    return t.timestamp()


def incident_row(rec: Mapping[str, Any], fusion_run: int) -> IncidentRow:
    """An incident export record (DESIGN.md) as a row; ``observation_ids`` are ``source/id``."""
    try:
        keys = tuple(tuple(k.split("/", 1)) for k in rec.get("observation_ids", ()))
        rj = canonical(dict(rec))
        loc = rec["location"]
        return IncidentRow(
            id=str(rec["id"]), start=_epoch(rec["start"], "start"), end=_epoch(rec["end"], "end"),
            kind=str(rec["kind"]), detail=rec.get("detail"), count=int(rec["count"]),
            lat=float(loc["lat"]), lon=float(loc["lon"]),
            uncertainty_m=float(rec["uncertainty_m"]), content_hash=sha256_hex(rj),
            record_json=rj, fusion_run=fusion_run,
            observation_keys=keys)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"incident record does not fit the export contract: {exc}",
                              where=str(rec.get("id"))) from None


def store_incidents(uow: UnitOfWork, records: Iterable[Mapping[str, Any]], *, start: datetime,
                    end: datetime, now: datetime, run_info: Mapping[str, Any] | None = None
                    ) -> FusionStored:
    """Replace the current incidents starting in ``[start, end)`` by ``records``; commit."""
    with uow:
        seq = uow.ledger.next_seq()
        rows = [incident_row(r, seq) for r in records]
        t0, t1 = start.timestamp(), end.timestamp()
        superseded = uow.incidents.replace_range(t0, t1, rows, seq)
        fold = RowFold()
        for r in rows:
            fold.add(r.content_hash)
        payload = {"table": "incidents", "start": t0, "end": t1, "added": len(rows),
                   "superseded": superseded, "digest": fold.hexdigest(),
                   **({"run": dict(run_info)} if run_info else {})}
        entry = uow.ledger.append("fusion", payload, now.isoformat())
        if entry.seq != seq:
            raise StorageError("the ledger moved while storing incidents; nothing was written")
        uow.commit()
    return FusionStored(len(rows), superseded, entry)
