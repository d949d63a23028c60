"""``truce simulate``: a synthetic monitoring scenario with its ground truth, written to a directory."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from truce.cli.errors import err_console, handle_errors
from truce.cli.output import console
from truce.errors import ValidationError


class Intensity(StrEnum):
    quiet = "quiet"
    typical = "typical"
    escalation = "escalation"


@handle_errors
def simulate_cmd(
    agreement: str = typer.Option("ukraine-2024-12-07", "--agreement", "-a",
                                  help="Bundled agreement name or directory."),
    start: datetime | None = typer.Option(None, "--start", formats=["%Y-%m-%d"],
                                          help="First day (default: the agreement's effective date)."),
    days: int = typer.Option(1, "--days", min=1, help="Number of days."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (required unless --scenario)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output directory."),
    intensity: Intensity = typer.Option(Intensity.typical, "--intensity",
                                        help="Level of fighting on every day."),
    schedule: str | None = typer.Option(None, "--schedule",
                                        help="Level per day instead of --intensity, e.g. "
                                             "'quiet:10,escalation:5,typical:15' (sets --days)."),
    buildup_from: int | None = typer.Option(None, "--buildup-from", min=1,
                                            help="Start a heavy-weapons build-up on this day (1-based)."),
    scale: float = typer.Option(1.0, "--scale",
                                help="Multiply the number of episodes (and observations)."),
    no_reports: bool = typer.Option(False, "--no-reports", help="Skip the narrative reports (faster)."),
    scenario_file: Path | None = typer.Option(None, "--scenario", exists=True, dir_okay=False,
                                              help="Replay a scenario.yaml (other options ignored)."),
) -> None:
    """Simulate a monitoring scenario with known ground truth: firing episodes and weapon groups
    (truth.jsonl), what posts, patrols, cameras, acoustic sensors and UAVs reported
    (observations.jsonl, with truth_links.jsonl apart), one narrative report per team per day
    (reports/) and every parameter (scenario.yaml).  Same arguments, same bytes.

    Example: `truce simulate --agreement ukraine-2024-12-07 --start 2024-12-08 --days 1 --seed 1
    --out out/sim`
    """
    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim.io import write_outputs
    from truce.sim.run import simulate
    from truce.sim.scenario import BuildupSpec, Scenario
    from truce.sim.stats import compute_stats

    if scenario_file is not None:
        sc = Scenario.from_yaml(scenario_file.read_text(encoding="utf-8"))
    else:
        if seed is None:
            raise ValidationError("give a --seed (any integer): runs are reproducible by design",
                                  field="--seed")
        agr = load_agreement(agreement)
        sc = Scenario.from_schedule(
            agreement, start.date() if start else agr.effective, seed,
            schedule or f"{intensity.value}*{days}", buildup_from=buildup_from, scale=scale,
            buildup=BuildupSpec(party=agr.party_ids[-1]) if buildup_from else None)
    agr = load_agreement(sc.agreement)
    with Progress(TextColumn("{task.description:<20}"), BarColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task("simulate", total=1.0)

        def progress(stage: str, done: float) -> None:
            bar.update(task, description=stage, completed=done)

        result = simulate(sc, agr, starter_gazetteer(), np.random.default_rng(sc.seed),
                          reports=not no_reports, progress=progress)
        bar.update(task, description="writing", completed=0.9)
        paths = write_outputs(result, out)
    _summary(compute_stats(result), sc.start, sc.days)
    for label, path in paths.items():
        console.print(f"  {label:<20} {path}")


def _summary(s: object, start: date, days: int) -> None:
    from truce.sim.stats import SimStats

    assert isinstance(s, SimStats)
    t = Table(title=f"Simulated {days} day(s) from {start.isoformat()}", show_header=True)
    t.add_column("")
    t.add_column("value", justify="right")
    t.add_row("firing episodes (incl. flares)", f"{s.episodes:,}")
    t.add_row("true ceasefire violations", f"{s.true_cfv:,}")
    t.add_row("weapon groups (inside withdrawal)",
              f"{s.weapon_groups:,} ({s.weapon_groups_inside_withdrawal:,})")
    t.add_row("observations", f"{s.observations:,}")
    for k, v in s.observations_by_kind.items():
        t.add_row(f"  {k}", f"{v:,}")
    t.add_row("observations per episode (mean)", f"{s.obs_per_episode_mean:.2f}")
    t.add_row("  distribution 0/1/2/3/4/5-9/10+",
              " / ".join(f"{v:.0%}" for v in s.obs_per_episode_hist.values()))
    t.add_row("episodes seen by 2+ observers", f"{s.multi_observer_share:.0%}")
    t.add_row("naive tally / true (all regions)", f"{s.overshoot:.2f}x")
    t.add_row("false reports / wrong direction", f"{s.false_reports:,} / {s.wrong_direction:,}")
    console.print(t)
    r = Table(title="Per region and day: naive tally vs truth", show_header=True)
    for col in ("region", "true CFVs", "naive tally", "ratio"):
        r.add_column(col, justify="left" if col == "region" else "right")
    for reg in sorted(s.regions, key=lambda x: -x.true_cfv):
        r.add_row(reg.region, f"{reg.true_cfv:,.0f}", f"{reg.naive_tally:,.0f}", f"{reg.overshoot:.2f}x")
    console.print(r)
