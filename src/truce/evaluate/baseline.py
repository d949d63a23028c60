"""The baseline: scikit-learn DBSCAN over the observations' point estimates with time scaled into
space (x, y, t * v), per family of kinds, ``min_samples=1`` (every observation in some cluster:
nothing discarded, as in truce).  A cluster's location is the mean of its points, its count uses
the same estimator as truce.  ``eps`` and ``v`` are tuned by grid search on another seed."""

from __future__ import annotations

import numpy as np

from truce.evaluate.metrics import Quality, evaluate
from truce.fusion.gating import KIND_COMPATIBLE
from truce.fusion.localize import localize
from truce.fusion.params import FusionParams
from truce.fusion.pipeline import _assemble, canonical
from truce.fusion.scoring import PairScores  # noqa: F401  (documents the contrast)

EPS_M = (500.0, 1000.0, 1500.0, 2000.0, 3000.0, 4000.0, 6000.0, 8000.0)
SPEED_M_S = (1.0, 3.0, 10.0, 30.0)


def dbscan_labels(x: np.ndarray, y: np.ndarray, t: np.ndarray, family: np.ndarray, eps_m: float,
                  v_m_s: float) -> np.ndarray:
    from sklearn.cluster import DBSCAN

    labels = np.zeros(len(x), np.int64)
    off = 0
    for f in np.unique(family):
        sel = np.flatnonzero(family == f)
        pts = np.column_stack([x[sel], y[sel], (t[sel] - t.min()) * v_m_s])
        lab = DBSCAN(eps=eps_m, min_samples=1).fit_predict(pts)
        labels[sel] = lab + off
        off += lab.max() + 1
    _, inv = np.unique(labels, return_inverse=True)
    return inv.ravel()


def _family(kind: np.ndarray) -> np.ndarray:
    # connected classes of the compatibility table, the same kinds truce may merge
    from truce.fusion.gating import components
    i, j = np.nonzero(np.triu(KIND_COMPATIBLE, 1))
    return components(KIND_COMPATIBLE.shape[0], i, j)[kind]


def run_dbscan(case, eps_m: float, v_m_s: float, params: FusionParams | None = None) -> Quality:
    params = params or FusionParams()
    obs = canonical(case.obs)
    loc = localize(obs, case.frame.projection, params)
    t = 0.5 * (obs.t_start + obs.t_end)
    lab = dbscan_labels(loc.x, loc.y, t, _family(obs.kind), eps_m, v_m_s)
    k = int(lab.max()) + 1
    cnt = np.bincount(lab, minlength=k)
    mx, my = np.bincount(lab, loc.x, k) / cnt, np.bincount(lab, loc.y, k) / cnt
    one = np.full(k, 1e6)
    res = _assemble(obs, loc, case.frame, params, lab, np.arange(k), lab, mx, my, one, np.zeros(k), one,
                    np.zeros(k), (obs.t_end - obs.t_start) > params.vague_window_s)
    return evaluate(res.incidents, res.observations, case.truth, case.observed, case.region_of)


def tune_dbscan(case) -> tuple[float, float]:
    """Grid search (``EPS_M`` x ``SPEED_M_S``) maximising F1 - the mean over the training cases
    when ``case`` is a list - ties: smaller summed count error.  Run on training seeds only."""
    cases = case if isinstance(case, (list, tuple)) else [case]
    best, arg = (-1.0, 0.0), (EPS_M[0], SPEED_M_S[0])
    for eps in EPS_M:
        for v in SPEED_M_S:
            qs = [run_dbscan(c, eps, v) for c in cases]
            score = (round(float(np.mean([q.f1 for q in qs])), 4),
                     -float(sum(abs(q.fused_count - q.true_count_observed) for q in qs)))
            if score > best:
                best, arg = score, (eps, v)
    return arg
