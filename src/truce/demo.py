"""The main job on the embedded default (what ``make demo`` runs).

Today it runs what exists of the pipeline end to end: the bundled agreement, the starter
gazetteer, a simulated scenario (a quiet day, a typical day, an escalation day) written as
observation JSONL, ground truth and narrative reports; the observations go into a fresh SQLite
record (idempotent ingest, hash-chained ledger, verified); fusion turns them into incidents,
scored against the ground truth beside the naive tally; the geometry core classifies every
episode's origin against the agreement; and a map shows the line, the zones, the incidents and
the monitors.  Adjudication and the daily report plug in here as they land.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from truce.agreement.loader import load_agreement
from truce.geo import AgreementFrame, classify

DEMO_AGREEMENT = "ukraine-2024-12-07"
DEMO_START = date(2024, 12, 8)
DEMO_SCHEDULE = "quiet,typical,escalation"

KIND_COLOURS = {"explosion": "#d62728", "burst": "#ff7f0e", "shot": "#bcbd22", "flare": "#9467bd",
                "weapon": "#1f77b4"}


@dataclass
class DemoResult:
    summary: str
    paths: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)


def run_demo(out: Path, *, seed: int = 7, progress: bool = False,
             schedule: str = DEMO_SCHEDULE) -> DemoResult:
    """Run the demo into ``out`` and return its summary and output paths."""
    from truce.gazetteer.sources import starter_gazetteer
    from truce.reports.mapplot import PointLayer, render_agreement_map
    from truce.sim.io import write_outputs
    from truce.sim.run import simulate
    from truce.sim.scenario import Scenario
    from truce.sim.stats import compute_stats, format_stats

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    agreement = load_agreement(DEMO_AGREEMENT)
    frame = AgreementFrame.from_agreement(agreement)
    days = len(schedule.split(","))
    scenario = Scenario.from_schedule(DEMO_AGREEMENT, DEMO_START, seed, schedule,
                                      buildup_from=2 if days >= 2 else None)
    with _progress(progress) as step:
        result = simulate(scenario, agreement, starter_gazetteer(), np.random.default_rng(seed),
                          frame=frame, progress=step)
        step("writing", 1.0)
        paths = write_outputs(result, out / "simulation")
    stats = compute_stats(result)

    truth = result.truth
    fire = truth.is_fire & ~np.isnan(truth.origin_x)
    olon, olat = frame.projection.to_lonlat(truth.origin_x[fire], truth.origin_y[fire])
    origin = classify(frame, olon, olat)
    firing_party = np.asarray(agreement.party_ids, dtype=object)[truth.party[fire]]
    wc = truth.weapon_class[fire]
    inside = np.zeros(fire.sum(), dtype=bool)
    for w in agreement.restricted_weapon_classes:
        m = wc == w.id
        inside[m] = ~origin.ok[w.id][m]
    geometry = {
        "episodes_with_origin": int(fire.sum()),
        "origin_on_firing_party_side": float(np.mean(origin.party == firing_party)) if fire.any() else 0.0,
        "origins_inside_withdrawal_distance": int(inside.sum()),
        "origins_in_security_zone": int(np.sum(origin.zone == "security")),
        "origins_in_disengagement_areas": int(np.sum(np.char.startswith(origin.zone.astype(str), "disengagement:"))),
    }
    (out / "geometry_check.json").write_text(json.dumps(geometry, indent=2) + "\n", encoding="utf-8")

    record, fusion = _record_and_fuse(out / "simulation", out)

    incidents = [json.loads(line) for line in fusion["jsonl"].read_text(encoding="utf-8").splitlines()]
    kind = np.array([r["kind"] for r in incidents], dtype=object)
    count = np.array([r["count"] for r in incidents], dtype=float)
    ilon = np.array([r["location"]["lon"] for r in incidents], dtype=float)
    ilat = np.array([r["location"]["lat"] for r in incidents], dtype=float)
    layers = []
    for k, colour in KIND_COLOURS.items():
        m = kind == k
        if m.any():
            size = np.clip(np.sqrt(count[m]) * 3.0, 3.0, 60.0)
            layers.append(PointLayer(ilon[m], ilat[m], f"incident: {k} ({m.sum():,})", colour,
                                     size, alpha=0.45))
    pos = result.network.positions
    layers.append(PointLayer(np.asarray(pos.lon), np.asarray(pos.lat), "monitor positions", "#111111", 10.0,
                             marker="^", alpha=0.8))
    map_path = render_agreement_map(
        frame, out / "map.png", layers=layers,
        title=f"{agreement.title}\nsimulated {scenario.start} + {scenario.days} days (seed {seed}): "
              "fused incidents (sized by count) and monitor positions")
    q = fusion["quality"]
    summary = (
        f"truce demo: {agreement.id}, {scenario.days} simulated days ({schedule}), seed {seed}\n"
        + format_stats(stats)
        + f"\norigins classified against the agreement: {geometry['episodes_with_origin']:,}; on the "
        f"firing party's side {100 * geometry['origin_on_firing_party_side']:.1f}%; inside their "
        f"class's withdrawal distance {geometry['origins_inside_withdrawal_distance']:,}"
        + f"\nrecord: {record['added']:,} observations ingested into {record['db']}; "
        f"verify: {record['verify']}"
        + f"\nfusion: {record['incidents']:,} incidents from {stats.observations:,} observations; against "
        f"the truth: precision {q.precision:.2f}, recall {q.recall_observed:.2f} (of observed "
        f"episodes), F1 {q.f1:.2f}; ceasefire violations fused {q.fused_count:,.0f} / naive tally "
        f"{q.naive_count:,.0f} / true {q.true_count:,.0f}  (fusion is work in progress: docs/fusion.md)"
    )
    (out / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    all_paths = {"summary": out / "summary.txt", "map": map_path, "record": record["db"],
                 "incidents.geojson": fusion["geojson"], "incidents.jsonl": fusion["jsonl"],
                 "geometry check": out / "geometry_check.json", **{k: Path(v) for k, v in paths.items()}}
    return DemoResult(summary=summary, paths=all_paths,
                      figures={"stats": stats, "geometry": geometry, "quality": q, "record": record})


def _record_and_fuse(sim_dir: Path, out: Path):  # type: ignore[no-untyped-def]
    """The record stages, as `truce ingest / verify / process / export / evaluate` run them:
    ingest into a fresh SQLite record, verify it, fuse it, export and score the incidents."""
    from datetime import datetime, timezone

    from truce.service.ingest import ingest_jsonl
    from truce.service.process import evaluate_record, export_incidents, process_record
    from truce.service.verify import verify_record
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    db = out / "truce.db"
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        now = datetime.now(timezone.utc)
        added = ingest_jsonl(sim_dir / "observations.jsonl", uow, now=now).added
        processed = process_record(uow, now=now, agreement=DEMO_AGREEMENT)
        with uow:
            report = verify_record(uow)
        paths = {}
        for fmt in ("jsonl", "geojson"):
            paths[fmt] = out / f"incidents.{fmt}"
            with open(paths[fmt], "w", encoding="utf-8") as fh:
                export_incidents(uow, fmt, fh)
        evaluation = evaluate_record(uow, sim_dir / "truth.jsonl")
    finally:
        uow.close()
    verdict = f"intact, head {report.head_hash[:16]}…" if report.ok else report.message()
    return ({"db": db, "added": added, "verify": verdict, "incidents": processed.incidents},
            {"quality": evaluation.quality, "jsonl": paths["jsonl"], "geojson": paths["geojson"]})


class _progress:
    """A rich progress bar on stderr (or nothing) fed by ``(stage, fraction)`` callbacks."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __enter__(self) -> Callable[[str, float], None]:
        if not self.enabled:
            return lambda stage, done: None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._p = Progress(TextColumn("{task.description:<22}"), BarColumn(), TimeElapsedColumn(),
                           console=Console(stderr=True), transient=True)
        self._p.start()
        task = self._p.add_task("demo", total=1.0)

        def step(stage: str, done: float) -> None:
            self._p.update(task, description=stage, completed=done)

        return step

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._p.stop()
