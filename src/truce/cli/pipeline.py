"""``truce process``, ``truce export incidents`` and ``truce evaluate``: fuse the record's
observations into incidents, hand them out, and measure them against simulated ground truth."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO

import typer

from truce.cli.errors import handle_errors
from truce.cli.record import _DB_HELP, open_record
from truce.errors import ValidationError

MAX_REJECTED_SHOWN = 20


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    geojson = "geojson"
    csv = "csv"


@handle_errors
def process_cmd(
    agreement: str | None = typer.Option(
        None, "--agreement", "-a",
        help="Bundled agreement name or directory (default: the one the record was first "
             "processed under, else ukraine-2024-12-07)."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Fuse every observation in the record into incidents and store them, with their
    observation links, as one ledger entry.  They replace the current incidents (the replaced
    ones are kept, marked superseded); an unchanged record gives the same incidents again.  A
    record remembers the agreement it was first processed under and refuses another (exit 2).

    Example: `truce process --agreement ukraine-2024-12-07 --db truce.db`
    """
    from truce.fusion.observations import SAME_OBSERVATION
    from truce.service.process import process_record

    uow = open_record(db)
    try:
        r = process_record(uow, now=datetime.now(UTC), agreement=agreement)
    finally:
        uow.close()
    twice = sum(1 for rej in r.rejected if rej.field == SAME_OBSERVATION)
    notes = [f"{twice:,} told again under another id, fused once" if twice else "",
             f"{r.not_fused - twice:,} could not be fused" if r.not_fused - twice else ""]
    notes = [n for n in notes if n]
    typer.echo(f"agreement {r.agreement}: {r.observations:,} observations"
               + (f" ({'; '.join(notes)})" if notes else ""))
    for rej in r.rejected[:MAX_REJECTED_SHOWN]:
        typer.echo(f"  not fused: {rej.id or '#' + str(rej.index)}: {rej.field}: {rej.reason}")
    if r.unknown_weapon_classes:
        n = sum(len(v) for v in r.unknown_weapon_classes.values())
        typer.echo(f"warning: {n:,} weapon sighting(s) name a class the agreement does not know "
                   "(kept, but no withdrawal rule can judge them):", err=True)
        for c, keys in r.unknown_weapon_classes.items():
            more = f", ... ({len(keys) - 3:,} more)" if len(keys) > 3 else ""
            typer.echo(f"  {c!r}: {len(keys):,} ({', '.join(keys[:3])}{more})", err=True)
    kinds = ", ".join(f"{k} {n:,}" for k, n in r.by_kind.items()) or "none"
    if r.unchanged:
        typer.echo(f"incidents {r.incidents:,} ({kinds}), violations {r.violations:,}: the record "
                   f"already holds exactly these; nothing written (head {r.head})")
        return
    typer.echo(f"incidents {r.incidents:,} ({kinds}); superseded {r.stored.superseded:,}")
    e = r.stored.ledger_entry
    typer.echo(f"ledger entry {e.seq}, head {e.entry_hash}")
    typer.echo(f"violations {r.violations:,}; ledger entry {r.adjudication.ledger_entry.seq}, head {r.head}")


export_app = typer.Typer(
    help="Hand out what the record holds.\n\nExample: `truce export incidents --format geojson "
         "--out incidents.geojson`",
    no_args_is_help=True)


@contextmanager
def _output(out: str, fmt: ExportFormat) -> Iterator[IO[str]]:
    if out == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(out)
    try:
        fh = path.open("w", encoding="utf-8", newline="" if fmt is ExportFormat.csv else "\n")
    except OSError as exc:
        raise ValidationError(f"cannot write {path}: {exc.strerror}", field="--out") from None
    with fh:
        yield fh


@export_app.command("incidents")
@handle_errors
def export_incidents_cmd(
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f",
                                     help="jsonl (one incident record per line), geojson "
                                          "(FeatureCollection of points) or csv."),
    date_: str | None = typer.Option(None, "--date",
                                     help="Only incidents of this local date (YYYY-MM-DD, in "
                                          "the agreement's time zone): the day an incident is "
                                          "reported under - its first precise report's date; "
                                          "with vague reports only ('overnight' in the 8 "
                                          "December report: 18:00 on the 7th to 06:00) the "
                                          "date its window ends on, the 8th."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    out: str = typer.Option("-", "--out", "-o", help="Output file, or - for stdout."),
    include_rejected: bool = typer.Option(
        False, "--include-rejected",
        help="Also write the incidents reviewed as rejected (their review status says so)."),
    raw: bool = typer.Option(
        False, "--raw", help="The fusion output without any review: the current (not "
                             "superseded) incidents as `truce process` stored them, no "
                             "`review` field."),
) -> None:
    """Write the incidents per the incident export contract, in start order.  The count goes
    to stderr.

    By default the export is the reviewed record, the incidents the daily report counts:
    merged and split incidents as the analysts reviewed them, corrections applied, incidents
    reviewed as rejected left out (`--include-rejected` writes them, marked), and each incident
    with its `review` (`status` unreviewed/confirmed/rejected, `by` the review ids,
    `merged_from` or `split_from`; CSV columns `review`, `review_by`, `review_from`).  `--raw`
    writes the fusion output as stored, without reviews.

    Example: `truce export incidents --format csv --date 2024-12-08 --db truce.db --out incidents.csv`
    """
    from truce.service.process import export_incidents

    try:
        day = date.fromisoformat(date_) if date_ else None
    except ValueError:
        raise ValidationError(f"must be YYYY-MM-DD, got {date_!r}", field="--date") from None
    uow = open_record(db, write=False)
    try:
        with uow:  # open the record first: one that cannot be read leaves no half-written output
            pass
        with _output(out, fmt) as fh:
            n = export_incidents(uow, fmt.value, fh, day, raw=raw,
                                 include_rejected=include_rejected)
    finally:
        uow.close()
    typer.echo(f"{n:,} incidents" + (f" written to {out}" if out != "-" else ""), err=True)


@handle_errors
def evaluate_cmd(
    truth: Path = typer.Option(..., "--truth", exists=True, dir_okay=False,
                               help="The simulator's ground truth (truth.jsonl)."),
    links: Path | None = typer.Option(
        None, "--links", exists=True, dir_okay=False,
        help="The simulator's truth_links.jsonl (which episodes were observed; default: the one "
             "beside --truth if present, else every episode counts as observed)."),
    regions: str = typer.Option("gazetteer", "--regions",
                                help="Region of an incident: gazetteer (nearest settlement, the "
                                     "truth's rule) or stored (the incident's own region)."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Match the stored incidents against simulated ground truth and print the quality metrics:
    precision, recall and F1; daily count error per region beside the naive tally; location
    error by number of observers.

    Example: `truce evaluate --truth out/sim/truth.jsonl --links out/sim/truth_links.jsonl --db truce.db`
    """
    from truce.service.process import evaluate_record

    uow = open_record(db, write=False)
    try:
        ev = evaluate_record(uow, truth, links, regions=regions)
    finally:
        uow.close()
    typer.echo(ev.text)
