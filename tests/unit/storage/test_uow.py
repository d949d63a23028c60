"""The storage contract, on every back end (memory and SQLite)."""

from __future__ import annotations

import pytest

from truce.errors import StorageError
from truce.service.ports import IncidentRow, ObservationRow


def _obs(i: int, source: str = "s1", t: float = 0.0, h: str | None = None) -> ObservationRow:
    return ObservationRow(source, f"o{i}", h or f"{i:064d}", f'{{"id":"o{i}"}}', "explosion",
                          t, t + 60, 47.0, 37.0, 2, "Donetsk", 1)


def _inc(i: str, start: float, run: int, keys=(("s1", "o1"),)) -> IncidentRow:
    return IncidentRow(i, start, start + 60, "explosion", None, 1, 47.0, 37.0, 500.0,
                       "a" * 64, "{}", run, tuple(keys))


def test_add_get_iterate_count(uow):
    with uow:
        uow.observations.ensure_sources({"s1": "post"})
        r = uow.observations.add_many([_obs(1, t=30.0), _obs(2, t=10.0), _obs(3, t=20.0)])
        assert (r.added, r.duplicates) == (3, 0)
        r = uow.observations.add_many([_obs(1, t=30.0), _obs(4, t=5.0)])
        assert (r.added, r.duplicates) == (1, 1)
        uow.commit()
    with uow:
        assert uow.observations.count() == 4
        assert uow.observations.get("s1", "o2") == _obs(2, t=10.0)
        assert uow.observations.get("s1", "nope") is None
        assert [o.obs_id for o in uow.observations.iterate()] == ["o4", "o2", "o3", "o1"]
        assert [o.obs_id for o in uow.observations.iterate(10.0, 30.0)] == ["o2", "o3"]
        assert uow.observations.existing_hashes("s1", ["o1", "o9"]) == {"o1": f"{1:064d}"}


def test_add_if_all_new_is_all_or_nothing(uow):
    with uow:
        uow.observations.ensure_sources({"s1": "post"})
        assert uow.observations.add_if_all_new([_obs(1), _obs(2)])
        assert not uow.observations.add_if_all_new([_obs(3), _obs(2)])
        assert uow.observations.count() == 2


def test_leaving_without_commit_rolls_back(uow):
    with uow:
        uow.observations.ensure_sources({"s1": "post"})
        uow.observations.add_many([_obs(1)])
        uow.ledger.append("ingest", {"n": 1}, "2024-12-09T00:00:00+00:00")
    with uow:
        assert uow.observations.count() == 0 and uow.ledger.head() is None
    with pytest.raises(RuntimeError), uow:
        uow.observations.ensure_sources({"s1": "post"})
        uow.observations.add_many([_obs(1)])
        raise RuntimeError("crash mid-batch")
    with uow:
        assert uow.observations.count() == 0


def test_sources_keep_their_first_kind(uow):
    with uow:
        assert uow.observations.ensure_sources({"a": "post"}) == {"a": "post"}
        assert uow.observations.ensure_sources({"a": "uav", "b": "uav"}) == {"a": "post", "b": "uav"}


def test_ledger_append_head_iterate(uow):
    with uow:
        assert uow.ledger.head() is None and uow.ledger.next_seq() == 1
        e1 = uow.ledger.append("ingest", {"a": 1}, "t1")
        e2 = uow.ledger.append("fusion", {"b": 2}, "t2")
        uow.commit()
    with uow:
        assert uow.ledger.head() == e2 and e2.prev_hash == e1.entry_hash
        assert list(uow.ledger.iterate()) == [e1, e2] and uow.ledger.next_seq() == 3


def test_incidents_replace_range_supersedes_and_links(uow):
    with uow:
        uow.observations.ensure_sources({"s1": "post"})
        uow.observations.add_many([_obs(1), _obs(2)])
        assert uow.incidents.replace_range(0, 100, [_inc("i1", 10, 1), _inc("i2", 200, 1)], 1) == 0
        n = uow.incidents.replace_range(0, 100, [_inc("i1", 12, 2, [("s1", "o1"), ("s1", "o2")])], 2)
        assert n == 1
        cur = uow.incidents.list()
        assert [(i.id, i.fusion_run) for i in cur] == [("i1", 2), ("i2", 1)]
        assert cur[0].observation_keys == (("s1", "o1"), ("s1", "o2"))
        assert len(uow.incidents.list(include_superseded=True)) == 3
        assert [i.superseded_by for i in uow.incidents.list(0, 100, include_superseded=True)] == [2, None]


def test_incident_citing_unknown_observation_fails_on_sql(sql_uow):
    with sql_uow, pytest.raises(StorageError, match="not in the record"):
        sql_uow.incidents.replace_range(0, 100, [_inc("i1", 10, 1, [("s1", "zz")])], 1)


def test_meta(uow):
    with uow:
        assert uow.meta.get("agreement") is None
        uow.meta.set("agreement", "ukraine-2024-12-07")
        uow.meta.set("agreement", "minsk-2015")
        uow.commit()
    with uow:
        assert uow.meta.get("agreement") == "minsk-2015"


def test_writers_queue_and_readers_do_not_wait(db_url):
    """A writing unit of work holds the record's write lock until it ends (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: an advisory lock): a second writer waits for it and then sees its
    rows; a reader does not wait and sees only committed rows."""
    import threading

    from truce.storage.sql import SqlUnitOfWork

    a, b, r = SqlUnitOfWork(db_url), SqlUnitOfWork(db_url), SqlUnitOfWork(db_url, write=False)
    with r:  # migrate before the race
        pass
    seen: list[object] = []
    with a:
        a.ledger.append("ingest", {"n": 1}, "t1")

        def second() -> None:
            with b:
                seen.append(b.ledger.next_seq())
                b.ledger.append("ingest", {"n": 2}, "t2")
                b.commit()

        t = threading.Thread(target=second)
        t.start()
        t.join(1.0)
        assert t.is_alive() and seen == []  # b waits for a's lock
        with r:
            assert r.ledger.head() is None  # readers are not blocked, and see no uncommitted row
        a.commit()
    t.join(30)
    assert seen == [2]
    with r:
        assert [e.seq for e in r.ledger.iterate()] == [1, 2]
    for u in (a, b, r):
        u.close()


def test_read_only_unit_of_work_cannot_write_on_postgresql(pg_url):
    from truce.storage.sql import SqlUnitOfWork

    u = SqlUnitOfWork(pg_url, write=False)
    with pytest.raises(StorageError, match="read-only transaction"), u:
        u.ledger.append("ingest", {"n": 1}, "t1")
    u.close()
