"""Storing violations: replace a time range, keep what was replaced (superseded), verify on both
back ends; a changed byte in a violation row is caught and named."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from tests.conftest import verify_db
from truce.errors import ValidationError
from truce.ledger.chain import canonical, sha256_hex
from truce.service.incidents import store_incidents
from truce.service.ingest import ingest_jsonl
from truce.service.verify import verify_record
from truce.service.violations import store_violations, violation_row
from truce.storage.sql import SqlUnitOfWork, sqlite_url

from .conftest import NOW
from .synth import write
from .test_tamper import DAY0, DAY1, _incident


def _violation(iid: str, rule: str = "ceasefire.fire", start: str = "2024-12-08T01:00:00Z",
               side: str = "ru", p: float = 0.9) -> dict:
    return {"id": f"vio-{rule}-{iid}", "rule": rule, "rule_version": 1,
            "agreement": "ukraine-2024-12-07", "subject": {"type": "incident", "id": iid},
            "date": start[:10], "start": start, "end": start, "kind": "explosion",
            "detail": "impact", "count": 3, "weapon": None,
            "location": {"lat": 47.6, "lon": 37.2}, "uncertainty_m": 800.0,
            "zone": "security_zone", "distance_km": 2.5, "region": "Donetsk",
            "sources": {"n": 1, "kinds": {"post": 1}},
            "side_probability": {"ua": round(1 - p, 3), "ru": p}, "side": side,
            "confidence": p}


def test_row_from_record():
    rec = _violation("inc-1", p=0.93)
    row = violation_row(rec, 7)
    assert (row.id, row.incident_id, row.rule_id, row.rule_version, row.zone, row.side,
            row.confidence, row.adjudication_run, row.superseded_by) == (
        "vio-ceasefire.fire-inc-1", "inc-1", "ceasefire.fire", "1", "security_zone", "ru", 0.93,
        7, None)
    assert row.start == datetime(2024, 12, 8, 1, tzinfo=UTC).timestamp()
    assert row.record_json == canonical(rec) and row.content_hash == sha256_hex(canonical(rec))
    with pytest.raises(ValidationError, match="violation record"):
        violation_row({"id": "x"}, 1)


def test_replace_range_supersedes_and_lists(uow):
    s1 = store_violations(uow, [_violation("inc-1"), _violation("inc-2",
                                                                start="2024-12-08T05:00:00Z")],
                          start=DAY0, end=DAY1, now=NOW, run_info={"agreement": "x"})
    assert (s1.added, s1.superseded, s1.ledger_entry.seq, s1.ledger_entry.kind) == (
        2, 0, 1, "adjudication")
    assert s1.ledger_entry.payload["table"] == "violations"
    s2 = store_violations(uow, [_violation("inc-1", side="ua", p=0.8)], start=DAY0,
                          end=datetime(2024, 12, 8, 3, 0, tzinfo=UTC), now=NOW)
    assert (s2.added, s2.superseded) == (1, 1)
    with uow:
        cur = uow.violations.list()
        assert [(v.incident_id, v.adjudication_run, v.side) for v in cur] == [
            ("inc-1", 2, "ua"), ("inc-2", 1, "ru")]
        every = uow.violations.list(include_superseded=True)
        assert [(v.incident_id, v.adjudication_run, v.superseded_by) for v in every] == [
            ("inc-1", 1, 2), ("inc-1", 2, None), ("inc-2", 1, None)]
        late = datetime(2024, 12, 8, 4, tzinfo=UTC).timestamp()
        assert [v.incident_id for v in uow.violations.list(start=late)] == ["inc-2"]
        assert [v.incident_id for v in uow.violations.list(end=late)] == ["inc-1"]
        hashed = sorted((h.table, h.key, h.batch) for h in uow.violations.hashed_rows())
        assert hashed == [("violations", "1/vio-ceasefire.fire-inc-1", 1),
                          ("violations", "1/vio-ceasefire.fire-inc-2", 1),
                          ("violations", "2/vio-ceasefire.fire-inc-1", 2)]
        rep = verify_record(uow)
    assert rep.ok, rep.message()
    assert (rep.entries, rep.rows) == (2, 3)


def test_uncommitted_violations_are_not_kept(uow):
    from truce.service.violations import violation_row as row

    with uow:
        uow.violations.replace_range(DAY0.timestamp(), DAY1.timestamp(),
                                     [row(_violation("inc-1"), 1)], 1)
    with uow:
        assert uow.violations.list() == []


@pytest.fixture
def adjudicated_db(tmp_path):
    """seq 1: ingest; 2: fusion; 3: adjudication; 4: adjudication replacing part of 3."""
    db = tmp_path / "r.db"
    uow = SqlUnitOfWork(sqlite_url(db))
    ingest_jsonl(write(tmp_path / "a.jsonl", n=30, sources=3), uow, now=NOW)
    store_incidents(uow, [_incident(1, ["op-000/op-000-0000000"]),
                          _incident(2, ["op-002/op-002-0000002"], "2024-12-08T03:00:00Z")],
                    start=DAY0, end=DAY1, now=NOW)
    store_violations(uow, [_violation("inc-1"), _violation("inc-2", start="2024-12-08T03:00:00Z")],
                     start=DAY0, end=DAY1, now=NOW)
    store_violations(uow, [_violation("inc-1", p=0.7)], start=DAY0,
                     end=datetime(2024, 12, 8, 2, 0, tzinfo=UTC), now=NOW)
    uow.close()
    return db


def test_sql_links_violations_to_current_incidents(adjudicated_db):
    with sqlite3.connect(adjudicated_db) as c:
        rows = c.execute("select v.incident_id, i.id from violations v join incidents i "
                         "on i.pk = v.incident_pk order by v.pk").fetchall()
    assert rows == [("inc-1", "inc-1"), ("inc-2", "inc-2"), ("inc-1", "inc-1")]
    assert verify_db(adjudicated_db).ok


@pytest.mark.parametrize("column,where,seq,where_text", [
    ("record_json", "adjudication_run = 3 and incident_id = 'inc-2'", 3,
     "violations 3/vio-ceasefire.fire-inc-2"),
    ("content_hash", "adjudication_run = 4", 4, "violations 4/vio-ceasefire.fire-inc-1"),
    ("side", "adjudication_run = 3 and incident_id = 'inc-2'", 3, "(side)"),
    ("confidence", "adjudication_run = 4", 4, "(confidence)"),
    ("start", "adjudication_run = 3 and incident_id = 'inc-2'", 3, "violations 3/"),
    ("superseded_by", "adjudication_run = 3 and incident_id = 'inc-1'", 3,
     "violations 3/vio-ceasefire.fire-inc-1"),
])
def test_a_changed_violation_row_is_named(adjudicated_db, column, where, seq, where_text):
    with sqlite3.connect(adjudicated_db) as c:
        if column == "superseded_by":
            c.execute(f"update violations set superseded_by = null where {where}")
        elif column == "confidence":
            c.execute(f"update violations set confidence = confidence + 0.001 where {where}")
        elif column == "start":
            c.execute(f"update violations set start = start + 1 where {where}")
        else:
            (v,) = c.execute(f"select {column} from violations where {where}").fetchone()
            pos = min(10, len(v) - 1)
            c.execute(f"update violations set {column} = ? where {where}",
                      (v[:pos] + ("0" if v[pos] != "0" else "1") + v[pos + 1:],))
    rep = verify_db(adjudicated_db)
    assert not rep.ok
    assert rep.first_bad_seq == seq, rep.message()
    assert where_text in rep.message() and f"ledger entry {seq}" in rep.message()


def test_a_lost_violation_row_is_named(adjudicated_db):
    with sqlite3.connect(adjudicated_db) as c:
        c.execute("delete from violations where adjudication_run = 3 and incident_id = 'inc-2'")
    rep = verify_db(adjudicated_db)
    assert not rep.ok and rep.first_bad_seq == 3, rep.message()
