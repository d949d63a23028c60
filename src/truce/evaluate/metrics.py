"""Quality metrics of a fused record against ground truth (DESIGN.md): incident precision, recall
and F1; daily count error per region beside the naive tally's; location error by observers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from truce.evaluate.match import FIRE_KINDS, TruthArrays, match
from truce.fusion.observations import KIND_CODE, ObservationArrays
from truce.fusion.pipeline import IncidentArrays
from truce.geo.crs import MetricProjection


@dataclass(frozen=True)
class Quality:
    n_truth: int
    n_observed: int
    n_incidents: int
    n_matched: int
    precision: float
    recall_observed: float
    recall_all: float
    f1: float  # precision with recall over observed episodes
    f1_all: float
    true_count: float
    true_count_observed: float
    fused_count: float
    naive_count: float
    region_days: list[tuple[int, str, float, float, float, float]] = field(default_factory=list)
    # (day, region, true, true_observed, fused, naive)
    location: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # n, median, p90
    count_bias: float = float("nan")  # mean (fused - true) / true over matched incidents

    def count_errors(self, which: str = "fused", observed: bool = False) -> np.ndarray:
        col = {"fused": 4, "naive": 5}[which]
        rows = [r for r in self.region_days if (r[3] if observed else r[2]) > 0]
        return np.array([abs(r[col] - (r[3] if observed else r[2])) / (r[3] if observed else r[2]) for r in rows])


def fire_incidents(inc: IncidentArrays) -> np.ndarray:
    return np.flatnonzero(np.isin(inc.kind.astype(str), FIRE_KINDS))


def evaluate(inc: IncidentArrays, obs: ObservationArrays, truth: TruthArrays,
             observed_ids: set[str], region_of: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
             projection: MetricProjection | None = None) -> Quality:
    """Score ceasefire-violation incidents against the fire episodes of the truth.

    ``region_of(x, y)``: the region of an incident by the same rule as the truth's (else the
    incidents' own region, the commonest of their observers').
    ``observed_ids``: the episodes at least one observation perceived (from the simulator's links;
    scoring only) - recall over them measures fusion, recall over all the network as well.
    ``projection`` (the frame's): two-ended incidents are then matched at either of their located
    ends (:func:`truce.evaluate.match.match`); without it only at their primary location.
    """
    tf = truth.take(np.flatnonzero(truth.kind != "weapon"))
    fi = fire_incidents(inc)
    ox = oy = None
    if projection is not None and len(fi):
        olon, olat = inc.origin_lon[fi].astype(float), inc.origin_lat[fi].astype(float)
        has = np.isfinite(olon) & np.isfinite(olat)
        ox, oy = np.full(len(fi), np.nan), np.full(len(fi), np.nan)
        if has.any():
            ox[has], oy[has] = projection.to_xy(olon[has], olat[has])
    m = match(tf, inc.x[fi], inc.y[fi], inc.t_start[fi], inc.t_end[fi], ox=ox, oy=oy)
    observed = np.isin(tf.id, list(observed_ids))
    nm = len(m.truth)
    prec = nm / max(len(fi), 1)
    rec_obs = float(observed[m.truth].sum()) / max(int(observed.sum()), 1)
    rec_all = nm / max(len(tf.id), 1)
    f1 = 2 * prec * rec_obs / max(prec + rec_obs, 1e-12)
    f1_all = 2 * prec * rec_all / max(prec + rec_all, 1e-12)
    # counts per (day, region)
    fire_obs = np.isin(obs.kind, [KIND_CODE[k] for k in FIRE_KINDS])
    table: dict[tuple[int, str], list[float]] = {}

    def add(day: np.ndarray, region: np.ndarray, val: np.ndarray, col: int) -> None:
        for d, r, v in zip(day.tolist(), region.tolist(), val.tolist()):
            table.setdefault((d, str(r)), [0.0, 0.0, 0.0, 0.0])[col] += v

    add(tf.day, tf.region, tf.count, 0)
    add(tf.day[observed], tf.region[observed], tf.count[observed], 1)
    inc_region = region_of(inc.x[fi], inc.y[fi]) if region_of is not None else inc.region[fi]
    add(inc.day[fi], inc_region, inc.count[fi].astype(float), 2)
    add(obs.day[fire_obs], obs.region[fire_obs], np.nan_to_num(obs.count[fire_obs], nan=1.0), 3)
    rows = [(d, r, *v) for (d, r), v in sorted(table.items())]
    # location error by observers
    loc: dict[str, tuple[int, float, float]] = {}
    nobs = inc.n_observers[fi][m.incident]
    nb = inc.n_bearings[fi][m.incident]
    for name, sel in (("1 observer", nobs == 1), ("2 observers", nobs == 2), ("3+ observers", nobs >= 3),
                      (">=2 bearings", nb >= 2), ("all", np.ones(nm, bool))):
        d = m.distance_m[sel]
        loc[name] = (int(sel.sum()), float(np.median(d)) if len(d) else float("nan"),
                     float(np.percentile(d, 90)) if len(d) else float("nan"))
    tc = tf.count[m.truth]
    bias = float(np.mean((inc.count[fi][m.incident] - tc) / tc)) if nm else float("nan")
    return Quality(
        n_truth=len(tf.id), n_observed=int(observed.sum()), n_incidents=len(fi), n_matched=nm,
        precision=prec, recall_observed=rec_obs, recall_all=rec_all, f1=f1, f1_all=f1_all,
        true_count=float(tf.count.sum()), true_count_observed=float(tf.count[observed].sum()),
        fused_count=float(inc.count[fi].sum()),
        naive_count=float(np.nan_to_num(obs.count[fire_obs], nan=1.0).sum()),
        region_days=rows, location=loc, count_bias=bias)
