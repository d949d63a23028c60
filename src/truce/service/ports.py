"""The storage ports: repositories and the unit of work the services talk to.

The core and the services never see SQL.  ``truce.storage.memory`` implements these for tests
and demos, ``truce.storage.sql`` for SQLite (and PostgreSQL later).  A unit of work is one
transaction: nothing is visible to other readers until ``commit()``; leaving the ``with`` block
without committing rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import NamedTuple, Protocol, Self

from truce.ledger.chain import LedgerEntry


class ObservationRow(NamedTuple):
    """One stored observation: the original record verbatim, its hash, and parsed columns.

    ``record_json`` is the record's line as submitted (without its line ending) and
    ``content_hash`` the SHA-256 of its UTF-8 bytes.  Times are epoch seconds (UTC).
    ``ingest_batch`` is the seq of the ledger entry that wrote it.  (A named tuple: a million of
    them are built per ingest, and its field order is the table's column order.)
    """

    source_id: str
    obs_id: str
    content_hash: str
    record_json: str
    kind: str
    t_start: float
    t_end: float
    observer_lat: float | None
    observer_lon: float | None
    count: int | None
    region: str | None
    ingest_batch: int


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One stored incident (the incident export record verbatim plus parsed columns).

    ``observation_keys`` are ``(source_id, obs_id)`` of the observations behind it;
    ``fusion_run`` is the seq of the ledger entry that wrote it; ``superseded_by`` the seq of
    the later fusion run that replaced it (``None``: current).
    """

    id: str
    start: float
    end: float
    kind: str
    detail: str | None
    count: int
    lat: float
    lon: float
    uncertainty_m: float
    content_hash: str
    record_json: str
    fusion_run: int
    observation_keys: tuple[tuple[str, str], ...] = ()
    superseded_by: int | None = None


@dataclass(frozen=True, slots=True)
class ViolationRow:
    """One stored violation (the violation record verbatim plus parsed columns).

    ``incident_id`` is the subject incident's id; ``start`` its start (epoch seconds, UTC);
    ``adjudication_run`` the seq of the ledger entry that wrote it; ``superseded_by`` the seq of
    the later adjudication run that replaced it (``None``: current).
    """

    id: str
    incident_id: str
    rule_id: str
    rule_version: str
    zone: str | None
    side: str | None
    confidence: float | None
    start: float
    content_hash: str
    record_json: str
    adjudication_run: int
    superseded_by: int | None = None


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One stored review (an analyst's confirm, reject, merge, split or correction).

    Reviews are append-only: each is one row and one ledger entry (kind ``review``), whose seq is
    ``ledger_seq`` and names the review (``id`` is ``"rev-<ledger_seq>"``).  ``record_json`` is
    the canonical review record and ``content_hash`` its SHA-256; the other fields are parsed
    from it.  ``target_table`` is ``incidents`` or ``observations``; ``target_key`` an incident
    id or an observation's ``source_id/id``.
    """

    target_table: str
    target_key: str
    action: str
    analyst: str
    reason: str | None
    content_hash: str
    record_json: str
    ledger_seq: int

    @property
    def id(self) -> str:
        return f"rev-{self.ledger_seq}"


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class HashedRow:
    """What verify reads back: a row's key, the ledger entry that wrote it, hash and content."""

    table: str
    key: str
    batch: int
    content_hash: str
    record_json: str


class ObservationRepository(Protocol):
    def ensure_sources(self, sources: Mapping[str, str]) -> dict[str, str]:
        """Add unknown sources (id -> kind); return the stored kind of every source named."""
        ...

    def existing_hashes(self, source_id: str, obs_ids: Sequence[str]) -> dict[str, str]:
        """``obs_id -> content_hash`` for the ids of ``source_id`` already stored."""
        ...

    def add_many(self, rows: Sequence[ObservationRow]) -> AddResult:
        """Insert rows; a row whose key is already stored is counted as a duplicate, not added."""
        ...

    def add_if_all_new(self, rows: Sequence[ObservationRow]) -> bool:
        """Insert all rows if none of their keys is stored yet (keys unique among ``rows``);
        otherwise insert nothing and return False.  The fast path of ingest."""
        ...

    def get(self, source_id: str, obs_id: str) -> ObservationRow | None: ...

    def iterate(self, start: float | None = None, end: float | None = None
                ) -> Iterator[ObservationRow]:
        """Observations with ``start <= t_start < end``, in time order."""
        ...

    def count(self) -> int: ...

    def hashed_rows(self) -> Iterator[HashedRow]:
        """Every row as verify needs it (key, batch, stored hash, stored record)."""
        ...


class IncidentRepository(Protocol):
    def replace_range(self, start: float, end: float, incidents: Sequence[IncidentRow],
                      fusion_run: int) -> int:
        """Supersede the current incidents starting in ``[start, end)`` and add ``incidents``.

        Nothing is deleted: replaced rows are marked ``superseded_by = fusion_run``.  Returns the
        number superseded.
        """
        ...

    def list(self, start: float | None = None, end: float | None = None,
             include_superseded: bool = False) -> list[IncidentRow]: ...

    def hashed_rows(self) -> Iterator[HashedRow]: ...

    def supersessions(self) -> Iterator[tuple[str, int, float, int | None]]:
        """``(key, fusion_run, start, superseded_by)`` of every incident row, for verify."""
        ...


class ViolationRepository(Protocol):
    def replace_range(self, start: float, end: float, rows: Sequence[ViolationRow],
                      adjudication_run: int) -> int:
        """Supersede the current violations starting in ``[start, end)`` and add ``rows``
        (nothing is deleted: replaced rows get ``superseded_by = adjudication_run``); returns
        the number superseded."""
        ...

    def list(self, start: float | None = None, end: float | None = None,
             include_superseded: bool = False) -> list[ViolationRow]:
        """Violations with ``start <= start < end``, in ``(start, id)`` order."""
        ...

    def hashed_rows(self) -> Iterator[HashedRow]: ...


class ReviewRepository(Protocol):
    def add(self, row: ReviewRow) -> None:
        """Append a review row (never updated or deleted)."""
        ...

    def list(self, target_table: str | None = None, target_key: str | None = None
             ) -> list[ReviewRow]:
        """Reviews (of ``target_table``/``target_key`` when given), in ledger order."""
        ...

    def hashed_rows(self) -> Iterator[HashedRow]: ...


class LedgerRepository(Protocol):
    def append(self, kind: str, payload: Mapping[str, object], created_at: str) -> LedgerEntry: ...

    def next_seq(self) -> int: ...

    def head(self) -> LedgerEntry | None: ...

    def iterate(self) -> Iterator[LedgerEntry]: ...


class MetaRepository(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


class UnitOfWork(Protocol):
    observations: ObservationRepository
    incidents: IncidentRepository
    violations: ViolationRepository
    reviews: ReviewRepository
    ledger: LedgerRepository
    meta: MetaRepository

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

