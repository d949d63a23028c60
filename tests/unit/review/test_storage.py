"""The review repository contract, on both back ends: append-only rows in ledger order."""

from __future__ import annotations

import pytest

from truce.ledger.chain import canonical, sha256_hex
from truce.service.ports import HashedRow, ReviewRow
from truce.service.review import review_row
from truce.storage.memory import MemoryUnitOfWork
from truce.storage.sql import SqlUnitOfWork, sqlite_url


@pytest.fixture(params=["memory", "sqlite"])
def uow(request, tmp_path):
    if request.param == "memory":
        yield MemoryUnitOfWork()
    else:
        u = SqlUnitOfWork(sqlite_url(tmp_path / "r.db"))
        yield u
        u.close()


def _row(seq: int, table: str, key: str, action: str) -> ReviewRow:
    return review_row({"id": f"rev-{seq}", "action": action, "target": {"table": table, "key": key},
                       "analyst": "kim", "reason": f"because {seq}", "created_at": "t"})


def test_review_row_is_parsed_from_its_canonical_record():
    rec = {"id": "rev-7", "action": "confirm", "target": {"table": "incidents", "key": "inc-1"},
           "analyst": "kim", "reason": "seen", "created_at": "2024-12-09T06:00:00+00:00"}
    r = review_row(rec)
    assert r == ReviewRow("incidents", "inc-1", "confirm", "kim", "seen", sha256_hex(canonical(rec)),
                          canonical(rec), 7)
    assert r.id == "rev-7"


def test_add_list_filter_and_hashed_rows(uow):
    rows = [_row(3, "incidents", "inc-a", "confirm"), _row(5, "observations", "s/1", "correct"),
            _row(8, "incidents", "inc-a", "reject")]
    with uow:
        for r in rows:
            uow.reviews.add(r)
        uow.commit()
    with uow:
        assert uow.reviews.list() == rows
        assert uow.reviews.list(target_table="incidents") == [rows[0], rows[2]]
        assert uow.reviews.list(target_key="s/1") == [rows[1]]
        assert uow.reviews.list("incidents", "inc-b") == []
        assert list(uow.reviews.hashed_rows()) == [
            HashedRow("reviews", f"rev-{r.ledger_seq}", r.ledger_seq, r.content_hash,
                      r.record_json) for r in rows]


def test_uncommitted_reviews_are_rolled_back(uow):
    with uow:
        uow.reviews.add(_row(1, "incidents", "inc-a", "confirm"))
    with uow:
        assert uow.reviews.list() == []
