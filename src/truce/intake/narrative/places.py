"""Where: place names to coordinates through a gazetteer, and "N km DIR of PLACE" to a point.

A name is looked up in the region the sentence names ("Kalynove (Donetsk region)",
"near Korsun, Donetsk region"), else the report's region (heading or "In Donetsk region"), else
anywhere; among places of one name the one nearest the last place resolved in the report wins
(the gazetteer's ``near=`` ranking).  Offsets are WGS84 geodesic destinations (pyproj ``Geod``)
on the 16-point bearing, the way the simulator states positions, so they come back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from truce.domain.kinds import COMPASS_BEARING_DEG
from truce.geo.crs import GEOD


@dataclass(frozen=True, slots=True)
class Point:
    """WGS84 degrees, and the region (admin1) of the place it came from."""

    lat: float
    lon: float
    region: str = ""


def destination(p: Point, compass: str, km: float) -> Point:
    """The point ``km`` from ``p`` towards a 16-point ``compass`` direction.

    >>> q = destination(Point(48.0, 37.0), "N", 10.0)
    >>> round(q.lat, 4), round(q.lon, 4)
    (48.0899, 37.0)
    """
    if km == 0:
        return p
    lon, lat, _ = GEOD.fwd(p.lon, p.lat, COMPASS_BEARING_DEG[compass], km * 1000.0)
    return Point(float(lat), float(lon), p.region)


@dataclass
class PlaceResolver:
    """A gazetteer with a cache of lookups (reports name the same places again and again).

    ``gazetteer`` is anything with ``lookup(name, admin1=..., near=..., limit=...)`` returning
    candidates with a ``.place`` (``truce.gazetteer.Gazetteer``).  The cache is keyed by
    (name, region) when no proximity is given; lookups with ``near`` are cached by the
    rounded reference point too.
    """

    gazetteer: Any
    _cache: dict[tuple[str, str | None], tuple[Point, ...]] = field(default_factory=dict)

    def candidates(self, name: str, region: str | None = None) -> tuple[Point, ...]:
        """Places named ``name`` of the best match kind, in ``region`` if it has any there."""
        key = (name, region)
        hit = self._cache.get(key)
        if hit is None:
            hit = ()
            try:
                if region:
                    hit = self._lookup(name, region)
                if not hit:
                    hit = self._lookup(name, None)
            except Exception:  # noqa: BLE001 - a malformed name must not stop the report
                hit = ()
            self._cache[key] = hit
        return hit

    def _lookup(self, name: str, region: str | None) -> tuple[Point, ...]:
        found = self.gazetteer.lookup(name, admin1=region, limit=None)
        if not found:
            return ()
        best = found[0].match
        return tuple(Point(float(c.place.lat), float(c.place.lon), str(c.place.admin1 or ""))
                     for c in found if c.match == best)

    def find(self, name: str, region: str | None = None,
             near: tuple[float, float] | None = None) -> Point | None:
        """The place named ``name`` (in ``region`` if it has one there; the one nearest ``near``
        among several), or None."""
        cands = self.candidates(name, region)
        if not cands:
            return None
        if len(cands) == 1 or near is None:
            return cands[0]
        lat0, lon0 = near
        return min(cands, key=lambda p: (p.lat - lat0) ** 2 + ((p.lon - lon0) * 0.67) ** 2)
