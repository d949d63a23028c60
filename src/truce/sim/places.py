"""Settlements the narratives name, and positions stated the way a report states them.

Every position a report gives is either ``in <settlement>`` (the settlement's gazetteer
coordinates) or ``<N> km <16-point direction> of <settlement>`` (``N`` an integer 1-9, or a half
kilometre below 3 km), where the point is the WGS84 geodesic destination from the settlement's
coordinates at the compass bearing (index x 22.5 degrees) and distance ``N`` km.  The simulator
only places observers on such points, so a parser can recover their coordinates exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from truce.geo.classify import classify
from truce.geo.crs import GEOD
from truce.geo.frame import AgreementFrame

#: Largest stated offset from a settlement (km); farther points cannot be stated.
MAX_OFFSET_KM = 9.0
#: Below this distance a position is stated as "in <settlement>".
IN_RADIUS_KM = 0.6


@dataclass(frozen=True, eq=False)
class Places:
    """The gazetteer's settlements usable in narratives, indexed in the agreement's metric frame.

    ``ref`` marks settlements whose name is unique within their region, the only ones used to
    state positions, so that "<name>, <region> region" resolves to one place.
    """

    names: np.ndarray  # object
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    region: np.ndarray  # int index into ``regions``
    regions: tuple[str, ...]
    party: np.ndarray  # int8 party index, -1 outside both areas
    ref: np.ndarray  # bool
    tree: cKDTree  # all settlements, metric
    ref_trees: tuple[tuple[cKDTree, np.ndarray], ...]  # per party: tree over ref settlements, indices

    @classmethod
    def from_gazetteer(cls, gazetteer: Any, frame: AgreementFrame) -> Places:
        """Take the arrays of the (starter) gazetteer and classify them against the agreement."""
        names = np.asarray(gazetteer.names, dtype=object)
        lat = np.asarray(gazetteer.lats, dtype=float)
        lon = np.asarray(gazetteer.lons, dtype=float)
        admin = np.array([region_label(a) for a in np.asarray(gazetteer.admin1s, dtype=object)],
                         dtype=object)
        # keep settlements within reach of the line (positions and impacts need nothing farther)
        x, y = frame.projection.to_xy(lon, lat)
        _, _, _, d = frame.nearest_on_line(x, y)
        keep = (d <= 160_000.0) & (admin != "")
        order = np.lexsort((lon[keep], lat[keep], names[keep].astype(str)))
        idx = np.flatnonzero(keep)[order]
        names, lat, lon, admin, x, y = names[idx], lat[idx], lon[idx], admin[idx], x[idx], y[idx]
        regions = tuple(sorted(set(admin.tolist())))
        region = np.searchsorted(np.asarray(regions, dtype=object), admin).astype(np.int32)
        party = classify(frame, lon, lat).party_index.astype(np.int8)
        key = np.char.add(np.char.add(names.astype(str), "\x00"), admin.astype(str))
        _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        # names a sentence parser can delimit: unique in the region, no "." "," "(" inside
        plain = np.array([n[:1].isupper() and not any(c in n for c in ".,()") for n in names.tolist()],
                         dtype=bool)
        ref = (counts[inv] == 1) & plain
        xy = np.column_stack([x, y])
        ref_trees = []
        for p in range(len(frame.agreement.parties)):
            sel = np.flatnonzero(ref & (party == p))
            ref_trees.append((cKDTree(xy[sel] if len(sel) else np.zeros((0, 2))), sel))
        return cls(names=names, lat=lat, lon=lon, x=x, y=y, region=region, regions=regions,
                   party=party, ref=ref, tree=cKDTree(xy), ref_trees=tuple(ref_trees))

    def __len__(self) -> int:
        return len(self.names)

    def nearest(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the nearest settlement (any) to metric points."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.int64)
        _, i = self.tree.query(np.column_stack([x, y]))
        return np.asarray(i, dtype=np.int64)

    def nearest_ref(self, x: np.ndarray, y: np.ndarray, party: np.ndarray) -> np.ndarray:
        """Index of the nearest reference settlement in the given party's area (-1 if none)."""
        out = np.full(len(x), -1, dtype=np.int64)
        for p, (tree, sel) in enumerate(self.ref_trees):
            m = np.flatnonzero(party == p)
            if len(m) and len(sel):
                _, i = tree.query(np.column_stack([x[m], y[m]]))
                out[m] = sel[i]
        return out

    def state_positions(
        self, frame: AgreementFrame, x: np.ndarray, y: np.ndarray, party: np.ndarray
    ) -> StatedPositions:
        """Snap metric points to the nearest stateable position relative to a reference settlement
        on the same party's side.  ``ok`` is False where no such position exists within
        ``MAX_OFFSET_KM`` or where the snapped point is no longer in that party's area."""
        ref = self.nearest_ref(x, y, party)
        has = ref >= 0
        r = np.where(has, ref, 0)
        lon, lat = frame.projection.to_lonlat(x, y)
        az, _, dist_m = GEOD.inv(self.lon[r], self.lat[r], lon, lat)
        dist_km = np.asarray(dist_m) / 1000.0
        step = np.where(dist_km < 3.0, 0.5, 1.0)
        n_km = np.round(dist_km / step) * step
        n_km = np.where(dist_km < IN_RADIUS_KM, 0.0, np.maximum(n_km, 1.0))
        compass = np.round(np.mod(np.asarray(az), 360.0) / 22.5).astype(np.int64) % 16
        plon, plat = destination(self.lon[r], self.lat[r], compass, n_km)
        px, py = frame.projection.to_xy(plon, plat)
        ok = has & (n_km <= MAX_OFFSET_KM) & (frame.party_index(px, py) == party)
        return StatedPositions(place=r, offset_km=n_km, compass=compass, lat=plat, lon=plon,
                               x=px, y=py, ok=ok)


@dataclass(frozen=True, eq=False)
class StatedPositions:
    """Positions stated relative to a settlement: ``offset_km`` 0 means "in <settlement>"."""

    place: np.ndarray
    offset_km: np.ndarray
    compass: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    ok: np.ndarray

    def take(self, idx: np.ndarray) -> StatedPositions:
        return StatedPositions(*(getattr(self, f)[idx] for f in
                                 ("place", "offset_km", "compass", "lat", "lon", "x", "y", "ok")))


def destination(lon: np.ndarray, lat: np.ndarray, compass: np.ndarray, km: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """The point ``km`` from (lon, lat) on 16-point bearing ``compass`` (WGS84 geodesic)."""
    lon = np.asarray(lon, dtype=float)
    if lon.size == 0:
        return np.zeros(0), np.zeros(0)
    plon, plat, _ = GEOD.fwd(lon, np.asarray(lat, dtype=float),
                             np.asarray(compass, dtype=float) * 22.5, np.asarray(km, dtype=float) * 1000.0)
    return np.asarray(plon, dtype=float), np.asarray(plat, dtype=float)


def region_label(admin1: object) -> str:
    """'Donetsk Oblast' / 'Donetska oblast' / 'Donetsk' -> 'Donetsk' (the report's "<X> region")."""
    s = str(admin1 or "").strip()
    for suffix in (" Oblast", " oblast", " Region", " region"):
        s = s.removesuffix(suffix)
    return s
