"""The SQL record: SQLAlchemy 2 Core tables, explicit row mapping, Alembic migrations.

SQLite by default; the types are portable, and PostgreSQL/PostGIS is supported
(``database_url`` turns ``--db`` — a SQLite path or a ``postgresql://`` URL — into the URL).
"""

from truce.storage.sql.uow import SqlUnitOfWork
from truce.storage.sql.url import database_url, is_url, sqlite_url

__all__ = ["SqlUnitOfWork", "database_url", "is_url", "sqlite_url"]
