"""Earth-aware geometry on top of shapely 2 and pyproj: metric frames, distances, zones.

Coordinates are exchanged in EPSG:4326 (lon, lat); metric work happens in a projected CRS chosen
for the agreement's extent (:func:`truce.geo.crs.auto_crs`).  Planar maths on degrees is refused.
"""

from truce.geo.classify import Classification, classify
from truce.geo.crs import MetricProjection, auto_crs
from truce.geo.frame import AgreementFrame

__all__ = ["AgreementFrame", "Classification", "MetricProjection", "auto_crs", "classify"]
