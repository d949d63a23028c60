"""``truce demo``: run the main job on the embedded default and say where the output is."""

from __future__ import annotations

from pathlib import Path

import typer

from truce.cli.errors import handle_errors


@handle_errors
def demo_cmd(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Directory for the demo's output."),
    seed: int = typer.Option(7, "--seed", help="Random seed of the simulated scenario."),
) -> None:
    """Run the pipeline end to end on the bundled agreement and 30 simulated days (a quiet
    start, an escalation, a heavy-weapons build-up): record, fusion, adjudication, verification,
    the daily report of the last day with the trend over the month, and the score against the
    simulated truth.  Prints a short summary and the paths of what it wrote.

    Example: `truce demo --out out/demo`
    """
    from truce.demo import run_demo

    result = run_demo(out, seed=seed, progress=True)
    typer.echo(result.summary)
    for label, path in result.paths.items():
        typer.echo(f"  {label:<22} {path}")
