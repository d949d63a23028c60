"""``truce review``: an analyst confirms, rejects, merges and splits incidents and corrects
observations; every change is a new ledger entry and the originals stay (docs/review.md)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from truce.cli.errors import handle_errors
from truce.cli.output import Format, print_json
from truce.errors import ValidationError

app = typer.Typer(
    help="Review the record: confirm, reject, merge and split incidents, correct observations.\n\n"
    "Reviews are append-only (each is a ledger entry; no incident or observation is changed) "
    "and reports read the reviewed state.\n\n"
    "Example: `truce review confirm inc-0123456789abcdef --analyst kim --reason 'crater seen'`",
    no_args_is_help=True,
)

_DB_HELP = "The record: a SQLite file or a postgresql:// URL (default $TRUCE_DB or ./truce.db)."
_ANALYST_HELP = "Who reviews (default $TRUCE_ANALYST; required)."
_REASON_HELP = "Why (required; kept in the record)."
STATUSES = ("unreviewed", "confirmed", "rejected")
# the options every review command shares, declared once
Analyst = Annotated[str | None, typer.Option("--analyst", envvar="TRUCE_ANALYST", help=_ANALYST_HELP)]
Reason = Annotated[str | None, typer.Option("--reason", help=_REASON_HELP)]
Db = Annotated[str | None, typer.Option("--db", help=_DB_HELP)]


def _uow(db: str | Path | None, write: bool):  # type: ignore[no-untyped-def]
    from truce.cli.record import open_record

    # a SQLite file (must exist) or a postgresql:// URL; default $TRUCE_DB, then ./truce.db
    return open_record(db, write=write)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(f"must be YYYY-MM-DD, got {value!r}", field="--date") from None


def _table(head: list[str], rows: list[list[str]]) -> None:
    """A plain aligned table (never truncated or wrapped, whatever the terminal's width)."""
    widths = [max([len(h), *(len(r[c]) for r in rows)]) for c, h in enumerate(head)]
    for r in [head, *rows]:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


def _report(res: Any) -> None:
    """What a review changed, and the new ledger head."""
    for line in res.changes:
        typer.echo(line)
    for inc in res.incidents:
        loc = inc["location"]
        typer.echo(f"  {inc['id']}: {inc['kind']} x{inc['count']} at {loc['lat']:.5f}, "
                   f"{loc['lon']:.5f} (+-{inc['uncertainty_m']:.0f} m), "
                   f"{len(inc['observation_ids'])} observation"
                   f"{'' if len(inc['observation_ids']) == 1 else 's'}")
    typer.echo(f"review {res.review['id']} by {res.review['analyst']}; ledger entry "
               f"{res.ledger_entry.seq}, head {res.head}")


def _act(action: str, *args: Any, analyst: str | None, reason: str | None,
         db: str | None) -> None:
    from truce.service import review

    uow = _uow(db, write=True)
    try:
        res = getattr(review, action)(uow, *args, analyst=analyst, reason=reason,
                                      now=datetime.now(UTC))
    finally:
        uow.close()
    _report(res)


@app.command("list")
@handle_errors
def list_cmd(
    date_: str | None = typer.Option(None, "--date", help="Only incidents of this local date "
                                                          "(YYYY-MM-DD)."),
    status: str | None = typer.Option(None, "--status",
                                      help="Only unreviewed, confirmed or rejected incidents."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json"),
    db: Db = None,
) -> None:
    """List the incidents of the reviewed state with their review status, then the orphaned
    reviews (whose incident no longer exists after re-processing).

    Example: `truce review list --date 2024-12-08 --status unreviewed --db truce.db`
    """
    from truce.service.review import reviewed_state

    if status is not None and status not in STATUSES:
        raise ValidationError(f"must be one of {', '.join(STATUSES)}", field="--status")
    day = _day(date_)
    uow = _uow(db, write=False)
    try:
        st = reviewed_state(uow, day)
    finally:
        uow.close()
    rows = [i for i in st.incidents if status is None or i["review"]["status"] == status]
    if fmt == Format.json:
        print_json({"incidents": rows, "orphaned": st.orphaned})
        return
    typer.echo(f"{len(rows)} incidents" + (f" on {day}" if day else "")
               + (f" ({status})" if status else ""))
    # the start in UTC with its day: beside the local date, a bare UTC time misleads (an
    # incident at 00:30 local on the 6th started at 22:30 UTC on the 5th)
    _table(["incident", "date", "start (UTC)", "kind", "count", "region", "status", "reviews"],
           [[i["id"], i["date"], str(i["start"])[5:16].replace("T", " "), i["kind"],
             str(i["count"]),
             str(i.get("region") or "-"), i["review"]["status"],
             ",".join(i["review"]["by"]) or "-"] for i in rows])
    for o in st.orphaned:
        typer.echo(f"orphaned: {o['review']} {o['action']} {o['target']} by {o['analyst']}: "
                   f"{o['why']}")


@app.command("show")
@handle_errors
def show_cmd(
    incident: str = typer.Argument(..., help="Incident id."),
    db: Db = None,
) -> None:
    """Show one incident of the reviewed state as JSON: its record, review status, the reviews
    behind it, and its violations.

    Example: `truce review show inc-0123456789abcdef --db truce.db`
    """
    from truce.service.review import review_history, reviewed_state

    uow = _uow(db, write=False)
    try:
        st = reviewed_state(uow)
        hist = review_history(uow)
    finally:
        uow.close()
    inc = st.incident(incident)
    if inc is None:
        for h in reversed(hist):
            if h["action"] == "merge" and incident in (h.get("incidents") or []):
                raise ValidationError(f"incident {incident} was merged into "
                                      f"{h['target']['key']} by {h['id']}; show that one")
            if h["action"] == "split" and h["target"]["key"] == incident:
                raise ValidationError(f"incident {incident} was split into "
                                      f"{', '.join(h.get('incidents') or [])} by {h['id']}; "
                                      f"show one of those")
        raise ValidationError(f"incident {incident} is not in the reviewed state "
                              f"(`truce review list` shows the incidents)")
    by = set(inc["review"]["by"])
    print_json({"incident": inc, "reviews": [h for h in hist if h["id"] in by],
                "violations": [v for v in st.violations if v["subject"]["id"] == incident]})


@app.command("confirm")
@handle_errors
def confirm_cmd(
    incident: str = typer.Argument(..., help="Incident id."),
    analyst: Analyst = None,
    reason: Reason = None,
    db: Db = None,
) -> None:
    """Confirm an incident (a new review entry in the ledger).

    Example: `truce review confirm inc-0123456789abcdef --analyst kim --reason 'crater seen by UAV'`
    """
    _act("confirm", incident, analyst=analyst, reason=reason, db=db)


@app.command("reject")
@handle_errors
def reject_cmd(
    incident: str = typer.Argument(..., help="Incident id."),
    analyst: Analyst = None,
    reason: Reason = None,
    db: Db = None,
) -> None:
    """Reject an incident: it stays in the record, reports leave it out of their counts and
    its violations out of theirs.

    Example: `truce review reject inc-0123456789abcdef --analyst kim --reason 'construction blasting'`
    """
    _act("reject", incident, analyst=analyst, reason=reason, db=db)


@app.command("merge")
@handle_errors
def merge_cmd(
    incidents: list[str] = typer.Argument(..., help="Two or more incident ids."),
    analyst: Analyst = None,
    reason: Reason = None,
    db: Db = None,
) -> None:
    """Merge incidents into one, recomputed by fusion from the union of their observations
    (location, uncertainty, count) and adjudicated again.

    Example: `truce review merge inc-0123456789abcdef inc-fedcba9876543210 --analyst kim --reason 'one shelling'`
    """
    _act("merge", incidents, analyst=analyst, reason=reason, db=db)


@app.command("split")
@handle_errors
def split_cmd(
    incident: str = typer.Argument(..., help="Incident id."),
    group: list[str] = typer.Option(..., "--group",
                                    help="Observations (SOURCE/ID, comma-separated) of one new "
                                         "incident; repeat; the rest form one more."),
    analyst: Analyst = None,
    reason: Reason = None,
    db: Db = None,
) -> None:
    """Split an incident into one incident per group of its observations, each recomputed by
    fusion and adjudicated again.

    Example: `truce review split inc-0123456789abcdef --group op-1/a,op-2/b --group op-3/c --analyst kim --reason 'two fires'`
    """
    groups = [g.split(",") for g in group]
    _act("split", incident, groups, analyst=analyst, reason=reason, db=db)


def _value(text: str) -> Any:
    """A --set value: JSON when it parses (12, [3, 5], null, true), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@app.command("correct")
@handle_errors
def correct_cmd(
    observation: str = typer.Argument(..., help="The observation, SOURCE/ID."),
    set_: list[str] = typer.Option(..., "--set",
                                   help="FIELD=VALUE (count, kind, detail, direction, "
                                        "bearing_deg, distance_km, time, ...); a JSON value or "
                                        "text; null removes the field.  Repeat."),
    analyst: Analyst = None,
    reason: Reason = None,
    db: Db = None,
) -> None:
    """Correct fields of an observation.  The submitted record stays verbatim; the correction
    is a review entry, and the next `truce process` fuses the corrected values.

    Example: `truce review correct op-012/op-012-20241208-0003 --set count=12 --set direction=NE --analyst kim --reason 'patrol log re-read'`
    """
    changes: dict[str, Any] = {}
    for s in set_:
        k, eq, v = s.partition("=")
        if not eq or not k.strip():
            raise ValidationError(f"{s!r}: expected FIELD=VALUE", field="--set")
        changes[k.strip()] = _value(v.strip())
    _act("correct", observation, changes, analyst=analyst, reason=reason, db=db)


@app.command("history")
@handle_errors
def history_cmd(
    fmt: Format = typer.Option(Format.table, "--format", help="table or json"),
    db: Db = None,
) -> None:
    """List every review entry, oldest first: who did what to which incident or observation,
    when and why.

    Example: `truce review history --db truce.db`
    """
    from truce.service.review import review_history

    uow = _uow(db, write=False)
    try:
        hist = review_history(uow)
    finally:
        uow.close()
    if fmt == Format.json:
        print_json(hist)
        return
    typer.echo(f"{len(hist)} reviews")
    rows = []
    for h in hist:
        what = h.get("reason") or ""
        if h["action"] == "merge":
            what += f" (merged {', '.join(h['incidents'])})"
        elif h["action"] == "split":
            what += f" (into {', '.join(h['incidents'])})"
        elif h["action"] == "correct":
            what += " (" + ", ".join(f"{k}={json.dumps(v)}" for k, v in h["set"].items()) + ")"
        rows.append([h["id"], h["created_at"][:16].replace("T", " "), h["action"],
                     h["target"]["key"], h["analyst"], what])
    _table(["review", "time (UTC)", "action", "target", "analyst", "reason (change)"], rows)
