"""``process_record`` adjudicates what it fuses: incidents are stored with zone, side and
violations filled, the violations go into their own table with an ``adjudication`` ledger entry,
``verify`` passes, and a changed byte in a violation row is caught and named."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.conftest import simulate_day, verify_db
from truce.service.ingest import ingest_jsonl
from truce.service.process import process_record
from truce.storage.sql import SqlUnitOfWork, sqlite_url

NOW = datetime(2024, 12, 9, 6, 0, tzinfo=UTC)
AGREEMENT = "ukraine-2024-12-07"


@pytest.fixture(scope="module")
def observations(tmp_path_factory):
    return simulate_day(tmp_path_factory.mktemp("sim"), seed=5, scale=0.5) / "observations.jsonl"


@pytest.fixture
def processed(tmp_path, observations):
    db = tmp_path / "r.db"
    uow = SqlUnitOfWork(sqlite_url(db))
    ingest_jsonl(observations, uow, now=NOW)
    res = process_record(uow, now=NOW)
    uow.close()
    return db, res


def test_violations_are_stored_with_their_incidents(processed):
    db, res = processed
    assert res.violations > 10 and res.adjudication.added == res.violations
    assert res.head == res.adjudication.ledger_entry.entry_hash
    with sqlite3.connect(db) as c:
        kinds = [k for (k,) in c.execute("select kind from ledger order by seq")]
        incs = {i: json.loads(r) for i, r in c.execute(
            "select id, record_json from incidents where superseded_by is null")}
        vios = [json.loads(r) for (r,) in c.execute(
            "select record_json from violations where superseded_by is null order by pk")]
        cols = c.execute("select incident_id, rule_id, side, zone, adjudication_run, "
                         "incident_pk is not null from violations").fetchall()
        payload = json.loads(c.execute("select payload_json from ledger where kind = "
                                       "'adjudication'").fetchone()[0])
    assert kinds == ["ingest", "fusion", "adjudication"]
    assert len(vios) == res.violations and payload["added"] == res.violations
    assert payload["table"] == "violations" and payload["run"]["agreement"] == AGREEMENT
    # every violation names a stored incident that lists its rule
    for v in vios:
        assert v["rule"] in incs[v["subject"]["id"]]["violations"]
    per_incident = Counter(v["subject"]["id"] for v in vios)
    assert all(len(incs[i]["violations"]) == n for i, n in per_incident.items())
    # fire incidents are judged (zone filled, a side probability for both parties)
    fire = [r for r in incs.values() if r["kind"] in ("explosion", "burst", "shot")]
    assert fire and all(r["zone"] and set(r["side_probability"]) == {"ua", "ru"} for r in fire)
    assert {r for _, r, *_ in cols} >= {"ceasefire.fire"}
    assert all(run == 3 and linked for *_, run, linked in cols)
    assert all(v["date"] == "2024-12-08" for v in vios)
    assert verify_db(db).ok


def test_processing_again_writes_nothing_unless_something_changed(processed):
    from dataclasses import replace

    from truce.fusion.params import FusionParams

    db, res = processed
    uow = SqlUnitOfWork(sqlite_url(db))
    again = process_record(uow, now=NOW)  # nothing new: no rows, no ledger entry
    assert again.unchanged and again.violations == res.violations
    assert again.head == res.head
    # other fusion parameters change the counts: a new run supersedes every violation
    other = process_record(uow, now=NOW, params=replace(FusionParams(), count_estimator="median"))
    uow.close()
    assert not other.unchanged
    with sqlite3.connect(db) as c:
        runs = c.execute("select adjudication_run, superseded_by, count(*) from violations "
                         "group by 1, 2 order by 1").fetchall()
    assert runs[0] == (3, 5, res.violations) and runs[1][:2] == (5, None)
    assert verify_db(db).ok


def test_a_changed_violation_is_named_byverify_db(processed):
    db, _ = processed
    with sqlite3.connect(db) as c:
        vid, rj = c.execute("select id, record_json from violations order by pk limit 1").fetchone()
        c.execute("update violations set record_json = ? where id = ?",
                  (rj.replace('"side":"', '"side":"x', 1), vid))
    rep = verify_db(db)
    assert not rep.ok and rep.first_bad_seq == 3
    assert f"violations 3/{vid}" in rep.message()


def test_incidents_violations_and_agreement_go_in_together_or_not_at_all(tmp_path, observations,
                                                                          monkeypatch):
    from truce.service import process

    db = tmp_path / "r.db"
    uow = SqlUnitOfWork(sqlite_url(db))
    ingest_jsonl(observations, uow, now=NOW)
    with uow:
        seq_before = uow.ledger.next_seq()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full while storing violations")

    monkeypatch.setattr(process, "add_violations", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        process_record(uow, now=NOW)
    with uow:  # the fusion entry and its incidents were rolled back with the violations
        assert uow.ledger.next_seq() == seq_before
        assert uow.incidents.list() == []
        assert uow.meta.get("agreement") is None
    monkeypatch.undo()
    res = process_record(uow, now=NOW)  # and a re-run completes it
    uow.close()
    assert res.incidents > 0 and res.violations > 0
    assert verify_db(db).ok
