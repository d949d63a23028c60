"""``verify``: recompute every stored row's content hash, the digests of the rows each ledger
entry wrote, and the hash chain; name the first thing that does not match."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from truce.errors import TruceError
from truce.ledger.chain import LedgerEntry, RowFold, VerifyResult, sha256_hex, verify_chain
from truce.service.ports import HashedRow, UnitOfWork


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome: ``ok`` with the head hash, or the first bad entry and the row behind it."""

    ok: bool
    head_hash: str
    entries: int
    rows: int
    first_bad_seq: int | None = None
    reason: str = ""
    where: str | None = None

    def message(self) -> str:
        if self.ok:
            entries = f"{self.entries:,} ledger entr{'y' if self.entries == 1 else 'ies'}"
            return (f"record intact: {entries}, {self.rows:,} row{'' if self.rows == 1 else 's'}; "
                    f"head {self.head_hash}")
        where = f" ({self.where})" if self.where else ""
        return f"ledger entry {self.first_bad_seq}{where}: {self.reason}"


def _rows(uow: UnitOfWork) -> Iterator[HashedRow]:
    yield from uow.observations.hashed_rows()
    yield from uow.incidents.hashed_rows()
    yield from uow.violations.hashed_rows()
    yield from uow.reviews.hashed_rows()


def verify_record(uow: UnitOfWork, *, columns: bool = True) -> VerifyReport:
    """Verify the record behind ``uow`` (read only; call inside ``with uow``).

    ``columns``: also re-derive every row's parsed columns (times, coordinates, counts, the
    incident-observation links) from its stored record, so that a changed byte there is caught
    too (costs about as much as the hash checks; ``False`` checks hashes and chain only).
    """
    folds: dict[int, RowFold] = {}
    tables: dict[int, str] = {}
    bad: tuple[int, str] | None = None  # (seq, where) of the first row whose hash is wrong
    n = 0
    for r in _rows(uow):
        n += 1
        f = folds.get(r.batch)
        if f is None:
            f = folds[r.batch] = RowFold()
            tables[r.batch] = r.table
        f.add(r.content_hash)
        if sha256_hex(r.record_json) != r.content_hash and (bad is None or r.batch < bad[0]):
            bad = (r.batch, f"{r.table} {r.key}")
    entries: list[LedgerEntry] = list(uow.ledger.iterate())
    chain: VerifyResult = verify_chain(entries, {s: f.hexdigest() for s, f in folds.items()})
    if bad is not None and (chain.ok or bad[0] <= (chain.first_bad_seq or 0)):
        return VerifyReport(False, chain.head_hash, chain.entries, n, bad[0],
                            "the stored row does not match its content_hash", bad[1])
    if not chain.ok:
        seq = chain.first_bad_seq
        where = f"{tables[seq]} written by it" if seq in tables else "ledger row"
        if "digest" in chain.reason or "does not exist" in chain.reason:
            where = f"{tables.get(seq, 'rows')} of this entry"
        return VerifyReport(False, chain.head_hash, chain.entries, n, seq, chain.reason, where)
    sup = _check_supersession(uow, entries)
    if sup is None and columns:
        sup = _check_columns(uow)
    if sup is not None:
        return VerifyReport(False, chain.head_hash, chain.entries, n, sup[0], sup[2], sup[1])
    return VerifyReport(True, chain.head_hash, chain.entries, n)


def _diff(got: Any, want: Any) -> str | None:
    """The fields where a stored row differs from the one derived again (None: equal)."""
    if want is None:
        return "the record no longer parses"
    if got == want:
        return None
    names = got._fields if isinstance(got, tuple) else [f.name for f in dataclasses.fields(got)]
    return ", ".join(n for n in names if getattr(got, n) != getattr(want, n))


def _rebuilt(build: Any, record_json: str, *args: Any) -> Any:
    try:
        return build(json.loads(record_json), *args)
    except (ValueError, TruceError):
        return None


def _check_columns(uow: UnitOfWork) -> tuple[int, str, str] | None:
    """The parsed columns are derived data: derive them again from the verified records and
    name the first ledger entry whose rows differ."""
    from truce.service.incidents import incident_row
    from truce.service.intake import parse_line
    from truce.service.review import review_row
    from truce.service.violations import violation_row

    def observations() -> Iterator[tuple[int, str, Any, Any]]:
        for o in uow.observations.iterate():
            parsed = parse_line(o.record_json.encode("utf-8"), o.ingest_batch, strict=False)
            want = parsed[0] if isinstance(parsed, tuple) else None
            if (want is not None and want.count is not None and o.count != want.count
                    and o.count == int(float(want.count))):
                # stored by a version that read some counts through a float (beyond 2^53)
                want = want._replace(count=o.count)
            yield (o.ingest_batch, f"observations {o.source_id}/{o.obs_id}", o, want)

    def incidents() -> Iterator[tuple[int, str, Any, Any]]:
        def links(r: Any) -> Any:  # links are compared as a set
            return dataclasses.replace(r, observation_keys=tuple(sorted(r.observation_keys)))

        for i in uow.incidents.list(include_superseded=True):
            want = _rebuilt(incident_row, i.record_json, i.fusion_run)
            yield (i.fusion_run, f"incidents {i.fusion_run}/{i.id}",
                   links(dataclasses.replace(i, superseded_by=None)),
                   None if want is None else links(want))

    def violations() -> Iterator[tuple[int, str, Any, Any]]:
        for v in uow.violations.list(include_superseded=True):
            yield (v.adjudication_run, f"violations {v.adjudication_run}/{v.id}",
                   dataclasses.replace(v, superseded_by=None),
                   _rebuilt(violation_row, v.record_json, v.adjudication_run))

    def reviews() -> Iterator[tuple[int, str, Any, Any]]:
        for r in uow.reviews.list():
            yield (r.ledger_seq, f"reviews rev-{r.ledger_seq}", r,
                   _rebuilt(review_row, r.record_json))

    bad: tuple[int, str, str] | None = None
    for rows in (observations(), incidents(), violations(), reviews()):
        for seq, where, got, want in rows:
            if bad is not None and seq >= bad[0]:
                continue
            diff = _diff(got, want)
            if diff is not None:
                bad = (seq, where, f"parsed columns do not match the stored record ({diff})")
    return bad


def _check_supersession(uow: UnitOfWork, entries: list[LedgerEntry]
                        ) -> tuple[int, str, str] | None:
    """``superseded_by`` is not covered by a row hash: recompute it from the ledger.

    An incident (a violation) is superseded by the first later ``fusion`` (``adjudication``) run
    whose range covers its start.
    """
    tables = (
        ("fusion", "incidents", uow.incidents.supersessions()),
        ("adjudication", "violations",
         ((f"{v.adjudication_run}/{v.id}", v.adjudication_run, v.start, v.superseded_by)
          for v in uow.violations.list(include_superseded=True))))
    for kind, table, rows in tables:
        runs = sorted((e.seq, float(p["start"]), float(p["end"])) for e in entries
                      if e.kind == kind and "start" in (p := e.payload))
        rows = list(rows)
        if not rows:
            continue
        keys = [r[0] for r in rows]
        run = np.array([r[1] for r in rows], np.int64)
        start = np.array([r[2] for r in rows], float)
        sup = np.array([-1 if r[3] is None else r[3] for r in rows], np.int64)
        want = np.full(len(rows), -1, np.int64)
        for s, a, b in runs:  # in seq order: the first later run covering a row's start
            hit = (want < 0) & (run < s) & (a <= start) & (start < b)
            want[hit] = s
        bad = np.flatnonzero(want != sup)
        if len(bad):
            i = int(bad[0])
            w, h = (None if want[i] < 0 else int(want[i])), (None if sup[i] < 0 else int(sup[i]))
            return (int(run[i]), f"{table} {keys[i]}", f"superseded_by is {h}, the ledger says {w}")
    return None
