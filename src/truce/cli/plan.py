"""``truce plan``: observation posts, coverage, personnel and national sectors for a line."""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from truce.cli.errors import err_console, fail, handle_errors
from truce.cli.output import Format, console, print_json
from truce.errors import ValidationError

#: PlanParams field -> the option that sets it (errors name the option the user typed).
_OPTION = {"sensor_range_km": "--sensor-range-km", "min_cover": "--min-cover",
           "setback_km": "--setback-km", "crew_per_post": "--crew-per-post",
           "patrols_per_100km": "--patrols-per-100km", "patrol_team_size": "--patrol-team-size",
           "rotation": "--rotation", "support_ratio": "--support-ratio",
           "force_protection_ratio": "--force-protection", "nations": "--nations",
           "optimiser": "--optimiser"}
SECTOR_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                  "#bcbd22", "#7f7f7f", "#d62728")


class Preset(StrEnum):
    european = "european"
    osce = "osce"


class _LazyProgress:
    """A progress callback that shows a bar only once the work has taken more than a second."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.bar: Progress | None = None
        self.task: Any = None

    def __call__(self, stage: str, done: float) -> None:
        if self.bar is None and time.perf_counter() - self.t0 > 1.0:
            self.bar = Progress(TextColumn("{task.description:<20}"), BarColumn(),
                                TimeElapsedColumn(), console=err_console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(stage, total=1.0)
        if self.bar is not None:
            self.bar.update(self.task, description=stage, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@handle_errors
def plan_cmd(
    agreement: str = typer.Option("ukraine-2024-12-07", "--agreement", "-a",
                                  help="Bundled agreement name or directory."),
    preset: Preset = typer.Option(Preset.european, "--preset",
                                  help="Starting assumptions: european (armed, round the clock) "
                                       "or osce (unarmed, daylight, like the OSCE SMM); the "
                                       "options below override them."),
    sensor_range_km: float | None = typer.Option(None, "--sensor-range-km",
                                                 help="Range a post sees/hears [5]."),
    min_cover: int | None = typer.Option(None, "--min-cover",
                                         help="Posts covering every point of the line [2]."),
    setback_km: float | None = typer.Option(None, "--setback-km",
                                            help="Posts' distance behind the line [2]."),
    crew_per_post: int | None = typer.Option(None, "--crew-per-post",
                                             help="Monitors on duty per post [4]."),
    patrols_per_100km: float | None = typer.Option(None, "--patrols-per-100km",
                                                   help="Patrol teams on duty per 100 km [4]."),
    patrol_team_size: int | None = typer.Option(None, "--patrol-team-size",
                                                help="Monitors per patrol team [4]."),
    rotation: float | None = typer.Option(None, "--rotation",
                                          help="Staff per on-duty position [2.5; osce 1.5]."),
    support_ratio: float | None = typer.Option(None, "--support-ratio",
                                               help="Support staff per monitor [1.0; osce 0.85]."),
    force_protection: float | None = typer.Option(None, "--force-protection",
                                                  help="Force protection per monitor "
                                                       "[0.5; osce 0]."),
    nations: str | None = typer.Option(None, "--nations",
                                       help="Sectors by share, e.g. 'France:30,Germany:20'."),
    optimiser: str | None = typer.Option(None, "--optimiser", help="milp (default) or greedy."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Write plan.json, posts_sectors.geojson, plan.png here."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json"),
) -> None:
    """Plan a monitoring mission for an agreement's contact line: the fewest observation posts
    that keep every point of the line within sensor range of --min-cover posts, coverage of the
    line and security zone, the monitors, support and force protection they need, and the line
    cut into national sectors.  Every assumption is listed with the result (docs/plan.md).

    Example: `truce plan --agreement ukraine-2024-12-07 --nations "France:30,United
    Kingdom:25,Germany:20,Poland:15,Italy:10" --out out/plan`
    """
    from truce.agreement.loader import load_agreement
    from truce.geo.frame import AgreementFrame
    from truce.plan import PRESETS, parse_nations, plan_agreement

    try:
        params = PRESETS[preset.value].with_overrides(
            sensor_range_km=sensor_range_km, min_cover=min_cover, setback_km=setback_km,
            crew_per_post=crew_per_post, patrols_per_100km=patrols_per_100km,
            patrol_team_size=patrol_team_size, rotation=rotation, support_ratio=support_ratio,
            force_protection_ratio=force_protection, optimiser=optimiser,
            nations=parse_nations(nations) if nations is not None else None)
    except ValidationError as exc:
        raise _option_error(exc) from None
    frame = AgreementFrame.from_agreement(load_agreement(agreement))
    progress = _LazyProgress()
    try:
        plan = plan_agreement(frame, params, progress=progress)
    except ValidationError as exc:
        raise _option_error(exc) from None
    finally:
        progress.close()
    if fmt == Format.json:
        print_json(plan.summary())
    else:
        _print_plan(plan)
    if out is not None:
        try:
            written = _write(plan, frame, out)
        except OSError as exc:
            where = exc.filename if exc.filename is not None else out
            raise fail(f"--out: cannot write {where}: {exc.strerror}; choose a directory you "
                       f"can write to") from None
        (console if fmt == Format.table else err_console).print(
            "[green]wrote[/] " + ", ".join(str(p) for p in written))


def _option_error(exc: ValidationError) -> typer.Exit:
    """A parameter's error in the words of the option the user typed (exit 2)."""
    option = _OPTION.get(exc.field or "", exc.field or "")
    return fail(f"{option}: {exc.reason}" if option else exc.message)


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _print_plan(plan: Any) -> None:
    s = plan.summary()
    p, _c, t = s["posts"], s["coverage"], plan.totals
    console.print(f"[bold]Mission plan[/] for {plan.agreement_id}: line {plan.line_length_km:,.1f} km"
                  f" in {plan.line_parts} part(s), security zone ±{plan.zone_km:g} km")
    tab = Table(show_header=True, title="Posts, coverage and personnel")
    tab.add_column("")
    tab.add_column("value", justify="right")
    tab.add_row("observation posts", f"{plan.posts:,} ("
                + ", ".join(f"{k} side {v:,}" for k, v in p["by_side"].items()) + ")")
    bound = "" if plan.gap is None else (" (proven minimum)" if plan.gap == 0
                                         else f" (within {_pct(plan.gap)} of the minimum)")
    tab.add_row("  optimiser", f"{plan.method}{bound}")
    tab.add_row("  uniform spacing", f"{plan.uniform_posts:,} posts every "
                f"{plan.uniform_spacing_km:.2f} km ({_pct(plan.uniform_line_cover.at_least(plan.params.min_cover))} "
                f"of the line at ≥{plan.params.min_cover})")
    tab.add_row("  saving vs uniform", _pct(plan.saving))
    for label, cov in (("line", plan.line_cover), ("security zone", plan.zone_cover)):
        tab.add_row(f"{label} covered by 1 / 2 / 3+ posts",
                    f"{_pct(cov.one)} / {_pct(cov.two)} / {_pct(cov.three_plus)}")
        tab.add_row(f"  {label} not covered", _pct(cov.none))
        if label == "line" and plan.params.min_cover > 3:
            tab.add_row(f"  line covered by ≥{plan.params.min_cover} posts",
                        _pct(cov.at_least(plan.params.min_cover)))
    if plan.short_share > 0:
        tab.add_row("line where fewer sites than --min-cover exist", _pct(plan.short_share))
    tab.add_row("patrol teams on duty", f"{t.patrol_teams:,}")
    tab.add_row("monitors on duty at once", f"{t.positions:,}")
    tab.add_row("monitors (with rotation)", f"{t.monitors:,}")
    tab.add_row("support staff", f"{t.support:,}")
    tab.add_row("force protection", f"{t.force_protection:,}")
    tab.add_row("[bold]total personnel[/]", f"[bold]{t.total:,}[/]")
    per = s["per_100km"]
    tab.add_row("per 100 km of line", f"{per['posts']:,.1f} posts, {per['monitors']:,.0f} "
                f"monitors, {per['total']:,.0f} in total")
    console.print(tab)
    console.print("[bold]Assumptions[/]")
    bullets = Table.grid(padding=(0, 1))  # wrapped lines hang under their text, not the bullet
    bullets.add_column(justify="right", width=3, no_wrap=True)
    bullets.add_column(overflow="fold")
    for a in plan.params.assumptions():
        bullets.add_row("•", escape(a))
    console.print(bullets)
    if len(plan.sectors) > 1:
        sec = Table(title="Sectors along the line, in order from its start")
        sec.add_column("nation", no_wrap=True)
        for col in ("share", "length km", "posts", "teams", "monitors", "total"):
            sec.add_column(col, justify="right", no_wrap=True)
        for x in plan.sectors:
            q = x.personnel
            sec.add_row(x.nation, f"{100 * x.share:.0f}%", f"{x.length_km:,.1f}",
                        str(q.posts), str(q.patrol_teams),
                        f"{q.monitors:,}", f"{q.total:,}")
        console.print(sec)


def _write(plan: Any, frame: Any, out: Path) -> list[Path]:
    from truce.reports.mapplot import PointLayer, render_agreement_map

    out.mkdir(parents=True, exist_ok=True)
    summary = out / "plan.json"
    summary.write_text(json.dumps(plan.summary(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    geo = out / "posts_sectors.geojson"
    geo.write_text(json.dumps(plan.to_geojson(), ensure_ascii=False) + "\n", "utf-8")
    layers = []
    for i, (sector, pieces) in enumerate(zip(plan.sectors, plan.sector_lines, strict=True)):
        pts = np.concatenate([_densify(v, 400.0) for v in pieces]) if pieces else np.empty((0, 2))
        lon, lat = frame.projection.to_lonlat(pts[:, 0], pts[:, 1])
        label = (f"sector {sector.nation}: {sector.length_km:,.0f} km, "
                 f"{sector.personnel.posts} posts, {sector.personnel.total:,} people")
        layers.append(PointLayer(lon=lon, lat=lat, label=label, size=36.0, alpha=0.55,
                                 colour=SECTOR_COLOURS[i % len(SECTOR_COLOURS)]))
    side = np.array(plan.posts_side)
    for party, marker, colour in zip(frame.agreement.party_ids, ("^", "v"), ("#08306b", "#67000d")):
        sel = side == party
        if sel.any():
            layers.append(PointLayer(lon=plan.posts_lonlat[sel, 0], lat=plan.posts_lonlat[sel, 1],
                                     label=f"post on {party} side ({int(sel.sum())})",
                                     colour=colour, marker=marker, size=14.0, alpha=0.95))
    t = plan.totals
    title = (f"{frame.agreement.title}\n{plan.posts} posts (range {plan.params.sensor_range_km:g}"
             f" km, line covered ≥{plan.params.min_cover}x: "
             f"{_pct(plan.line_cover.at_least(plan.params.min_cover))}), "
             f"{t.monitors:,} monitors, {t.total:,} personnel")
    png = render_agreement_map(frame, out / "plan.png", layers=layers, title=title)
    return [summary, geo, png]


def _densify(v: np.ndarray, step_m: float) -> np.ndarray:
    """Points every ``step_m`` along a polyline (for drawing a sector as a coloured band)."""
    seg = np.hypot(*np.diff(v, axis=0).T)
    s = np.r_[0.0, np.cumsum(seg)]
    t = np.linspace(0.0, s[-1], max(int(s[-1] / step_m), 1) + 1)
    return np.column_stack([np.interp(t, s, v[:, 0]), np.interp(t, s, v[:, 1])])
