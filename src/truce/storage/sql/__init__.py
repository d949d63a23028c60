"""The SQL record: SQLAlchemy 2 Core tables, explicit row mapping, Alembic migrations.

SQLite by default; the types are portable so PostgreSQL/PostGIS can follow without a rewrite.
"""

from truce.storage.sql.uow import SqlUnitOfWork, sqlite_url

__all__ = ["SqlUnitOfWork", "sqlite_url"]
