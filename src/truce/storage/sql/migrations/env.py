"""Alembic environment for the truce record (run through ``truce.storage.sql.migrate``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from truce.storage.sql.tables import metadata

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


conn = config.attributes.get("connection")
if conn is not None:
    _run(conn)
else:  # the alembic command line: -x url=sqlite:///truce.db
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url")
    with create_engine(url).begin() as c:
        _run(c)
