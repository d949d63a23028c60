"""The SQL unit of work: one connection, one transaction per unit (SQLite by default).

SQLite runs in WAL mode with ``synchronous=NORMAL`` and foreign keys on.  A writing unit of work
takes the write lock at its start (``BEGIN IMMEDIATE``), so a batch's duplicate checks and its
inserts see the same state; ``commit()`` makes the batch visible at once, and a process killed
before it leaves no trace of the batch (SQLite's journal rolls it back on the next open).
The schema is migrated to the latest revision whenever a record is opened.

PostgreSQL (``postgresql+psycopg://``): a writing unit of work takes a transaction-level
advisory lock for the record (its schema) at its start, so writers queue as on SQLite; a
read-only one runs in a ``READ ONLY`` transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    inspect,
    make_url,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from truce.errors import StorageError
from truce.ledger.chain import LedgerEntry, make_entry
from truce.service.ports import (
    AddResult,
    HashedRow,
    IncidentRow,
    ObservationRow,
    ReviewRow,
    ViolationRow,
)
from truce.storage.sql import mapping
from truce.storage.sql.tables import (
    incident_observations,
    incidents,
    ledger,
    meta,
    observations,
    reviews,
    sources,
    violations,
)
from truce.storage.sql.url import database_url, redact, sqlite_url  # noqa: F401 (re-export)

#: parameters per IN (...) query: below SQLite's historical 999-variable limit
_IN_CHUNK = 900
#: bytes per SQLite page for new records (larger pages: shallower indexes, fewer page splits)
_PAGE_SIZE = 8192


def _why(exc: BaseException) -> str:
    """The driver's own message (SQLAlchemy's wrapper adds the statement and a help link)."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def make_engine(url: str, *, cache_mib: int = 256) -> Engine:
    """An engine with the record's connection settings (SQLite pragmas; explicit BEGIN).

    ``cache_mib``: SQLite's page cache per connection; a big batch's index pages stay hot in it
    (with less, uncommitted pages spill to the WAL file during the transaction).
    """
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"isolation_level": None, "timeout": 30})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _rec: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA page_size={_PAGE_SIZE}")  # new files only
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute(f"PRAGMA cache_size={-1024 * int(cache_mib)}")
                cur.close()

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                opts = conn.get_execution_options()
                mode = "BEGIN IMMEDIATE" if opts.get("record_lock") else "BEGIN"
                conn.exec_driver_sql(opts.get("sqlite_begin", mode))

            return engine
        if url.startswith("postgresql"):
            return _pg_engine(url)
        return create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise StorageError(f"cannot open the record at {redact(url)}: {_why(exc)}") from exc


#: first key of the record's advisory lock (the second is the hash of the schema's name)
_PG_LOCK = 0x7275CE


def _pg_engine(url: str) -> Engine:
    """PostgreSQL: no pragmas; each transaction starts as the unit of work asks
    (execution options ``record_lock``: queue behind other writers of the same record, like
    SQLite's ``BEGIN IMMEDIATE``; ``read_only``: a ``READ ONLY`` transaction)."""
    from truce.storage.sql.spatial import register_reflection

    register_reflection()  # PostGIS's geom columns (migration 0004) reflect without warnings
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        opts = conn.get_execution_options()
        if opts.get("record_lock"):
            conn.exec_driver_sql(
                f"SELECT pg_advisory_xact_lock({_PG_LOCK}, hashtext(current_schema()))")
        elif opts.get("read_only"):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


def _insert_ignore(conn: Connection, table: Any) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the connection's dialect."""
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - other back ends are not supported
        raise StorageError(f"unsupported database {name!r}")
    return insert(table).on_conflict_do_nothing()


def _stream(conn: Connection, q: Any, *, mappings: bool = False) -> Iterator[Any]:
    """The rows of ``q``, fetched in batches (a server-side cursor on PostgreSQL); the cursor is
    closed when the caller stops early too (a verify that stops at the first bad row).
    Per statement: ``Connection.execution_options()`` would switch the whole connection to it."""
    with conn.execute(q, execution_options={"stream_results": True}) as res:
        yield from (res.mappings() if mappings else res)


def _insert_ignore_count(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` in order, skipping those whose key is taken; the number inserted.

    ``RETURNING`` counts them (a driver's ``executemany`` rowcount is not reliable everywhere;
    psycopg's is not).  PostgreSQL: the batch is ``COPY``-ed into a temporary table (dropped at
    commit), then moved with one ``INSERT ... SELECT ... ORDER BY ... ON CONFLICT DO NOTHING``:
    ten times faster than multi-row ``VALUES`` with a bound parameter per value.
    """
    if not rows:
        return 0
    if conn.dialect.name != "postgresql":
        pk = next(iter(table.primary_key.columns))
        return len(conn.execute(_insert_ignore(conn, table).returning(pk), rows).all())
    cols = list(rows[0])
    q = conn.dialect.identifier_preparer
    names = ", ".join(q.quote(k) for k in cols)
    tmp = q.quote(f"truce_bulk_{table.name}")
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {tmp} ON COMMIT DROP AS "
                         f"SELECT 0::bigint AS truce_ord, {names} FROM {q.format_table(table)} "
                         f"WITH NO DATA")
    conn.exec_driver_sql(f"TRUNCATE {tmp}")
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {tmp} (truce_ord, {names}) FROM STDIN") as cp:
        for i, r in enumerate(rows):
            cp.write_row((i, *(r[k] for k in cols)))
    sql = (f"INSERT INTO {q.format_table(table)} ({names}) SELECT {names} FROM {tmp} "
           f"ORDER BY truce_ord ON CONFLICT DO NOTHING RETURNING 1")
    return len(conn.exec_driver_sql(sql).all())


class _Observations:
    def __init__(self, conn: Connection) -> None:
        self._c = conn
        self._ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self._insert_sql: str | None = None

    def ensure_sources(self, srcs: Mapping[str, str]) -> dict[str, str]:
        ids = list(srcs)
        stored: dict[str, str] = {}
        for i in range(0, len(ids), _IN_CHUNK):
            q = select(sources.c.id, sources.c.kind).where(sources.c.id.in_(ids[i:i + _IN_CHUNK]))
            stored.update(dict(self._c.execute(q).all()))
        new = [{"id": s, "kind": k} for s, k in srcs.items() if s not in stored]
        if new:
            self._c.execute(sources.insert(), new)
            stored.update({r["id"]: r["kind"] for r in new})
        return {s: stored[s] for s in ids}

    def existing_hashes(self, source_id: str, obs_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        ids = list(obs_ids)
        for i in range(0, len(ids), _IN_CHUNK):
            chunk = ids[i:i + _IN_CHUNK]
            # plain driver SQL: this runs once per source and batch, compiling it costs more
            sql = (f"SELECT obs_id, content_hash FROM observations WHERE source_id = {self._ph} "
                   f"AND obs_id IN ({', '.join([self._ph] * len(chunk))})")
            out.update(dict(self._c.exec_driver_sql(sql, (source_id, *chunk)).all()))
        return out

    def add_many(self, rows: Sequence[ObservationRow]) -> AddResult:
        if not rows:
            return AddResult(0, 0)
        if self._c.dialect.name != "sqlite":
            added = _insert_ignore_count(self._c, observations,
                                         [mapping.observation_to_row(r) for r in rows])
            return AddResult(added, len(rows) - added)
        else:
            # SQLite: one precompiled statement and positional tuples, passed straight to the
            # driver's executemany (SQLAlchemy's per-row parameter processing would double the
            # cost of an ingest)
            if self._insert_sql is None:
                self._insert_sql = str(_insert_ignore(self._c, observations).compile(
                    dialect=self._c.dialect, column_keys=list(mapping.OBSERVATION_COLUMNS)))
            res = self._c.exec_driver_sql(self._insert_sql,
                                          [mapping.observation_to_params(r) for r in rows])
        added = res.rowcount if res.rowcount is not None and res.rowcount >= 0 else len(rows)
        return AddResult(added, len(rows) - added)

    def add_if_all_new(self, rows: Sequence[ObservationRow]) -> bool:
        if not rows:
            return True
        sp = self._c.begin_nested()
        try:
            got = self.add_many(rows)
        except BaseException:
            sp.rollback()
            raise
        if got.added == len(rows):
            sp.commit()
            return True
        sp.rollback()
        return False

    def get(self, source_id: str, obs_id: str) -> ObservationRow | None:
        q = select(observations).where(observations.c.source_id == source_id,
                                       observations.c.obs_id == obs_id)
        r = self._c.execute(q).mappings().first()
        return None if r is None else mapping.observation_from_row(r)

    def iterate(self, start: float | None = None, end: float | None = None
                ) -> Iterator[ObservationRow]:
        q = select(observations).order_by(observations.c.t_start, observations.c.pk)
        if start is not None:
            q = q.where(observations.c.t_start >= start)
        if end is not None:
            q = q.where(observations.c.t_start < end)
        for r in _stream(self._c, q, mappings=True):
            yield mapping.observation_from_row(r)

    def count(self) -> int:
        return int(self._c.execute(select(func.count()).select_from(observations)).scalar_one())

    def hashed_rows(self) -> Iterator[HashedRow]:
        c = observations.c
        q = (select(c.source_id, c.obs_id, c.ingest_batch, c.content_hash, c.record_json)
             .order_by(c.pk))
        for sid, oid, b, h, rj in _stream(self._c, q):
            yield HashedRow("observations", f"{sid}/{oid}", b, h, rj)


class _Incidents:
    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def replace_range(self, start: float, end: float, rows: Sequence[IncidentRow],
                      fusion_run: int) -> int:
        c = incidents.c
        res = self._c.execute(update(incidents)
                              .where(c.superseded_by.is_(None), c.start >= start, c.start < end)
                              .values(superseded_by=fusion_run))
        n = res.rowcount
        if rows:
            self._c.execute(incidents.insert(), [mapping.incident_to_row(r) for r in rows])
            pk = dict(self._c.execute(select(c.id, c.pk).where(c.fusion_run == fusion_run))
                      .all())
            keys = sorted({k for r in rows for k in r.observation_keys})
            obs_pk: dict[tuple[str, str], int] = {}
            by_src: dict[str, list[str]] = {}
            for s, o in keys:
                by_src.setdefault(s, []).append(o)
            oc = observations.c
            for s, oids in by_src.items():
                for i in range(0, len(oids), _IN_CHUNK):
                    q = select(oc.obs_id, oc.pk).where(oc.source_id == s,
                                                       oc.obs_id.in_(oids[i:i + _IN_CHUNK]))
                    obs_pk.update({(s, o): p for o, p in self._c.execute(q)})
            missing = [k for k in keys if k not in obs_pk]
            if missing:
                raise StorageError(f"incidents cite {len(missing)} observations not in the record,"
                                   f" e.g. {missing[0][0]}/{missing[0][1]}")
            links = [{"incident_pk": pk[r.id], "observation_pk": obs_pk[k]}
                     for r in rows for k in r.observation_keys]
            if links:
                self._c.execute(incident_observations.insert(), links)
        return n

    def list(self, start: float | None = None, end: float | None = None,
             include_superseded: bool = False) -> list[IncidentRow]:
        c = incidents.c
        cond = []
        if not include_superseded:
            cond.append(c.superseded_by.is_(None))
        if start is not None:
            cond.append(c.start >= start)
        if end is not None:
            cond.append(c.start < end)
        rows = self._c.execute(select(incidents).where(*cond).order_by(c.start, c.id)
                               ).mappings().all()
        oc, io = observations.c, incident_observations.c
        links: dict[int, list[tuple[str, str]]] = {}
        # the links of the selected incidents only (same conditions, joined)
        lq = (select(io.incident_pk, oc.source_id, oc.obs_id)
              .join(observations, oc.pk == io.observation_pk)
              .join(incidents, c.pk == io.incident_pk).where(*cond)
              .order_by(oc.source_id, oc.obs_id))
        for ipk, s, o in self._c.execute(lq):
            links.setdefault(ipk, []).append((s, o))
        return [mapping.incident_from_row(r, tuple(links.get(r["pk"], ()))) for r in rows]

    def hashed_rows(self) -> Iterator[HashedRow]:
        c = incidents.c
        q = select(c.fusion_run, c.id, c.content_hash, c.record_json).order_by(c.pk)
        for run, iid, h, rj in _stream(self._c, q):
            yield HashedRow("incidents", f"{run}/{iid}", run, h, rj)

    def supersessions(self) -> Iterator[tuple[str, int, float, int | None]]:
        c = incidents.c
        for run, iid, s, sup in self._c.execute(select(c.fusion_run, c.id, c.start,
                                                       c.superseded_by)):
            yield f"{run}/{iid}", run, s, sup


class _Violations:
    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def replace_range(self, start: float, end: float, rows: Sequence[ViolationRow],
                      adjudication_run: int) -> int:
        c = violations.c
        res = self._c.execute(update(violations)
                              .where(c.superseded_by.is_(None), c.start >= start, c.start < end)
                              .values(superseded_by=adjudication_run))
        n = res.rowcount
        if rows:
            # link to the current incident row of the same id where there is one (a violation
            # of a reviewed, recomputed incident has none)
            ic = incidents.c
            ids = sorted({r.incident_id for r in rows})
            pk: dict[str, int] = {}
            for i in range(0, len(ids), _IN_CHUNK):
                q = (select(ic.id, ic.pk).where(ic.superseded_by.is_(None),
                                                ic.id.in_(ids[i:i + _IN_CHUNK])))
                pk.update(dict(self._c.execute(q).all()))
            self._c.execute(violations.insert(),
                            [mapping.violation_to_row(r, pk.get(r.incident_id)) for r in rows])
        return n

    def list(self, start: float | None = None, end: float | None = None,
             include_superseded: bool = False) -> list[ViolationRow]:
        c = violations.c
        q = select(violations).order_by(c.start, c.id, c.adjudication_run)
        if not include_superseded:
            q = q.where(c.superseded_by.is_(None))
        if start is not None:
            q = q.where(c.start >= start)
        if end is not None:
            q = q.where(c.start < end)
        return [mapping.violation_from_row(r) for r in self._c.execute(q).mappings()]

    def hashed_rows(self) -> Iterator[HashedRow]:
        c = violations.c
        q = select(c.adjudication_run, c.id, c.content_hash, c.record_json).order_by(c.pk)
        for run, vid, h, rj in _stream(self._c, q):
            yield HashedRow("violations", f"{run}/{vid}", run, h, rj)


class _Reviews:
    _COLUMNS = ("target_table", "target_key", "action", "analyst", "reason", "content_hash",
                "record_json", "ledger_seq")

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def add(self, row: ReviewRow) -> None:
        self._c.execute(reviews.insert(), [{k: getattr(row, k) for k in self._COLUMNS}])

    def list(self, target_table: str | None = None, target_key: str | None = None
             ) -> list[ReviewRow]:
        c = reviews.c
        q = select(*(c[k] for k in self._COLUMNS)).order_by(c.ledger_seq, c.pk)
        if target_table is not None:
            q = q.where(c.target_table == target_table)
        if target_key is not None:
            q = q.where(c.target_key == target_key)
        return [ReviewRow(**r) for r in self._c.execute(q).mappings()]

    def hashed_rows(self) -> Iterator[HashedRow]:
        c = reviews.c
        q = select(c.ledger_seq, c.target_key, c.content_hash, c.record_json).order_by(c.pk)
        for seq, _key, h, rj in self._c.execute(q):
            yield HashedRow("reviews", f"rev-{seq}", seq, h, rj)


class _Ledger:
    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def append(self, kind: str, payload: Mapping[str, object], created_at: str) -> LedgerEntry:
        e = make_entry(self.head(), kind, payload, created_at)
        self._c.execute(ledger.insert(), [mapping.ledger_to_row(e)])
        return e

    def next_seq(self) -> int:
        top = self._c.execute(select(func.coalesce(func.max(ledger.c.seq), 0))).scalar_one()
        return int(top) + 1

    def head(self) -> LedgerEntry | None:
        q = select(ledger).order_by(ledger.c.seq.desc()).limit(1)
        r = self._c.execute(q).mappings().first()
        return None if r is None else mapping.ledger_from_row(r)

    def iterate(self) -> Iterator[LedgerEntry]:
        q = select(ledger).order_by(ledger.c.seq)
        for r in _stream(self._c, q, mappings=True):
            yield mapping.ledger_from_row(r)


class _Meta:
    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def get(self, key: str) -> str | None:
        return self._c.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()

    def set(self, key: str, value: str) -> None:
        if self.get(key) is None:
            self._c.execute(meta.insert(), [{"key": key, "value": value}])
        else:
            self._c.execute(update(meta).where(meta.c.key == key).values(value=value))


def record_exists(url: str) -> bool:
    """Whether the database at ``url`` holds a truce record (its ledger table), without creating
    or migrating anything.  A database that cannot be reached is a :class:`StorageError`."""
    url = database_url(url)
    if url.startswith("sqlite"):  # connecting would create the file
        path = make_url(url).database
        if not path or path == ":memory:" or not Path(path).is_file():
            return False
        import sqlite3

        # read-only and without make_engine's connect hook: a check must not switch the file
        # to WAL mode (or change anything else in it)
        try:
            c = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
            try:
                return c.execute("select 1 from sqlite_master where type = 'table' and "
                                 "name = 'ledger'").fetchone() is not None
            finally:
                c.close()
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the record at {redact(url)}: {exc}") from exc
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # the record's own schema only (a table of another schema on the search path is
            # another record); SQLite has one schema
            schema = (conn.exec_driver_sql("select current_schema()").scalar()
                      if conn.dialect.name == "postgresql" else None)
            return bool(inspect(conn).has_table("ledger", schema=schema))
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot open the record at {redact(url)}: {_why(exc)}") from exc
    finally:
        engine.dispose()


class SqlUnitOfWork:
    """A unit of work on the record at ``url`` (``sqlite:///path``; see ``sqlite_url``).

    ``write=True`` (default) takes SQLite's write lock at the start of each transaction.
    The schema is migrated to the latest revision on the first ``with``.
    """

    def __init__(self, url: str, *, write: bool = True, migrate: bool = True,
                 cache_mib: int = 256) -> None:
        self.url = database_url(url)
        self._cache_mib = cache_mib
        self._write = write
        self._migrate = migrate
        self._engine: Engine | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> Self:
        try:
            if self._engine is None:
                self._engine = make_engine(self.url, cache_mib=self._cache_mib)
                if self._migrate:
                    from truce.storage.sql.migrate import upgrade
                    upgrade(self._engine)
            conn = self._engine.connect()
            # writers queue for the record (SQLite: BEGIN IMMEDIATE; PostgreSQL: advisory lock)
            conn = conn.execution_options(**({"record_lock": True} if self._write
                                              else {"read_only": True}))
            self._conn = conn
            conn.begin()
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot open the record at {redact(self.url)}: {_why(exc)}"
                               ) from exc
        self.observations = _Observations(conn)
        self.incidents = _Incidents(conn)
        self.violations = _Violations(conn)
        self.reviews = _Reviews(conn)
        self.ledger = _Ledger(conn)
        self.meta = _Meta(conn)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._conn is not None:
            try:
                self._conn.rollback()
            finally:
                self._conn.close()
                self._conn = None
        if isinstance(exc, SQLAlchemyError):
            # the batch was rolled back; say so in one line, without SQLAlchemy's internals
            raise StorageError(f"the record at {redact(self.url)} could not be written, nothing of "
                               f"this batch was kept: {_why(exc)}") from exc

    def commit(self) -> None:
        if self._conn is None:
            raise StorageError("commit() outside a `with` block")
        try:
            self._conn.commit()
            self._conn.begin()
        except SQLAlchemyError as exc:
            raise StorageError(f"the record could not be written: {_why(exc)}") from exc

    def rollback(self) -> None:
        if self._conn is not None:
            self._conn.rollback()
            self._conn.begin()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @property
    def connection(self) -> Connection:
        """The open connection (for storage-level tests and tools only)."""
        if self._conn is None:
            raise StorageError("no open transaction")
        return self._conn
