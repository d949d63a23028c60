"""Alembic environment for the truce record (run through ``truce.storage.sql.migrate``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from truce.storage.sql.spatial import include_object, register_reflection
from truce.storage.sql.tables import metadata
from truce.storage.sql.url import database_url

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # include_object: PostGIS's PostgreSQL-only columns are outside the portable metadata
    register_reflection()
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


conn = config.attributes.get("connection")
if conn is not None:
    _run(conn)
else:  # the alembic command line: -x url=sqlite:///truce.db
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url")
    engine = create_engine(database_url(url))
    with engine.begin() as c:
        _run(c)
    engine.dispose()
