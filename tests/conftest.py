"""Shared fixtures: paths to ../shared/data (skip with a reason when absent), temp homes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

# Timing deadlines make property tests flaky on a loaded 2-core CI machine; speed is measured by
# benchmarks, never by tests.
settings.register_profile("truce", deadline=None)
settings.load_profile("truce")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TRUCE_SHARED_DATA", REPO.parent / "shared" / "data"))


def simulate_day(out: Path, *, seed: int, scale: float, intensity: str = "typical",
                 agreement: str = "ukraine-2024-12-07", start: date = date(2024, 12, 8)) -> Path:
    """Simulate one day (no narrative reports) into ``out`` (truth, observations, links,
    scenario); returns ``out``.  The small simulated record many tests build on."""
    import numpy as np

    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim import Scenario, simulate
    from truce.sim.io import write_outputs

    sc = Scenario.uniform(agreement, start, 1, seed, intensity, scale=scale)
    res = simulate(sc, load_agreement(agreement), starter_gazetteer(),
                   np.random.default_rng(seed), reports=False)
    write_outputs(res, out)
    return out


def verify_db(db: str | Path):  # type: ignore[no-untyped-def]
    """``truce verify`` on a record (a SQLite path or a database URL): its VerifyReport."""
    from truce.service.verify import verify_record
    from truce.storage.sql import SqlUnitOfWork
    from truce.storage.sql.url import database_url

    uow = SqlUnitOfWork(database_url(db), write=False)
    try:
        with uow:
            return verify_record(uow)
    finally:
        uow.close()


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test with a clear reason."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent: real reference data lives in ../shared/data beside the "
                    "clone (present in CI, not in a user's clone)")
    return p


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real truce home from tests."""
    monkeypatch.setenv("TRUCE_HOME", str(tmp_path_factory.mktemp("truce_home")))


@pytest.fixture(scope="session")
def real_2024_agreement(tmp_path_factory: pytest.TempPathFactory):
    """The agreement assembled from the real December 2024 geometry in ../shared/data/geo."""
    from truce.agreement.assemble import assemble_from_files, write_agreement
    from truce.agreement.loader import load_agreement

    geo = shared_path("geo")
    out = tmp_path_factory.mktemp("real2024") / "real-2024-12-07"
    a = assemble_from_files(
        line=geo / "contact_line_2024-12-07.geojson",
        area=("ru", geo / "occupied_2024-12-07.geojson"),
        boundary=geo / "ukraine_boundary.geojson",
        regions=geo / "ukraine_oblasts.geojson",
        agreement_id="real-2024-12-07",
    )
    write_agreement(a, out)
    return load_agreement(out)


# --- PostgreSQL (+PostGIS) for the storage contract suite -------------------------------------
# TRUCE_TEST_PG_URL names a database the tests may create schemas in (`make pg` / .ci/run set
# one up); each test gets a fresh empty schema (dropped after), so the suite runs in parallel.

PG_URL = os.environ.get("TRUCE_TEST_PG_URL", "")
PG_SKIP = ("TRUCE_TEST_PG_URL is unset: the PostgreSQL tests need a PostgreSQL + PostGIS "
           "database (`make pg` sets one up and prints the URL; CI always runs them)")


@pytest.fixture(scope="session")
def _pg_admin():
    if not PG_URL:
        pytest.skip(PG_SKIP)
    from sqlalchemy import create_engine

    from truce.storage.sql.url import database_url

    engine = create_engine(database_url(PG_URL))
    yield engine
    engine.dispose()


def _pg_schema(admin):  # type: ignore[no-untyped-def]
    """A fresh empty schema in the test database: (url whose search_path is it, drop())."""
    import uuid

    from sqlalchemy.engine import make_url

    schema = f"truce_t_{uuid.uuid4().hex[:16]}"
    with admin.begin() as c:
        c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    # public stays on the path: PostGIS lives there
    url = make_url(str(admin.url.render_as_string(hide_password=False))).update_query_dict(
        {"options": f"-csearch_path={schema},public"}).render_as_string(hide_password=False)

    def drop() -> None:
        try:
            with admin.begin() as c:
                c.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
                c.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        except Exception:  # noqa: BLE001, S110 - a connection a test left open: the schema stays, harmless
            pass

    return url, drop


@pytest.fixture
def pg_url(_pg_admin) -> str:
    """The URL of a fresh, empty PostgreSQL record (its own schema), or skip with the reason."""
    url, drop = _pg_schema(_pg_admin)
    yield url
    drop()


@pytest.fixture(scope="module")
def pg_url_module(_pg_admin) -> str:
    """Like ``pg_url``, shared by a module's tests."""
    url, drop = _pg_schema(_pg_admin)
    yield url
    drop()
