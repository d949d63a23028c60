"""PostgreSQL only: PostGIS point geometries (generated from lat/lon) with GiST indexes on
observations (the observer's position) and incidents (the location).  A no-op on SQLite.

See ``truce.storage.sql.spatial``: the columns are outside the portable ``tables.metadata``.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-24 18:10:00
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

# table -> (longitude, latitude) columns (as truce.storage.sql.spatial.POINT_COLUMNS at 0004)
POINTS = {"observations": ("observer_lon", "observer_lat"), "incidents": ("lon", "lat")}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    have = bind.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    if have is None:
        try:
            with bind.begin_nested():
                bind.execute(text("CREATE EXTENSION postgis"))
        except Exception as exc:
            raise RuntimeError(
                "truce needs PostGIS on PostgreSQL: a superuser must run `CREATE EXTENSION "
                f"postgis` in this database first ({str(getattr(exc, 'orig', exc)).strip()})"
            ) from exc
    for table, (lon, lat) in POINTS.items():
        op.execute(f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS "
                   f"AS (ST_SetSRID(ST_MakePoint({lon}, {lat}), 4326)) STORED")
        op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in POINTS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_geom")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS geom")
