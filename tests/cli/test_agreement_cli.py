"""The agreement and classify commands, through the CLI as a user runs them."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.unit.geo.cases import write_agreement_dir
from truce.cli.main import app

runner = CliRunner()


def test_list_and_show_json():
    r = runner.invoke(app, ["agreement", "list", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert [x["name"] for x in json.loads(r.stdout)] == ["minsk-2015", "ukraine-2024-12-07"]
    r = runner.invoke(app, ["agreement", "show", "minsk-2015", "--format", "json"])
    s = json.loads(r.stdout)
    assert s["withdrawal_km"]["artillery_ge100"] == 50
    assert 300 < s["line_length_km"] < 520


def test_check_broken_agreement_exits_2_with_one_line(tmp_path):
    d = write_agreement_dir(tmp_path / "ag")
    (d / "agreement.yaml").write_text((d / "agreement.yaml").read_text().replace("security_zone_km: 10", "security_zone_km: ten"))
    r = runner.invoke(app, ["agreement", "check", str(d)])
    assert r.exit_code == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "security_zone_km" in lines[0] and "agreement.yaml" in lines[0], r.stderr
    assert "Traceback" not in r.output


def test_check_good_agreement(tmp_path):
    r = runner.invoke(app, ["agreement", "check", str(write_agreement_dir(tmp_path / "ag"))])
    assert r.exit_code == 0 and "ok test" in r.stdout


def test_classify_reports_bad_rows_and_classifies_the_rest(tmp_path):
    src = tmp_path / "pts.csv"
    src.write_text("name,lat,lon\nwest,48.5,30.9\nbad,forty,31\neast,48.5,31.1\nfar,95,31\n")
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["classify", "--agreement", str(write_agreement_dir(tmp_path / "ag")),
                            "--in", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert f"{src}:3" in r.stderr and f"{src}:5" in r.stderr
    rows = out.read_text().splitlines()
    assert rows[0] == "name,lat,lon,party,distance_km,zone,ok_mortar,ok_artillery_ge100"
    west, east = (r.split(",") for r in rows[1:3])
    # 0.1 degree of longitude at 48.5N is 7.38 km along the parallel
    assert west[:4] == ["west", "48.5", "30.9", "a"] and abs(float(west[4]) - 7.38) < 0.02
    assert west[5:] == ["security", "false", "false"]
    assert east[:4] == ["east", "48.5", "31.1", "b"] and abs(float(east[4]) + 7.38) < 0.02
    assert len(rows) == 3


def test_classify_rows_with_wrong_field_count_are_bad_rows(tmp_path):
    """An extra column no longer shifts the results under the wrong headers, and a row of empty
    fields (",") is reported, not dropped (QA qa2 item 12)."""
    ag = str(write_agreement_dir(tmp_path / "ag"))
    src = tmp_path / "pts.csv"
    src.write_text("id,lat,lon\na,48.5,30.9\nb,48.5,31.1,zzz\nc,48.5\n,,\n\nd,48.5,31.1\n")
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["classify", "--agreement", ag, "--in", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert f"{src}:3: expected 3 columns, got 4" in r.stderr
    assert f"{src}:4: expected 3 columns, got 2" in r.stderr
    assert f"{src}:5: lat/lon missing" in r.stderr
    assert "classified 2 point(s), 3 bad row(s)" in r.stderr
    rows = [row.split(",") for row in out.read_text().splitlines()]
    assert [row[0] for row in rows[1:]] == ["a", "d"]
    assert all(len(row) == len(rows[0]) for row in rows)
    src.write_text("lat,lon\n48.5,30.9\n,\n48.5,31.1\n")
    r = runner.invoke(app, ["classify", "--agreement", ag, "--in", str(src), "--out", str(out)])
    assert f"{src}:3: lat/lon missing" in r.stderr and "2 point(s), 1 bad row(s)" in r.stderr


def test_classify_into_a_missing_directory_exits_2_before_any_work(tmp_path):
    src = tmp_path / "pts.csv"
    src.write_text("lat,lon\n48.5,30.9\n")
    out = tmp_path / "nodir" / "o.csv"
    r = runner.invoke(app, ["classify", "--agreement", str(write_agreement_dir(tmp_path / "ag")),
                            "--in", str(src), "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert f"its directory {out.parent} does not exist" in r.stderr
    assert not out.parent.exists()


def test_classify_missing_file_exits_2(tmp_path):
    r = runner.invoke(app, ["classify", "--in", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv")])
    assert r.exit_code == 2 and "cannot open" in r.stderr
