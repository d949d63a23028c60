"""Records to review: a small hand-made one (two posts, three incidents) and a simulated day."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import simulate_day
from truce.storage.memory import MemoryUnitOfWork
from truce.storage.sql import SqlUnitOfWork, sqlite_url

NOW = datetime(2024, 12, 9, 6, 0, tzinfo=UTC)
AGREEMENT = "ukraine-2024-12-07"


def obs(src: str, i: int, t: str, lat: float, lon: float, direction: str, km: list[float],
        n: int, kind: str = "explosion", detail: str = "impact") -> dict:
    return {"id": f"{src}-{i}", "source": {"kind": "post", "id": src}, "time": t,
            "observer": {"lat": lat, "lon": lon}, "kind": kind, "detail": detail, "count": n,
            "direction": direction, "distance_km": km}


#: 10:00 both posts see one shelling (fused into one incident: JOINT); 11:00 each reports one
#: far from the other's (two incidents: NORTH from op-a, SOUTH from op-b)
HAND = [obs("op-a", 1, "2024-12-08T10:00:00+02:00", 48.0, 37.60, "NE", [4, 5], 10),
        obs("op-b", 1, "2024-12-08T10:00:00+02:00", 48.0, 37.70, "NW", [4, 5], 12),
        obs("op-a", 2, "2024-12-08T11:00:00+02:00", 48.0, 37.60, "N", [5, 6], 10),
        obs("op-b", 2, "2024-12-08T11:00:00+02:00", 48.0, 37.70, "S", [5, 6], 12)]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build(uow, path: Path):
    from truce.service.ingest import ingest_jsonl
    from truce.service.process import process_record

    ingest_jsonl(path, uow, now=NOW)
    process_record(uow, now=NOW)
    return uow


@pytest.fixture(params=["memory", "sqlite"])
def hand(request, tmp_path):
    """The hand-made record, processed, on each back end."""
    src = write_jsonl(tmp_path / "hand.jsonl", HAND)
    if request.param == "memory":
        yield build(MemoryUnitOfWork(), src)
    else:
        u = SqlUnitOfWork(sqlite_url(tmp_path / "hand.db"))
        yield build(u, src)
        u.close()


@pytest.fixture
def hand_sql(tmp_path):
    src = write_jsonl(tmp_path / "hand.jsonl", HAND)
    u = SqlUnitOfWork(sqlite_url(tmp_path / "hand.db"))
    yield build(u, src)
    u.close()


@pytest.fixture(scope="session")
def sim_dir(tmp_path_factory):
    return simulate_day(tmp_path_factory.mktemp("sim"), seed=7, scale=0.3)


@pytest.fixture
def sim_sql(tmp_path, sim_dir):
    """A simulated day, ingested and processed, in a fresh SQLite record."""
    u = SqlUnitOfWork(sqlite_url(tmp_path / "sim.db"))
    yield build(u, sim_dir / "observations.jsonl")
    u.close()


def ids_by_keys(state) -> dict[tuple[str, ...], str]:
    """``sorted observation keys -> incident id`` of a reviewed state."""
    return {tuple(sorted(i["observation_ids"])): i["id"] for i in state.incidents}


JOINT = ("op-a/op-a-1", "op-b/op-b-1")
NORTH = ("op-a/op-a-2",)
SOUTH = ("op-b/op-b-2",)
