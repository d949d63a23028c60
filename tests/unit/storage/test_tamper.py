"""A single changed byte in any stored observation, incident or ledger row makes ``verify`` fail,
naming the first ledger entry that does not match and the row behind it (SQLite and PostgreSQL;
the rows are changed behind truce's back with plain SQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine

from tests.conftest import verify_db
from truce.service.incidents import store_incidents
from truce.service.ingest import ingest_jsonl
from truce.storage.sql import SqlUnitOfWork

from .conftest import NOW, SQL_BACKENDS, record_url
from .synth import record, write

DAY0 = datetime(2024, 12, 7, 22, 0, tzinfo=UTC)
DAY1 = datetime(2024, 12, 8, 22, 0, tzinfo=UTC)


def _incident(i: int, keys: list[str], start: str = "2024-12-08T01:00:00Z") -> dict:
    return {"id": f"inc-{i}", "start": start, "end": "2024-12-08T01:10:00Z", "kind": "explosion",
            "detail": "impact", "count": 3, "location": {"lat": 47.6, "lon": 37.2},
            "uncertainty_m": 800.0, "observation_ids": keys, "region": "Donetsk"}


@pytest.fixture(params=SQL_BACKENDS)
def record_db(request, tmp_path):
    """seq 1: ingest; 2: fusion; 3: ingest; 4: fusion replacing part of 2 (the record's URL)."""
    db = record_url(request, tmp_path)
    uow = SqlUnitOfWork(db)
    ingest_jsonl(write(tmp_path / "a.jsonl", n=30, sources=3), uow, now=NOW)
    store_incidents(uow, [_incident(1, ["op-000/op-000-0000000", "op-001/op-001-0000001"]),
                          _incident(2, ["op-002/op-002-0000002"], "2024-12-08T03:00:00Z")],
                    start=DAY0, end=DAY1, now=NOW)
    ingest_jsonl(write(tmp_path / "b.jsonl", [record(1000)]), uow, now=NOW)
    store_incidents(uow, [_incident(1, ["op-001/op-001-0001000"])],
                    start=DAY0, end=datetime(2024, 12, 8, 2, 0, tzinfo=UTC), now=NOW)
    uow.close()
    return db


def _sql(db: str, *statements: str, params: dict | None = None) -> list:
    """Run ``statements`` in one transaction outside truce (SQLite: foreign keys off, as a plain
    connection has them; PostgreSQL enforces them for any role but a superuser's); the rows of
    the last, when it returns any, else the total number of rows changed."""
    engine = create_engine(db)
    try:
        with engine.begin() as c:
            changed, res = 0, None
            for st in statements:
                res = c.exec_driver_sql(st, params or {}) if params else c.exec_driver_sql(st)
                changed += max(res.rowcount, 0)
            return res.all() if res is not None and res.returns_rows else changed
    finally:
        engine.dispose()


def _flip(db, table: str, column: str, where: str, pos: int = 10) -> None:
    (v,) = _sql(db, f"select {column} from {table} where {where}")[0]
    s = str(v)
    pos = min(pos, len(s) - 1)
    new = s[:pos] + ("0" if s[pos] != "0" else "1") + s[pos + 1:]
    engine = create_engine(db)
    with engine.begin() as c:  # the column's own type: PostgreSQL does not cast text to float
        from sqlalchemy import text
        c.execute(text(f"update {table} set {column} = :v where {where}"),
                  {"v": type(v)(new) if isinstance(v, (int, float)) else new})
    engine.dispose()


def test_intact_record_verifies(record_db):
    rep = verify_db(record_db)
    assert rep.ok, rep.message()
    assert (rep.entries, rep.rows) == (4, 31 + 3)
    assert rep.head_hash in rep.message()


@pytest.mark.parametrize("table,column,where,seq,where_text", [
    ("observations", "record_json", "obs_id = 'op-001-0000004'", 1, "observations op-001/op-001-0000004"),
    ("observations", "content_hash", "obs_id = 'op-001-0000004'", 1, "observations op-001/op-001-0000004"),
    ("observations", "record_json", "obs_id = 'op-001-0001000'", 3, "observations op-001/op-001-0001000"),
    ("incidents", "record_json", "fusion_run = 2 and id = 'inc-2'", 2, "incidents 2/inc-2"),
    ("incidents", "content_hash", "fusion_run = 4", 4, "incidents 4/inc-1"),
    ("incidents", "superseded_by", "fusion_run = 2 and id = 'inc-1'", 2, "incidents 2/inc-1"),
    ("observations", "t_start", "obs_id = 'op-000-0000003'", 1, "observations op-000/op-000-0000003"),
    ("observations", "observer_lat", "obs_id = 'op-000-0000003'", 1, "(observer_lat)"),
    ("observations", "source_id", "obs_id = 'op-001-0001000'", 3, "observations"),
    ("incidents", "lat", "fusion_run = 4", 4, "incidents 4/inc-1"),
    ("incidents", "start", "fusion_run = 2 and id = 'inc-2'", 2, "incidents 2/inc-2"),
    ("ledger", "payload_json", "seq = 3", 3, None),
    ("ledger", "payload_hash", "seq = 2", 2, None),
    ("ledger", "entry_hash", "seq = 4", 4, None),
    ("ledger", "prev_hash", "seq = 2", 2, None),
    ("ledger", "created_at", "seq = 1", 1, None),
])
def test_one_changed_byte_is_named(record_db, table, column, where, seq, where_text):
    if column == "superseded_by":
        _sql(record_db, f"update incidents set superseded_by = 3 where {where}")
    else:
        _flip(record_db, table, column, where)
    rep = verify_db(record_db)
    assert not rep.ok
    assert rep.first_bad_seq == seq, rep.message()
    if where_text:
        assert where_text in rep.message()
    assert f"ledger entry {seq}" in rep.message()


@pytest.mark.parametrize("sql,seq", [
    ("delete from observations where obs_id = 'op-002-0000005'", 1),
    (("insert into observations (source_id, obs_id, content_hash, record_json, kind, t_start, "
      "t_end, ingest_batch) select source_id, 'forged', content_hash, record_json, kind, t_start, "
      "t_end, 3 from observations where pk = 1"), 3),
    # (the first link stored, and an incident whose links are left dangling where the
    # database allows it; PostgreSQL's foreign keys do not, so its links go too)
    (("delete from incident_observations where incident_pk = 1 and observation_pk = 1; "
      "{dangling}delete from incidents where pk = 2"), 2),
    ("delete from ledger where seq = 4", 4),
    ("delete from incident_observations where incident_pk = 3", 4),
    (("update incident_observations set observation_pk = 7 where incident_pk = 1 "
      "and observation_pk = 1"), 2),
])
def test_lost_or_forged_rows_are_named(record_db, sql, seq):
    pg = record_db.startswith("postgresql")
    sql = sql.replace("{dangling}", "delete from incident_observations where incident_pk = 2; "
                      if pg else "")
    assert _sql(record_db, *[s.strip() for s in sql.split(";") if s.strip()]) > 0
    rep = verify_db(record_db)
    assert not rep.ok and rep.first_bad_seq == seq, rep.message()
