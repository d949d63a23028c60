"""``truce ingest`` and ``truce verify``: put observations into the record, and prove it intact."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import typer

from truce.cli.errors import handle_errors
from truce.errors import ValidationError

MAX_REJECTED_SHOWN = 20


def default_db() -> Path:
    """``$TRUCE_DB`` or ``./truce.db`` (as a path: use ``record_url`` for URLs)."""
    return Path(os.environ.get("TRUCE_DB") or "truce.db")


#: the first bytes of every SQLite database file
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _writable(path: Path) -> bool:
    """Whether ``path`` (an existing file or directory) can be written (a test replaces it)."""
    return os.access(path, os.W_OK)


def record_url(db: str | Path | None, *, must_exist: bool = False, write: bool = True) -> str:
    """``--db`` (a SQLite file or a ``postgresql://`` URL; default ``$TRUCE_DB``, then
    ``./truce.db``) as the URL to open; ``must_exist``: refuse a SQLite file that is not there, or
    a database (PostgreSQL) that holds no record.  Every mistake in ``--db`` is bad input (exit
    2): an empty value, a directory, a directory that does not exist, a file that is not a
    SQLite database, and (``write``) a record that cannot be written.  ``write=False``: a SQLite
    record that cannot be written (read-only file, directory or mount) is opened read-only."""
    from truce.errors import StorageError
    from truce.storage.sql import database_url, is_url

    if db is not None and not str(db).strip():
        raise ValidationError("must not be empty: give the record's file or URL (or leave "
                              "--db out for $TRUCE_DB, then ./truce.db)", field="--db")
    db = db or os.environ.get("TRUCE_DB") or "truce.db"
    if not is_url(db):
        path = Path(db)
        if path.is_dir():
            raise ValidationError(f"{db} is a directory, not a record: give the record's file "
                                  f"(e.g. {path / 'truce.db'})", field="--db")
        parent = path.parent
        if must_exist and not path.is_file():
            raise ValidationError(f"no record at {db} (create one with `truce ingest`)")
        if not parent.is_dir():
            raise ValidationError(f"cannot put a record at {db}: the directory {parent} does not "
                                  "exist", field="--db")
        if path.is_file():
            try:
                with path.open("rb") as fh:
                    head = fh.read(len(_SQLITE_MAGIC))
            except OSError as exc:
                raise ValidationError(f"cannot read {db}: {exc.strerror}", field="--db") from None
            if head and head != _SQLITE_MAGIC:
                raise ValidationError(f"{db} is not a SQLite database, so not a truce "
                                      "record: give a record, or the name of a new file", field="--db")
            if not (_writable(path) and _writable(parent.resolve())):
                if write:
                    raise ValidationError(f"the record at {db} is read-only (the file or its "
                                          "directory cannot be written), and this command writes "
                                          "to it", field="--db")
                wal = path.with_name(path.name + "-wal")
                if wal.is_file() and wal.stat().st_size > 0:
                    # immutable=1 would read the file without the changes the log still holds
                    raise ValidationError(
                        f"the record at {db} is read-only and has a write-ahead log ({wal.name}) "
                        "that is not merged into it: reading it without that log would check an "
                        "older state; open it once with write access (any truce command), or copy "
                        f"it with `sqlite3 {db} .backup COPY`", field="--db")
                # read-only: no WAL index can be created beside it, and nobody writes to it
                return f"sqlite:///file:{path.resolve()}?mode=ro&immutable=1&uri=true"
        elif not _writable(parent.resolve()):
            raise ValidationError(f"cannot create a record at {db}: the directory {parent} is "
                                  "read-only", field="--db")
    try:
        url = database_url(db)
    except StorageError as exc:  # a URL of a database truce does not speak: bad input
        raise ValidationError(exc.message) from None
    if must_exist and is_url(db):  # a URL: PostgreSQL, or sqlite:///path
        from truce.storage.sql.uow import record_exists
        from truce.storage.sql.url import redact

        if not record_exists(url):  # reading commands must not create a schema as a side effect
            raise ValidationError(f"no record at {redact(url)} (create one with `truce ingest`)")
    return url


def open_record(db: str | Path | None, *, write: bool = True):  # type: ignore[no-untyped-def]
    """The unit of work on the existing record ``--db`` names (``record_url(must_exist=True)``);
    ``write=False`` for commands that only read (a read-only SQLite record opens read-only)."""
    from truce.storage.sql import SqlUnitOfWork

    return SqlUnitOfWork(record_url(db, must_exist=True, write=write), write=write)


_DB_HELP = ("The record: a SQLite file or a postgresql:// URL (default $TRUCE_DB or "
            "./truce.db).")


@handle_errors
def ingest_cmd(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False,
        help="Observation files (.jsonl, one record per line) or narrative reports (.txt)."),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    date_: str | None = typer.Option(
        None, "--date", help="Narrative reports: report date YYYY-MM-DD (default: the heading's)."),
    tz: str = typer.Option("+02:00", "--tz", help="Narrative reports: the UTC offset of their times."),
    home: Path | None = typer.Option(
        None, "--home", envvar="TRUCE_HOME", help="truce data directory (imported gazetteers)."),
    strict: bool = typer.Option(
        False, "--strict",
        help="Exit 3 when any line or sentence was rejected (what was valid still goes in)."),
) -> None:
    """Add observation files to the record.  Each file goes in whole or not at all; a file
    ingested twice adds nothing; a line that does not fit is rejected with its line number and
    reason while the rest goes in.  Every file that adds something appends a ledger entry.

    Narrative reports (.txt) are parsed as `truce parse` does; their observations go in the same
    way, and every sentence that gave no observation is listed with its number and reason.

    Exit codes: 0 when every file was read, even if some lines were rejected (they are listed);
    2 when a JSONL file had not one line that could be read (all rejected), or a report could not
    be dated - the other files still go in - or for a bad --db (a report of a quiet day that
    gives no observation is fine); with --strict, 3 when any line or sentence was rejected (2
    wins); 1 on a failure.

    Example: `truce ingest out/sim/observations.jsonl --db truce.db`, or a day's narratives:
    `truce ingest out/sim/reports/2024-12-08/*.txt --db truce.db`.  The simulator's
    observations.jsonl already holds every sentence of its narratives (same source ids, other
    record ids).  Ingesting both keeps both; `truce process` fuses each observation once and lists
    the other telling as "same observation as ...".
    """
    from truce.errors import TruceError

    for f in files:
        if f.suffix.lower() not in (".jsonl", ".txt"):
            raise ValidationError(
                "expected observation JSONL (.jsonl) or a narrative report (.txt)", where=str(f))
    parse = _narrative_parser(date_, tz, home) if any(f.suffix.lower() == ".txt" for f in files) else None
    url = record_url(db)
    try:
        unread, rejected = _ingest_files(files, url, parse)
    except (TruceError, OSError):
        raise
    except Exception as exc:  # a bug: one line, never a traceback (handle_errors does the rest)
        raise TruceError(f"internal error while ingesting ({type(exc).__name__}: {exc}); nothing "
                         "of the file being ingested was written; please report this") from exc
    if unread:
        raise ValidationError(f"nothing could be read from {', '.join(unread)} (see the reasons "
                              "above; the other files went in)")
    if strict and rejected:
        typer.echo(f"--strict: {rejected} line(s) or sentence(s) rejected", err=True)
        raise typer.Exit(3)


def _ingest_files(files: list[Path], url: str, parse) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """Ingest each file (one transaction each) and print what it did; returns the files of
    which not one line could be read, and the number of rejected lines and sentences."""
    from truce.service.ingest import ingest_jsonl, ingest_narrative
    from truce.storage.sql import SqlUnitOfWork

    unread: list[str] = []
    rejected = 0
    uow = SqlUnitOfWork(url)
    try:
        for f in files:
            now = datetime.now(UTC)
            if f.suffix.lower() == ".txt":
                assert parse is not None
                try:
                    r = ingest_narrative(f, uow, now=now, parse=lambda text, f=f: parse(text, f))
                except ValidationError as exc:  # e.g. no report date: this file, not the others
                    msg = str(exc) if str(f) in str(exc) else f"{f}: {exc}"
                    typer.echo(f"{msg} (not ingested)", err=True)
                    unread.append(str(f))
                    continue
            else:
                r = ingest_jsonl(f, uow, now=now)
            if r.nothing_new:
                typer.echo(f"{f}: nothing new ({r.duplicates} duplicates, "
                           f"{len(r.rejected)} rejected)")
            else:
                e = r.ledger_entry
                typer.echo(f"{f}: added {r.added}, duplicates {r.duplicates}, rejected "
                           f"{len(r.rejected)}; ledger entry {e.seq if e else '-'}, head "
                           f"{e.entry_hash if e else '-'}")
            for w in r.warnings:
                typer.echo(f"warning: {f}: {w}", err=True)
            for rej in r.rejected[:MAX_REJECTED_SHOWN]:
                typer.echo(f"  {f}: {rej}")
            if len(r.rejected) > MAX_REJECTED_SHOWN:
                typer.echo(f"  ... and {len(r.rejected) - MAX_REJECTED_SHOWN} more rejected lines")
            rejected += len(r.rejected)
            if r.nothing_read and f.suffix.lower() != ".txt":  # a narrative of a quiet day
                unread.append(str(f))                               # gives no observation: fine
    finally:
        uow.close()
    return unread, rejected


def _narrative_parser(date_: str | None, tz: str, home: Path | None):  # type: ignore[no-untyped-def]
    """The parse function for narrative reports (gazetteer loaded once for all files): records
    and unparsed ``(sentence, message)`` of a report's text, as ``ingest_narrative`` takes them."""
    from truce.cli.parse import narrative_parser

    report_parser = narrative_parser(date_, tz, home)

    def parse(text: str, path: Path):  # type: ignore[no-untyped-def]
        res = report_parser(text, path, report=path.name)
        return [dict(r) for r in res.observations], [(u.sentence, u.message) for u in res.unparsed]

    return parse


@handle_errors
def verify_cmd(
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    fast: bool = typer.Option(False, "--fast",
                              help="Check hashes and chain only; skip re-deriving the parsed "
                                   "columns and links from the stored records."),
) -> None:
    """Recompute the ledger's hash chain, the content hash of every stored row, the digest of the
    rows each entry wrote, and the parsed columns from the stored records.  Exits 0 and prints
    the head hash when the record is intact; exits 1 naming the first ledger entry (and the row)
    that does not match otherwise.

    Example: `truce verify --db truce.db`
    """
    from truce.service.verify import verify_record
    uow = open_record(db, write=False)
    try:
        with uow:
            rep = verify_record(uow, columns=not fast)
    finally:
        uow.close()
    if rep.ok:
        typer.echo(rep.message())
        return
    typer.echo(f"verify FAILED: {rep.message()}", err=True)
    raise typer.Exit(1)
