"""An in-memory unit of work: the record's ``MockTransport`` for tests, the simulator and demos.

``MemoryStore`` holds the committed state; each ``MemoryUnitOfWork`` works on a copy and writes
it back on ``commit()``, so a batch that fails half-way leaves the store as it was.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from truce.errors import StorageError
from truce.ledger.chain import LedgerEntry, make_entry
from truce.service.ports import (
    AddResult,
    HashedRow,
    IncidentRow,
    ObservationRow,
    ReviewRow,
    ViolationRow,
)


@dataclass
class MemoryStore:
    sources: dict[str, str] = field(default_factory=dict)
    observations: dict[tuple[str, str], ObservationRow] = field(default_factory=dict)
    incidents: list[IncidentRow] = field(default_factory=list)
    violations: list[ViolationRow] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


class _Observations:
    def __init__(self, s: MemoryStore) -> None:
        self._s = s

    def ensure_sources(self, sources: Mapping[str, str]) -> dict[str, str]:
        for sid, kind in sources.items():
            self._s.sources.setdefault(sid, kind)
        return {sid: self._s.sources[sid] for sid in sources}

    def existing_hashes(self, source_id: str, obs_ids: Sequence[str]) -> dict[str, str]:
        obs = self._s.observations
        return {i: obs[(source_id, i)].content_hash for i in obs_ids if (source_id, i) in obs}

    def add_many(self, rows: Sequence[ObservationRow]) -> AddResult:
        added = 0
        for r in rows:
            if r.source_id not in self._s.sources:
                raise StorageError(f"source {r.source_id!r} is not stored")
            k = (r.source_id, r.obs_id)
            if k not in self._s.observations:
                self._s.observations[k] = r
                added += 1
        return AddResult(added, len(rows) - added)

    def add_if_all_new(self, rows: Sequence[ObservationRow]) -> bool:
        obs = self._s.observations
        if any((r.source_id, r.obs_id) in obs for r in rows):
            return False
        self.add_many(rows)
        return True

    def get(self, source_id: str, obs_id: str) -> ObservationRow | None:
        return self._s.observations.get((source_id, obs_id))

    def iterate(self, start: float | None = None, end: float | None = None
                ) -> Iterator[ObservationRow]:
        rows = [r for r in self._s.observations.values()
                if (start is None or r.t_start >= start) and (end is None or r.t_start < end)]
        yield from sorted(rows, key=lambda r: (r.t_start, r.source_id, r.obs_id))

    def count(self) -> int:
        return len(self._s.observations)

    def hashed_rows(self) -> Iterator[HashedRow]:
        for r in self._s.observations.values():
            yield HashedRow("observations", f"{r.source_id}/{r.obs_id}", r.ingest_batch,
                            r.content_hash, r.record_json)


class _Incidents:
    def __init__(self, s: MemoryStore) -> None:
        self._s = s

    def replace_range(self, start: float, end: float, incidents: Sequence[IncidentRow],
                      fusion_run: int) -> int:
        n = 0
        for i, r in enumerate(self._s.incidents):
            if r.superseded_by is None and start <= r.start < end:
                self._s.incidents[i] = dataclasses.replace(r, superseded_by=fusion_run)
                n += 1
        self._s.incidents.extend(incidents)
        return n

    def list(self, start: float | None = None, end: float | None = None,
             include_superseded: bool = False) -> list[IncidentRow]:
        rows = [r for r in self._s.incidents
                if (include_superseded or r.superseded_by is None)
                and (start is None or r.start >= start) and (end is None or r.start < end)]
        return sorted(rows, key=lambda r: (r.start, r.id))

    def hashed_rows(self) -> Iterator[HashedRow]:
        for r in self._s.incidents:
            yield HashedRow("incidents", f"{r.fusion_run}/{r.id}", r.fusion_run, r.content_hash,
                            r.record_json)

    def supersessions(self) -> Iterator[tuple[str, int, float, int | None]]:
        for r in self._s.incidents:
            yield f"{r.fusion_run}/{r.id}", r.fusion_run, r.start, r.superseded_by


class _Violations:
    def __init__(self, s: MemoryStore) -> None:
        self._s = s

    def replace_range(self, start: float, end: float, rows: Sequence[ViolationRow],
                      adjudication_run: int) -> int:
        n = 0
        for i, r in enumerate(self._s.violations):
            if r.superseded_by is None and start <= r.start < end:
                self._s.violations[i] = dataclasses.replace(r, superseded_by=adjudication_run)
                n += 1
        self._s.violations.extend(rows)
        return n

    def list(self, start: float | None = None, end: float | None = None,
             include_superseded: bool = False) -> list[ViolationRow]:
        rows = [r for r in self._s.violations
                if (include_superseded or r.superseded_by is None)
                and (start is None or r.start >= start) and (end is None or r.start < end)]
        return sorted(rows, key=lambda r: (r.start, r.id, r.adjudication_run))

    def hashed_rows(self) -> Iterator[HashedRow]:
        for r in self._s.violations:
            yield HashedRow("violations", f"{r.adjudication_run}/{r.id}", r.adjudication_run,
                            r.content_hash, r.record_json)


class _Reviews:
    def __init__(self, s: MemoryStore) -> None:
        self._s = s

    def add(self, row: ReviewRow) -> None:
        self._s.reviews.append(row)

    def list(self, target_table: str | None = None, target_key: str | None = None
             ) -> list[ReviewRow]:
        return [r for r in self._s.reviews
                if (target_table is None or r.target_table == target_table)
                and (target_key is None or r.target_key == target_key)]

    def hashed_rows(self) -> Iterator[HashedRow]:
        for r in self._s.reviews:
            yield HashedRow("reviews", f"rev-{r.ledger_seq}", r.ledger_seq,
                            r.content_hash, r.record_json)


class _Ledger:
    def __init__(self, s: MemoryStore) -> None:
        self._s = s

    def append(self, kind: str, payload: Mapping[str, object], created_at: str) -> LedgerEntry:
        e = make_entry(self.head(), kind, payload, created_at)
        self._s.ledger.append(e)
        return e

    def next_seq(self) -> int:
        return len(self._s.ledger) + 1

    def head(self) -> LedgerEntry | None:
        return self._s.ledger[-1] if self._s.ledger else None

    def iterate(self) -> Iterator[LedgerEntry]:
        yield from list(self._s.ledger)


class _Meta:
    def __init__(self, s: MemoryStore) -> None:
        self._s = s

    def get(self, key: str) -> str | None:
        return self._s.meta.get(key)

    def set(self, key: str, value: str) -> None:
        self._s.meta[key] = value


class MemoryUnitOfWork:
    """A unit of work over a ``MemoryStore`` (a fresh empty one by default)."""

    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store if store is not None else MemoryStore()
        self._work: MemoryStore | None = None

    def __enter__(self) -> Self:
        self._work = copy.copy(self.store)
        self._work.sources = dict(self.store.sources)
        self._work.observations = dict(self.store.observations)
        self._work.incidents = list(self.store.incidents)
        self._work.violations = list(self.store.violations)
        self._work.reviews = list(self.store.reviews)
        self._work.ledger = list(self.store.ledger)
        self._work.meta = dict(self.store.meta)
        self.observations = _Observations(self._work)
        self.incidents = _Incidents(self._work)
        self.violations = _Violations(self._work)
        self.reviews = _Reviews(self._work)
        self.ledger = _Ledger(self._work)
        self.meta = _Meta(self._work)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()

    def commit(self) -> None:
        if self._work is None:
            raise StorageError("commit() outside a `with` block")
        for f in dataclasses.fields(MemoryStore):
            setattr(self.store, f.name, getattr(self._work, f.name))
        self.__enter__()  # keep working on a fresh copy of what was just committed

    def rollback(self) -> None:
        if self._work is not None:
            self.__enter__()
