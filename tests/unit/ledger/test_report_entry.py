"""A report prints the head hash and is itself recorded in the ledger."""

from __future__ import annotations

import hashlib

import pytest

from truce.errors import ValidationError
from truce.ledger.chain import GENESIS_HASH
from truce.service.ingest import ingest_jsonl
from truce.service.ledger import head_hash, record_report_issued
from truce.service.verify import verify_record
from truce.storage.memory import MemoryUnitOfWork

from ..storage.conftest import NOW
from ..storage.synth import write


def test_report_entry_chains_on_the_head(tmp_path):
    uow = MemoryUnitOfWork()
    assert head_hash(uow) == GENESIS_HASH
    ingest_jsonl(write(tmp_path / "a.jsonl", n=5), uow, now=NOW)
    head = head_hash(uow)
    digest = hashlib.sha256(b"# Daily report").hexdigest()
    e = record_report_issued(uow, name="2024-12-08.md", sha256=digest, now=NOW, based_on=head)
    assert (e.seq, e.kind, e.prev_hash) == (2, "report", head)
    assert e.payload == {"report": "2024-12-08.md", "sha256": digest, "based_on": head}
    with uow:
        assert verify_record(uow).ok
    with pytest.raises(ValidationError, match="moved on"):
        record_report_issued(uow, name="x.md", sha256=digest, now=NOW, based_on=head)
    with pytest.raises(ValidationError, match="SHA-256"):
        record_report_issued(uow, name="x.md", sha256="abc", now=NOW, based_on=e.entry_hash)
