"""Localization: each observation's estimated location and uncertainty in the metric frame.

An observer position, a direction (16-point compass or bearing, with its error) and a distance or
range define an annular sector ``r_lo <= r <= r_hi``, ``|bearing - b| <= k sigma``.  Its Gaussian
approximation has its mean at the middle of the range on the bearing, a radial variance from the
range (its width and the relative error of stated distances) and a tangential variance
``(r sigma_b)^2``, rotated onto the bearing.  No distance: a wide default range per kind.  Directly
located observations keep their point and sigma; no direction either: a disc around the observer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from truce.fusion.observations import KINDS, ObservationArrays
from truce.fusion.params import FusionParams
from truce.geo.crs import MetricProjection

#: variance of the 16-point quantisation (uniform over 22.5 degrees), degrees squared
COMPASS_VAR_DEG2 = 22.5**2 / 12.0


@dataclass(frozen=True, eq=False)
class Localized:
    """Per-observation estimate: point ``(x, y)`` and covariance ``(cxx, cxy, cyy)`` in metres,
    the observer ``(ox, oy)`` (NaN when none), the grid bearing (radians, from grid north,
    clockwise) with its sigma, and the range ``[r_lo, r_hi]`` used."""

    x: np.ndarray
    y: np.ndarray
    cxx: np.ndarray
    cxy: np.ndarray
    cyy: np.ndarray
    ox: np.ndarray
    oy: np.ndarray
    bearing_rad: np.ndarray  # NaN when no direction
    sigma_b_rad: np.ndarray
    r_lo: np.ndarray
    r_hi: np.ndarray
    r_mid: np.ndarray
    sigma_r: np.ndarray
    located: np.ndarray  # bool

    @property
    def has_bearing(self) -> np.ndarray:
        return np.isfinite(self.bearing_rad)

    def sector(self, k: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The annular sector: ``(r_lo, r_hi, bearing_lo, bearing_hi)`` at ``k`` sigma (radians)."""
        return self.r_lo, self.r_hi, self.bearing_rad - k * self.sigma_b_rad, self.bearing_rad + k * self.sigma_b_rad


def covariance(bearing_rad: np.ndarray, sigma_r: np.ndarray, sigma_t: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Radial and tangential standard deviations rotated onto a bearing: ``(cxx, cxy, cyy)``."""
    ux, uy = np.sin(bearing_rad), np.cos(bearing_rad)  # x east, y north
    vr, vt = sigma_r**2, sigma_t**2
    return vr * ux * ux + vt * uy * uy, (vr - vt) * ux * uy, vr * uy * uy + vt * ux * ux


def grid_convergence_rad(proj: MetricProjection, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Angle from true north to grid north at each point (radians): add it to a true bearing."""
    x0, y0 = proj.to_xy(lon, lat)
    x1, y1 = proj.to_xy(lon, np.minimum(lat + 0.01, 89.99))
    return np.arctan2(x1 - x0, y1 - y0)


def localize(obs: ObservationArrays, proj: MetricProjection, params: FusionParams) -> Localized:
    """Locate every observation (vectorised).

    Examples
    --------
    An observer hearing something 3-5 km east is placed 4 km east, elongated east-west:

    >>> from truce.geo.crs import MetricProjection
    >>> from truce.fusion.observations import ObservationArrays
    >>> rec = {"id": "1", "source": {"kind": "post", "id": "op-1"}, "time": "2024-12-08T10:00:00+02:00",
    ...        "kind": "explosion", "observer": {"lat": 48.0, "lon": 37.0}, "direction": "E",
    ...        "distance_km": [3, 5]}
    >>> obs, _ = ObservationArrays.from_records([rec])
    >>> loc = localize(obs, MetricProjection.for_bounds((36.9, 47.9, 37.1, 48.1)), FusionParams())
    >>> round(float(loc.x[0] - loc.ox[0])), round(float(loc.y[0] - loc.oy[0]))
    (4000, 0)
    """
    n = len(obs)
    ox, oy = np.full(n, np.nan), np.full(n, np.nan)
    has_obs = np.isfinite(obs.obs_lon)
    if has_obs.any():
        ox[has_obs], oy[has_obs] = proj.to_xy(obs.obs_lon[has_obs], obs.obs_lat[has_obs])
    # bearing: true -> grid, and its sigma (observer error, plus quantisation of a compass point)
    conv = np.zeros(n)
    has_b = np.isfinite(obs.bearing_deg) & has_obs
    if has_b.any():
        conv[has_b] = grid_convergence_rad(proj, obs.obs_lon[has_b], obs.obs_lat[has_b])
    b = np.where(has_b, np.radians(obs.bearing_deg) + conv, np.nan)
    src_sig = np.full(n, params.bearing_sigma_deg)
    for kind, s in params.bearing_sigma_by_source.items():
        src_sig[obs.source_kind == kind] = s
    sig_deg = np.where(np.isfinite(obs.bearing_sigma_deg), obs.bearing_sigma_deg, src_sig)
    sig_deg = np.sqrt(sig_deg**2 + np.where(obs.compass, COMPASS_VAR_DEG2, 0.0))
    sig_b = np.radians(sig_deg)

    # range: stated, else the default of the kind
    kind_lo = np.array([params.default_range_km.get(k, params.fallback_range_km)[0] for k in KINDS])
    kind_hi = np.array([params.default_range_km.get(k, params.fallback_range_km)[1] for k in KINDS])
    known = np.isfinite(obs.dist_lo_km)
    lo = np.where(known, obs.dist_lo_km, kind_lo[obs.kind]) * 1000.0
    hi = np.where(known, obs.dist_hi_km, kind_hi[obs.kind]) * 1000.0
    mid = 0.5 * (lo + hi)
    width_var = (hi - lo) ** 2 / 12.0  # uniform over the stated range
    sig_r = np.sqrt(np.where(known, (params.distance_rel_sigma * mid) ** 2 + width_var, width_var))

    # bearing observations
    bs = np.where(has_b, b, 0.0)
    x = ox + mid * np.sin(bs)
    y = oy + mid * np.cos(bs)
    cxx, cxy, cyy = covariance(bs, sig_r, mid * sig_b)
    # observer but no direction: a disc of the range's outer radius around the observer
    disc = has_obs & ~has_b
    r_disc = hi / 2.0
    x, y = np.where(disc, ox, x), np.where(disc, oy, y)
    cxx, cxy, cyy = np.where(disc, r_disc**2, cxx), np.where(disc, 0.0, cxy), np.where(disc, r_disc**2, cyy)
    # directly located: their own point and sigma win
    located = np.isfinite(obs.loc_lon)
    if located.any():
        lx, ly = proj.to_xy(obs.loc_lon[located], obs.loc_lat[located])
        x[located], y[located] = lx, ly
        s2 = obs.loc_sigma_m[located] ** 2
        cxx[located], cxy[located], cyy[located] = s2, 0.0, s2
    nan_if = lambda m, a: np.where(m, np.nan, a)  # noqa: E731
    return Localized(x=x, y=y, cxx=cxx, cxy=cxy, cyy=cyy, ox=ox, oy=oy,
                     bearing_rad=nan_if(located | ~has_b, b), sigma_b_rad=sig_b,
                     r_lo=nan_if(located, lo), r_hi=nan_if(located, hi), r_mid=nan_if(located, mid),
                     sigma_r=nan_if(located, sig_r), located=located)
