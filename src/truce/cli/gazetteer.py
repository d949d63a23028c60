"""``truce gazetteer``: import place lists, look names up, list and remove imports."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table

from truce.cli.errors import err_console, fail, handle_errors
from truce.cli.output import Format, console, print_json
from truce.errors import ValidationError
from truce.gazetteer import (
    import_file,
    list_imported,
    load_gazetteer,
    remove,
    starter_gazetteer,
)
from truce.gazetteer.registry import STARTER_NAME
from truce.gazetteer.sources import FORMATS

app = typer.Typer(
    help="Gazetteer: settlement names to coordinates.\n\n"
    "A starter of Ukraine's GeoNames places (population 500+) is built in; `import` adds your "
    "own (GeoNames dumps such as UA.txt, or CSV with name,lat,lon). Imports are kept in "
    "$TRUCE_HOME/gazetteers (default: the user data directory).\n\n"
    "Example: `truce gazetteer lookup Avdiivka --near 48.1,37.7`",
    no_args_is_help=True,
)

_MAX_REASONS = 5

HomeOption = typer.Option(
    None, "--home", envvar="TRUCE_HOME", show_envvar=True,
    help="truce data directory (default: the user data directory).",
)  # fmt: skip


def truce_home(home: Path | None = None) -> Path:
    """The truce data directory: ``home``, else ``$TRUCE_HOME``, else the user data directory."""
    if home is not None:
        return home
    env = os.environ.get("TRUCE_HOME")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("truce"))


def _parse_near(text: str) -> tuple[float, float]:
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise ValidationError(
            f"--near must be LAT,LON in degrees, e.g. 48.1,37.7; got {text!r}"
        ) from None
    if not (abs(lat) <= 90 and abs(lon) <= 180):
        raise ValidationError(f"--near {text!r} is not LAT,LON in degrees (lat first)")
    return lat, lon


@app.command("import")
@handle_errors
def import_cmd(
    file: Path = typer.Argument(
        ..., help="GeoNames dump (UA.txt, UA.zip) or CSV (name,lat,lon[,admin1,alt_names])."
    ),
    fmt: str = typer.Option("auto", "--format", help="auto, geonames or csv."),
    name: str | None = typer.Option(
        None, "--name", help="Name to store it under (default: the file's stem)."
    ),
    home: Path | None = HomeOption,
) -> None:
    """Import a place list so that later runs find its names.  Re-importing a name replaces it.

    Rows that cannot be used are reported with their line numbers; the rest is imported.
    Exit code 2 if the file cannot be read or has no valid row.

    Example: `truce gazetteer import ../shared/data/gazetteer/ua_front_settlements.csv`
    """
    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    r = import_file(file, home=truce_home(home), name=name, fmt=fmt)
    verb = "replaced" if r.replaced else "imported"
    console.print(
        f"[green]{verb}[/] {r.name}: {r.places:,} place(s) from {file} ({r.format}) -> {r.path}"
    )
    if r.errors:
        err_console.print(f"[yellow]{len(r.errors):,} row(s) rejected[/]")
        for e in r.errors[:_MAX_REASONS]:
            err_console.print(f"  {file}:{e.line}: {e.reason}", markup=False)
        if len(r.errors) > _MAX_REASONS:
            err_console.print(f"  ... and {len(r.errors) - _MAX_REASONS:,} more")
    else:
        console.print("0 rows rejected")


@app.command("lookup")
@handle_errors
def lookup_cmd(
    name: str = typer.Argument(..., help="Place name, any spelling or script."),
    admin1: str | None = typer.Option(
        None, "--admin1", help="Only this oblast (e.g. Donetsk, 'Donetsk Oblast')."
    ),
    near: str | None = typer.Option(None, "--near", help="LAT,LON: nearest first, with distances."),
    limit: int = typer.Option(10, "--limit", min=1, help="At most this many candidates."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json"),
    home: Path | None = HomeOption,
) -> None:
    """Find the places a name can mean, best first.  Exit code 2 if there is none.

    Example: `truce gazetteer lookup Zaitseve --near 48.3,38.0 --admin1 Donetsk`
    """
    point = _parse_near(near) if near is not None else None
    g = load_gazetteer(truce_home(home))
    found = g.lookup(name, admin1=admin1, near=point, limit=limit)
    if not found:
        raise g.not_found(name, admin1=admin1)
    rows = [
        {
            "name": c.place.name,
            "admin1": c.place.admin1,
            "lat": c.place.lat,
            "lon": c.place.lon,
            "distance_km": None if c.distance_km is None else round(c.distance_km, 3),
            "match": c.match.value,
            "source": c.place.source,
        }
        for c in found
    ]
    if fmt == Format.json:
        print_json(rows)
        return
    t = Table(
        "name",
        "admin1",
        "lat",
        "lon",
        "distance_km",
        "match",
        title=f"{name!r}: {len(rows)} candidate(s)",
    )
    for r in rows:
        t.add_row(
            str(r["name"]), str(r["admin1"]), f"{r['lat']:.5f}", f"{r['lon']:.5f}",
            "" if r["distance_km"] is None else f"{r['distance_km']:,.1f}", str(r["match"]),
        )  # fmt: skip
    console.print(t)


@app.command("list")
@handle_errors
def list_cmd(
    fmt: Format = typer.Option(Format.table, "--format", help="table or json"),
    home: Path | None = HomeOption,
) -> None:
    """List the gazetteers in use: the built-in starter and every import, with place counts.

    Example: `truce gazetteer list`
    """
    root = truce_home(home)
    rows = [
        {
            "name": STARTER_NAME,
            "places": len(starter_gazetteer()),
            "path": "(built in: GeoNames cities500, UA)",
        }
    ]
    rows += [{"name": g.name, "places": g.places, "path": str(g.path)} for g in list_imported(root)]
    if fmt == Format.json:
        print_json(rows)
        return
    t = Table("name", "places", "path", title=f"Gazetteers ({root})")
    for r in rows:
        t.add_row(str(r["name"]), f"{r['places']:,}", str(r["path"]))
    console.print(t)


@app.command("remove")
@handle_errors
def remove_cmd(
    name: str = typer.Argument(..., help="Name of an imported gazetteer (see `list`)."),
    home: Path | None = HomeOption,
) -> None:
    """Remove an imported gazetteer.  The starter cannot be removed.

    Example: `truce gazetteer remove ua_front_settlements`
    """
    path = remove(name, truce_home(home))
    console.print(f"[green]removed[/] {name} ({path})")
