"""``truce classify``: party, distance to the line, zone and withdrawal checks for a CSV of points."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import typer

from truce.agreement.loader import load_agreement
from truce.cli.errors import err_console, fail, handle_errors
from truce.geo import AgreementFrame, classify
from truce.io.points import read_points_csv


@handle_errors
def classify_cmd(
    agreement: str = typer.Option("ukraine-2024-12-07", "--agreement", "-a", help="Bundled name or directory."),
    inp: Path = typer.Option(..., "--in", help="CSV with columns lat,lon (other columns are kept)."),
    out: Path = typer.Option(..., "--out", help="CSV to write ('-' for stdout)."),
) -> None:
    """Classify points: which party's area, signed distance to the contact line (km, positive on
    the first party's side), zone, and one ok_<class> column per weapon class with a withdrawal
    distance.  Bad rows (another number of fields than the header, lat/lon missing, not numbers
    or out of range) are reported with their line numbers; the rest is classified.

    Example: `truce classify --agreement ukraine-2024-12-07 --in points.csv --out result.csv`
    """
    if str(out) != "-" and not out.parent.is_dir():  # a mistake in the command, not a failure
        raise fail(f"{out}: its directory {out.parent} does not exist", 2)
    frame = AgreementFrame.from_agreement(load_agreement(agreement))
    table = read_points_csv(inp)
    for err in table.errors[:20]:
        err_console.print(f"[yellow]{inp}:{err.line}[/]: {err.reason}")
    if len(table.errors) > 20:
        err_console.print(f"... and {len(table.errors) - 20} more bad rows")
    if not len(table.lat) and table.errors:
        raise fail(f"{inp}: no valid row ({len(table.errors)} bad)")
    c = classify(frame, table.lon, table.lat)
    classes = list(c.ok)
    header = [*table.header, "party", "distance_km", "zone", *(f"ok_{k}" for k in classes)]
    fh = sys.stdout if str(out) == "-" else open(out, "w", newline="", encoding="utf-8")  # noqa: SIM115
    try:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        dist = np.round(c.distance_km, 3)
        oks = [np.where(c.ok[k], "true", "false") for k in classes]
        for i, row in enumerate(table.rows):
            w.writerow([*row, c.party[i], f"{dist[i]:.3f}", c.zone[i], *(o[i] for o in oks)])
    finally:
        if fh is not sys.stdout:
            fh.close()
    n_ok = len(table.lat)
    err_console.print(f"classified {n_ok:,} point(s), {len(table.errors):,} bad row(s)"
                      + ("" if str(out) == "-" else f" -> {out}"))
