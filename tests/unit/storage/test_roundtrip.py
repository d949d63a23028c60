"""Hypothesis round-trip: any valid observation goes in and comes back byte for byte, with the
same parsed columns, on every back end."""

from __future__ import annotations

import itertools
import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.domain.kinds import COMPASS_BEARING_DEG, ObservationKind, SourceKind
from truce.service.ingest import ingest_jsonl
from truce.storage.memory import MemoryUnitOfWork
from truce.storage.sql import SqlUnitOfWork, sqlite_url

from .conftest import NOW

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
times = st.datetimes(min_value=datetime(2014, 1, 1), max_value=datetime(2030, 1, 1),
                     timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)),
                                                timezone(timedelta(hours=3))]))


@st.composite
def observation(draw, i: int):
    t0 = draw(times)
    rec = {"id": f"{draw(text)}-{i}", "source": {"kind": draw(st.sampled_from(list(SourceKind))).value,
                                                 "id": "src"},
           "kind": draw(st.sampled_from(list(ObservationKind))).value,
           "observer": {"lat": draw(st.floats(-90, 90)), "lon": draw(st.floats(-180, 180))}}
    rec["time"] = (t0.isoformat() if draw(st.booleans()) else
                   {"start": t0.isoformat(),
                    "end": (t0 + timedelta(minutes=draw(st.integers(0, 600)))).isoformat()})
    if draw(st.booleans()):
        rec["count"] = draw(st.integers(1, 10_000))
    if draw(st.booleans()):
        rec["direction"] = draw(st.sampled_from(sorted(COMPASS_BEARING_DEG)))
    if draw(st.booleans()):
        rec["text"] = draw(text)
    if draw(st.booleans()):
        rec["region"] = draw(text)
    return rec


records = st.integers(1, 8).flatmap(lambda n: st.tuples(*[observation(i) for i in range(n)]))


_SEQ = itertools.count()


# one record per back end for all examples (each example uses its own source id)
@pytest.fixture(scope="module")
def _rt_memory():
    return MemoryUnitOfWork()


@pytest.fixture(scope="module")
def _rt_sqlite(tmp_path_factory):
    sql = SqlUnitOfWork(sqlite_url(tmp_path_factory.mktemp("rt") / "r.db"))
    yield sql
    sql.close()


@pytest.fixture(scope="module")
def _rt_postgresql(pg_url_module):
    sql = SqlUnitOfWork(pg_url_module)
    yield sql
    sql.close()


@pytest.fixture
def backends(request, backend):
    return {backend: request.getfixturevalue(f"_rt_{backend}")}


@pytest.mark.parametrize("backend", ["memory", "sqlite", "postgresql"])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(recs=records)
def test_observations_round_trip(backends, backend, recs):
    uow = backends[backend]
    sid = f"src-{next(_SEQ)}"
    recs = [{**r, "source": {**r["source"], "id": sid}} for r in recs]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "o.jsonl"
        lines = [json.dumps(r, ensure_ascii=False) for r in recs]
        src.write_text("\n".join(lines) + "\n", "utf-8")
        res = ingest_jsonl(src, uow, now=NOW)
    # one source id per example: the kind of its first stored record wins, the others are
    # rejected; so are ids and regions with a NUL character (no back end stores them: PostgreSQL
    # cannot, and the record accepts the same lines everywhere)
    nul = [("\x00" in r["id"] or "\x00" in r.get("region", "")) for r in recs]
    first_kind = next((r["source"]["kind"] for r, n in zip(recs, nul) if not n), None)
    ok = [(r, line) for r, line, n in zip(recs, lines, nul)
          if not n and r["source"]["kind"] == first_kind]
    assert all("NUL character" in x.reason for x in res.rejected if nul[x.line - 1])
    assert res.added == len(ok) and len(res.rejected) == len(recs) - len(ok), res.rejected
    with uow:
        for r, line in ok:
            got = uow.observations.get(sid, r["id"])
            assert got is not None and got.record_json == line
            assert json.loads(got.record_json) == r
            t = r["time"] if isinstance(r["time"], str) else r["time"]["start"]
            assert got.t_start == datetime.fromisoformat(t).timestamp()
            assert (got.observer_lat, got.observer_lon) == (r["observer"]["lat"],
                                                             r["observer"]["lon"])
            assert got.count == r.get("count")
