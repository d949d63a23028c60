"""Ledger use cases the other stages call: the head hash a report prints, and the entry that
records a report as issued."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from truce.errors import ValidationError
from truce.ledger.chain import GENESIS_HASH, LedgerEntry
from truce.service.ports import UnitOfWork


def head_hash(uow: UnitOfWork) -> str:
    """The ``entry_hash`` of the last ledger entry (``"0" * 64`` for an empty record): print it
    on every report, so anyone holding the report can check the record it came from."""
    with uow:
        head = uow.ledger.head()
    return GENESIS_HASH if head is None else head.entry_hash


def record_report_issued(uow: UnitOfWork, *, name: str, sha256: str, now: datetime,
                         based_on: str, details: Mapping[str, Any] | None = None) -> LedgerEntry:
    """Append a ``report`` entry: the report's file name and SHA-256, and the head hash it was
    built from (``based_on``), which must still be the head (nothing written in between)."""
    if len(sha256) != 64:
        raise ValidationError("must be a 64-character hex SHA-256", field="sha256")
    with uow:
        head = uow.ledger.head()
        current = GENESIS_HASH if head is None else head.entry_hash
        if current != based_on:
            raise ValidationError(f"the record moved on since the report was built (head is now "
                                  f"{current}); rebuild the report", field="based_on")
        payload = {"report": name, "sha256": sha256, "based_on": based_on, **(details or {})}
        entry = uow.ledger.append("report", payload, now.isoformat())
        uow.commit()
    return entry
