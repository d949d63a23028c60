"""Store an adjudication: the violations of a time range replace the current ones, in one
transaction, with one ledger entry (kind ``adjudication``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from truce.errors import ValidationError
from truce.ledger.chain import LedgerEntry, canonical, sha256_hex
from truce.service.incidents import _epoch, replace_run
from truce.service.ports import UnitOfWork, ViolationRow


@dataclass(frozen=True, slots=True)
class AdjudicationStored:
    added: int
    superseded: int
    ledger_entry: LedgerEntry


def violation_row(rec: Mapping[str, Any], adjudication_run: int) -> ViolationRow:
    """A violation record (docs/adjudication.md) as a row; ``record_json`` is its canonical JSON."""
    try:
        rj = canonical(dict(rec))
        conf = rec.get("confidence")
        return ViolationRow(
            id=str(rec["id"]), incident_id=str(rec["subject"]["id"]), rule_id=str(rec["rule"]),
            rule_version=str(rec["rule_version"]), zone=rec.get("zone"), side=rec.get("side"),
            confidence=None if conf is None else float(conf), start=_epoch(rec["start"], "start"),
            content_hash=sha256_hex(rj), record_json=rj, adjudication_run=adjudication_run)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"violation record does not fit the contract: {exc}",
                              where=str(rec.get("id"))) from None


def store_violations(uow: UnitOfWork, records: Iterable[Mapping[str, Any]], *, start: datetime,
                     end: datetime, now: datetime, run_info: Mapping[str, Any] | None = None
                     ) -> AdjudicationStored:
    """Replace the current violations starting in ``[start, end)`` by ``records``; commit."""
    with uow:
        stored = add_violations(uow, records, start=start, end=end, now=now, run_info=run_info)
        uow.commit()
    return stored


def add_violations(uow: UnitOfWork, records: Iterable[Mapping[str, Any]], *, start: datetime,
                   end: datetime, now: datetime, run_info: Mapping[str, Any] | None = None
                   ) -> AdjudicationStored:
    """:func:`store_violations` inside an open unit of work, without committing."""
    rows, superseded, entry = replace_run(
        uow, table="violations", kind="adjudication",
        rows_for=lambda seq: (violation_row(r, seq) for r in records),
        t0=start.timestamp(), t1=end.timestamp(), now=now, run_info=run_info)
    return AdjudicationStored(len(rows), superseded, entry)
