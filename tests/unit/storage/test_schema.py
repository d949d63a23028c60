"""The migrated schema is exactly ``tables.metadata`` (SQLite and PostgreSQL); opening a record
migrates it once.  On PostgreSQL, migration 0004 adds PostGIS point columns outside the portable
metadata (``truce.storage.sql.spatial``): the comparison leaves exactly those out, by name, and
a test checks that they are there and work."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from truce.storage.sql import spatial
from truce.storage.sql.migrate import head_revision, upgrade
from truce.storage.sql.tables import metadata
from truce.storage.sql.uow import SqlUnitOfWork, make_engine, sqlite_url

from .test_uow import _obs


def test_migrated_schema_equals_metadata(request, db_url):
    engine = make_engine(db_url)
    request.addfinalizer(engine.dispose)
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": spatial.include_object})
        diff = compare_metadata(ctx, metadata)
        assert diff == []
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        insp = inspect(conn)
        pg = conn.dialect.name == "postgresql"
        assert set(insp.get_table_names()) == (set(metadata.tables) | {"alembic_version"}
                                               | (spatial.POSTGIS_TABLES if pg else set()))
        uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("observations")}
        assert ("source_id", "obs_id") in uniques
        indexed = {tuple(i["column_names"]) for i in insp.get_indexes("observations")}
        assert {("t_start",), ("observer_lat", "observer_lon")} <= indexed
        # the only objects left out of the comparison are the PostGIS ones, on PostgreSQL only
        extra = {(t, c["name"]) for t in spatial.POINT_COLUMNS for c in insp.get_columns(t)
                 if c["name"] not in metadata.tables[t].c}
        extra_ix = {(t, i["name"]) for t in spatial.POINT_COLUMNS for i in insp.get_indexes(t)
                    if i["name"] not in {x.name for x in metadata.tables[t].indexes}
                    and not i.get("duplicates_constraint")}  # PostgreSQL: UNIQUE's own index
        assert extra == (spatial.POSTGIS_COLUMNS if pg else set())
        assert extra_ix == (spatial.POSTGIS_INDEXES if pg else set())
    engine.dispose()


def test_postgis_points_follow_lat_lon(request, pg_url):
    """PostgreSQL: the generated geometry is the row's point (SRID 4326), GiST-indexed, and
    answers a spatial query; nothing in truce writes it."""
    uow = SqlUnitOfWork(pg_url)
    request.addfinalizer(uow.close)  # also when an assertion fails (a leaked connection warns)
    with uow:
        uow.observations.ensure_sources({"s1": "post"})
        uow.observations.add_many([_obs(1), _obs(2)._replace(observer_lat=47.2, observer_lon=37.3),
                                   _obs(3)._replace(observer_lat=None, observer_lon=None)])
        c = uow.connection
        got = c.execute(text("select obs_id, ST_X(geom), ST_Y(geom), ST_SRID(geom) "
                             "from observations order by obs_id")).all()
        assert [tuple(r) for r in got] == [("o1", 37.0, 47.0, 4326), ("o2", 37.3, 47.2, 4326),
                                           ("o3", None, None, None)]
        near = c.execute(text(
            "select obs_id from observations where ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(37.3, 47.2), 4326)::geography, 1000)")).scalars().all()
        assert near == ["o2"]
        using = c.execute(text("select indexdef from pg_indexes where indexname = :n "
                               "and schemaname = current_schema()"),
                          {"n": spatial.geom_index("incidents")}).scalar_one()
        assert "USING gist (geom)" in using


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


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_first_opens_migrate_once(request, tmp_path, backend):
    import subprocess
    import sys

    url = request.getfixturevalue("pg_url") if backend == "postgresql" else sqlite_url(
        tmp_path / "r.db")
    code = ("import sys; from truce.storage.sql import SqlUnitOfWork\n"
            "u = SqlUnitOfWork(sys.argv[1])\n"
            "with u: print(u.observations.count())\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outs
    engine = make_engine(url)
    with engine.connect() as c:
        assert c.execute(text("select count(*) from alembic_version")).scalar_one() == 1
    engine.dispose()


def test_migrations_form_one_chain():
    """One head: a new migration revises the latest one (0004 PostGIS is last for now)."""
    from alembic.script import ScriptDirectory

    from truce.storage.sql.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, (
        f"migration heads {script.get_heads()}: set the newest one's down_revision to the "
        "previous head")
