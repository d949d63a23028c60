"""The demo runs end to end and writes what it says it writes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from truce.demo import (
    DEMO_AGREEMENT,
    DEMO_BUILDUP_FROM,
    DEMO_BUILDUP_GROUPS_PER_DAY,
    DEMO_SCHEDULE,
    DEMO_START,
    run_demo,
)
from truce.sim.scenario import parse_schedule

SHORT = "quiet,typical,typical"


def test_the_default_is_thirty_days_quiet_escalation_buildup():
    levels = parse_schedule(DEMO_SCHEDULE)
    assert len(levels) == 30
    assert levels[:10] == ("quiet",) * 10  # a quiet start
    assert "escalation" in levels and levels.index("escalation") > 10
    assert levels[-1] != "escalation"  # and a return from it
    assert 20 <= DEMO_BUILDUP_FROM <= 30 - 5  # a build-up over the last ~10 days
    assert DEMO_BUILDUP_GROUPS_PER_DAY > 4  # stronger than the simulator's default
    assert DEMO_AGREEMENT == "ukraine-2024-12-07" and DEMO_START == date(2024, 12, 8)


@pytest.fixture(scope="module")
def short(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, run_demo(out, seed=3, schedule=SHORT, buildup_from=2)


def test_demo_runs_end_to_end(short):
    out, result = short
    for label, path in result.paths.items():
        assert path.exists(), label
    geometry = json.loads((out / "geometry_check.json").read_text())
    # every simulated origin lies on its firing party's side of the bundled line
    assert geometry["origin_on_firing_party_side"] == 1.0
    assert geometry["episodes_with_origin"] > 50
    assert (out / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "naive tally" in result.summary
    assert result.figures["scenario"].buildup.start_day == 1


def test_demo_records_fuses_and_adjudicates(short):
    out, result = short
    rec, q = result.figures["record"], result.figures["quality"]
    assert rec["verify"].startswith("intact")
    assert rec["added"] == result.figures["stats"].observations
    assert rec["violations"] > 0
    # the fused count is closer to the truth than the naive tally (the point of fusion)
    assert abs(q.fused_count - q.true_count) < abs(q.naive_count - q.true_count)
    lines = (out / "incidents.jsonl").read_text().splitlines()
    assert len(lines) >= q.n_incidents > 0  # n_incidents counts fire incidents; sightings add more


def test_demo_writes_the_report_of_the_last_day(short):
    out, result = short
    last = "2024-12-10"
    for ext in ("md", "html", "json"):
        assert (out / "reports" / f"report-{last}.{ext}").is_file()
    model = json.loads((out / "reports" / f"report-{last}.json").read_text())
    assert model == result.figures["report"]
    assert model["date"] == last and model["trend"]["days"][-1] == last
    t = model["totals"]
    assert f"daily report {last}: {t['violations']:,} ceasefire violations" in result.summary
    assert model["integrity"]["head_hash"][:16] in result.summary
    csv = (out / "reports" / "trend.csv").read_text().splitlines()
    assert csv[0].startswith("date,") and csv[-1].startswith(last + ",")
    assert int(csv[-1].rsplit(",", 1)[1]) == t["violations"]
    assert str(out / "reports" / f"report-{last}.html") in {str(p) for p in result.paths.values()}


@pytest.mark.slow
def test_the_thirty_day_demo(tmp_path):
    """The real default, as `make demo` runs it (about a minute on two cores)."""
    result = run_demo(tmp_path / "demo")
    model = result.figures["report"]
    assert result.figures["scenario"].days == 30
    assert model["date"] == "2025-01-06" and len(model["trend"]["days"]) == 30
    daily = [sum(r["violations"][i] for r in model["trend"]["regions"]) for i in range(30)]
    quiet, escalation, late = daily[:10], daily[18:23], daily[23:]
    assert max(quiet) < min(escalation) and max(late) < min(escalation)
    assert sum(quiet) / 10 < sum(late) / 7
    assert sum(w["count"] for w in model["weapons"]) > 0  # the build-up is seen on the last day
    assert result.figures["record"]["verify"].startswith("intact")
    assert "30 simulated days" in result.summary
