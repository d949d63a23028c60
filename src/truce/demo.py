"""The main job on the embedded default (what ``make demo`` runs).

Thirty simulated days on the bundled agreement (``ukraine-2024-12-07``): ten quiet days, a
typical week, a five-day escalation and a return to typical levels, with a heavy-weapons
build-up by one party over the last ten days.  The simulated observations go into a fresh
SQLite record (idempotent ingest, hash-chained ledger); the whole pipeline runs on it (fusion
into incidents, adjudication against the agreement, verification of the record); the daily
report of the last day is written (Markdown, HTML, JSON, with the trend over the month); the
incidents are scored against the ground truth beside the naive tally; and a map shows the
month's incidents and the monitors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date
from pathlib import Path

import numpy as np

from truce.agreement.loader import load_agreement
from truce.geo import AgreementFrame, classify

DEMO_AGREEMENT = "ukraine-2024-12-07"
DEMO_START = date(2024, 12, 8)
#: Thirty days: a quiet start, a typical week, an escalation, typical again.
DEMO_SCHEDULE = "quiet*10,typical*8,escalation*5,typical*7"
#: The heavy-weapons build-up starts on this day (1-based): the last ten days.
DEMO_BUILDUP_FROM = 21
#: New weapon groups a day during the build-up (the simulator's default is 4: hard to see).
DEMO_BUILDUP_GROUPS_PER_DAY = 12.0


@dataclass
class DemoResult:
    summary: str
    paths: dict[str, Path] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)


def run_demo(out: Path, *, seed: int = 7, progress: bool = False,
             schedule: str = DEMO_SCHEDULE,
             buildup_from: int | None = DEMO_BUILDUP_FROM) -> DemoResult:
    """Run the demo into ``out`` and return its summary and output paths.

    ``schedule`` and ``buildup_from`` (1-based day; ignored when beyond the schedule's days)
    shape the simulated scenario; the defaults are the 30-day demo."""
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim.io import write_outputs
    from truce.sim.run import simulate
    from truce.sim.scenario import BuildupSpec, Scenario, parse_schedule
    from truce.sim.stats import compute_stats

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    agreement = load_agreement(DEMO_AGREEMENT)
    frame = AgreementFrame.from_agreement(agreement)
    levels = parse_schedule(schedule)
    if buildup_from is not None and not 1 <= buildup_from <= len(levels):
        buildup_from = None
    scenario = Scenario.from_schedule(
        DEMO_AGREEMENT, DEMO_START, seed, schedule, buildup_from=buildup_from,
        buildup=BuildupSpec(groups_per_day=DEMO_BUILDUP_GROUPS_PER_DAY) if buildup_from else None)
    with _progress(progress) as step:
        result = simulate(scenario, agreement, starter_gazetteer(), np.random.default_rng(seed),
                          frame=frame, progress=lambda st, done: step(f"simulate: {st}", 0.4 * done))
        step("writing the simulation", 0.4)
        paths = write_outputs(result, out / "simulation")
        stats = compute_stats(result)
        geometry = _geometry_check(result, agreement, frame)
        (out / "geometry_check.json").write_text(json.dumps(geometry, indent=2) + "\n",
                                                 encoding="utf-8")
        record, fusion, report = _pipeline(out / "simulation", out, step)
        step("drawing the month's map", 0.97)
        map_path = _month_map(out / "map.png", fusion["jsonl"], result, frame, scenario, seed)
    q = fusion["quality"]
    model = report.model
    t = model["totals"]
    trend = model["trend"]
    buildup = f"; heavy-weapons build-up from day {buildup_from}" if buildup_from else ""
    lines = [
        (f"truce demo: {agreement.id}, {scenario.days} simulated days from {scenario.start} "
         f"({schedule}{buildup}), seed {seed}"),
        (f"simulated: {stats.episodes:,} firing episodes ({stats.true_cfv:,} ceasefire "
         f"violations), {stats.weapon_groups:,} weapon groups; {stats.observations:,} "
         "observations"),
        (f"record: {record['added']:,} observations ingested; {record['incidents']:,} "
         f"incidents, {record['violations']:,} violations; verify: {record['verify']}"),
        (f"fusion against the truth: precision {q.precision:.2f}, recall "
         f"{q.recall_observed:.2f}, F1 {q.f1:.2f}; ceasefire violations fused "
         f"{q.fused_count:,.0f} / naive tally {q.naive_count:,.0f} / true {q.true_count:,.0f}"),
        (f"daily report {model['date']}: {t['violations']:,} ceasefire violations "
         f"({t['explosions']:,} explosions; previous day {t['previous_violations']:,}), "
         f"{t['weapons']:,} weapons in violation of withdrawal lines, "
         f"{len(model['alerts'])} alert{'' if len(model['alerts']) == 1 else 's'} "
         f"({len(model['recent_alerts'])} in the previous seven "
         f"days); built from ledger entry {model['integrity']['seq']}, head "
         f"{model['integrity']['head_hash'][:16]}…"),
        "ceasefire violations per day over the month: " + _segments(levels, trend),
    ]
    lines += [f"  alert {a.get('date')}: {a.get('message')}"
              for a in (model["alerts"] + model["recent_alerts"])[:4]]
    summary = "\n".join(lines)
    (out / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    all_paths = {"summary": out / "summary.txt",
                 **{f"report ({k})": p for k, p in report.paths.items()},
                 "trend over the month": fusion["trend"],
                 "map of the month": map_path, "record": record["db"],
                 "incidents.geojson": fusion["geojson"], "incidents.jsonl": fusion["jsonl"],
                 "geometry check": out / "geometry_check.json",
                 **{k: Path(v) for k, v in paths.items()}}
    return DemoResult(summary=summary, paths=all_paths,
                      figures={"stats": stats, "geometry": geometry, "quality": q,
                               "record": record, "report": model, "scenario": scenario})


def _segments(levels: tuple[str, ...], trend: dict) -> str:  # type: ignore[type-arg]
    """Mean daily ceasefire violations (all regions) over each run of equal levels."""
    days = trend["days"][-len(levels):]
    total = [sum(r["violations"][i] for r in trend["regions"])
             for i in range(len(trend["days"]) - len(days), len(trend["days"]))]
    parts, i = [], 0
    while i < len(levels):
        j = i
        while j < len(levels) and levels[j] == levels[i]:
            j += 1
        seg = total[i:j]
        parts.append(f"{levels[i]} (days {i + 1}-{j}) {sum(seg) / max(len(seg), 1):,.0f}")
        i = j
    return ", ".join(parts)


def _geometry_check(result, agreement, frame) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Every simulated origin of fire classified against the agreement."""
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
    return {
        "episodes_with_origin": int(fire.sum()),
        "origin_on_firing_party_side": float(np.mean(origin.party == firing_party)) if fire.any() else 0.0,
        "origins_inside_withdrawal_distance": int(inside.sum()),
        "origins_in_security_zone": int(np.sum(origin.zone == "security")),
        "origins_in_disengagement_areas": int(np.sum(np.char.startswith(origin.zone.astype(str), "disengagement:"))),
    }


def _month_map(path: Path, incidents_jsonl: Path, result, frame, scenario, seed) -> Path:  # type: ignore[no-untyped-def]
    from truce.reports.daily.charts import KIND_COLOURS  # one colour per kind on every map
    from truce.reports.mapplot import PointLayer, render_agreement_map

    incidents = [json.loads(line) for line in incidents_jsonl.read_text(encoding="utf-8").splitlines()]
    kind = np.array([r["kind"] for r in incidents], dtype=object)
    count = np.array([r["count"] for r in incidents], dtype=float)
    ilon = np.array([r["location"]["lon"] for r in incidents], dtype=float)
    ilat = np.array([r["location"]["lat"] for r in incidents], dtype=float)
    layers = []
    for k, colour in KIND_COLOURS.items():
        m = kind == k
        if m.any():
            size = np.clip(np.sqrt(count[m]) * 3.0, 3.0, 60.0)
            what = "weapons" if k == "weapon" else "events"
            layers.append(PointLayer(ilon[m], ilat[m],
                                     f"{k}: {m.sum():,} incidents, {count[m].sum():,.0f} {what}",
                                     colour, size, alpha=0.45))
    pos = result.network.positions
    layers.append(PointLayer(np.asarray(pos.lon), np.asarray(pos.lat), "monitor positions",
                             "#111111", 10.0, marker="^", alpha=0.8))
    return render_agreement_map(
        frame, path, layers=layers,
        title=f"{frame.agreement.title}\nsimulated {scenario.start} + {scenario.days} days (seed "
              f"{seed}): fused incidents (sized by count) and monitor positions")


def _pipeline(sim_dir: Path, out: Path, step: Callable[[str, float], None]):  # type: ignore[no-untyped-def]
    """The record stages, as `truce ingest / process / verify / report / export / evaluate` run
    them: ingest into a fresh SQLite record, fuse and adjudicate, verify, write the daily report
    of the last day, export and score the incidents."""
    from datetime import datetime

    from truce.service.ingest import ingest_jsonl
    from truce.service.process import evaluate_record, export_incidents, process_record
    from truce.service.report import write_report
    from truce.service.verify import verify_record
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    db = out / "truce.db"
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        now = datetime.now(UTC)
        step("ingest", 0.45)
        added = ingest_jsonl(sim_dir / "observations.jsonl", uow, now=now).added
        step("fuse and adjudicate", 0.5)
        processed = process_record(uow, now=now, agreement=DEMO_AGREEMENT)
        step("verify", 0.75)
        with uow:
            verified = verify_record(uow)
            n_violations = len(uow.violations.list()) if hasattr(uow, "violations") else 0
        step("daily report", 0.8)
        report = write_report(uow, None, out / "reports", now=now)
        trend = _write_trend(out / "reports" / "trend.csv", report.model)
        step("export and evaluate", 0.88)
        paths = {}
        for fmt in ("jsonl", "geojson"):
            paths[fmt] = out / f"incidents.{fmt}"
            with open(paths[fmt], "w", encoding="utf-8") as fh:
                export_incidents(uow, fmt, fh)
        evaluation = evaluate_record(uow, sim_dir / "truth.jsonl")
    finally:
        uow.close()
    verdict = f"intact, head {verified.head_hash[:16]}…" if verified.ok else verified.message()
    return ({"db": db, "added": added, "verify": verdict, "incidents": processed.incidents,
             "violations": n_violations},
            {"quality": evaluation.quality, "jsonl": paths["jsonl"], "geojson": paths["geojson"],
             "trend": trend},
            report)


def _write_trend(path: Path, model: dict) -> Path:  # type: ignore[type-arg]
    """The report's trend as CSV: one row per day, one column per region, ceasefire violations."""
    regions = model["trend"]["regions"]
    lines = ["date," + ",".join(r["region"] for r in regions) + ",all regions"]
    for i, d in enumerate(model["trend"]["days"]):
        vals = [r["violations"][i] for r in regions]
        lines.append(d + "," + ",".join(str(v) for v in vals) + f",{sum(vals)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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
