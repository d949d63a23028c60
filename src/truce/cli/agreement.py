"""``truce agreement``: list, check, show and assemble agreements."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from truce.agreement.assemble import assemble_from_files, write_agreement
from truce.agreement.loader import bundled_agreements, load_agreement, resolve_agreement
from truce.agreement.summary import summarize
from truce.cli.errors import err_console, fail, handle_errors
from truce.cli.output import Format, console, print_json

app = typer.Typer(
    help="Agreements: the contact line, parties' areas, zones, withdrawal distances and rules.\n\n"
    "An agreement is a directory with agreement.yaml and GeoJSON files (docs/agreement.md); "
    "commands take a bundled NAME or a DIR.\n\n"
    "Example: `truce agreement show ukraine-2024-12-07`",
    no_args_is_help=True,
)


@app.command("list")
@handle_errors
def list_cmd(fmt: Format = typer.Option(Format.table, "--format", help="table or json")) -> None:
    """List the bundled agreements.

    Example: `truce agreement list`
    """
    rows = []
    for name in bundled_agreements():
        a = load_agreement(name)
        rows.append({"name": name, "title": a.title, "effective": a.effective.isoformat()})
    if fmt == Format.json:
        print_json(rows)
        return
    t = Table("name", "effective", "title", title="Bundled agreements")
    for r in rows:
        t.add_row(r["name"], r["effective"], r["title"])
    console.print(t)


@app.command("check")
@handle_errors
def check_cmd(agreement: str = typer.Argument(..., help="Bundled name or agreement directory.")) -> None:
    """Validate an agreement; exit 0 if it loads, 2 with a one-line reason if not.

    Checked: the YAML's fields, each GeoJSON (types, finite lon/lat, validity), that the parties'
    areas do not overlap, and that the contact line runs between them (within 10 km of both;
    catches lat/lon swapped).  An invalid polygon (a self-intersection) is repaired with
    make_valid and reported as a warning line naming the file and feature (exit 0).

    Example: `truce agreement check ./my-agreement`
    """
    a = load_agreement(agreement)
    for w in a.warnings:
        err_console.print(f"warning: {w}", markup=False)
    s = summarize(a)
    console.print(
        f"[green]ok[/] {a.id}: {len(a.parties)} parties, line {s.line_length_km:,.1f} km "
        f"({s.line_parts} part(s), {s.line_vertices} vertices), {len(a.weapon_classes)} weapon "
        f"classes, {len(a.disengagement_areas)} disengagement area(s), {len(a.rules)} rule(s)"
    )


@app.command("show")
@handle_errors
def show_cmd(
    agreement: str = typer.Argument(..., help="Bundled name or agreement directory."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json"),
) -> None:
    """Summarise an agreement: parties, line length, zones, areas and share of the country.

    Example: `truce agreement show ukraine-2024-12-07`
    """
    s = summarize(load_agreement(agreement))
    if fmt == Format.json:
        print_json(s.as_dict())
        return
    console.print(f"[bold]{s.title}[/]  ({s.id}, effective {s.effective})")
    console.print(
        f"Contact line: [bold]{s.line_length_km:,.1f} km[/] geodesic, {s.line_parts} part(s), "
        f"{s.line_vertices} vertices.  Security zone: {s.security_zone_km:g} km each side."
    )
    t = Table("party", "name", "area km²", "in country km²", "share of country", title="Parties")
    for p in s.parties:
        t.add_row(
            p.id, p.name, f"{p.area_km2:,.0f}",
            "—" if p.area_in_country_km2 is None else f"{p.area_in_country_km2:,.0f}",
            "—" if p.share_of_country is None else f"{100 * p.share_of_country:.2f} %",
        )
    console.print(t)
    if s.country_area_km2:
        console.print(f"National boundary: {s.country_area_km2:,.0f} km²; regions: {s.regions}")
    w = Table("weapon class", "withdrawal km", title="Withdrawal distances")
    for k, v in s.withdrawal_km.items():
        w.add_row(k, f"{v:g}" if v else "—")
    console.print(w)
    if s.disengagement_areas:
        console.print("Disengagement areas: " + ", ".join(s.disengagement_areas))
    console.print("Rules: " + ", ".join(s.rules))


@app.command("new")
@handle_errors
def new_cmd(
    line: Path = typer.Option(..., "--line", help="Contact line GeoJSON (LineString features)."),
    area: str = typer.Option(..., "--area", help="PARTY=AREA.geojson: one party's controlled area."),
    boundary: Path = typer.Option(..., "--boundary", help="National boundary GeoJSON (polygons)."),
    regions: Path | None = typer.Option(None, "--regions", help="Admin-1 (oblast) GeoJSON, optional."),
    region_name: str = typer.Option("name", "--region-name-property", help="Region name property."),
    template: str = typer.Option("ukraine-2024-12-07", "--from",
                                 help="Agreement whose parties, rules and distances are used."),
    agreement_id: str | None = typer.Option(None, "--id", help="Id of the new agreement (default: --out's name)."),
    out: Path = typer.Option(..., "--out", help="Directory to write."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing agreement in --out."),
) -> None:
    """Assemble an agreement directory from your own geometry.

    The party named in --area holds that area; the other party of the --from agreement holds the
    rest of --boundary.  Rules, withdrawal distances and the security zone come from --from.

    Example: `truce agreement new --line line.geojson --area ru=occupied.geojson
    --boundary ukraine.geojson --regions oblasts.geojson --from minsk-2015 --out ./dec2024`
    """
    if "=" not in area:
        raise fail("--area must be PARTY=FILE, e.g. ru=occupied.geojson")
    party, _, path = area.partition("=")
    a = assemble_from_files(
        line=line, area=(party.strip(), Path(path)), boundary=boundary, regions=regions,
        region_name_property=region_name, template=template,
        agreement_id=agreement_id or out.resolve().name.lower().replace(" ", "-"),
    )
    write_agreement(a, out, overwrite=overwrite)
    loaded = load_agreement(out)  # prove it round-trips
    s = summarize(loaded)
    console.print(f"[green]wrote[/] {resolve_agreement(out)}: line {s.line_length_km:,.1f} km, "
                  + ", ".join(f"{p.id} {p.area_km2:,.0f} km²" for p in s.parties))
