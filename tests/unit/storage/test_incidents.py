"""Storing fusion results: replace a time range, keep what was replaced, verify on both back ends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from truce.errors import ValidationError
from truce.service.incidents import store_incidents
from truce.service.ingest import ingest_jsonl
from truce.service.verify import verify_record

from .conftest import NOW
from .synth import write
from .test_tamper import DAY0, DAY1, _incident


def test_store_replace_and_verify(uow, tmp_path):
    ingest_jsonl(write(tmp_path / "a.jsonl", n=10, sources=2), uow, now=NOW)
    s1 = store_incidents(uow, [_incident(1, ["op-000/op-000-0000000"]),
                               _incident(2, ["op-001/op-001-0000001"], "2024-12-08T05:00:00Z")],
                         start=DAY0, end=DAY1, now=NOW, run_info={"params": "default"})
    assert (s1.added, s1.superseded, s1.ledger_entry.seq) == (2, 0, 2)
    assert s1.ledger_entry.payload["run"] == {"params": "default"}
    s2 = store_incidents(uow, [_incident(1, ["op-000/op-000-0000002"])], start=DAY0,
                         end=datetime(2024, 12, 8, 3, 0, tzinfo=UTC), now=NOW)
    assert (s2.added, s2.superseded) == (1, 1)
    with uow:
        cur = uow.incidents.list()
        assert [(i.id, i.fusion_run) for i in cur] == [("inc-1", 3), ("inc-2", 2)]
        assert cur[0].observation_keys == (("op-000", "op-000-0000002"),)
        rep = verify_record(uow)
    assert rep.ok, rep.message()
    assert (rep.entries, rep.rows) == (3, 13)


def test_incident_record_must_fit_the_contract(uow):
    with pytest.raises(ValidationError, match="export contract"):
        store_incidents(uow, [{"id": "x"}], start=DAY0, end=DAY1, now=NOW)
    with uow:
        assert uow.ledger.head() is None
