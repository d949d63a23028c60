"""The demo runs end to end and writes what it says it writes."""

from __future__ import annotations

import json

from truce.demo import run_demo


def test_demo_runs_end_to_end(tmp_path):
    result = run_demo(tmp_path / "demo", seed=3, schedule="typical")
    for label, path in result.paths.items():
        assert path.exists(), label
    geometry = json.loads((tmp_path / "demo" / "geometry_check.json").read_text())
    # every simulated origin lies on its firing party's side of the bundled line
    assert geometry["origin_on_firing_party_side"] == 1.0
    assert geometry["episodes_with_origin"] > 50
    assert (tmp_path / "demo" / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "naive tally" in result.summary


def test_demo_records_and_fuses(tmp_path):
    result = run_demo(tmp_path / "demo", seed=5, schedule="typical")
    rec, q = result.figures["record"], result.figures["quality"]
    assert rec["verify"].startswith("intact")
    assert rec["added"] == result.figures["stats"].observations
    # the fused count is closer to the truth than the naive tally (the point of fusion)
    assert abs(q.fused_count - q.true_count) < abs(q.naive_count - q.true_count)
    lines = (tmp_path / "demo" / "incidents.jsonl").read_text().splitlines()
    assert len(lines) >= q.n_incidents > 0  # n_incidents counts fire incidents; sightings add more
