"""``truce report`` on a small processed record: files, figures, hash, ledger, errors."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from truce.cli import report

app = typer.Typer()
app.command("report")(report.report_cmd)
app.command("noop")(lambda: None)  # two commands: typer keeps `report` as a sub-command
runner = CliRunner()

AGREEMENT = "ukraine-2024-12-07"
START = date(2024, 12, 8)
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """Three simulated days (quiet, typical, typical), ingested and processed."""
    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.service.ingest import ingest_jsonl
    from truce.service.process import process_record
    from truce.sim import Scenario, simulate
    from truce.sim.io import write_outputs
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    out = tmp_path_factory.mktemp("sim")
    sc = Scenario.from_schedule(AGREEMENT, START, 11, "quiet,typical,typical", buildup_from=2,
                                scale=0.4)
    res = simulate(sc, load_agreement(AGREEMENT), starter_gazetteer(), np.random.default_rng(11),
                   reports=False)
    write_outputs(res, out)
    db = out / "record.db"
    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        now = datetime(2024, 12, 11, tzinfo=UTC)
        ingest_jsonl(out / "observations.jsonl", uow, now=now)
        process_record(uow, now=now, agreement=AGREEMENT)
    finally:
        uow.close()
    return db


@pytest.fixture
def db(record, tmp_path):
    path = tmp_path / "r.db"
    path.write_bytes(record.read_bytes())
    return path


def _ledger(db) -> list[tuple[int, str, str, str]]:
    with sqlite3.connect(db) as c:
        return c.execute("select seq, kind, entry_hash, payload_json from ledger order by seq"
                         ).fetchall()


def _run(db, out, *args):
    return runner.invoke(app, ["report", "--db", str(db), "--out", str(out), *args])


def test_writes_every_format_and_prints_the_head(db, tmp_path):
    before = _ledger(db)
    r = _run(db, tmp_path / "rep", "--date", "2024-12-10")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (tmp_path / "rep").iterdir())
    assert names == ["report-2024-12-10-map.png", "report-2024-12-10-trend.png",
                     "report-2024-12-10.html", "report-2024-12-10.json", "report-2024-12-10.md"]
    model = json.loads((tmp_path / "rep" / "report-2024-12-10.json").read_text())
    # the head the report names is the record's head when it was built, printed and in the files
    seq, _, head, _ = before[-1]
    assert model["integrity"] == {**model["integrity"], "head_hash": head, "seq": seq}
    assert f"built from ledger entry {seq}, head {head}" in r.output
    for ext in ("md", "html"):
        assert head in (tmp_path / "rep" / f"report-2024-12-10.{ext}").read_text()
    # the issue is recorded: one new `report` entry naming the files' SHA-256 and that head
    after = _ledger(db)
    assert len(after) == len(before) + 1
    s, k, h, payload = after[-1]
    assert k == "report" and f"issue recorded as ledger entry {s}, head now {h}" in r.output
    p = json.loads(payload)
    assert p["based_on"] == head and p["content_head"] == head and p["date"] == "2024-12-10"
    import hashlib
    assert p["files"]["report-2024-12-10.json"] == hashlib.sha256(
        (tmp_path / "rep" / "report-2024-12-10.json").read_bytes()).hexdigest()
    assert model["totals"]["violations"] > 0
    assert f"{model['totals']['violations']:,} ceasefire violations" in r.output


def test_same_record_gives_byte_identical_md_and_json(db, tmp_path):
    assert _run(db, tmp_path / "a", "--format", "md,json").exit_code == 0
    # the second run sees a ledger with one more (report) entry: no figure and no hash changes
    r = _run(db, tmp_path / "b", "--format", "json,md")
    assert r.exit_code == 0, r.output
    for name in ("report-2024-12-10.md", "report-2024-12-10.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert not list((tmp_path / "b").glob("*.html"))


def test_default_date_is_the_last_day_and_previous_day_matches(db, tmp_path):
    assert _run(db, tmp_path / "r", "--format", "json").exit_code == 0
    assert _run(db, tmp_path / "r", "--format", "json", "--date", "2024-12-09").exit_code == 0
    last = json.loads((tmp_path / "r" / "report-2024-12-10.json").read_text())
    prev = json.loads((tmp_path / "r" / "report-2024-12-09.json").read_text())
    assert last["totals"]["previous_violations"] == prev["totals"]["violations"]
    for row in last["regions"]:
        before = {r["region"]: r["violations"] for r in prev["regions"]}
        assert row["previous_violations"] == before.get(row["region"], 0)
    # the trend's last two days are the two reports' figures
    for tr in last["trend"]["regions"]:
        p = {r["region"]: r["violations"] for r in prev["regions"]}.get(tr["region"], 0)
        assert tr["violations"][-2] == p


def test_figures_equal_the_stored_incidents(db, tmp_path):
    """The report's day total is the sum of the counts of that day's stored fire incidents."""
    from truce.domain.kinds import CEASEFIRE_VIOLATION_KINDS
    from truce.service.process import current_incidents
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    assert _run(db, tmp_path / "r", "--format", "json", "--date", "2024-12-09").exit_code == 0
    model = json.loads((tmp_path / "r" / "report-2024-12-09.json").read_text())
    uow = SqlUnitOfWork(sqlite_url(db), write=False)
    try:
        inc = list(current_incidents(uow, date(2024, 12, 9)))
    finally:
        uow.close()
    fire = [r for r in inc if r["kind"] in CEASEFIRE_VIOLATION_KINDS]
    assert model["totals"]["violations"] == sum(r["count"] for r in fire) > 0
    assert model["totals"]["explosions"] == sum(r["count"] for r in fire if r["kind"] == "explosion")


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "2025-03-01"], "no incidents on 2025-03-01"),
    (["--date", "10/12/2024"], "not a date"),
    (["--format", "pdf"], "unknown format pdf"),
])
def test_bad_arguments_exit_2(db, tmp_path, args, message):
    r = _run(db, tmp_path / "r", *args)
    assert r.exit_code == 2
    assert message in r.output
    assert not (tmp_path / "r").exists() or not list((tmp_path / "r").iterdir())


def test_no_record_and_unprocessed_record_exit_2(record, tmp_path):
    r = _run(tmp_path / "missing.db", tmp_path / "r")
    assert r.exit_code == 2 and "no record at" in r.output
    from truce.service.ingest import ingest_jsonl
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    fresh = tmp_path / "fresh.db"
    uow = SqlUnitOfWork(sqlite_url(fresh))
    try:
        ingest_jsonl(record.parent / "observations.jsonl", uow, now=datetime.now(UTC))
    finally:
        uow.close()
    r = _run(fresh, tmp_path / "r")
    assert r.exit_code == 2 and "not been processed" in r.output


def test_rejected_incidents_are_left_out_and_counted(db, tmp_path):
    from truce.domain.kinds import CEASEFIRE_VIOLATION_KINDS
    from truce.service.review import reject, reviewed_state
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    assert _run(db, tmp_path / "before", "--format", "json").exit_code == 0
    before = json.loads((tmp_path / "before" / "report-2024-12-10.json").read_text())
    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        fire = [r for r in reviewed_state(uow, date(2024, 12, 10)).incidents
                if r["kind"] in CEASEFIRE_VIOLATION_KINDS]
        big = max(fire, key=lambda r: (r["count"], r["id"]))
        reject(uow, big["id"], analyst="test", reason="duplicate of a post's report",
               now=datetime(2024, 12, 11, 8, tzinfo=UTC))
    finally:
        uow.close()
    r = _run(db, tmp_path / "after", "--format", "json,md")
    assert r.exit_code == 0, r.output
    after = json.loads((tmp_path / "after" / "report-2024-12-10.json").read_text())
    assert after["totals"]["violations"] == before["totals"]["violations"] - big["count"]
    assert after["review"]["rejected"] == 1
    assert after["review"]["rejected_violations_excluded"] == big["count"]
    assert all(p["id"] != big["id"] for p in after["incidents"])
    region = {x["region"]: x["violations"] for x in after["regions"]}
    was = {x["region"]: x["violations"] for x in before["regions"]}
    assert region.get(big["region"], 0) == was[big["region"]] - big["count"]
    # a review changes the record's content: the report names the new head (the review entry)
    assert after["integrity"]["seq"] > before["integrity"]["seq"]
    assert after["integrity"]["head_hash"] != before["integrity"]["head_hash"]
    md = (tmp_path / "after" / "report-2024-12-10.md").read_text()
    assert f"1 rejected (left out of every figure; {big['count']:,} ceasefire violations" in md


def test_an_unwritable_out_is_one_line_exit_2(db, tmp_path):
    """--out naming a file (or any place that cannot be written) is bad input: one line naming
    --out, no traceback, nothing recorded in the ledger."""
    before = _ledger(db)
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a directory")
    r = _run(db, blocker, "--format", "json")
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    (line,) = r.output.strip().splitlines()
    assert line.startswith(f"error: --out: cannot create the directory {blocker}: ")
    assert "choose a directory you can write to" in line
    r = _run(db, blocker / "sub", "--format", "json")
    assert r.exit_code == 2 and "--out" in r.output and "Traceback" not in r.output
    assert _ledger(db) == before


def test_one_alert_is_singular(db, tmp_path, monkeypatch):
    from truce.service import report as service

    real = service.write_report

    def with_one_alert(*a, **k):
        res = real(*a, **k)
        res.model["alerts"] = [{"type": "escalation", "region": "Donetsk", "message": "up"}]
        return res

    monkeypatch.setattr(service, "write_report", with_one_alert)
    r = _run(db, tmp_path / "r", "--format", "json")
    assert r.exit_code == 0, r.output
    assert re.search(r"\), 1 alert( \(|$)", r.output.splitlines()[0])


def test_the_trend_starts_no_earlier_than_the_record(db, tmp_path):
    """Days before the record's first were not monitored: the trend leaves them out instead of
    drawing them as quiet days (and dividing the daily mean by 30)."""
    from truce.service.report import record_days
    from truce.service.review import reviewed_state
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    uow = SqlUnitOfWork(sqlite_url(db), write=False)
    try:
        first, last = record_days(reviewed_state(uow).incidents)
    finally:
        uow.close()
    r = _run(db, tmp_path / "r", "--format", "json,md")
    assert r.exit_code == 0, r.output
    model = json.loads((tmp_path / "r" / f"report-{last}.json").read_text())
    days = model["trend"]["days"]
    assert days[0] == first.isoformat() and days[-1] == last.isoformat()
    assert len(days) == (last - first).days + 1 < 30
    md = (tmp_path / "r" / f"report-{last}.md").read_text()
    assert f"| region | {len(days)}-day total |" in md
    # a shorter window than the record asked for is kept
    r = _run(db, tmp_path / "s", "--format", "json", "--trend-days", "2")
    assert json.loads((tmp_path / "s" / f"report-{last}.json").read_text())["trend"]["days"] == [
        (last - timedelta(days=1)).isoformat(), last.isoformat()]


def test_observations_ingested_after_processing_are_warned_about(record, db, tmp_path):
    from truce.service.ingest import ingest_jsonl
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    lines = (record.parent / "observations.jsonl").read_text().splitlines()[:3]
    extra = tmp_path / "late.jsonl"
    extra.write_text("".join(json.dumps({**json.loads(ln), "id": f"late-{i}"}) + "\n"
                             for i, ln in enumerate(lines)))
    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        ingest_jsonl(extra, uow, now=datetime(2024, 12, 12, tzinfo=UTC))
    finally:
        uow.close()
    r = _run(db, tmp_path / "rep", "--date", "2024-12-10", "--format", "json,md")
    assert r.exit_code == 0, r.output
    msg = "3 observations ingested after the last processing are not included; run `truce process`"
    assert f"warning: {msg}" in r.output
    model = json.loads((tmp_path / "rep" / "report-2024-12-10.json").read_text())
    assert model["unprocessed_observations"] == 3 and f"{msg}." in model["notes"]
    assert msg in (tmp_path / "rep" / "report-2024-12-10.md").read_text()
    # a date outside the processed incidents says why it may be missing
    r = _run(db, tmp_path / "rep", "--date", "2024-12-20")
    assert r.exit_code == 2 and msg in r.output


def test_an_escalation_test_that_could_not_run_is_not_no_alerts(db, tmp_path):
    # the record starts on 2024-12-08: on the 10th the escalation test has 2 days of history
    r = _run(db, tmp_path / "rep", "--date", "2024-12-10", "--format", "json,md")
    assert r.exit_code == 0, r.output
    assert "escalation and build-up tests not run" in r.output.splitlines()[0]
    model = json.loads((tmp_path / "rep" / "report-2024-12-10.json").read_text())
    esc = model["alert_tests"]["escalation"]
    assert (esc["run"], esc["history_days"], esc["needed"]) == (False, 2, 7)
    assert ("The escalation test was not run: it needs 7 days of history before the reporting "
            "period; 2 available (since 2024-12-08).") in model["alert_notes"]
    md = (tmp_path / "rep" / "report-2024-12-10.md").read_text()
    alerts = md.split("## Alerts\n", 1)[1].split("\n## ", 1)[0]
    assert "No alert test could run for 2024-12-10." in alerts
    assert "The escalation test was not run" in alerts
