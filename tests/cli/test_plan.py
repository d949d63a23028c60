"""``truce plan`` as a user runs it (through a throwaway app until the lead wires it in main)."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from truce.cli.plan import plan_cmd

app = typer.Typer()
app.command()(plan_cmd)
runner = CliRunner()


def test_plan_writes_json_geojson_and_map(tmp_path):
    r = runner.invoke(app, ["--agreement", "minsk-2015", "--preset", "osce",
                            "--nations", "France:60,Germany:40", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "plan.json").read_text("utf-8"))
    assert summary["coverage"]["line"][">=2"] == 1.0
    assert [s["nation"] for s in summary["sectors"]] == ["France", "Germany"]
    assert sum(s["posts"] for s in summary["sectors"]) == summary["posts"]["count"]
    assert summary["personnel"]["force_protection"] == 0  # the osce preset is unarmed
    assert any("rotation factor 1.5" in a for a in summary["assumptions"])
    gj = json.loads((tmp_path / "posts_sectors.geojson").read_text("utf-8"))
    assert sum(f["properties"]["kind"] == "post" for f in gj["features"]) == summary["posts"]["count"]
    assert (tmp_path / "plan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in r.stdout and "Sectors along the line" in r.stdout
    assert "Assumptions" in r.stdout


def test_json_format_and_overrides():
    r = runner.invoke(app, ["--agreement", "minsk-2015", "--format", "json", "--min-cover", "1",
                            "--crew-per-post", "2", "--rotation", "1"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["params"]["min_cover"] == 1 and s["params"]["crew_per_post"] == 2
    p = s["personnel"]
    assert p["positions"] == 2 * p["posts"] + 4 * p["patrol_teams"]
    assert p["monitors"] == p["positions"]


@pytest.mark.parametrize("args, needle", [
    (["--nations", "France=30"], "--nations"),
    (["--nations", "France:abc"], "--nations"),
    (["--min-cover", "0"], "--min-cover"),
    (["--rotation", "-1"], "--rotation"),
    (["--support-ratio", "-0.5"], "--support-ratio"),
    (["--setback-km", "20"], "--setback-km"),
    (["--agreement", "no-such-agreement"], "no agreement"),
])
def test_bad_input_exits_2_with_one_line(args, needle):
    r = runner.invoke(app, ["--agreement", "minsk-2015", *args])
    assert r.exit_code == 2, r.output
    assert needle in r.output
    assert len(r.output.strip().splitlines()) <= 2


def test_an_unwritable_out_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a directory")
    r = runner.invoke(app, ["--agreement", "minsk-2015", "--preset", "osce", "--format", "json",
                            "--out", str(blocker)])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("error: --out: cannot write ") and "choose a directory" in line


def test_min_cover_above_three_prints_its_share(tmp_path):
    r = runner.invoke(app, ["--agreement", "minsk-2015", "--min-cover", "4", "--out",
                            str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert r.exception is None
    import re

    text = re.sub(r"[\s│]+", " ", r.stdout)  # the table as one line, whatever its wrapping
    assert "line covered by ≥4 posts" in text and "of the line at ≥4" in text
    assert (tmp_path / "plan.png").exists()


def test_a_sensor_range_too_short_is_one_line_exit_2():
    r = runner.invoke(app, ["--agreement", "minsk-2015", "--sensor-range-km", "0.01",
                            "--setback-km", "0"])
    assert r.exit_code == 2, r.output
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("error: --sensor-range-km: 0.01 km is too short for a 341 km line")


def test_wrapped_assumptions_hang_under_their_text():
    r = runner.invoke(app, ["--agreement", "minsk-2015"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    block = lines[lines.index("Assumptions") + 1:]
    assert block and block[0].startswith("  • ")
    assert all(x.startswith(("  • ", "    ")) for x in block), block
