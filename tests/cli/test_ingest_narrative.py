"""`truce ingest REPORT.txt`: narrative reports go into the record like JSONL, every sentence
accounted for, idempotently."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from truce.cli.main import app

REPORT = (
    "Daily report — Team 2, Donetsk region, 8 December 2024\n\n"
    "Positioned in Avdiivka, the team heard 12 undetermined explosions 3–5 km north-east "
    "between 21:14 and 21:40. It also heard 20 bursts of small-arms fire 2 km east at 22:05.\n"
    "Positioned in Atlantis, the team heard three explosions. The team then ate lunch.\n"
)


def test_narrative_ingest_is_idempotent_and_lists_unparsed_sentences(tmp_path):
    report = tmp_path / "team-02.txt"
    report.write_text(REPORT, encoding="utf-8")
    db = tmp_path / "r.db"
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(report), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "added 2, duplicates 0, rejected 2" in first.stdout
    assert "sentence 3: not parsed: unknown_place" in first.stdout
    assert "sentence 4: not parsed" in first.stdout
    second = runner.invoke(app, ["ingest", str(report), "--db", str(db)])
    assert "nothing new (2 duplicates, 2 rejected)" in second.stdout
    with sqlite3.connect(db) as c:
        kinds = [r[0] for r in c.execute("select kind from observations order by kind")]
        assert kinds == ["burst", "explosion"]
        assert c.execute("select count(*) from ledger").fetchone() == (1,)
    assert runner.invoke(app, ["verify", "--db", str(db)]).exit_code == 0


def test_unknown_suffix_exits_2(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n")
    r = CliRunner().invoke(app, ["ingest", str(f), "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 2 and "narrative report (.txt)" in r.stderr


def test_one_teams_reports_of_two_days_both_go_in(tmp_path):
    """The same sentences on another day are other observations: ids carry the report date."""
    day1, day2 = tmp_path / "d1", tmp_path / "d2"
    day1.mkdir()
    day2.mkdir()
    (day1 / "team-02.txt").write_text(REPORT, encoding="utf-8")
    (day2 / "team-02.txt").write_text(REPORT.replace("8 December", "9 December"), encoding="utf-8")
    db = tmp_path / "r.db"
    runner = CliRunner()
    for f in (day1 / "team-02.txt", day2 / "team-02.txt"):
        r = runner.invoke(app, ["ingest", str(f), "--db", str(db)])
        assert r.exit_code == 0, r.output
        assert "added 2, duplicates 0, rejected 2" in r.stdout, r.stdout
    with sqlite3.connect(db) as c:
        rows = c.execute("select obs_id, record_json from observations order by obs_id").fetchall()
    assert [r[0] for r in rows] == ["team-02-20241208-s1-1", "team-02-20241208-s2-1",
                                    "team-02-20241209-s1-1", "team-02-20241209-s2-1"]
    times = [json.loads(r[1])["time"] for r in rows]  # an interval, or an instant (a string)
    starts = [t["start"] if isinstance(t, dict) else t for t in times]
    assert [s[:10] for s in starts] == ["2024-12-08", "2024-12-08", "2024-12-09", "2024-12-09"]


def test_narrative_without_date_names_the_file(tmp_path):
    report = tmp_path / "nodate.txt"
    report.write_text("Positioned in Avdiivka, the team heard 12 explosions.\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["ingest", str(report), "--db", str(tmp_path / "r.db")])
    assert res.exit_code == 2
    assert f"{report}: date: no report date" in res.output


def test_a_report_without_a_date_is_named_and_the_other_files_still_go_in(tmp_path):
    """A draft without a date used to stop a multi-file ingest there: the files after it were
    never tried."""
    draft = tmp_path / "draft.txt"
    draft.write_text("Notes\n\nPositioned in Avdiivka, the team heard three explosions 2 km east "
                     "at 21:14.\n", encoding="utf-8")
    good = tmp_path / "team-02.txt"
    good.write_text(REPORT, encoding="utf-8")
    db = tmp_path / "r.db"
    r = CliRunner().invoke(app, ["ingest", str(draft), str(good), "--db", str(db)])
    assert r.exit_code == 2, r.output
    assert f"{draft}: date: no report date" in r.stderr and "(not ingested)" in r.stderr
    assert f"error: nothing could be read from {draft}" in r.stderr
    assert f"{good}: added 2" in r.stdout
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from observations").fetchone() == (2,)


def _process(runner, db):
    r = runner.invoke(app, ["process", "--db", str(db)])
    assert r.exit_code == 0, r.output
    exp = runner.invoke(app, ["export", "incidents", "--format", "jsonl", "--db", str(db)])
    assert exp.exit_code == 0, exp.output
    return r.stdout, sorted((i["id"], i["count"], i["date"]) for i in map(json.loads, exp.stdout.splitlines()))


def test_simulated_day_as_jsonl_and_narratives_is_fused_once(tmp_path):
    """observations.jsonl and the day's reports/ tell the same observations under other ids.  Both
    are kept in the record, and process fuses each observation once: the same incidents as the
    JSONL alone (it counted every one twice: one source's two reports at once are two things)."""
    runner = CliRunner()
    out = tmp_path / "sim"
    assert runner.invoke(app, ["simulate", "--seed", "3", "--out", str(out)]).exit_code == 0
    jsonl = out / "observations.jsonl"
    reports = sorted(str(p) for p in (out / "reports").glob("*/*.txt"))
    alone = tmp_path / "alone.db"
    assert runner.invoke(app, ["ingest", str(jsonl), "--db", str(alone)]).exit_code == 0
    _, expected = _process(runner, alone)
    both = tmp_path / "both.db"
    for files in ([str(jsonl)], reports):
        r = runner.invoke(app, ["ingest", *files, "--db", str(both)])
        assert r.exit_code == 0, r.output
    n = len(jsonl.read_text(encoding="utf-8").splitlines())
    with sqlite3.connect(both) as c:  # nothing is lost: both tellings are in the record
        stored = c.execute("select count(*) from observations").fetchone()[0]
    assert stored >= 2 * n - 5, (stored, n)
    said, got = _process(runner, both)
    assert "same observation as" in said
    twice = stored - n
    assert f"observations ({twice:,} told again under another id, fused once)" in said
    # the narratives' ids sort after the JSONL's ("-s<n>-" > "-0"), so the JSONL's are fused and
    # the incidents (ids are hashes of their observations) are the same
    assert got == expected


def test_copies_processed_without_a_change_are_not_reported_as_unprocessed(tmp_path):
    """Records that are all copies of recorded observations change no incident, so process writes
    no ledger entry; the report must still count them as processed (it warned "N observations ...
    are not included; run truce process" after every run)."""
    runner = CliRunner()
    out = tmp_path / "sim"
    assert runner.invoke(app, ["simulate", "--seed", "3", "--out", str(out)]).exit_code == 0
    db = tmp_path / "r.db"
    assert runner.invoke(app, ["ingest", str(out / "observations.jsonl"), "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["process", "--db", str(db)]).exit_code == 0
    reports = sorted(str(p) for p in (out / "reports").glob("*/*.txt"))
    assert runner.invoke(app, ["ingest", *reports, "--db", str(db)]).exit_code == 0
    pending = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "r1")])
    assert "not included; run `truce process`" in pending.output  # before processing: warned
    r = runner.invoke(app, ["process", "--db", str(db)])
    assert r.exit_code == 0 and "same observation as" in r.stdout, r.output
    rep = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "r2")])
    assert rep.exit_code == 0, rep.output
    assert "not included" not in rep.output


def test_a_quiet_days_report_is_not_an_error(tmp_path):
    """A report that gives no observation (a quiet day) is read, not "nothing could be read":
    exit 0 without --strict (daily scripts stop on errors)."""
    f = tmp_path / "op-777.txt"
    f.write_text("Daily report — Observation post 777, Donetsk region, 8 December 2024\n\n"
                 "The team recorded no ceasefire violations.\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["ingest", str(f), "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 0, r.output
    assert "nothing could be read" not in r.output


def test_a_report_that_is_not_utf8_is_read_with_a_warning(tmp_path):
    f = tmp_path / "team-02.txt"
    f.write_bytes(REPORT.replace("Atlantis", "Atl\xe2ntis").encode("latin-1", errors="replace"))
    r = CliRunner().invoke(app, ["ingest", str(f), "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 0, r.output
    assert f"warning: {f}: not UTF-8 text (byte" in r.stderr
    assert "added 2" in r.stdout
