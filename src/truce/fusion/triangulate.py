"""Triangulation: one location per cluster of observations by weighted least squares.

Each bearing observation contributes two linear constraints on the location ``p``: across its ray
(``n . (p - o) = 0``, sigma ``r sigma_b``) and along it (``u . (p - o) = r_mid``, sigma
``sigma_r``); a located observation contributes its point with its sigma.  The normal equations are
the sum of the observations' information matrices (the inverse of their Gaussian approximations),
so two or more bearings from different places intersect, and the fused covariance shrinks with
every independent bearing.  After a first solution the tangential sigmas are re-linearised at the
distance from each observer to the solution (``wls_iterations`` passes).  A cluster of one keeps
its own estimate: the fallback "best single estimate".
"""

from __future__ import annotations

import numpy as np

from truce.fusion.localize import Localized, covariance
from truce.fusion.params import FusionParams

#: chi-square quantile, 2 degrees of freedom, 90%: radius of the 90% region is sqrt(q * lambda_max)
CHI2_2_90 = 4.605


def fuse_gaussians(labels: np.ndarray, k: int, x: np.ndarray, y: np.ndarray, cxx: np.ndarray,
                   cxy: np.ndarray, cyy: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Product of the Gaussians of each group: mean ``(mx, my)`` and covariance components."""
    det = np.maximum(cxx * cyy - cxy * cxy, 1e-9)
    ixx, ixy, iyy = cyy / det, -cxy / det, cxx / det
    Ixx = np.bincount(labels, ixx, k)
    Ixy = np.bincount(labels, ixy, k)
    Iyy = np.bincount(labels, iyy, k)
    ex = np.bincount(labels, ixx * x + ixy * y, k)
    ey = np.bincount(labels, ixy * x + iyy * y, k)
    D = np.maximum(Ixx * Iyy - Ixy * Ixy, 1e-30)
    Cxx, Cxy, Cyy = Iyy / D, -Ixy / D, Ixx / D
    return Cxx * ex + Cxy * ey, Cxy * ex + Cyy * ey, Cxx, Cxy, Cyy


def triangulate(labels: np.ndarray, k: int, loc: Localized, params: FusionParams
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least-squares location and covariance of each of the ``k`` groups."""
    mx, my, Cxx, Cxy, Cyy = fuse_gaussians(labels, k, loc.x, loc.y, loc.cxx, loc.cxy, loc.cyy)
    hb = loc.has_bearing
    if not hb.any():
        return mx, my, Cxx, Cxy, Cyy
    b = np.where(hb, loc.bearing_rad, 0.0)
    for _ in range(params.wls_iterations):
        # tangential sigma at the current solution's distance, kept within the stated range
        r = np.hypot(mx[labels] - loc.ox, my[labels] - loc.oy)
        r = np.clip(np.nan_to_num(r), 0.5 * np.nan_to_num(loc.r_lo, nan=200.0), 1.5 * np.nan_to_num(loc.r_hi, nan=1e5))
        r = np.maximum(r, 200.0)
        cxx, cxy, cyy = covariance(b, np.nan_to_num(loc.sigma_r, nan=1.0), r * loc.sigma_b_rad)
        cxx, cxy, cyy = np.where(hb, cxx, loc.cxx), np.where(hb, cxy, loc.cxy), np.where(hb, cyy, loc.cyy)
        mx, my, Cxx, Cxy, Cyy = fuse_gaussians(labels, k, loc.x, loc.y, cxx, cxy, cyy)
    return mx, my, Cxx, Cxy, Cyy


def radius90(Cxx: np.ndarray, Cxy: np.ndarray, Cyy: np.ndarray) -> np.ndarray:
    """Radius of a circle holding the 90% region of each Gaussian (from its largest axis), m."""
    tr = 0.5 * (Cxx + Cyy)
    lam = tr + np.sqrt(np.maximum(tr * tr - (Cxx * Cyy - Cxy * Cxy), 0.0))
    return np.sqrt(CHI2_2_90 * lam)
