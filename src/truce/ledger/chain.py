"""The hash chain, pure: canonical serialisation, entry hashes, and chain verification.

The format is documented in ``docs/record.md`` so anyone can re-verify a record independently:

* ``canonical(x) = json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``,
  encoded as UTF-8;
* ``payload_hash = sha256(canonical(payload))``;
* ``entry_hash = sha256(prev_hash + canonical({"seq", "kind", "created_at", "payload_hash"}))``
  where ``prev_hash`` is the previous entry's ``entry_hash`` as 64 lowercase hex characters
  (``"0" * 64`` before the first entry) and ``+`` is string concatenation;
* the rows one entry wrote are summarised by ``digest = sha256(h1 + "\\n" + h2 + "\\n" + ...)``
  over their content hashes in the order they were stored (ascending primary key), each followed
  by a newline; see ``RowFold``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64

_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           allow_nan=False).encode


def canonical(value: Any) -> str:
    """The one serialisation everything is hashed over (sorted keys, no spaces, UTF-8, no NaN)."""
    return _encode(value)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RowFold:
    """The digest of the rows one ledger entry wrote, built row by row (constant memory).

    Any row changed, added, lost or moved to another entry changes the digest.
    """

    __slots__ = ("_h", "n")

    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self.n = 0

    def add(self, content_hash: str) -> None:
        self._h.update(content_hash.encode("ascii") + b"\n")
        self.n += 1

    def hexdigest(self) -> str:
        return self._h.hexdigest()


EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


def fold_digest(hashes: Iterable[str]) -> str:
    """``RowFold`` over ``hashes`` in the given order."""
    f = RowFold()
    for h in hashes:
        f.add(h)
    return f.hexdigest()


def entry_hash(prev_hash: str, seq: int, kind: str, created_at: str, payload_hash: str) -> str:
    body = canonical({"created_at": created_at, "kind": kind, "payload_hash": payload_hash,
                      "seq": seq})
    return sha256_hex(prev_hash + body)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One ledger entry.  ``payload_json`` is ``canonical(payload)``, kept verbatim."""

    seq: int
    kind: str
    payload_json: str
    payload_hash: str
    prev_hash: str
    entry_hash: str
    created_at: str

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.payload_json)


def make_entry(prev: LedgerEntry | None, kind: str, payload: Mapping[str, Any],
               created_at: str) -> LedgerEntry:
    """The entry that follows ``prev`` (``None``: the first entry)."""
    seq = 1 if prev is None else prev.seq + 1
    prev_hash = GENESIS_HASH if prev is None else prev.entry_hash
    pj = canonical(dict(payload))
    ph = sha256_hex(pj)
    eh = entry_hash(prev_hash, seq, kind, created_at, ph)
    return LedgerEntry(seq, kind, pj, ph, prev_hash, eh, created_at)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """``ok``, or the first ledger entry that does not match (``first_bad_seq``) and why.

    ``where`` names the stored row behind the mismatch when there is one (``table`` + key).
    """

    ok: bool
    head_hash: str
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    where: str | None = None


def verify_chain(entries: Iterable[LedgerEntry],
                 row_digests: Mapping[int, str] | None = None) -> VerifyResult:
    """Recompute the chain; compare each entry's payload ``digest`` with ``row_digests[seq]``.

    ``row_digests`` maps an entry's seq to the fold digest of the rows it wrote, as recomputed
    from the stored rows; when it is given, every entry whose payload has a ``digest`` must
    match it (an entry whose rows are all gone is compared with the empty fold).  A seq in
    ``row_digests`` without an entry is reported too (rows claiming a write the ledger lacks).
    """
    prev = GENESIS_HASH
    expected_seq = 1
    n = 0
    pending = dict(row_digests or {})
    for e in entries:
        n += 1
        if e.seq != expected_seq:
            return VerifyResult(False, prev, n, e.seq, f"sequence gap: expected {expected_seq}")
        if e.prev_hash != prev:
            return VerifyResult(False, prev, n, e.seq, "prev_hash does not match the entry before")
        if sha256_hex(e.payload_json) != e.payload_hash:
            return VerifyResult(False, prev, n, e.seq, "payload does not match its payload_hash")
        if entry_hash(prev, e.seq, e.kind, e.created_at, e.payload_hash) != e.entry_hash:
            return VerifyResult(False, prev, n, e.seq, "entry_hash does not match its content")
        want = e.payload.get("digest") if row_digests is not None else None
        if want is not None or e.seq in pending:
            # an entry that wrote rows of which none are left must still match: the empty fold
            got = pending.pop(e.seq, EMPTY_DIGEST)
            if got != want:
                return VerifyResult(False, prev, n, e.seq,
                                    "the stored rows this entry wrote do not match its digest")
        prev = e.entry_hash
        expected_seq += 1
    if pending:
        seq = min(pending)
        return VerifyResult(False, prev, n, seq,
                            f"rows claim ledger entry {seq}, which does not exist")
    return VerifyResult(True, prev, n)
