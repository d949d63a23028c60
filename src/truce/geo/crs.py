"""Choosing and using a metric CRS for an area, and guardrails against planar maths on lon/lat."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pyproj import CRS, Geod, Transformer

from truce.errors import CRSError

WGS84 = CRS.from_epsg(4326)
GEOD = Geod(ellps="WGS84")


def auto_crs(bounds: tuple[float, float, float, float]) -> CRS:
    """A metric CRS for an area given as lon/lat ``(minx, miny, maxx, maxy)``.

    A conformal projection, so the scale error is the same in every direction: Lambert conformal
    conic with standard parallels at 1/6 and 5/6 of the latitude span for areas wider east–west
    than north–south, transverse Mercator on the central meridian otherwise.  Over Ukraine's
    front (about 1,200 x 700 km) the scale error stays under 0.1%; tests check distances
    against ``pyproj.Geod`` within 0.5% across each agreement's extent.

    Examples
    --------
    >>> auto_crs((32.0, 46.0, 40.0, 50.0)).to_dict()["proj"]
    'lcc'
    >>> auto_crs((36.0, 40.0, 37.0, 52.0)).to_dict()["proj"]
    'tmerc'
    """
    minx, miny, maxx, maxy = bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise CRSError(f"bounds {bounds} are not lon/lat (minx, miny, maxx, maxy)")
    lon0 = round((minx + maxx) / 2.0, 3)
    lat0 = round((miny + maxy) / 2.0, 3)
    span_ns = maxy - miny
    span_ew = (maxx - minx) * np.cos(np.radians(lat0))
    tail = "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    if span_ew >= span_ns and abs(lat0) < 80:
        lat1 = round(miny + span_ns / 6.0, 3)
        lat2 = round(maxy - span_ns / 6.0, 3)
        if lat2 - lat1 < 0.01:
            lat1, lat2 = lat0 - 0.005, lat0 + 0.005
        return CRS.from_proj4(f"+proj=lcc +lat_1={lat1} +lat_2={lat2} +lat_0={lat0} +lon_0={lon0} {tail}")
    return CRS.from_proj4(f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 {tail}")


@dataclass(frozen=True)
class MetricProjection:
    """Forward and inverse transforms between lon/lat and a projected metric CRS."""

    crs: CRS
    _fwd: Transformer = field(init=False, repr=False, compare=False)
    _inv: Transformer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.crs.is_projected:
            raise CRSError(f"{self.crs.name} is not a projected CRS; metric work needs one")
        object.__setattr__(self, "_fwd", Transformer.from_crs(WGS84, self.crs, always_xy=True))
        object.__setattr__(self, "_inv", Transformer.from_crs(self.crs, WGS84, always_xy=True))

    @classmethod
    def for_bounds(cls, bounds: tuple[float, float, float, float]) -> MetricProjection:
        return cls(auto_crs(bounds))

    def to_xy(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Project lon/lat arrays to metres."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        check_lonlat(lon, lat)
        x, y = self._fwd.transform(lon, lat)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def to_lonlat(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Project metres back to lon/lat arrays."""
        lon, lat = self._inv.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def check_lonlat(lon: np.ndarray, lat: np.ndarray) -> None:
    """Raise :class:`CRSError` unless the arrays look like lon/lat in degrees (NaN allowed)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise CRSError(f"lon and lat have different shapes {lon.shape} and {lat.shape}")
    with np.errstate(invalid="ignore"):
        bad = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise CRSError(
            f"coordinate {i} ({lon[i]}, {lat[i]}) is not lon/lat in degrees; "
            "truce exchanges coordinates in EPSG:4326 (lon, lat)"
        )


def geodesic_distance_m(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Geodesic (WGS84) distance in metres between paired points, vectorised."""
    lon1, lat1, lon2, lat2 = (np.asarray(a, dtype=float) for a in (lon1, lat1, lon2, lat2))
    _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(d, dtype=float)
