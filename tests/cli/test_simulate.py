"""``truce simulate`` as a user runs it: outputs, reproducibility, schedules and bad arguments."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from truce.cli.main import app
from truce.errors import ValidationError
from truce.sim.scenario import parse_schedule

runner = CliRunner()
BASE = ["simulate", "--agreement", "ukraine-2024-12-07", "--start", "2024-12-08", "--days", "1",
        "--scale", "0.3"]


def _files(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_simulate_writes_everything_and_is_reproducible(tmp_path):
    r1 = runner.invoke(app, [*BASE, "--seed", "4", "--out", str(tmp_path / "a")])
    assert r1.exit_code == 0, r1.output
    r2 = runner.invoke(app, [*BASE, "--seed", "4", "--out", str(tmp_path / "b")])
    assert r2.exit_code == 0, r2.output
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b
    assert {"truth.jsonl", "observations.jsonl", "truth_links.jsonl", "scenario.yaml"} <= set(a)
    assert any(k.startswith("reports/2024-12-08/") and k.endswith(".txt") for k in a)
    assert "observations" in r1.stdout and "naive tally" in r1.stdout
    assert "truth.jsonl" in r1.stdout


def test_no_reports_and_replay_from_scenario_yaml(tmp_path):
    r = runner.invoke(app, [*BASE, "--seed", "4", "--out", str(tmp_path / "a"), "--no-reports"])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "a" / "reports").exists()
    first = json.loads((tmp_path / "a" / "observations.jsonl").read_text("utf-8").split("\n", 1)[0])
    assert "text" not in first
    r = runner.invoke(app, ["simulate", "--scenario", str(tmp_path / "a" / "scenario.yaml"),
                            "--out", str(tmp_path / "b"), "--no-reports"])
    assert r.exit_code == 0, r.output
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_schedule_and_buildup(tmp_path):
    r = runner.invoke(app, ["simulate", "--seed", "2", "--out", str(tmp_path), "--scale", "0.2",
                            "--schedule", "quiet,escalation*2", "--buildup-from", "2", "--no-reports"])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "scenario.yaml").read_text("utf-8")
    assert "- quiet\n- escalation\n- escalation\n" in text and "start_day: 1" in text


@pytest.mark.parametrize("args, needle", [
    (["--days", "-1", "--seed", "1"], "--days"),
    (["--days", "0", "--seed", "1"], "--days"),
    (["--intensity", "furious", "--seed", "1"], "--intensity"),
    (["--days", "1"], "--seed"),
    (["--seed", "1", "--scale", "0"], "scale"),
    (["--seed", "1", "--schedule", "typical*2,???"], "schedule"),
    (["--seed", "1", "--agreement", "atlantis"], "atlantis"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path, args, needle):
    r = runner.invoke(app, ["simulate", "--out", str(tmp_path), *args])
    assert r.exit_code == 2, r.output
    assert needle in r.output
    assert "Traceback" not in r.output


def test_parse_schedule():
    assert parse_schedule("quiet*2, escalation x2,typical") == ("quiet", "quiet", "escalation",
                                                               "escalation", "typical")
    with pytest.raises(ValidationError):
        parse_schedule("quiet*")
