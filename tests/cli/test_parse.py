"""``truce parse``: JSONL on stdout, summary on stderr, exit codes (registered by the lead in
truce.cli.main)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from truce.cli.main import app

REPORT = ("Daily report — Patrol team 3, Donetsk region, 8 December 2024\n\n"
          "Positioned in Avdiivka, the team heard 12 undetermined explosions 3–5 km north-east "
          "between 21:43 and 21:54. It also heard a bird.\n")


def _runner():
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # newer click: stderr is always separate
        return CliRunner()


def test_parse_prints_jsonl_and_summary(tmp_path):
    f = tmp_path / "patrol-003.txt"
    f.write_text(REPORT, encoding="utf-8")
    unp = tmp_path / "unparsed.jsonl"
    res = _runner().invoke(app, ["parse", str(f), "--tz", "+02:00", "--unparsed", str(unp)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(r["id"], r["kind"], r["count"], r["direction"], r["distance_km"], r["time"])
            for r in recs] == [("patrol-003-20241208-s1-1", "explosion", 12, "NE", [3.0, 5.0],
                                {"start": "2024-12-08T21:43:00+02:00",
                                 "end": "2024-12-08T21:54:00+02:00"})]
    assert "Donetsk: 12 ceasefire violations, 12 explosions" in res.stderr
    assert "unparsed (no_event): 1" in res.stderr
    assert [json.loads(x)["reason"] for x in unp.read_text().splitlines()] == ["no_event"]


def test_parse_exit_2_without_date_or_file(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("It heard an explosion.\n", encoding="utf-8")
    assert _runner().invoke(app, ["parse", str(f)]).exit_code == 2
    assert _runner().invoke(app, ["parse", str(tmp_path / "missing.txt")]).exit_code == 2
    assert _runner().invoke(app, ["parse", str(f), "--date", "2024-12-08"]).exit_code == 0


def test_help_has_example():
    res = _runner().invoke(app, ["parse", "--help"])
    assert "Example:" in res.stdout


def test_a_bad_date_names_the_option_once(tmp_path):
    f = tmp_path / "op-001.txt"
    f.write_text("The SMM heard one explosion.\n", "utf-8")
    res = _runner().invoke(app, ["parse", str(f), "--date", "8 Dec"])
    assert res.exit_code == 2
    assert res.stderr.strip() == "error: --date: must be YYYY-MM-DD, got '8 Dec'"


def test_a_bad_tz_names_the_option(tmp_path):
    f = tmp_path / "op-001.txt"
    f.write_text(REPORT, "utf-8")
    res = _runner().invoke(app, ["parse", str(f), "--tz", "+25:00"])
    assert res.exit_code == 2
    assert res.stderr.strip() == "error: --tz: time zone offset '+25:00' is out of range"


BODY = ("Positioned in Avdiivka, the team heard 12 undetermined explosions at 21:43. "
        "Positioned in Atlantis, the team heard three explosions. At 25:99, it heard a flare.\n")


def test_parse_lists_unparsed_sentences_with_detail(tmp_path):
    f = tmp_path / "op-2.txt"
    f.write_text("Daily report — Patrol team 3, Donetsk region, 8 December 2024\n\n" + BODY,
                 encoding="utf-8")
    res = _runner().invoke(app, ["parse", str(f)])
    assert res.exit_code == 0, res.output
    assert "op-2.txt: sentence 2: not parsed: unknown_place: Atlantis" in res.stderr
    assert "op-2.txt: sentence 3: not parsed: bad_time: 25:99" in res.stderr
    assert "unparsed (bad_time): 1" in res.stderr


def test_parse_without_date_names_the_file(tmp_path):
    f = tmp_path / "nodate.txt"
    f.write_text(BODY, encoding="utf-8")
    res = _runner().invoke(app, ["parse", str(f)])
    assert res.exit_code == 2
    assert res.stderr.strip().startswith(f"error: {f}: date: no report date")
    f.write_text("Daily report — Team 3, Donetsk region, 31 February 2024\n\n" + BODY,
                 encoding="utf-8")
    res = _runner().invoke(app, ["parse", str(f)])
    assert res.exit_code == 2
    assert f"error: {f}: date: invalid report date '31 February 2024'" in res.stderr


def test_parse_warns_about_bytes_that_are_not_utf8(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Daily report — Team 3, Donetsk region, 8 December 2024\n\n".encode()
                   + b"Positioned in Avdiivka, the team heard 12 explosions at the Caf\xe9.\n")
    res = _runner().invoke(app, ["parse", str(f)])
    assert res.exit_code == 0, res.output
    assert f"warning: {f}: not UTF-8 text (byte " in res.stderr
    assert json.loads(res.stdout.splitlines()[0])["count"] == 12
