"""``truce parse``: read a narrative report, print the observations found (nothing is stored)."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from truce.cli.errors import err_console, handle_errors
from truce.cli.gazetteer import truce_home
from truce.errors import ValidationError


class ParseFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


_DUMPS = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"must be YYYY-MM-DD, got {text!r}", field="--date") from None


def narrative_parser(date_: str | None, tz: str, home: Path | None):  # type: ignore[no-untyped-def]
    """``parse(text, path, source_id=None, report=None) -> ParseResult`` for the options
    ``--date`` and ``--tz`` (checked here, named in their errors) with the gazetteer loaded once;
    a report it cannot date is an error naming its file.  ``truce parse`` and ``truce ingest``."""
    from truce.gazetteer.registry import load_gazetteer
    from truce.intake.narrative import parse_report
    from truce.intake.narrative.times import parse_tz

    try:
        zone = parse_tz(tz)
    except ValidationError as exc:  # name the option the user typed
        raise ValidationError(exc.reason, field="--tz") from None
    day = _date(date_)
    gaz = load_gazetteer(truce_home(home))

    def parse(text: str, path: Path, source_id: str | None = None, report: str | None = None):  # type: ignore[no-untyped-def]
        try:
            return parse_report(text, report_date=day, tz=zone, gazetteer=gaz,
                                source_id=source_id or path.stem, report=report)
        except ValidationError as exc:  # "no report date": name the file
            raise ValidationError(exc.reason, where=str(path), field=exc.field) from None

    return parse


@handle_errors
def parse_cmd(
    report: Path = typer.Argument(..., help="The report: a text file in the OSCE house style."),
    date_: str | None = typer.Option(
        None, "--date", help="Report date YYYY-MM-DD (default: the date in the report's heading)."),
    tz: str = typer.Option("+02:00", "--tz", help="The report's UTC offset, e.g. +02:00."),
    fmt: ParseFormat = typer.Option(ParseFormat.jsonl, "--format", help="jsonl or table."),
    unparsed: Path | None = typer.Option(
        None, "--unparsed", help="Write the sentences that gave no observation here (JSONL)."),
    source_id: str | None = typer.Option(
        None, "--source-id", help="source.id of the records (default: the file's stem)."),
    home: Path | None = typer.Option(
        None, "--home", envvar="TRUCE_HOME", help="truce data directory (imported gazetteers)."),
) -> None:
    """Parse a narrative report into observations (the observation contract plus region,
    sentence and the verbatim text) without storing anything.

    Observations go to stdout; a summary (per-region ceasefire violations and explosions,
    sentences parsed and unparsed by reason, the report's own totals with the previous period
    apart) goes to stderr, followed by the first 20 unparsed sentences with their reasons
    (e.g. "sentence 4: not parsed: unknown_place: Atlantis"; all of them with --unparsed).
    A sentence with a clock time that does not exist (25:99) is unparsed (bad_time), one with
    an implausible distance or count likewise; bytes that are not UTF-8 give a warning.

    Example: truce parse reports/2024-12-08/op-002.txt --tz +02:00 --format table
    """
    from truce.intake.narrative import decode_report

    parse = narrative_parser(date_, tz, home)
    try:
        raw = report.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {report}: {exc.strerror or exc}") from None
    text, warning = decode_report(raw)
    if warning:
        err_console.print(f"warning: {report}: {warning}", markup=False)
    result = parse(text, report, source_id)
    if fmt is ParseFormat.jsonl:
        for rec in result.observations:
            typer.echo(_DUMPS(rec))
    else:
        _table(result.observations)
    if unparsed is not None:
        try:
            unparsed.write_text("".join(_DUMPS(u.to_dict()) + "\n" for u in result.unparsed),
                                encoding="utf-8")
        except OSError as exc:
            raise ValidationError(f"cannot write {unparsed}: {exc.strerror or exc}") from None
    _summary(result.summary())
    _list_unparsed(report, result.unparsed)


#: At most this many unparsed sentences are listed on stderr (all are in --unparsed FILE).
MAX_UNPARSED_SHOWN = 20


def _list_unparsed(report: Path, unparsed: tuple[Any, ...]) -> None:
    for u in unparsed[:MAX_UNPARSED_SHOWN]:
        err_console.print(f"  {report.name}: sentence {u.sentence}: not parsed: {u.message}",
                          markup=False)
    if len(unparsed) > MAX_UNPARSED_SHOWN:
        err_console.print(f"  ... and {len(unparsed) - MAX_UNPARSED_SHOWN} more unparsed "
                          "sentence(s) (all in --unparsed FILE)", markup=False)


def _table(records: tuple[dict[str, Any], ...]) -> None:
    from truce.cli.output import console

    t = Table("s", "kind", "detail", "count", "dir", "km", "time", "region", "observer")
    for r in records:
        tm = r["time"] if isinstance(r["time"], str) else f"{r['time']['start']}/{r['time']['end']}"
        ob = r.get("observer")
        t.add_row(str(r["sentence"]), r["kind"],
                  r.get("detail") or (r.get("weapon") or {}).get("class", ""),
                  str(r.get("count", "?")) + ("~" if r.get("count_uncertain") else ""),
                  r.get("direction", ""), str(r.get("distance_km", "")), tm, r.get("region") or "",
                  f"{ob['lat']:.4f},{ob['lon']:.4f}" if ob else "")
    console.print(t)


def _summary(s: dict[str, Any]) -> None:
    err_console.print(f"sentences: {s['sentences']}, parsed: {s['parsed']}, report totals: "
                      f"{s['totals_sentences']}, unparsed: {s['unparsed']}", markup=False)
    for reason, n in s["unparsed_by_reason"].items():
        err_console.print(f"  unparsed ({reason}): {n}", markup=False)
    for region, r in s["regions"].items():
        err_console.print(f"{region}: {r['violations']} ceasefire violations, "
                          f"{r['explosions']} explosions (from observations)", markup=False)
    rt = s["report_totals"]
    for label, key in (("report totals", "current"), ("previous period (not current)", "previous")):
        for region, t in rt[key].items():
            ex = "" if t["explosions"] is None else f", {t['explosions']} explosions"
            err_console.print(f"{label}: {region}: {t['violations']} ceasefire violations{ex}",
                              markup=False)
