"""Matching true episodes to incidents (DESIGN.md, "How quality is measured"): a true episode and
an incident match when their time windows overlap within +-10 min and the incident's location is
within 2 km of the episode - of its impact or of its origin, whichever is nearer (an incident
fused from reports of the launch is located at the origin: docs/simulator.md).  Matching is
one-to-one, greedy by distance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from truce.geo.crs import MetricProjection

FIRE_KINDS: tuple[str, ...] = ("explosion", "projectile", "burst", "shot", "flare")


@dataclass(frozen=True, eq=False)
class TruthArrays:
    id: np.ndarray
    kind: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    day: np.ndarray
    count: np.ndarray
    ix: np.ndarray
    iy: np.ndarray
    ox: np.ndarray
    oy: np.ndarray
    region: np.ndarray

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], proj: MetricProjection,
                     zone: tzinfo | None = None) -> TruthArrays:
        """``zone``: local dates in that time zone (the agreement's), else in each record's own
        UTC offset."""
        rows = list(records)
        t0 = [datetime.fromisoformat(r["start"]) for r in rows]
        t1 = [datetime.fromisoformat(r["end"]) for r in rows]
        ilon = np.array([r["impact"]["lon"] for r in rows], float)
        ilat = np.array([r["impact"]["lat"] for r in rows], float)
        olon = np.array([r["origin"]["lon"] if r.get("origin") else np.nan for r in rows], float)
        olat = np.array([r["origin"]["lat"] if r.get("origin") else np.nan for r in rows], float)
        ix, iy = proj.to_xy(ilon, ilat)
        ox, oy = proj.to_xy(np.where(np.isfinite(olon), olon, ilon), np.where(np.isfinite(olat), olat, ilat))
        has_o = np.isfinite(olon)
        return cls(id=np.array([r["id"] for r in rows], object), kind=np.array([r["kind"] for r in rows], object),
                   t_start=np.array([t.timestamp() for t in t0]), t_end=np.array([t.timestamp() for t in t1]),
                   day=np.array([(t.astimezone(zone) if zone else t).date().toordinal() for t in t0],
                                np.int64),
                   count=np.array([r["count"] for r in rows], float), ix=ix, iy=iy,
                   ox=np.where(has_o, ox, np.nan), oy=np.where(has_o, oy, np.nan),
                   region=np.array([r.get("region") for r in rows], object))

    def take(self, idx: np.ndarray) -> TruthArrays:
        return TruthArrays(**{k: v[idx] for k, v in self.__dict__.items()})


@dataclass(frozen=True, eq=False)
class Matching:
    truth: np.ndarray  # indices of matched truth rows
    incident: np.ndarray  # indices of matched incidents
    distance_m: np.ndarray


def match(truth: TruthArrays, x: np.ndarray, y: np.ndarray, t0: np.ndarray, t1: np.ndarray,
          time_tol_s: float = 600.0, radius_m: float = 2000.0, ox: np.ndarray | None = None,
          oy: np.ndarray | None = None) -> Matching:
    """One-to-one matching of truth rows to incidents at ``(x, y)`` over ``[t0, t1]``.

    ``(ox, oy)``: the other located end of two-ended incidents (NaN where none).  An incident is
    then located at each of its ends, and its distance to an episode is the smallest over its
    located ends and the episode's two ends - the rule already used for one-ended incidents,
    whose end is never known for sure (docs/fusion.md, "Matching")."""
    if not len(x) or not len(truth.id):
        z = np.zeros(0, np.int64)
        return Matching(z, z, np.zeros(0))
    points = [(np.arange(len(x)), x, y)]
    if ox is not None and oy is not None:
        has = np.flatnonzero(np.isfinite(ox) & np.isfinite(oy))
        if len(has):
            points.append((has, ox[has], oy[has]))
    parts = []
    for inc_idx, qx, qy in points:
        tree = cKDTree(np.column_stack([qx, qy]))
        for px, py in ((truth.ix, truth.iy), (truth.ox, truth.oy)):
            ok = np.flatnonzero(np.isfinite(px))
            m = cKDTree(np.column_stack([px[ok], py[ok]])).sparse_distance_matrix(tree, radius_m, output_type="ndarray")
            parts.append(np.column_stack([ok[m["i"]], inc_idx[m["j"]], m["v"]]))
    c = np.concatenate(parts)
    ti, ii, d = c[:, 0].astype(np.int64), c[:, 1].astype(np.int64), c[:, 2]
    ok = (np.maximum(truth.t_start[ti], t0[ii]) <= np.minimum(truth.t_end[ti], t1[ii]) + time_tol_s)
    ti, ii, d = ti[ok], ii[ok], d[ok]
    order = np.lexsort((ii, ti, d))
    used_t, used_i = set(), set()
    mt, mi, md = [], [], []
    for a, b, dd in zip(ti[order].tolist(), ii[order].tolist(), d[order].tolist()):  # greedy by distance
        if a in used_t or b in used_i:
            continue
        used_t.add(a)
        used_i.add(b)
        mt.append(a)
        mi.append(b)
        md.append(dd)
    return Matching(np.array(mt, np.int64), np.array(mi, np.int64), np.array(md))
