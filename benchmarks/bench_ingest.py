"""Ingest throughput into SQLite (batched, one transaction per file) beside a naive row-by-row
insert with a commit per row, and ``verify`` time for the whole record.

    python benchmarks/bench_ingest.py [n]      # default 1,000,000 observations
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import report

KINDS = ("explosion", "burst", "shot", "projectile", "flare")
DIRS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
NAIVE_N = 5_000


def write_synthetic(path: Path, n: int, seed: int = 1) -> None:
    """``n`` valid observation records, shaped like the simulator's (posts along a line)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    post = rng.integers(0, 400, n)
    minute = np.sort(rng.integers(0, 60 * 24 * 30, n))
    lat = np.round(46.5 + post * 0.01 + rng.normal(0, 0.01, n), 5)
    lon = np.round(32.5 + post * 0.015 + rng.normal(0, 0.01, n), 5)
    kind = rng.integers(0, len(KINDS), n)
    cnt = rng.integers(1, 30, n)
    d = rng.integers(0, len(DIRS), n)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            m = int(minute[i])
            day, hh, mm = 8 + m // 1440, (m // 60) % 24, m % 60
            t = f"2024-12-{day:02d}T{hh:02d}:{mm:02d}:00+02:00" if day <= 31 else \
                f"2025-01-{day - 31:02d}T{hh:02d}:{mm:02d}:00+02:00"
            fh.write(json.dumps({
                "id": f"op-{post[i]:03d}-{i:08d}", "source": {"kind": "post", "id": f"op-{post[i]:03d}"},
                "time": t, "kind": KINDS[kind[i]], "count": int(cnt[i]), "direction": DIRS[d[i]],
                "distance_km": [2.0, 5.0], "observer": {"lat": float(lat[i]), "lon": float(lon[i])},
                "heard_only": True, "region": "Kherson",
                "text": f"The team heard {cnt[i]} {KINDS[kind[i]]}s 2-5 km {DIRS[d[i]]}.",
            }, ensure_ascii=False, separators=(",", ":")) + "\n")


def naive_rate(path: Path, workdir: Path) -> float:
    """Row by row: parse, insert, commit per row (what a simple script does)."""
    db = sqlite3.connect(workdir / "naive.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE o (source_id TEXT, obs_id TEXT, record_json TEXT, "
               "UNIQUE(source_id, obs_id))")
    t0 = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= NAIVE_N:
                break
            rec = json.loads(line)
            db.execute("INSERT OR IGNORE INTO o VALUES (?, ?, ?)",
                       (rec["source"]["id"], rec["id"], line))
            db.commit()
    dt = time.perf_counter() - t0
    db.close()
    return NAIVE_N / dt


def main(n: int | None = None) -> None:
    from truce.service.ingest import ingest_jsonl
    from truce.service.verify import verify_record
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    n = n or 1_000_000
    with tempfile.TemporaryDirectory(prefix="truce-bench-ingest-") as tmp:
        work = Path(tmp)
        src = work / "observations.jsonl"
        t0 = time.perf_counter()
        write_synthetic(src, n)
        print(f"bench_ingest: wrote {n:,} synthetic observations in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        base = naive_rate(src, work)
        uow = SqlUnitOfWork(sqlite_url(work / "truce.db"))
        now = datetime(2025, 1, 1, tzinfo=UTC)
        t0 = time.perf_counter()
        res = ingest_jsonl(src, uow, now=now)
        dt = time.perf_counter() - t0
        assert res.added == n and not res.rejected, (res.added, res.rejected[:3])
        report("ingest (SQLite, batched, one transaction)", n, dt, "obs", base,
               f"row-by-row insert + commit per row on {NAIVE_N:,}")
        t0 = time.perf_counter()
        res2 = ingest_jsonl(src, uow, now=now)
        report("re-ingest of the same file (all duplicates)", n, time.perf_counter() - t0, "obs")
        assert res2.added == 0 and res2.duplicates == n
        uow.close()
        ro = SqlUnitOfWork(sqlite_url(work / "truce.db"), write=False)
        for label, columns in (("hashes + digests + chain", False),
                               ("full: also re-derive parsed columns", True)):
            t0 = time.perf_counter()
            with ro:
                rep = verify_record(ro, columns=columns)
            dt = time.perf_counter() - t0
            assert rep.ok, rep.message()
            report(f"verify ({label})", rep.rows, dt, "rows")
        ro.close()
        size = (work / "truce.db").stat().st_size
        print(f"bench_ingest: record size {size / 1e6:.0f} MB ({size / n:.0f} B/observation)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
