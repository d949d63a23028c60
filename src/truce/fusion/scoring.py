"""Scoring: for each candidate pair, how consistent the two observations are as one end of one
episode (vectorised over pairs), and which pairs must never share an incident."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from truce.fusion.localize import Localized
from truce.fusion.observations import ObservationArrays
from truce.fusion.params import FusionParams


def mahalanobis2(dx: np.ndarray, dy: np.ndarray, sxx: np.ndarray, sxy: np.ndarray,
                 syy: np.ndarray) -> np.ndarray:
    """``d^T S^-1 d`` for 2-vectors ``d`` and 2x2 symmetric ``S`` given by components."""
    det = sxx * syy - sxy * sxy
    return (syy * dx * dx - 2.0 * sxy * dx * dy + sxx * dy * dy) / np.maximum(det, 1e-9)


@dataclass(frozen=True, eq=False)
class PairScores:
    """Per candidate pair: Mahalanobis distance of the point estimates, whether it may be one end
    of one episode (``same_end``), and whether the pair must never be merged (``cannot_link``:
    one source reporting two things at once)."""

    d2: np.ndarray
    same_end: np.ndarray
    cannot_link: np.ndarray


def score_pairs(i: np.ndarray, j: np.ndarray, obs: ObservationArrays, loc: Localized,
                params: FusionParams, source: np.ndarray | None = None,
                d2: np.ndarray | None = None, same_source: np.ndarray | None = None,
                windows_checked: bool = False) -> PairScores:
    """``source``: integer code of each observation's source (computed when not given); ``d2``:
    the pairs' Mahalanobis d² when gating already computed it; ``same_source``: which pairs are of
    one source, when gating already knows; ``windows_checked``: every pair's windows are known to
    overlap within ``same_end_time_tol_s`` (gating with a tolerance no wider), so only the pairs
    of one source need their windows compared."""
    if source is None:
        source = np.unique(obs.source_id.astype(str), return_inverse=True)[1].ravel()
    d2 = d2 if d2 is not None else mahalanobis2(loc.x[i] - loc.x[j], loc.y[i] - loc.y[j], loc.cxx[i] + loc.cxx[j],
                      loc.cxy[i] + loc.cxy[j], loc.cyy[i] + loc.cyy[j])
    t0, t1 = obs.t_start, obs.t_end
    same_src = same_source if same_source is not None else source[i] == source[j]
    s = np.flatnonzero(same_src)
    # (np.take: faster than fancy indexing on these millions of pairs)
    si, sj = i.take(s), j.take(s)
    gap_s = np.maximum(t0.take(si), t0.take(sj)) - np.minimum(t1.take(si), t1.take(sj))  # > 0: disjoint windows
    # one report split in two: disjoint, adjacent windows, same kind, same direction
    b = np.nan_to_num(loc.bearing_rad)
    db = (b.take(si) - b.take(sj)) % (2.0 * np.pi)
    db = np.minimum(db, 2.0 * np.pi - db)
    split = ((gap_s > 0) & (gap_s <= params.split_gap_s) & (obs.kind.take(si) == obs.kind.take(sj)) & (db < 1e-6))
    cannot = np.zeros(len(i), bool)
    cannot[s[~split]] = True
    same_end = (d2 <= params.same_end_gate) & ~cannot
    if windows_checked:
        same_end[s[gap_s > params.same_end_time_tol_s]] = False
    else:
        gap = np.maximum(t0[i], t0[j]) - np.minimum(t1[i], t1[j])
        same_end &= gap <= params.same_end_time_tol_s
    return PairScores(d2=d2, same_end=same_end, cannot_link=cannot)
