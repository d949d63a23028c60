"""Where the record lives: ``--db`` / ``$TRUCE_DB`` turned into a SQLAlchemy URL, in one place.

A record is either a SQLite file (a path: ``truce.db``, ``/srv/truce/record.db``) or a database
named by a SQLAlchemy URL (``postgresql+psycopg://user:password@host:5432/truce``).
``postgresql://`` and ``postgres://`` URLs are read as ``postgresql+psycopg://`` (psycopg 3 is
the driver truce installs).
"""

from __future__ import annotations

import re
from pathlib import Path

from truce.errors import StorageError

#: ``scheme://`` or ``scheme+driver://`` at the start of a string
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9.+-]*://")
_PG = re.compile(r"^(postgresql|postgres)(\+[A-Za-z0-9_]+)?://")
SUPPORTED = ("sqlite", "postgresql")


def sqlite_url(path: str | Path) -> str:
    """The URL of the SQLite record at ``path``."""
    return f"sqlite:///{Path(path)}"


def is_url(db: str | Path) -> bool:
    """Whether ``db`` names a database by URL rather than a SQLite file by path."""
    return isinstance(db, str) and bool(_URL.match(db))


def database_url(db: str | Path) -> str:
    """``db`` (a SQLite path or a SQLAlchemy URL) as the URL ``SqlUnitOfWork`` opens.

    >>> database_url("truce.db")
    'sqlite:///truce.db'
    >>> database_url("postgresql://truce@db.example/truce")
    'postgresql+psycopg://truce@db.example/truce'
    """
    if not is_url(db):
        return sqlite_url(db)
    url = str(db)
    m = _PG.match(url)
    if m:
        if m.group(2) not in (None, "+psycopg"):
            raise StorageError(f"unsupported PostgreSQL driver {m.group(2)[1:]!r} in --db: "
                               "truce uses psycopg 3 (write postgresql+psycopg://...)")
        return "postgresql+psycopg://" + url[m.end():]
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme not in SUPPORTED:
        raise StorageError(f"unsupported database {scheme!r} in --db: give a SQLite file path "
                           "or a postgresql+psycopg:// URL")
    return url


def redact(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
