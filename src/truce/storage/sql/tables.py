"""The record's schema as SQLAlchemy Core tables (portable types only: SQLite and PostgreSQL).

Times are epoch seconds (UTC) in double-precision columns; coordinates are WGS84 degrees with
indexed lat/lon (bbox) columns.  ``record_json`` holds the canonical record verbatim and
``content_hash`` its SHA-256; parsed columns are for queries only and can be re-derived.
Migrations in ``migrations/`` must produce exactly this metadata (a test checks it).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

HASH = String(64)

sources = Table(
    "sources", metadata,
    Column("id", String(200), primary_key=True),
    Column("kind", String(32), nullable=False),
)

observations = Table(
    "observations", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(200), ForeignKey("sources.id"), nullable=False),
    Column("obs_id", String(200), nullable=False),
    Column("content_hash", HASH, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("t_start", Float, nullable=False),
    Column("t_end", Float, nullable=False),
    Column("observer_lat", Float),
    Column("observer_lon", Float),
    Column("count", Integer),
    Column("region", String(100)),
    Column("ingest_batch", Integer, nullable=False),
    UniqueConstraint("source_id", "obs_id"),
    Index(None, "t_start"),
    Index(None, "observer_lat", "observer_lon"),
)

incidents = Table(
    "incidents", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(200), nullable=False),
    Column("start", Float, nullable=False),
    Column("end", Float, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("detail", String(64)),
    Column("count", Integer, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("uncertainty_m", Float, nullable=False),
    Column("content_hash", HASH, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("fusion_run", Integer, nullable=False),
    Column("superseded_by", Integer),
    UniqueConstraint("fusion_run", "id"),
    Index(None, "start"),
    Index(None, "lat", "lon"),
    Index(None, "superseded_by"),
)

incident_observations = Table(
    "incident_observations", metadata,
    Column("incident_pk", Integer, ForeignKey("incidents.pk"), primary_key=True),
    Column("observation_pk", Integer, ForeignKey("observations.pk"), primary_key=True),
    Index(None, "observation_pk"),
)

violations = Table(
    "violations", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(200), nullable=False),
    Column("incident_pk", Integer, ForeignKey("incidents.pk")),
    Column("rule_id", String(100), nullable=False),
    Column("rule_version", String(32), nullable=False),
    Column("zone", String(100)),
    Column("side", String(64)),
    Column("confidence", Float),
    Column("content_hash", HASH, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("adjudication_run", Integer, nullable=False),
    Column("incident_id", String(200), nullable=False),  # migration 0002
    Column("start", Float, nullable=False),
    Column("superseded_by", Integer),
    UniqueConstraint("adjudication_run", "id"),
    Index(None, "start"),
    Index(None, "incident_id"),
    Index(None, "superseded_by"),
)

reviews = Table(
    "reviews", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("target_table", String(32), nullable=False),
    Column("target_key", String(400), nullable=False),
    Column("action", String(32), nullable=False),
    Column("analyst", String(200), nullable=False),
    Column("reason", Text),
    Column("content_hash", HASH, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("ledger_seq", Integer, nullable=False),
    Index(None, "target_table", "target_key"),
)

ledger = Table(
    "ledger", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("payload_json", Text, nullable=False),
    Column("payload_hash", HASH, nullable=False),
    Column("prev_hash", HASH, nullable=False),
    Column("entry_hash", HASH, nullable=False),
    Column("created_at", String(40), nullable=False),
)

meta = Table(
    "meta", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)
