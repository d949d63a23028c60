"""``truce gazetteer`` as a user runs it: exit codes, messages, output formats."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from truce.cli.gazetteer import app

from .conftest import DATA

runner = CliRunner()


@pytest.fixture
def env(tmp_path):
    return {"TRUCE_HOME": str(tmp_path / "home")}


def _csv(tmp_path, text, name="mine.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_reports_counts_and_rejected_rows(tmp_path, env):
    path = _csv(
        tmp_path, "name,lat,lon,admin1\nZaitseve,48.40087,38.02643,Donetsk\nBad,x,1,Donetsk\n"
    )
    r = runner.invoke(app, ["import", str(path)], env=env)
    assert r.exit_code == 0, r.output
    assert "imported mine: 1 place(s)" in r.stdout
    assert "1 row(s) rejected" in r.stderr
    assert f"{path}:3: latitude 'x' is not a number" in r.stderr
    r = runner.invoke(app, ["import", str(path)], env=env)
    assert r.exit_code == 0 and "replaced mine" in r.stdout


def test_import_geonames_with_format_and_name(env):
    r = runner.invoke(
        app, ["import", str(DATA / "UA.txt"), "--format", "geonames", "--name", "ua"], env=env
    )
    assert r.exit_code == 0, r.output
    assert "imported ua: 4 place(s)" in r.stdout and "3 row(s) rejected" in r.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name,lat,lon\nA,x,1\n",
            "no valid row (1 rejected: line 2: latitude 'x' is not a number)",
        ),
        ("just,a,header\n", "header must name the columns name, lat and lon"),
    ],
)
def test_import_without_a_valid_row_exits_2(tmp_path, env, text, message):
    r = runner.invoke(app, ["import", str(_csv(tmp_path, text))], env=env)
    assert r.exit_code == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0], r.stderr


def test_import_unreadable_file_exits_2(tmp_path, env):
    r = runner.invoke(app, ["import", str(tmp_path / "missing.csv")], env=env)
    assert r.exit_code == 2 and "cannot read" in r.stderr
    r = runner.invoke(app, ["import", str(DATA / "UA.txt"), "--format", "xml"], env=env)
    assert r.exit_code == 2 and "--format must be one of auto, geonames, csv" in r.stderr


def test_lookup_json_with_near(env):
    r = runner.invoke(
        app, ["lookup", "Debal'tseve", "--near", "48.3,38.4", "--format", "json"], env=env
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["name"], x["admin1"], x["match"]) for x in rows] == [
        ("Debaltseve", "Donetsk", "name"),
        ("Debaltseve", "Dnipropetrovsk", "name"),
    ]
    assert rows[0]["distance_km"] == pytest.approx(4.0, abs=0.1)


def test_lookup_table_finds_an_import(tmp_path, env):
    path = _csv(
        tmp_path, "name,lat,lon,admin1,alt_names\nZvytiazhne,47.6305,37.8428,Donetsk,Petrivske\n"
    )
    assert runner.invoke(app, ["import", str(path)], env=env).exit_code == 0
    r = runner.invoke(
        app, ["lookup", "Petrivske", "--admin1", "Donetsk Oblast", "--limit", "1"], env=env
    )
    assert r.exit_code == 0, r.output
    assert "Zvytiazhne" in r.stdout and "alt" in r.stdout


def test_lookup_not_found_exits_2_with_suggestions(env):
    r = runner.invoke(app, ["lookup", "Horlivkaa"], env=env)
    assert r.exit_code == 2
    assert (
        r.stderr.startswith("error: no place named 'Horlivkaa'")
        and "Horlivka (Donetsk)" in r.stderr
    )
    r = runner.invoke(app, ["lookup", "Horlivka", "--near", "48.3"], env=env)
    assert r.exit_code == 2 and "--near must be LAT,LON" in r.stderr


def test_list_and_remove(tmp_path, env):
    path = _csv(tmp_path, "name,lat,lon\nA,48.0,38.0\nB,48.1,38.1\n", name="two.csv")
    runner.invoke(app, ["import", str(path)], env=env)
    r = runner.invoke(app, ["list", "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    assert [(x["name"], x["places"]) for x in json.loads(r.stdout)] == [
        ("starter", 5488),
        ("two", 2),
    ]
    r = runner.invoke(app, ["remove", "two"], env=env)
    assert r.exit_code == 0 and "removed two" in r.stdout
    r = runner.invoke(app, ["remove", "two"], env=env)
    assert r.exit_code == 2 and "no imported gazetteer named 'two'" in r.stderr


@pytest.mark.parametrize("command", ["import", "lookup", "list", "remove"])
def test_every_command_has_an_example(command):
    r = runner.invoke(app, [command, "--help"])
    assert r.exit_code == 0 and "Example:" in r.stdout


def test_removing_the_starter_says_it_cannot_be_removed(env):
    r = runner.invoke(app, ["remove", "starter"], env=env)
    assert r.exit_code == 2
    assert "the built-in starter gazetteer cannot be removed" in r.stderr
    assert "--name" not in r.stderr  # remove has no --name option
    r = runner.invoke(app, ["remove", "bad name!"], env=env)
    assert r.exit_code == 2 and "--name" not in r.stderr
