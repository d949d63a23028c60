"""Final placement of end clusters that rest on one observer's bearing (pure functions).

An end cluster whose reports all come from one observer (one position, one source) and hold no
located report has a single bearing: its cross-bearing position is as good as that bearing, but
its distance along the bearing is only the stated range (or, without one, the middle of a wide
default range).  After association - the per-observation Gaussians used for gating and
association are left alone - such a cluster is moved along its bearing to the **posterior
median of its distance**, under

* a distance prior per group of reports (explosions heard by people, explosions located by
  acoustic sensors, projectiles, bursts and shots, flares): ``d^a / (1 + exp((d - d50) / width))``,
  the distances at which that group is reported (more ground farther out, fewer detections
  beyond ``d50``), and
* for stated distances (a range's middle or "about"), a lognormal error: ``ln(d / stated)`` is
  normal with mean ``bias`` and sigma ``sigma / sqrt(n)`` over the observer's ``n`` stated
  distances (their geometric mean).

Reports without a distance thus get the median of the prior (a fixed distance per group), those
with one a distance that depends on the stated one only, so the posterior is computed once per
distinct (group, n, stated distance).  The covariance becomes radial ``(spread * posterior sd)^2``
along the bearing and the fused tangential variance rescaled to the new distance across it.

The parameters are fitted on the simulator's training seeds (``python -m
truce.evaluate.placement_fit``) and live in :class:`~truce.fusion.params.FusionParams`.
Everything here is per cluster, from its own observations: a cluster's placement does not depend
on any other, so incremental fusion still equals the batch.
"""

from __future__ import annotations

import numpy as np

from truce.fusion.localize import Localized
from truce.fusion.observations import (
    BURST,
    EXPLOSION,
    FLARE,
    KINDS,
    PROJECTILE,
    SHOT,
    ObservationArrays,
)
from truce.fusion.params import FusionParams

#: groups of reports with their own distance prior, in code order
GROUPS: tuple[str, ...] = ("explosion", "explosion_acoustic", "projectile", "burst", "flare")
#: distances (m) the posterior is evaluated at
GRID_M = np.arange(100.0, 30_000.0 + 1.0, 50.0)
_STEP_M = 50.0
#: at most this many stated distances are combined (more change nothing measurable)
MAX_N = 8
#: stated distances are taken to the metre, below this (m)
_STATED_MAX_M = 10_000_000


def group_of_kind(kind: np.ndarray, acoustic: np.ndarray) -> np.ndarray:
    """Group code (index into :data:`GROUPS`) of each cluster's kind code, -1 for none
    (weapon sightings)."""
    table = np.full(len(KINDS), -1, np.int64)
    table[[EXPLOSION, PROJECTILE, BURST, SHOT, FLARE]] = [0, 2, 3, 3, 4]
    g = table[kind]
    return np.where((g == 0) & acoustic, 1, g)


def log_posterior(d_m: np.ndarray, prior: tuple[float, float, float, float, float], stated_m: np.ndarray,
                  n: np.ndarray) -> np.ndarray:
    """Unnormalised log posterior density of the distance ``d_m`` (broadcast against
    ``stated_m``/``n``; ``n == 0``: no stated distance, the prior alone).  ``prior``:
    ``(a, d50_km, width_km, sigma, bias)``."""
    a, d50, width, sigma, bias = prior
    lp = a * np.log(d_m) - np.logaddexp(0.0, (d_m - d50 * 1000.0) / (width * 1000.0))
    z = (np.log(d_m / np.where(n > 0, stated_m, 1.0)) - bias) * np.sqrt(np.maximum(n, 1)) / sigma
    return lp - np.where(n > 0, 0.5 * z * z, 0.0)


def posterior_median(group: np.ndarray, n: np.ndarray, stated_m: np.ndarray, params: FusionParams
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Posterior median and standard deviation (m) of the distance, per row; computed once per
    distinct ``(group, n, stated distance to the metre)``."""
    n = np.minimum(n, MAX_N).astype(np.int64)
    st = np.where(n > 0, np.clip(np.round(stated_m), 1, _STATED_MAX_M), 0).astype(np.int64)
    key = (group.astype(np.int64) * (MAX_N + 1) + n) * _STATED_MAX_M + st
    uniq, inv = np.unique(key, return_inverse=True)
    ug, un = np.divmod(uniq // _STATED_MAX_M, MAX_N + 1)
    ust = (uniq % _STATED_MAX_M).astype(np.float64)
    med = np.empty(len(uniq))
    sd = np.empty(len(uniq))
    for g in np.unique(ug):  # a handful of groups
        rows = np.flatnonzero(ug == g)
        prior = params.placement_prior[GROUPS[g]]
        lp = log_posterior(GRID_M[None, :], prior, ust[rows, None], un[rows, None])
        p = np.exp(lp - lp.max(axis=1, keepdims=True))
        c = np.cumsum(p, axis=1)
        p /= c[:, -1:]
        c /= c[:, -1:]
        # each grid point stands for a cell of one step around it: c[j] is the distribution
        # function at the cell's upper edge; the median interpolated between cell edges
        j = np.argmax(c >= 0.5, axis=1)
        lo = np.where(j > 0, c[np.arange(len(rows)), np.maximum(j - 1, 0)], 0.0)
        hi = c[np.arange(len(rows)), j]
        f = np.where(hi > lo, (0.5 - lo) / np.maximum(hi - lo, 1e-300), 0.5)
        med[rows] = GRID_M[j] + (f - 0.5) * _STEP_M
        # moments by sequential sums (not a BLAS product, whose rounding may depend on the number
        # of rows: a cluster's result must not depend on the other clusters fused with it)
        mean = np.cumsum(p * GRID_M, axis=1)[:, -1]
        sd[rows] = np.sqrt(np.maximum(np.cumsum(p * (GRID_M - mean[:, None]) ** 2, axis=1)[:, -1], 0.0))
    return med[inv.ravel()], sd[inv.ravel()]


def single_bearing_clusters(cluster: np.ndarray, k: int, loc: Localized, src: np.ndarray) -> np.ndarray:
    """Which of the ``k`` end clusters rest on one bearing: every report has a direction (none
    located, none without one), all from one source at one position."""
    hb = loc.has_bearing
    n = np.bincount(cluster, minlength=k)
    nb = np.bincount(cluster, hb, k)
    cand = (nb == n) & (n > 0)
    if not cand.any():
        return cand
    # one source: the variance of the source codes is zero (exact in float64 for these sizes)
    s = src.astype(np.float64)
    m = np.bincount(cluster, s, k) / np.maximum(n, 1)
    cand &= np.bincount(cluster, (s - m[cluster]) ** 2, k) == 0
    # one position (a patrol moves): the observers within a metre (rms) of their mean
    ox = np.nan_to_num(loc.ox)
    oy = np.nan_to_num(loc.oy)
    mx = np.bincount(cluster, ox, k) / np.maximum(n, 1)
    my = np.bincount(cluster, oy, k) / np.maximum(n, 1)
    cand &= np.bincount(cluster, (ox - mx[cluster]) ** 2 + (oy - my[cluster]) ** 2, k) <= np.maximum(n, 1)
    return cand


def single_bearing_features(cluster: np.ndarray, obs: ObservationArrays, loc: Localized,
                            src: np.ndarray, mx: np.ndarray, my: np.ndarray) -> tuple[np.ndarray, ...]:
    """The end clusters to place and what their placement rests on: ``(clusters, group, n stated
    distances, their geometric mean (m), observer x, observer y, distance to the fused point)``,
    for the single-bearing clusters of a placeable kind (all but weapon sightings)."""
    k = len(mx)
    w = np.flatnonzero(single_bearing_clusters(cluster, k, loc, src))
    # the members of those clusters only, renumbered 0..len(w)-1
    slot = np.full(k, -1, np.int64)
    slot[w] = np.arange(len(w))
    rows = np.flatnonzero(slot[cluster] >= 0)
    c = slot[cluster[rows]]
    kind = np.bincount(c * len(KINDS) + obs.kind[rows].astype(np.int64),
                       minlength=len(w) * len(KINDS)).reshape(len(w), len(KINDS)).argmax(axis=1)
    acoustic = np.bincount(c, obs.source_kind[rows] == "acoustic", len(w)) > 0
    group = group_of_kind(kind, acoustic)
    known = np.isfinite(obs.dist_lo_km[rows])
    n_known = np.bincount(c, known, len(w))
    mid = np.where(known, 500.0 * (obs.dist_lo_km[rows] + obs.dist_hi_km[rows]), 1.0)
    stated = np.exp(np.bincount(c, np.log(np.maximum(mid, 1.0)), len(w)) / np.maximum(n_known, 1))
    size = np.bincount(c, minlength=len(w))
    ox = np.bincount(c, loc.ox[rows], len(w)) / np.maximum(size, 1)
    oy = np.bincount(c, loc.oy[rows], len(w)) / np.maximum(size, 1)
    r0 = np.hypot(mx[w] - ox, my[w] - oy)
    ok = (group >= 0) & (r0 > 1.0)
    return w[ok], group[ok], n_known[ok], stated[ok], ox[ok], oy[ok], r0[ok]


def place_weak(cluster: np.ndarray, obs: ObservationArrays, loc: Localized, src: np.ndarray,
               mx: np.ndarray, my: np.ndarray, cxx: np.ndarray, cxy: np.ndarray, cyy: np.ndarray,
               params: FusionParams) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The end clusters' final locations and covariances: those resting on one bearing moved
    along it to their posterior median distance (see the module docstring), the others as
    given.  ``cluster``: each observation's end cluster (``k = len(mx)`` clusters); ``src``:
    source codes (equal iff one source).  Returns new arrays (the inputs are not modified)."""
    if not params.place_single_bearing or not len(mx):
        return mx, my, cxx, cxy, cyy
    w, group, n_known, stated, ox, oy, r0 = single_bearing_features(cluster, obs, loc, src, mx, my)
    if not len(w):
        return mx, my, cxx, cxy, cyy
    d, sd = posterior_median(group, n_known, stated, params)
    return _moved(w, d, sd, ox, oy, r0, mx, my, cxx, cxy, cyy, params.placement_spread)


def _moved(w: np.ndarray, d: np.ndarray, sd: np.ndarray, ox: np.ndarray, oy: np.ndarray, r0: np.ndarray,
           mx: np.ndarray, my: np.ndarray, cxx: np.ndarray, cxy: np.ndarray, cyy: np.ndarray,
           spread: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Clusters ``w`` moved to distance ``d`` on the line from their observer through their fused
    point; radial sigma ``spread * sd``, tangential variance rescaled from ``r0`` to ``d``."""
    ux, uy = (mx[w] - ox) / r0, (my[w] - oy) / r0  # the bearing (one observer: its bearings' mean)
    vx, vy = -uy, ux
    var_t = (vx * vx * cxx[w] + 2 * vx * vy * cxy[w] + vy * vy * cyy[w]) * (d / r0) ** 2
    var_r = (spread * sd) ** 2
    mx, my, cxx, cxy, cyy = (a.copy() for a in (mx, my, cxx, cxy, cyy))
    mx[w], my[w] = ox + ux * d, oy + uy * d
    cxx[w] = var_r * ux * ux + var_t * vx * vx
    cxy[w] = var_r * ux * uy + var_t * vx * vy
    cyy[w] = var_r * uy * uy + var_t * vy * vy
    return mx, my, cxx, cxy, cyy
