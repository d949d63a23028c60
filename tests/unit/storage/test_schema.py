"""The migrated schema is exactly ``tables.metadata``; opening a record migrates it once."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from truce.storage.sql.migrate import head_revision, upgrade
from truce.storage.sql.tables import metadata
from truce.storage.sql.uow import make_engine, sqlite_url


def test_migrated_schema_equals_metadata(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "r.db"))
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        insp = inspect(conn)
        assert set(insp.get_table_names()) == set(metadata.tables) | {"alembic_version"}
        uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("observations")}
        assert ("source_id", "obs_id") in uniques
        indexed = {tuple(i["column_names"]) for i in insp.get_indexes("observations")}
        assert {("t_start",), ("observer_lat", "observer_lon")} <= indexed
    engine.dispose()


def test_upgrade_is_idempotent_and_pragmas_are_set(tmp_path):
    path = tmp_path / "r.db"
    engine = make_engine(sqlite_url(path))
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from alembic_version").fetchone() == (1,)


def test_concurrent_first_opens_migrate_once(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from truce.storage.sql import SqlUnitOfWork, sqlite_url\n"
            "u = SqlUnitOfWork(sqlite_url(sys.argv[1]))\n"
            "with u: print(u.observations.count())\n")
    db = tmp_path / "r.db"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outs
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from alembic_version").fetchone() == (1,)
