"""``truce ingest`` and ``truce verify`` as a user runs them."""

from __future__ import annotations

import json
import sqlite3

import pytest
import typer
from typer.testing import CliRunner

from truce.cli import record

app = typer.Typer()
app.command("ingest")(record.ingest_cmd)
app.command("verify")(record.verify_cmd)
runner = CliRunner()


def _obs(i: int, **over) -> str:
    rec = {"id": f"p1-{i}", "source": {"kind": "patrol", "id": "p1"},
           "time": {"start": "2024-12-08T01:00:00+02:00", "end": "2024-12-08T01:20:00+02:00"},
           "kind": "burst", "detail": "small_arms", "count": 2, "direction": "SE",
           "observer": {"lat": 48.01, "lon": 37.8}, "text": "Two bursts of small-arms fire."}
    rec.update(over)
    return json.dumps(rec)


@pytest.fixture
def obs_file(tmp_path):
    f = tmp_path / "obs.jsonl"
    f.write_text("\n".join([_obs(1), _obs(2), "{oops", _obs(3, kind="artillery"), _obs(4)]) + "\n")
    return f


def test_ingest_twice_then_verify(tmp_path, obs_file):
    db = tmp_path / "r.db"
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "added 3, duplicates 0, rejected 2; ledger entry 1" in r.stdout
    assert "obs.jsonl: line 3: malformed JSON" in r.stdout
    assert "obs.jsonl: line 4: kind: must be one of" in r.stdout
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "nothing new (3 duplicates, 2 rejected)" in r.stdout
    r = runner.invoke(app, ["verify", "--db", str(db)])
    assert r.exit_code == 0, r.output
    with sqlite3.connect(db) as c:
        head = c.execute("select entry_hash from ledger order by seq desc limit 1").fetchone()[0]
    assert f"head {head}" in r.stdout and "1 ledger entry, 3 rows" in r.stdout


def test_db_from_environment(tmp_path, obs_file, monkeypatch):
    monkeypatch.setenv("TRUCE_DB", str(tmp_path / "env.db"))
    assert runner.invoke(app, ["ingest", str(obs_file)]).exit_code == 0
    assert (tmp_path / "env.db").is_file()
    assert runner.invoke(app, ["verify"]).exit_code == 0


def test_verify_names_the_changed_row(tmp_path, obs_file):
    db = tmp_path / "r.db"
    runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)])
    with sqlite3.connect(db) as c:
        c.execute("update observations set record_json = replace(record_json, 'Two', 'Tw0') "
                  "where obs_id = 'p1-2'")
    r = runner.invoke(app, ["verify", "--db", str(db)])
    assert r.exit_code == 1
    assert "ledger entry 1 (observations p1/p1-2)" in r.output


def test_many_rejected_lines_are_capped(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text("{x\n" * 25 + _obs(1) + "\n")
    r = runner.invoke(app, ["ingest", str(f), "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 0
    assert "line 20: malformed" in r.stdout and "line 21:" not in r.stdout
    assert "... and 5 more rejected lines" in r.stdout


def test_unsupported_and_missing_files_and_record(tmp_path):
    other = tmp_path / "report.pdf"
    other.write_text("The SMM recorded 12 explosions.")
    r = runner.invoke(app, ["ingest", str(other), "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 2 and "narrative report (.txt)" in r.output
    assert not (tmp_path / "r.db").exists()
    assert runner.invoke(app, ["ingest", str(tmp_path / "nope.jsonl")]).exit_code == 2
    r = runner.invoke(app, ["verify", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 2 and "no record at" in r.output


@pytest.mark.parametrize("cmd", ["ingest", "verify"])
def test_help_has_an_example(cmd):
    r = runner.invoke(app, [cmd, "--help"])
    assert r.exit_code == 0 and "Example:" in r.stdout


def test_verify_fast_skips_column_check(tmp_path, obs_file):
    db = tmp_path / "r.db"
    runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)])
    with sqlite3.connect(db) as c:
        c.execute("update observations set t_start = t_start + 3600 where obs_id = 'p1-1'")
    assert runner.invoke(app, ["verify", "--db", str(db), "--fast"]).exit_code == 0
    r = runner.invoke(app, ["verify", "--db", str(db)])
    assert r.exit_code == 1 and "(observations p1/p1-1): parsed columns" in r.output
    assert "(t_start)" in r.output


def test_a_file_that_is_not_a_record_fails_in_one_line(tmp_path, obs_file):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database, " * 20)
    for args in (["verify", "--db", str(bad)], ["ingest", str(obs_file), "--db", str(bad)]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2  # a user mistake: bad input, the same for every command
        assert r.stderr.strip() == (f"error: --db: {bad} is not a SQLite database, so not a "
                                    "truce record: give a record, or the name of a new file")


def test_a_record_from_a_newer_schema_is_refused(tmp_path, obs_file):
    db = tmp_path / "r.db"
    runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)])
    with sqlite3.connect(db) as c:
        c.execute("update alembic_version set version_num = '9999'")
    r = runner.invoke(app, ["verify", "--db", str(db)])
    assert r.exit_code == 1 and "cannot migrate the record's schema" in r.output


def test_a_bad_report_date_names_the_option_once(tmp_path):
    f = tmp_path / "op-001.txt"
    f.write_text("The SMM heard one explosion.\n", "utf-8")
    r = runner.invoke(app, ["ingest", str(f), "--date", "8 Dec", "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 2
    assert r.stderr.strip() == "error: --date: must be YYYY-MM-DD, got '8 Dec'"


def test_a_bad_tz_names_the_option(tmp_path):
    f = tmp_path / "op-001.txt"
    f.write_text("The SMM heard one explosion.\n", "utf-8")
    r = runner.invoke(app, ["ingest", str(f), "--tz", "CET", "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 2
    assert r.stderr.strip() == ("error: --tz: time zone must be an offset such as +02:00, "
                                "got 'CET'")


def test_a_directory_or_an_unknown_database_as_db_is_bad_input(tmp_path, obs_file):
    r = runner.invoke(app, ["verify", "--db", str(tmp_path)])
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"error: --db: {tmp_path} is a directory, not a record: give "
                                f"the record's file (e.g. {tmp_path / 'truce.db'})")
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", str(tmp_path)])
    assert r.exit_code == 2 and "is a directory" in r.stderr
    r = runner.invoke(app, ["verify", "--db", "mysql://host/db"])
    assert r.exit_code == 2
    assert r.stderr.strip().startswith("error: unsupported database 'mysql' in --db")


# ------------------------------------------------------------------ bad input never crashes (qa2)

def _write(path, *lines: str, prefix: bytes = b"") -> str:
    path.write_bytes(prefix + ("\n".join(lines) + "\n").encode("utf-8"))
    return str(path)


def test_a_huge_count_is_one_rejected_line_and_the_rest_goes_in(tmp_path):
    """A count of 2**63 crashed ingest (OverflowError) and lost the whole file."""
    f = _write(tmp_path / "c.jsonl", _obs(1, count=2**63), _obs(2))
    r = runner.invoke(app, ["ingest", f, "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 0, r.output
    assert "added 1, duplicates 0, rejected 1" in r.stdout
    assert f"{f}: line 1: count: {2**63} is more than 100,000" in r.stdout


def test_a_narrative_with_a_huge_count_names_the_sentence(tmp_path):
    f = tmp_path / "op-002.txt"
    f.write_text("Daily report — Observation post 2, Donetsk region, 8 December 2024\n\n"
                 "Positioned in Avdiivka, the team heard 99999999999999999999 undetermined "
                 "explosions 3 km north-east at 21:14.\n", "utf-8")
    r = runner.invoke(app, ["ingest", str(f), "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 0, r.output  # a report that gives no observation is read (listed)
    # the parser's own bound names it first (intake's bound, "count: ... is more than 100,000",
    # would reject the record if a parser let it through)
    assert "sentence 1: not parsed: implausible_count: 99999999999999999999" in r.stdout
    assert "Traceback" not in r.output


def test_a_utf8_bom_does_not_lose_the_first_record(tmp_path):
    f = _write(tmp_path / "bom.jsonl", _obs(1), _obs(2), prefix=b"\xef\xbb\xbf")
    db = tmp_path / "r.db"
    r = runner.invoke(app, ["ingest", f, "--db", str(db)])
    assert r.exit_code == 0 and "added 2, duplicates 0, rejected 0" in r.stdout, r.output
    with sqlite3.connect(db) as c:  # stored without the BOM, so it verifies
        assert c.execute("select min(record_json) from observations").fetchone()[0][0] == "{"
    assert runner.invoke(app, ["verify", "--db", str(db)]).exit_code == 0


def test_a_utf16_file_gets_one_reason_and_exit_2_after_the_other_files(tmp_path):
    u16 = tmp_path / "u16.jsonl"
    u16.write_bytes(("\n".join([_obs(1), _obs(2), _obs(3)]) + "\n").encode("utf-16"))
    good = _write(tmp_path / "good.jsonl", _obs(4))
    r = runner.invoke(app, ["ingest", str(u16), good, "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 2
    assert f"{u16}: nothing new (0 duplicates, 1 rejected)" in r.stdout
    assert "line 1: the file is not UTF-8: it looks like UTF-16" in r.stdout
    assert f"{good}: added 1" in r.stdout  # the file after it still went in
    assert r.stderr.strip().startswith(f"error: nothing could be read from {u16}")


def test_all_lines_rejected_exits_2_some_rejected_exits_0_and_strict_3(tmp_path):
    bad = _write(tmp_path / "bad.jsonl", "{oops", _obs(1, kind="artillery"))
    mixed = _write(tmp_path / "mixed.jsonl", "{oops", _obs(2))
    db = str(tmp_path / "r.db")
    assert runner.invoke(app, ["ingest", bad, "--db", db]).exit_code == 2
    assert runner.invoke(app, ["ingest", mixed, "--db", db]).exit_code == 0
    r = runner.invoke(app, ["ingest", mixed, "--db", db, "--strict"])
    assert r.exit_code == 3 and "1 line(s) or sentence(s) rejected" in r.stderr
    ok = _write(tmp_path / "ok.jsonl", _obs(3))
    assert runner.invoke(app, ["ingest", ok, "--db", db, "--strict"]).exit_code == 0


def test_per_line_messages_name_the_path_as_typed(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        _write(tmp_path / d / "x.jsonl", "{oops", _obs(1, id=f"{d}-1"))
    r = runner.invoke(app, ["ingest", str(tmp_path / "a" / "x.jsonl"),
                            str(tmp_path / "b" / "x.jsonl"), "--db", str(tmp_path / "r.db")])
    assert f"  {tmp_path / 'a' / 'x.jsonl'}: line 1: malformed JSON" in r.stdout
    assert f"  {tmp_path / 'b' / 'x.jsonl'}: line 1: malformed JSON" in r.stdout


def test_db_mistakes_are_bad_input(tmp_path, obs_file, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", ""])
    assert r.exit_code == 2 and "--db: must not be empty" in r.stderr
    assert not (tmp_path / "truce.db").exists()
    missing = tmp_path / "nope" / "x.db"
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", str(missing)])
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"error: --db: cannot put a record at {missing}: the directory "
                                f"{missing.parent} does not exist")
    r = runner.invoke(app, ["verify", "--db", str(missing)])
    assert r.exit_code == 2 and f"no record at {missing}" in r.stderr


def test_a_read_only_record_verifies_and_refuses_writes_clearly(tmp_path, obs_file, monkeypatch):
    db = tmp_path / "r.db"
    assert runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)]).exit_code == 0
    monkeypatch.setattr(record, "_writable", lambda p: False)  # as on a read-only mount
    r = runner.invoke(app, ["verify", "--db", str(db)])
    assert r.exit_code == 0 and "record intact" in r.stdout, r.output
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)])
    assert r.exit_code == 2 and f"the record at {db} is read-only" in r.stderr
    new = tmp_path / "new.db"
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", str(new)])
    assert r.exit_code == 2
    assert f"cannot create a record at {new}: the directory {tmp_path} is read-only" in r.stderr


def test_an_unexpected_error_is_one_line_not_a_traceback(tmp_path, obs_file, monkeypatch):
    from truce.service import ingest

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(ingest, "ingest_jsonl", boom)
    r = runner.invoke(app, ["ingest", str(obs_file), "--db", str(tmp_path / "r.db")])
    assert r.exit_code == 1
    assert r.stderr.strip().startswith("error: internal error while ingesting (RuntimeError: boom)")
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output


def test_verify_accepts_a_count_an_older_version_stored_through_a_float(tmp_path, monkeypatch):
    """Before the intake bounds, a record taking the full validator stored ``int(float(count))``
    (2^53 + 1 became 2^53); verify now derives the count exactly and must not call that row
    tampered - while any other difference still is."""
    import truce.service.ingest as ingest_mod
    from truce.service.intake import parse_line

    monkeypatch.setattr(ingest_mod, "parse_line", lambda line, seq: parse_line(line, seq, strict=False))
    big = 2**53 + 1
    f = tmp_path / "old.jsonl"
    f.write_text(_obs(1, count=big, location={"lat": 48.0, "lon": 37.9, "sigma_m": 500}) + "\n")
    db = tmp_path / "r.db"
    assert runner.invoke(app, ["ingest", str(f), "--db", str(db)]).exit_code == 0
    monkeypatch.undo()
    for stored, ok in ((int(float(big)), True), (big - 7, False)):
        with sqlite3.connect(db) as c:
            c.execute("update observations set count = ?", (stored,))
        r = runner.invoke(app, ["verify", "--db", str(db)])
        assert (r.exit_code == 0) == ok, r.output


def test_a_read_only_record_with_an_unmerged_log_is_refused_not_checked_stale(tmp_path, obs_file,
                                                                           monkeypatch):
    """Read-only opens skip the write-ahead log (immutable=1): with a log beside the file, verify
    would check an older state and could call a changed record intact."""
    db = tmp_path / "r.db"
    assert runner.invoke(app, ["ingest", str(obs_file), "--db", str(db)]).exit_code == 0
    (tmp_path / "r.db-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 28)  # a log's header
    monkeypatch.setattr(record, "_writable", lambda p: False)
    r = runner.invoke(app, ["verify", "--db", str(db)])
    assert r.exit_code == 2, r.output
    assert "write-ahead log (r.db-wal) that is not merged" in r.stderr
    (tmp_path / "r.db-wal").write_bytes(b"")  # an empty log holds nothing: read as before
    assert runner.invoke(app, ["verify", "--db", str(db)]).exit_code == 0
