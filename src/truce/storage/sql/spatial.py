"""PostGIS on PostgreSQL: a point geometry beside the lat/lon columns, for spatial queries.

On PostgreSQL, migration 0004 adds to ``observations`` and ``incidents`` a generated column

    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED

with a GiST index (``ix_<table>_geom``).  The database computes it from the portable lat/lon
columns, so nothing writes it, ``record_json`` stays the only source of truth, and the
repositories and ``verify`` are the same on both back ends.  SQLite has no such column.

These columns are deliberately **not** in ``tables.metadata`` (the portable schema every back end
shares): ``include_object`` below leaves exactly them (and PostGIS's own ``spatial_ref_sys``) out when Alembic compares a database with
the metadata (autogenerate, and the test that the migrated schema equals the metadata), and the
test checks separately that they exist on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.types import UserDefinedType

#: table -> (longitude column, latitude column) of its PostGIS point
POINT_COLUMNS: dict[str, tuple[str, str]] = {
    "observations": ("observer_lon", "observer_lat"),
    "incidents": ("lon", "lat"),
}
GEOM = "geom"
SRID = 4326


def geom_index(table: str) -> str:
    return f"ix_{table}_{GEOM}"


#: (table, column) and (table, index) that exist on PostgreSQL only
POSTGIS_COLUMNS = frozenset((t, GEOM) for t in POINT_COLUMNS)
POSTGIS_INDEXES = frozenset((t, geom_index(t)) for t in POINT_COLUMNS)
#: PostGIS's own table, visible wherever the extension's schema is on the search path
POSTGIS_TABLES = frozenset({"spatial_ref_sys"})


class Geometry(UserDefinedType):  # type: ignore[type-arg]
    """PostGIS ``geometry`` as SQLAlchemy reflects it (only so reflection knows the name)."""

    cache_ok = True

    def __init__(self, *_args: Any, **_kw: Any) -> None:  # reflection passes (Point, 4326)
        super().__init__()

    def get_col_spec(self, **_kw: Any) -> str:
        return f"geometry(Point, {SRID})"


def register_reflection() -> None:
    """Let SQLAlchemy's PostgreSQL reflection recognise ``geometry`` (instead of warning)."""
    from sqlalchemy.dialects.postgresql.base import ischema_names

    ischema_names.setdefault("geometry", Geometry)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool,
                   compare_to: Any) -> bool:
    """Alembic's filter: everything but the PostgreSQL-only PostGIS columns and indexes."""
    if reflected and compare_to is None:
        if type_ == "table" and name in POSTGIS_TABLES:
            return False
        table = getattr(getattr(obj, "table", None), "name", None)
        if type_ == "column" and (table, name) in POSTGIS_COLUMNS:
            return False
        if type_ == "index" and (table, name) in POSTGIS_INDEXES:
            return False
    return True
