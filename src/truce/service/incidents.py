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
        t = datetime.fromisoformat(str(v))  # reads a trailing "Z" since 3.11
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


def replace_run(uow: UnitOfWork, *, table: str, kind: str, rows_for: Any, t0: float, t1: float,
                now: datetime, run_info: Mapping[str, Any] | None = None
                ) -> tuple[list[Any], int, LedgerEntry]:
    """Inside an open unit of work (no commit): the rows ``rows_for(seq)`` replace the current
    rows of ``table`` starting in ``[t0, t1)`` (superseded, never deleted) and one ledger entry of
    ``kind`` records them (count, superseded, digest of their hashes).  Returns the rows, the
    number superseded and the entry."""
    seq = uow.ledger.next_seq()
    rows = list(rows_for(seq))
    superseded = getattr(uow, table).replace_range(t0, t1, rows, seq)
    fold = RowFold()
    for r in rows:
        fold.add(r.content_hash)
    payload = {"table": table, "start": t0, "end": t1, "added": len(rows),
               "superseded": superseded, "digest": fold.hexdigest(),
               **({"run": dict(run_info)} if run_info else {})}
    entry = uow.ledger.append(kind, payload, now.isoformat())
    if entry.seq != seq:
        raise StorageError(f"the ledger moved while storing {table}; nothing was written")
    return rows, superseded, entry


def store_incidents(uow: UnitOfWork, records: Iterable[Mapping[str, Any]], *, start: datetime,
                    end: datetime, now: datetime, run_info: Mapping[str, Any] | None = None
                    ) -> FusionStored:
    """Replace the current incidents starting in ``[start, end)`` by ``records``; commit."""
    with uow:
        rows, superseded, entry = replace_run(
            uow, table="incidents", kind="fusion",
            rows_for=lambda seq: (incident_row(r, seq) for r in records),
            t0=start.timestamp(), t1=end.timestamp(), now=now, run_info=run_info)
        uow.commit()
    return FusionStored(len(rows), superseded, entry)
