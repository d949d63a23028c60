"""Local dates through the CLI: an incident is reported under the day of its first precise report,
or of the end of its window when all its reports are vague (docs/fusion.md)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from truce.cli.main import app

runner = CliRunner()


def _processed(tmp_path, start: str, end: str):
    """A record holding one processed observation of op-009 with the window [start, end]."""
    rec = {"id": "x-1", "source": {"kind": "post", "id": "op-009"}, "kind": "explosion",
           "detail": "undetermined", "count": 4, "direction": "E",
           "observer": {"lat": 47.54958, "lon": 35.39602}, "time": {"start": start, "end": end}}
    f = tmp_path / "obs.jsonl"
    f.write_text(json.dumps(rec) + "\n")
    db = tmp_path / "r.db"
    r = runner.invoke(app, ["ingest", str(f), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["process", "--db", str(db)]).exit_code == 0
    return db


def test_export_and_review_list_of_a_day_find_an_incident_dated_by_the_end_of_its_window(tmp_path):
    """A vague-only incident is reported under the day its window ends on; a per-day export and
    review list looked only at incidents starting within a day of it (the report counted it)."""
    db = _processed(tmp_path, "2024-12-08T09:00:00+02:00", "2024-12-10T06:00:00+02:00")
    out = runner.invoke(app, ["export", "incidents", "--format", "jsonl", "--date", "2024-12-10",
                              "--db", str(db)])
    assert out.exit_code == 0, out.output
    got = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(i["date"], i["observation_ids"]) for i in got] == [("2024-12-10", ["op-009/x-1"])]
    listed = runner.invoke(app, ["review", "list", "--date", "2024-12-10", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    assert got[0]["id"] in listed.stdout


def test_reading_commands_all_open_a_read_only_record(tmp_path, monkeypatch):
    """verify and export opened a read-only record read-only, but review list refused it (it
    asked for a writable one): every reading command now opens records the same way."""
    from truce.cli import record

    db = _processed(tmp_path, "2024-12-09T21:00:00+02:00", "2024-12-09T21:05:00+02:00")
    monkeypatch.setattr(record, "_writable", lambda p: False)  # as on a read-only mount
    for cmd in (["verify"], ["export", "incidents"], ["review", "list"]):
        r = runner.invoke(app, [*cmd, "--db", str(db)])
        assert r.exit_code == 0, (cmd, r.output)
    r = runner.invoke(app, ["process", "--db", str(db)])
    assert r.exit_code == 2 and "read-only" in r.output
