"""``truce report``: write the daily report of one day from the record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import typer

from truce.cli.errors import handle_errors
from truce.errors import ValidationError

_DB_HELP = ("The record: a SQLite file or a postgresql:// URL (default $TRUCE_DB or "
            "./truce.db).")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"not a date: {text!r} (write YYYY-MM-DD)", field="--date") from None


@handle_errors
def report_cmd(
    date_: str | None = typer.Option(
        None, "--date", help="Local date YYYY-MM-DD (default: the last day with incidents)."),
    fmt: str = typer.Option("md,html,json", "--format", "-f",
                            help="Comma list of md, html, json."),
    out: Path = typer.Option(Path("reports"), "--out", "-o", help="Directory to write into."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    trend_days: int = typer.Option(30, "--trend-days", min=2, help="Days of the trend chart (fewer when the record starts later)."),
) -> None:
    """Write the daily report of one day: summary per region, tables by area and kind, weapons
    in violation of withdrawal lines, disengagement areas, alerts, a map, the trend per region,
    the methodology and the record's head hash.  The report reads the reviewed record (rejected
    incidents left out and counted); the same record gives byte-identical Markdown and JSON.
    Each report issued is recorded in the ledger with its SHA-256.

    A day before the agreement's effective date has no ceasefire violations: its fire is
    reported as fire.  Observations ingested after the last `truce process` are in no incident:
    the report is still written, from the incidents processed so far, with a warning on stderr
    and a note in the report saying how many are left out (run `truce process` first).  An alert
    test that could not run (too few days of history) is named in the report.

    Example: `truce report --date 2025-01-06 --format md,html,json --out reports --db truce.db`
    """
    from truce.cli.record import open_record
    from truce.service.report import parse_formats, unprocessed_note, write_report

    formats = parse_formats(fmt)
    day = _day(date_)
    uow = open_record(db)
    try:
        res = write_report(uow, day, out, formats=formats, now=datetime.now(UTC),
                           trend_days=trend_days)
    finally:
        uow.close()
    m = res.model
    t = m["totals"]
    n_alerts = len(m["alerts"])
    if m.get("in_force", True):
        detail = (f"{t['explosions']:,} explosions; previous period "
                  f"{t['previous_violations']:,}")
    else:  # the agreement was not yet in force: the day's fire is fire, not violations
        f = m["fire"]
        detail = (f"agreement effective {m['agreement']['effective']}: {f['rounds']:,} rounds of "
                  f"fire recorded, {f['explosions']:,} explosions, not violations")
    not_run = [k for k, v in m.get("alert_tests", {}).items() if not v.get("run", True)]
    typer.echo(f"daily report {res.day}: {t['violations']:,} ceasefire violations ({detail}), "
               f"{n_alerts} alert{'' if n_alerts == 1 else 's'}"
               + (f" ({' and '.join(k.replace('buildup', 'build-up') for k in not_run)} "
                  f"test{'s' if len(not_run) > 1 else ''} not run)" if not_run else ""))
    if m.get("unprocessed_observations"):
        typer.echo(f"warning: {unprocessed_note(m['unprocessed_observations'])}", err=True)
    for k, p in res.paths.items():
        typer.echo(f"  {k:<6} {p}")
    typer.echo(f"built from ledger entry {res.seq}, head {res.head_hash}")
    if res.ledger_entry is not None:
        typer.echo(f"issue recorded as ledger entry {res.ledger_entry.seq}, head now "
                   f"{res.ledger_entry.entry_hash}")
