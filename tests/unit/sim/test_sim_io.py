"""Output files: byte-identical for the same seed, different for another, replayable."""

from __future__ import annotations

import json

import numpy as np

from truce.sim.io import write_outputs
from truce.sim.run import simulate
from truce.sim.scenario import Scenario

from .conftest import AGREEMENT, START


def _write(agreement, frame, gazetteer, seed, out):
    sc = Scenario(agreement=AGREEMENT, start=START, days=2, seed=seed,
                  intensity_by_day=("typical", "escalation"), scale=0.3)
    write_outputs(simulate(sc, agreement, gazetteer, np.random.default_rng(seed), frame=frame), out)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(agreement, frame, gazetteer, tmp_path):
    a = _write(agreement, frame, gazetteer, 11, tmp_path / "a")
    b = _write(agreement, frame, gazetteer, 11, tmp_path / "b")
    c = _write(agreement, frame, gazetteer, 12, tmp_path / "c")
    assert {"truth.jsonl", "observations.jsonl", "truth_links.jsonl", "scenario.yaml"} <= set(a)
    assert any(k.startswith("reports/2024-12-08/") for k in a)
    assert any(k.startswith("reports/2024-12-09/") for k in a)
    assert a == b
    assert a["truth.jsonl"] != c["truth.jsonl"] and a["observations.jsonl"] != c["observations.jsonl"]
    for name in ("truth.jsonl", "observations.jsonl", "truth_links.jsonl"):
        text = a[name].decode("utf-8")
        assert "\r" not in text and text.endswith("\n")
        first = text.split("\n", 1)[0]
        assert json.dumps(json.loads(first), sort_keys=True, separators=(",", ":"), ensure_ascii=False) == first


def test_truth_records_follow_the_contract(typical, tmp_path):
    write_outputs(typical, tmp_path)
    recs = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text("utf-8").splitlines()]
    assert len(recs) == len(typical.truth)
    required = {"id", "kind", "detail", "start", "end", "count", "impact", "origin", "firing_party",
                "weapon_class", "region"}
    for r in recs:
        assert required <= set(r)
        assert r["firing_party"] in ("ua", "ru")
        assert r["start"] <= r["end"] and r["start"].endswith("+02:00")
        assert r["origin"] is None or set(r["origin"]) == {"lat", "lon"}
    weapons = [r for r in recs if r["kind"] == "weapon"]
    assert weapons and all(r["origin"] is None and r["weapon"]["type"] == r["detail"] for r in weapons)
    assert any(r["inside_withdrawal"] for r in recs if r["kind"] == "explosion")


def test_scenario_yaml_replays_the_run(typical, tmp_path):
    write_outputs(typical, tmp_path)
    replay = Scenario.from_yaml((tmp_path / "scenario.yaml").read_text("utf-8"))
    assert replay.to_dict() == typical.scenario.to_dict()


def test_rewriting_replaces_old_reports(typical, run, tmp_path):
    write_outputs(typical, tmp_path)
    one_day = run(Scenario.uniform(AGREEMENT, START, 1, seed=1))
    write_outputs(one_day, tmp_path)
    assert not (tmp_path / "reports" / "2024-12-09").exists()
