"""Alembic, driven programmatically: ``upgrade(url_or_engine)`` brings a record to the latest
schema; ``script_location`` is the ``migrations`` directory inside this package."""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from truce.errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(target: Engine | str) -> None:
    """Migrate the record to the latest revision (a no-op when it is already there)."""
    from truce.storage.sql.uow import make_engine
    from truce.storage.sql.url import database_url

    engine = make_engine(database_url(target)) if isinstance(target, str) else target
    try:
        for attempt in range(5):
            try:
                return _upgrade(engine)
            except OperationalError as exc:
                # several processes opening a new file at once: SQLite can answer "locked" while
                # another sets the file up, without waiting; try again shortly
                if "locked" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
    finally:
        if isinstance(target, str):
            engine.dispose()  # an engine of our own (PostgreSQL connections warn when leaked)


def _upgrade(engine: Engine) -> None:
    head = head_revision()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    with engine.connect() as conn:
        # take the write lock first (SQLite: BEGIN IMMEDIATE; PostgreSQL: the record's advisory
        # lock; DDL is transactional there too): two processes opening a new record migrate it once
        conn = conn.execution_options(record_lock=True)
        with conn.begin():
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, "head")
            except (CommandError, RuntimeError) as exc:  # a record written by a newer truce;
                # PostgreSQL without PostGIS (0004)
                raise StorageError(f"cannot migrate the record's schema: {exc}") from exc
