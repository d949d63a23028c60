"""``truce review ...`` on a small hand-made record (two posts, three incidents)."""

from __future__ import annotations

import json
import sqlite3

import pytest
import typer
from typer.testing import CliRunner

from tests.unit.review.conftest import HAND, JOINT, NORTH, SOUTH, build, write_jsonl
from truce.cli import review

app = typer.Typer()
app.add_typer(review.app, name="review")
runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    monkeypatch.delenv("TRUCE_ANALYST", raising=False)
    path = tmp_path / "r.db"
    u = SqlUnitOfWork(sqlite_url(path))
    try:
        build(u, write_jsonl(tmp_path / "hand.jsonl", HAND))
    finally:
        u.close()
    return path


def run(db, *args, env=None):
    return runner.invoke(app, ["review", *args, "--db", str(db)], env=env)


def _ids(db) -> dict[tuple[str, ...], str]:
    r = run(db, "list", "--format", "json")
    assert r.exit_code == 0, r.output
    return {tuple(i["observation_ids"]): i["id"] for i in json.loads(r.stdout)["incidents"]}


def _head(db) -> tuple[int, str]:
    with sqlite3.connect(db) as c:
        return c.execute("select seq, entry_hash from ledger order by seq desc limit 1").fetchone()


def test_list_shows_every_incident_unreviewed(db):
    ids = _ids(db)
    r = run(db, "list")
    assert r.exit_code == 0, r.output
    assert "3 incidents" in r.stdout
    for inc in ids.values():
        assert inc in r.stdout
    assert r.stdout.count("unreviewed") == 3


def test_confirm_prints_the_change_and_the_new_head(db):
    inc = _ids(db)[JOINT]
    r = run(db, "confirm", inc, "--analyst", "kim", "--reason", "crater seen")
    assert r.exit_code == 0, r.output
    seq, head = _head(db)
    assert r.stdout.splitlines() == [
        f"incident {inc}: unreviewed -> confirmed",
        f"review rev-{seq} by kim; ledger entry {seq}, head {head}"]
    r = run(db, "list", "--status", "confirmed")
    assert "1 incidents" in r.stdout and inc in r.stdout


def test_analyst_comes_from_the_environment(db):
    inc = _ids(db)[NORTH]
    r = run(db, "reject", inc, "--reason", "blasting", env={"TRUCE_ANALYST": "lee"})
    assert r.exit_code == 0, r.output
    assert "by lee;" in r.stdout
    r = run(db, "list", "--status", "rejected", "--format", "json")
    assert [i["id"] for i in json.loads(r.stdout)["incidents"]] == [inc]


@pytest.mark.parametrize("args,msg", [
    (["confirm", "{JOINT}", "--reason", "x"], "an analyst is required"),
    (["confirm", "{JOINT}", "--analyst", "kim"], "a reason is required"),
    (["confirm", "inc-0000000000000000", "--analyst", "kim", "--reason", "x"],
     "unknown incident inc-0000000000000000"),
    (["merge", "{JOINT}", "--analyst", "kim", "--reason", "x"], "at least two different"),
    (["split", "{JOINT}", "--group", "op-a/op-a-2", "--analyst", "kim", "--reason", "x"],
     "op-a/op-a-2 is not in incident"),
    (["correct", "op-a/op-a-1", "--set", "count", "--analyst", "kim", "--reason", "x"],
     "expected FIELD=VALUE"),
    (["correct", "op-a/op-a-1", "--set", "count=0", "--analyst", "kim", "--reason", "x"],
     "count: must be an integer >= 1"),
    (["list", "--status", "maybe"], "must be one of unreviewed, confirmed, rejected"),
    (["list", "--date", "8 Dec"], "must be YYYY-MM-DD"),
    (["show", "inc-0000000000000000"], "not in the reviewed state"),
])
def test_bad_input_is_one_line_and_exit_2(db, args, msg):
    joint = _ids(db)[JOINT]
    n = _head(db)[0]
    r = run(db, *[a.replace("{JOINT}", joint) for a in args])
    assert r.exit_code == 2, r.output
    assert msg in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert _head(db)[0] == n  # nothing written


def test_no_record_is_exit_2(tmp_path):
    r = runner.invoke(app, ["review", "list", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 2 and "no record at" in r.stderr


def test_merge_and_split_print_the_new_incidents(db):
    ids = _ids(db)
    r = run(db, "merge", ids[NORTH], ids[SOUTH], "--analyst", "kim", "--reason", "one fire")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    new = lines[0].split(" merged into ")[1].split()[0]
    assert lines[0] == (f"incidents {ids[NORTH]}, {ids[SOUTH]} merged into {new} "
                        f"(2 observations)")
    assert lines[1].startswith(f"  {new}: explosion x13 at ")
    assert lines[1].endswith("2 observations")
    r = run(db, "split", ids[JOINT], "--group", "op-a/op-a-1", "--analyst", "kim", "--reason",
            "two fires")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0].startswith(f"incident {ids[JOINT]} split into inc-")
    after = _ids(db)
    assert set(after) == {("op-a/op-a-1",), ("op-b/op-b-1",), tuple(sorted(NORTH + SOUTH))}


def test_correct_parses_values_and_keeps_the_record(db):
    with sqlite3.connect(db) as c:
        before = c.execute("select record_json from observations where obs_id = 'op-b-2'"
                           ).fetchone()[0]
    r = run(db, "correct", "op-b/op-b-2", "--set", "count=30", "--set", "distance_km=[2, 3]",
            "--set", "direction=SE", "--analyst", "kim", "--reason", "log re-read")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:3] == ["observation op-b/op-b-2: count 12 -> 30",
                                         "observation op-b/op-b-2: distance_km [5, 6] -> [2, 3]",
                                         'observation op-b/op-b-2: direction "S" -> "SE"']
    with sqlite3.connect(db) as c:
        after = c.execute("select record_json from observations where obs_id = 'op-b-2'"
                          ).fetchone()[0]
        rec = json.loads(c.execute("select record_json from reviews").fetchone()[0])
    assert after == before
    assert rec["set"] == {"count": 30, "distance_km": [2, 3], "direction": "SE"}


def test_history_and_show(db):
    ids = _ids(db)
    run(db, "confirm", ids[JOINT], "--analyst", "kim", "--reason", "crater seen")
    run(db, "reject", ids[NORTH], "--analyst", "lee", "--reason", "blasting")
    r = run(db, "history")
    assert r.exit_code == 0, r.output
    assert "2 reviews" in r.stdout and "crater seen" in r.stdout and "blasting" in r.stdout
    r = run(db, "history", "--format", "json")
    hist = json.loads(r.stdout)
    assert [(h["action"], h["target"]["key"], h["analyst"]) for h in hist] == [
        ("confirm", ids[JOINT], "kim"), ("reject", ids[NORTH], "lee")]
    r = run(db, "show", ids[JOINT])
    assert r.exit_code == 0, r.output
    shown = json.loads(r.stdout)
    assert shown["incident"]["review"] == {"status": "confirmed", "by": [hist[0]["id"]]}
    assert [h["id"] for h in shown["reviews"]] == [hist[0]["id"]]
    assert [v["subject"]["id"] for v in shown["violations"]] == [ids[JOINT]]


def test_every_review_command_has_an_example():
    cmd = typer.main.get_command(app)
    group = cmd.commands["review"]
    assert set(group.commands) == {"list", "show", "confirm", "reject", "merge", "split",
                                   "correct", "history"}
    for name, c in group.commands.items():
        assert "Example: `truce review " + name in (c.help or ""), name


@pytest.mark.parametrize("args,line", [
    (["confirm", "{JOINT}", "--reason", "x"],
     "error: --analyst: an analyst is required (--analyst or $TRUCE_ANALYST)"),
    (["confirm", "{JOINT}", "--analyst", "kim", "--reason", "  "],
     "error: --reason: a reason is required (say why, e.g. --reason 'crater seen')"),
    (["reject", "inc-0000000000000000", "--analyst", "kim", "--reason", "x"],
     "error: unknown incident inc-0000000000000000 (`truce review list` shows the incidents)"),
    (["show", "inc-0000000000000000"],
     ("error: incident inc-0000000000000000 is not in the reviewed state (`truce review list` "
      "shows the incidents)")),
])
def test_errors_name_the_option_and_the_way_out(db, args, line):
    """The message names the option to fix (not a bare field name) and says how to find ids;
    the incident id is not repeated as a prefix."""
    joint = _ids(db)[JOINT]
    r = run(db, *[a.replace("{JOINT}", joint) for a in args])
    assert r.exit_code == 2, r.output
    assert r.stderr.strip() == line


def test_a_merged_incident_is_named_by_what_replaced_it(db):
    ids = _ids(db)
    r = run(db, "merge", ids[NORTH], ids[SOUTH], "--analyst", "kim", "--reason", "one fire")
    assert r.exit_code == 0, r.output
    new = r.stdout.splitlines()[0].split(" merged into ")[1].split()[0]
    rev = f"rev-{_head(db)[0]}"
    r = run(db, "show", ids[NORTH])
    assert r.exit_code == 2
    assert r.stderr.strip() == f"error: incident {ids[NORTH]} was merged into {new} by {rev}; " \
                               "show that one"
    r = run(db, "confirm", ids[SOUTH], "--analyst", "kim", "--reason", "x")
    assert r.exit_code == 2
    assert r.stderr.strip() == (f"error: incident {ids[SOUTH]} was merged into {new} by {rev}; "
                                "review the incident that replaced it")


def test_a_split_part_of_one_observation_is_singular(db):
    ids = _ids(db)
    r = run(db, "split", ids[JOINT], "--group", "op-a/op-a-1", "--analyst", "kim", "--reason",
            "two fires")
    assert r.exit_code == 0, r.output
    parts = [x for x in r.stdout.splitlines() if x.startswith("  inc-")]
    assert len(parts) == 2
    assert all(x.endswith(", 1 observation") for x in parts), parts
    r = run(db, "show", ids[JOINT])
    assert r.exit_code == 2 and f"incident {ids[JOINT]} was split into inc-" in r.stderr


def test_list_gives_the_utc_start_with_its_day(db):
    """Beside the local date, the UTC start carries its own day (a bare time misreads across
    midnight)."""
    r = run(db, "list")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[1].split()[:4] == ["incident", "date", "start", "(UTC)"]
    joint = _ids(db)[JOINT]
    (row,) = [x for x in lines if x.startswith(joint)]
    assert row.split()[1:4] == ["2024-12-08", "12-08", "08:00"]


@pytest.mark.parametrize("args,line", [
    (["correct", "op-a/op-a-1", "--set", "count=abc"],
     'error: --set count: must be an integer >= 1 (got "abc")'),
    (["correct", "op-a/op-a-1", "--set", "direction=XYZ"],
     ('error: --set direction: must be a 16-point compass direction (N, NNE, ... NNW) '
      '(got "XYZ")')),
    (["correct", "op-a/op-a-1", "--set", "count=99999999999999999999"],  # crashed `process`
     ("error: --set count: 99999999999999999999 is more than 100,000 (the most one observation "
      "may report; split the record, or check for a typo)")),
    (["correct", "op-a/op-a-1", "--set", "time=0001-01-01T00:00:00+02:00"],
     ("error: --set time: '0001-01-01T00:00:00+02:00' is out of the supported range (from "
      "1990-01-01 to 2100-01-01, UTC)")),
    (["correct", "op-a/op-a-1", "--set", 'heard_only="false"'],
     "error: --set heard_only: must be a JSON boolean (true or false), got 'false'"),
    (["correct", "op-x/op-x-9", "--set", "count=2"],
     ("error: unknown observation op-x/op-x-9 (`truce review show INCIDENT` lists an "
      "incident's observations)")),
    (["correct", "op-a-1", "--set", "count=2"],
     ("error: 'op-a-1' is not an observation: write SOURCE/ID as `truce review show "
      "INCIDENT` lists them, e.g. op-012/op-012-20241208-0003")),
])
def test_a_bad_correction_names_the_set_option_and_the_value(db, args, line):
    r = run(db, *args, "--analyst", "kim", "--reason", "x")
    assert r.exit_code == 2, r.output
    assert r.stderr.strip() == line
