from __future__ import annotations

from datetime import datetime, timezone

import pytest

from truce.storage.memory import MemoryUnitOfWork
from truce.storage.sql import SqlUnitOfWork, sqlite_url

NOW = datetime(2024, 12, 9, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["memory", "sqlite"])
def uow(request, tmp_path):
    """A fresh record on each back end (the contract tests run on both)."""
    if request.param == "memory":
        yield MemoryUnitOfWork()
    else:
        u = SqlUnitOfWork(sqlite_url(tmp_path / "record.db"))
        yield u
        u.close()


@pytest.fixture
def sql_uow(tmp_path):
    u = SqlUnitOfWork(sqlite_url(tmp_path / "record.db"))
    yield u
    u.close()
