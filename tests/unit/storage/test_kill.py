"""Atomicity under SIGKILL: a process killed in the middle of a large batch leaves the record
consistent (nothing of the batch, ``verify`` passes) and a re-run completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from truce.service.ingest import ingest_jsonl
from truce.service.verify import verify_record
from truce.storage.sql import SqlUnitOfWork, sqlite_url

from .conftest import NOW
from .synth import write

N = 300_000

CHILD = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from truce.service.ingest import ingest_jsonl
from truce.storage.sql import SqlUnitOfWork, sqlite_url

src, db, progress = sys.argv[1:4]
def report(lines, added):
    Path(progress).write_text(f"{lines} {added}")
# a small page cache: uncommitted pages spill to the WAL file while the batch is open
ingest_jsonl(src, SqlUnitOfWork(sqlite_url(db), cache_mib=2), now=datetime(2024, 12, 9, tzinfo=timezone.utc),
             progress=report)
Path(progress).write_text("done")
"""


def _counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as c:
        return (c.execute("select count(*) from observations").fetchone()[0],
                c.execute("select count(*) from ledger").fetchone()[0])


def _kill_when(proc: subprocess.Popen, progress: Path, ready) -> int:  # type: ignore[type-arg]
    """SIGKILL the ingesting ``proc`` as soon as ``ready(lines read)`` holds (its progress file
    says how far it is); the lines it had read."""
    deadline = time.monotonic() + 120
    lines = 0
    while time.monotonic() < deadline:
        txt = progress.read_text() if progress.exists() else ""
        assert txt != "done", "the ingest finished before it could be killed: give it more lines"
        if txt:
            lines = int(txt.split()[0])
            if ready(lines):
                break
        assert proc.poll() is None, "the ingesting process died on its own"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    return lines


@pytest.mark.slow
def test_sigkill_mid_batch_leaves_record_consistent_and_rerun_completes(tmp_path):
    src = write(tmp_path / "big.jsonl", n=N, sources=200)
    db, progress = tmp_path / "record.db", tmp_path / "progress"
    # a record that already holds something: the killed batch must not disturb it
    first = write(tmp_path / "first.jsonl", [{"id": "keep-1", "source": {"kind": "uav", "id": "u1"},
                                              "time": "2024-12-08T01:00:00Z", "kind": "weapon",
                                              "location": {"lat": 47.9, "lon": 37.6}}])
    uow = SqlUnitOfWork(sqlite_url(db))
    assert ingest_jsonl(first, uow, now=NOW).added == 1
    uow.close()

    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(src), str(db), str(progress)])
    wal = Path(f"{db}-wal")
    # several batches inserted inside the open transaction, and spilled to disk
    lines = _kill_when(proc, progress, lambda n: n >= 50_000 and wal.exists()
                       and wal.stat().st_size > 2_000_000)
    assert 50_000 <= lines < N

    # the record opens, holds exactly what it held before, and verifies
    assert _counts(db) == (1, 1)
    uow = SqlUnitOfWork(sqlite_url(db))
    with uow:
        rep = verify_record(uow)
        assert rep.ok, rep.message()
        assert rep.entries == 1

    # a re-run ingests the whole file, once
    r = ingest_jsonl(src, uow, now=NOW)
    assert (r.added, r.duplicates, r.rejected) == (N, 0, [])
    r = ingest_jsonl(src, uow, now=NOW)
    assert (r.added, r.duplicates) == (0, N)
    with uow:
        rep = verify_record(uow)
    uow.close()
    assert rep.ok and rep.entries == 2 and rep.rows == N + 1
    assert _counts(db) == (N + 1, 2)


CHILD_URL = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from truce.service.ingest import ingest_jsonl
from truce.storage.sql import SqlUnitOfWork

src, url, progress = sys.argv[1:4]
def report(lines, added):
    Path(progress).write_text(f"{lines} {added}")
ingest_jsonl(src, SqlUnitOfWork(url), now=datetime(2024, 12, 9, tzinfo=timezone.utc),
             progress=report)
Path(progress).write_text("done")
"""

N_PG = 150_000


@pytest.mark.slow
def test_sigkill_mid_batch_on_postgresql(tmp_path, pg_url):
    """The same on PostgreSQL: the killed writer's open transaction (several COPY batches in) is
    rolled back by the server, the record holds what it held and verifies, a re-run completes."""
    from sqlalchemy import create_engine, text

    src = write(tmp_path / "big.jsonl", n=N_PG, sources=200)
    progress = tmp_path / "progress"
    first = write(tmp_path / "first.jsonl", [{"id": "keep-1", "source": {"kind": "uav", "id": "u1"},
                                              "time": "2024-12-08T01:00:00Z", "kind": "weapon",
                                              "location": {"lat": 47.9, "lon": 37.6}}])
    uow = SqlUnitOfWork(pg_url)
    assert ingest_jsonl(first, uow, now=NOW).added == 1
    uow.close()

    proc = subprocess.Popen([sys.executable, "-c", CHILD_URL, str(src), pg_url, str(progress)])
    # several batches inside the open transaction
    lines = _kill_when(proc, progress, lambda n: n >= 30_000)
    assert 30_000 <= lines < N_PG

    engine = create_engine(pg_url)
    deadline = time.monotonic() + 30  # the server notices the dead connection and rolls back
    while True:
        with engine.connect() as c:
            counts = (c.execute(text("select count(*) from observations")).scalar_one(),
                      c.execute(text("select count(*) from ledger")).scalar_one())
        if counts == (1, 1) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    engine.dispose()
    assert counts == (1, 1)
    uow = SqlUnitOfWork(pg_url)
    with uow:
        rep = verify_record(uow)
        assert rep.ok and rep.entries == 1, rep.message()
    r = ingest_jsonl(src, uow, now=NOW)  # waits for the record's lock if the server still holds it
    assert (r.added, r.duplicates, r.rejected) == (N_PG, 0, [])
    with uow:
        rep = verify_record(uow)
    uow.close()
    assert rep.ok and rep.entries == 2 and rep.rows == N_PG + 1
