"""``truce demo``: run the main job on the embedded default and say where the output is."""

from __future__ import annotations

from pathlib import Path

import typer

from truce.cli.errors import handle_errors
from truce.cli.output import console


@handle_errors
def demo_cmd(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Directory for the demo's output."),
    seed: int = typer.Option(7, "--seed", help="Random seed of the simulated scenario."),
) -> None:
    """Run the pipeline end to end on the bundled agreement and a simulated scenario.

    Example: `truce demo --out out/demo`
    """
    from truce.demo import run_demo

    result = run_demo(out, seed=seed, progress=True)
    console.print(result.summary)
    for label, path in result.paths.items():
        console.print(f"  {label:<22} {path}")
