"""End to end through the installed `truce` command on PostgreSQL: ingest, process and verify a
simulated day with ``--db`` a PostgreSQL URL, then a tampered row is caught.  (The same commands
on SQLite files are tested in tests/cli/.)"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

TRUCE = [str(Path(sys.executable).with_name("truce"))]
if not Path(TRUCE[0]).exists():  # pragma: no cover - a venv without the console script
    TRUCE = [sys.executable, "-c", "from truce.cli.main import main; main()"]


@pytest.fixture(scope="module")
def observations(tmp_path_factory) -> Path:
    import numpy as np

    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim import Scenario, simulate
    from truce.sim.io import write_outputs

    out = tmp_path_factory.mktemp("sim")
    agr = "ukraine-2024-12-07"
    sc = Scenario.uniform(agr, date(2024, 12, 8), 1, 7, "typical", scale=0.3)
    res = simulate(sc, load_agreement(agr), starter_gazetteer(), np.random.default_rng(7),
                   reports=False)
    write_outputs(res, out)
    return out / "observations.jsonl"


def _truce(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TRUCE, *args], capture_output=True, text=True, timeout=300,
                          check=False,  # the tests assert on returncode and stderr
                          env={**os.environ, **(env or {})})


def test_ingest_process_verify_on_postgresql(pg_url, observations):
    db = pg_url
    # a plain postgresql:// URL works too (read as postgresql+psycopg://)
    env_db = db.replace("postgresql+psycopg://", "postgresql://")
    r = _truce("ingest", str(observations), "--db", db)
    assert r.returncode == 0, r.stderr
    assert "added" in r.stdout and "rejected 0" in r.stdout, r.stdout
    r = _truce("process", "--agreement", "ukraine-2024-12-07", "--db", db)
    assert r.returncode == 0, r.stdout + r.stderr
    r = _truce("verify", env={"TRUCE_DB": env_db})  # --db from $TRUCE_DB
    assert r.returncode == 0, r.stdout + r.stderr
    assert "record intact" in r.stdout
    engine = create_engine(db)
    with engine.begin() as c:
        n_inc = c.execute(text("select count(*) from incidents")).scalar_one()
        assert n_inc > 0
        c.execute(text("update observations set record_json = record_json || ' ' "
                       "where pk = 3"))
    engine.dispose()
    r = _truce("verify", "--db", db)
    assert r.returncode == 1 and "ledger entry 1" in r.stderr, r.stdout + r.stderr


def test_db_option_names_a_file_or_a_url(tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from truce.cli import record
    from truce.storage.sql import database_url

    app = typer.Typer()
    app.command("verify")(record.verify_cmd)
    app.command("ingest")(record.ingest_cmd)
    run = CliRunner().invoke
    r = run(app, ["verify", "--db", str(tmp_path / "nope.db")])
    assert r.exit_code == 2 and "no record at" in r.output
    r = run(app, ["verify", "--db", "mysql://u@h/db"])
    assert r.exit_code != 0 and "unsupported database 'mysql'" in r.output
    monkeypatch.setenv("TRUCE_DB", "postgres://u:secret@h:5433/rec")
    assert record.record_url(None) == "postgresql+psycopg://u:secret@h:5433/rec"
    assert record.record_url("r.db") == "sqlite:///r.db"
    assert database_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql+psycopg:///rec") == "postgresql+psycopg:///rec"


def test_reading_commands_refuse_an_empty_postgresql_database(pg_url):
    """`verify` (and the other reading commands) on a database without a record say so and
    create nothing: they used to migrate the empty schema and report an intact empty record."""
    from sqlalchemy import inspect

    r = _truce("verify", "--db", pg_url)
    assert r.returncode == 2 and "no record at" in r.stderr, r.stdout + r.stderr
    assert "secret" not in r.stderr
    engine = create_engine(pg_url)
    with engine.connect() as c:
        assert not inspect(c).has_table("ledger")
    engine.dispose()
    r = _truce("report", "--db", pg_url)
    assert r.returncode == 2 and "no record at" in r.stderr, r.stdout + r.stderr


def test_an_empty_schema_is_no_record_even_with_a_record_on_the_search_path(pg_url):
    """The fixture's search path is `<schema>,public`: a ledger table in `public` belongs to
    another record, so `verify` on the empty schema still says "no record"."""
    from truce.storage.sql.uow import record_exists

    engine = create_engine(pg_url)
    with engine.begin() as c:
        c.execute(text("create table if not exists public.ledger (seq integer)"))
    try:
        assert not record_exists(pg_url)
        r = _truce("verify", "--db", pg_url)
        assert r.returncode == 2 and "no record at" in r.stderr, r.stdout + r.stderr
    finally:
        with engine.begin() as c:
            c.execute(text("drop table if exists public.ledger"))
        engine.dispose()


def test_a_sqlite_url_to_a_missing_file_is_no_record_and_creates_nothing(tmp_path):
    from truce.cli.record import record_url
    from truce.errors import ValidationError

    missing = tmp_path / "missing.db"
    with pytest.raises(ValidationError, match="no record at"):
        record_url(f"sqlite:///{missing}", must_exist=True)
    assert not missing.exists()


def test_checking_a_sqlite_file_for_a_record_changes_nothing_in_it(tmp_path):
    """record_exists opened the file through the record's engine, whose connect hook switched
    any SQLite file it checked to WAL mode."""
    import sqlite3

    from truce.storage.sql import sqlite_url
    from truce.storage.sql.uow import record_exists

    other = tmp_path / "other.db"
    c = sqlite3.connect(other)
    c.execute("create table t (a)")
    c.commit()
    c.close()
    before = other.read_bytes()
    assert not record_exists(sqlite_url(other))
    assert other.read_bytes() == before
    c = sqlite3.connect(other)
    assert c.execute("pragma journal_mode").fetchone() == ("delete",)
    c.close()
