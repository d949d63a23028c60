"""Ingest a JSONL file of observations: idempotent, atomic, and written to the ledger.

* The idempotency key is ``(source.id, id)``.  A record already stored with the same content is a
  duplicate (counted, not added); with different content it is a conflict: rejected with a
  reason, the stored record is never overwritten.
* The whole file is one transaction: it goes in whole or not at all (rows are inserted in
  batches of ``batch_size`` within that transaction).
* A line that does not fit is rejected with its line number and reason; the rest goes in.
* A leading UTF-8 byte order mark is not part of the first record (it is dropped); a file in
  UTF-16 is refused as a whole, with that reason (one rejection, nothing read).
* One ledger entry per file that added anything, naming the file, its SHA-256, the counts and the
  digest of the rows added (``truce.ledger.chain.RowFold``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from truce.errors import StorageError, ValidationError
from truce.ledger.chain import LedgerEntry, RowFold
from truce.service.intake import BOM, Invalid, parse_line, same_content
from truce.service.ports import ObservationRow, UnitOfWork

BATCH_SIZE = 10_000
_DUMPS = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    reason: str
    unit: str = "line"  # "sentence" for narrative reports

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}"


@dataclass
class IngestResult:
    """What one file did to the record.  ``conflicts`` are also listed in ``rejected``."""

    file: str
    added: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    ledger_entry: LedgerEntry | None = None
    warnings: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def nothing_new(self) -> bool:
        return self.added == 0

    @property
    def nothing_read(self) -> bool:
        """Every line (or sentence) of the file was rejected: not one could be read."""
        return bool(self.rejected) and self.added == 0 and self.duplicates == 0


def _iso(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValidationError("`now` must be timezone-aware (UTC)")
    return now.isoformat()


class _Batcher:
    """Validates lines into batches and stores each batch (inside the caller's transaction)."""

    def __init__(self, uow: UnitOfWork, seq: int, result: IngestResult, unit: str = "line") -> None:
        self.uow, self.seq, self.result, self.unit = uow, seq, result, unit
        self.fold = RowFold()
        self.source_kinds: dict[str, str] = {}
        self.rows: list[tuple[int, ObservationRow, str]] = []

    def add_line(self, lineno: int, line: bytes) -> None:
        parsed = parse_line(line, self.seq)
        if isinstance(parsed, Invalid):
            self.result.rejected.append(Rejection(lineno, str(parsed), self.unit))
            return
        row, skind = parsed
        self.rows.append((lineno, row, skind))

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        obs = self.uow.observations
        res = self.result
        unknown: dict[str, str] = {}
        for _, r, k in rows:  # a new source takes the kind of its first record
            if r.source_id not in self.source_kinds:
                unknown.setdefault(r.source_id, k)
        if unknown:
            self.source_kinds.update(obs.ensure_sources(unknown))
        # within the batch: one row per key; a repeat is a duplicate or a conflict
        first: dict[tuple[str, str], ObservationRow] = {}
        cand: list[tuple[int, ObservationRow]] = []
        for lineno, r, skind in rows:
            if self.source_kinds[r.source_id] != skind:
                res.rejected.append(Rejection(
                    lineno, f"source.kind: source {r.source_id!r} is recorded as "
                            f"{self.source_kinds[r.source_id]!r}, not {skind!r}", self.unit))
                continue
            key = (r.source_id, r.obs_id)
            prev = first.get(key)
            if prev is None:
                first[key] = r
                cand.append((lineno, r))
            else:
                self._repeat(lineno, r, prev)
        # key order keeps the unique index's inserts local (the fold follows the stored order)
        cand.sort(key=lambda c: (c[1].source_id, c[1].obs_id))
        new = [r for _, r in cand]
        if not obs.add_if_all_new(new):
            # some keys are stored already (earlier files or batches): look them up
            by_src: dict[str, list[str]] = {}
            for r in new:
                by_src.setdefault(r.source_id, []).append(r.obs_id)
            stored = {(s, o): h for s, ids in by_src.items()
                      for o, h in obs.existing_hashes(s, ids).items()}
            new = []
            for lineno, r in cand:
                h = stored.get((r.source_id, r.obs_id))
                if h is None:
                    new.append(r)
                elif h == r.content_hash:
                    res.duplicates += 1
                else:
                    old = obs.get(r.source_id, r.obs_id)
                    assert old is not None
                    self._repeat(lineno, r, old)
            got = obs.add_many(new)
            if got.added != len(new):
                raise StorageError("the record changed during ingest; nothing was written, retry")
        for r in new:
            self.fold.add(r.content_hash)
        res.added += len(new)

    def _repeat(self, lineno: int, r: ObservationRow, prev: ObservationRow) -> None:
        """A key seen before: the same content is a duplicate, other content a conflict."""
        if r.content_hash == prev.content_hash or same_content(r.record_json, prev.record_json):
            self.result.duplicates += 1
            return
        self.result.conflicts += 1
        self.result.rejected.append(Rejection(
            lineno, f"conflict: {r.source_id}/{r.obs_id} is already recorded with different "
                    "content (the record is never overwritten; submit a correction through "
                    "review)", self.unit))


def ingest_jsonl(path: str | Path, uow: UnitOfWork, *, now: datetime,
                 batch_size: int = BATCH_SIZE,
                 progress: Callable[[int, int], None] | None = None) -> IngestResult:
    """Ingest one JSONL file as one transaction; returns the counts and the rejected lines.

    ``now`` stamps the ledger entry (the core never reads the clock).  ``progress(lines, added)``
    is called after each batch (for progress bars; the kill test uses it).
    """
    path = Path(path)
    file_hash = hashlib.sha256()
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}") from None

    def lines() -> Iterator[tuple[int, bytes]]:
        for lineno, line in enumerate(fh, start=1):
            file_hash.update(line)
            if lineno == 1 and line.startswith(BOM):  # Windows tools write one
                line = line[len(BOM):]
            yield lineno, line

    with fh:
        enc = _utf16(fh.peek(4)[:4] if hasattr(fh, "peek") else b"")
        if enc:
            return IngestResult(file=path.name, rejected=[Rejection(
                1, f"the file is not UTF-8: it looks like {enc} (save it as UTF-8); nothing "
                   "was read from it")])
        return _ingest(path.name, lines(), uow, now=now, file_sha256=file_hash.hexdigest,
                       batch_size=batch_size, progress=progress)


def _utf16(head: bytes) -> str | None:
    """``"UTF-16"`` when the file's first bytes look like UTF-16 (a UTF-16 byte order mark, or
    ASCII text with every other byte NUL), else None."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    if len(head) >= 4 and ((head[1] == head[3] == 0 and head[0] and head[2])
                           or (head[0] == head[2] == 0 and head[1] and head[3])):
        return "UTF-16"
    return None


def ingest_narrative(path: str | Path, uow: UnitOfWork, *, now: datetime,
                     parse: Callable[[str], tuple[list[dict[str, Any]], list[tuple[int, str]]]],
                     ) -> IngestResult:
    """Ingest a narrative report: ``parse(text)`` gives the observation records and the
    unparsed sentences ``(sentence, reason)``; the records go in like JSONL lines (one
    transaction, idempotent, one ledger entry) and every unparsed sentence is listed as rejected
    with its number and reason, so nothing is lost silently."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}") from None
    from truce.intake.narrative import decode_report

    text, warning = decode_report(raw)
    records, unparsed = parse(text)
    lines = ((int(r.get("sentence") or 0), _DUMPS(r).encode("utf-8")) for r in records)
    pre = [Rejection(n, f"not parsed: {reason}", unit="sentence") for n, reason in unparsed]
    digest = hashlib.sha256(raw).hexdigest()
    res = _ingest(path.name, lines, uow, now=now, file_sha256=lambda: digest, pre_rejected=pre,
                  unit="sentence", file_format="narrative")
    if warning:
        res.warnings.append(warning)
    return res


def _ingest(name: str, lines: Iterable[tuple[int, bytes]], uow: UnitOfWork, *, now: datetime,
            file_sha256: Callable[[], str], batch_size: int = BATCH_SIZE,
            progress: Callable[[int, int], None] | None = None,
            pre_rejected: Iterable[Rejection] = (), unit: str = "line",
            file_format: str = "jsonl") -> IngestResult:
    created_at = _iso(now)
    result = IngestResult(file=name)
    result.rejected.extend(pre_rejected)
    with uow:
        seq = uow.ledger.next_seq()
        b = _Batcher(uow, seq, result, unit=unit)
        lineno = 0
        for lineno, line in lines:
            if not line.strip():
                continue
            b.add_line(lineno, line)
            if len(b.rows) >= batch_size:
                b.flush()
                if progress is not None:
                    progress(lineno, result.added)
        b.flush()
        result.rejected.sort(key=lambda x: x.line)
        if progress is not None:
            progress(lineno, result.added)
        if result.added:
            payload = {"file": name, "file_sha256": file_sha256(),
                       "added": result.added, "duplicates": result.duplicates,
                       "rejected": len(result.rejected), "table": "observations",
                       "digest": b.fold.hexdigest()}
            if file_format != "jsonl":
                payload["format"] = file_format
            entry = uow.ledger.append("ingest", payload, created_at)
            if entry.seq != seq:
                raise StorageError("the ledger moved during ingest; nothing was written, retry")
            result.ledger_entry = entry
            uow.commit()
    return result
