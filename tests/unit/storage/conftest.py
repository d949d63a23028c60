from __future__ import annotations

from datetime import UTC, datetime

import pytest

from truce.storage.memory import MemoryUnitOfWork
from truce.storage.sql import SqlUnitOfWork, sqlite_url

NOW = datetime(2024, 12, 9, 6, 0, tzinfo=UTC)

#: the SQL back ends every storage contract test runs on; "postgresql" skips (with the reason)
#: when TRUCE_TEST_PG_URL is unset
SQL_BACKENDS = ["sqlite", "postgresql"]


def record_url(request, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty SQL record on the test's back end (``request.param``)."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return sqlite_url(tmp_path / "record.db")


@pytest.fixture(params=["memory", *SQL_BACKENDS])
def uow(request, tmp_path):
    """A fresh record on each back end (the contract tests run on all of them)."""
    if request.param == "memory":
        yield MemoryUnitOfWork()
    else:
        u = SqlUnitOfWork(record_url(request, tmp_path))
        yield u
        u.close()


@pytest.fixture(params=SQL_BACKENDS)
def db_url(request, tmp_path) -> str:
    """The URL of a fresh, empty SQL record on each SQL back end."""
    return record_url(request, tmp_path)


@pytest.fixture
def sql_uow(db_url):
    u = SqlUnitOfWork(db_url)
    yield u
    u.close()
