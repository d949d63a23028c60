"""Fit the final placement of single-bearing end clusters (``truce.fusion.placement``) on
simulated training days: the distance prior and the stated-distance error per group by maximum
likelihood of the true distance along the bearing, then the spread of the covariance so that 90%
of those clusters' true locations lie within their ``uncertainty_m``.

    python -m truce.evaluate.placement_fit --seeds 101-105      # the training seeds only

Evaluation only: the truth links say which episode end each cluster is (its majority); fusion
itself never sees them.  Prints the values for ``FusionParams.placement_prior`` and
``placement_spread`` and, per group, the share of clusters within 2 km of their true end before
and after placement, and the coverage of ``uncertainty_m``.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass

import numpy as np

from truce.evaluate.run import SimCase, sim_case
from truce.evaluate.seeds import _seeds
from truce.fusion.params import FusionParams
from truce.fusion.placement import (
    GRID_M,
    GROUPS,
    _moved,
    log_posterior,
    posterior_median,
    single_bearing_features,
)
from truce.fusion.triangulate import radius90


@dataclass(frozen=True, eq=False)
class Samples:
    """Single-bearing end clusters with a true end: features, the true point and the fused one."""

    group: np.ndarray
    n_known: np.ndarray
    stated: np.ndarray
    ox: np.ndarray
    oy: np.ndarray
    r0: np.ndarray
    mx: np.ndarray  # fused (before placement)
    my: np.ndarray
    cxx: np.ndarray
    cxy: np.ndarray
    cyy: np.ndarray
    tx: np.ndarray  # the true end
    ty: np.ndarray

    @property
    def along(self) -> np.ndarray:
        """The true end's distance along the bearing (m)."""
        return ((self.tx - self.ox) * (self.mx - self.ox) + (self.ty - self.oy) * (self.my - self.oy)) / self.r0

    @classmethod
    def concat(cls, parts: list[Samples]) -> Samples:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(cls)})


def samples(case: SimCase, params: FusionParams) -> Samples:
    """The single-bearing end clusters of fusion's result on one simulated day, with their truth."""
    from truce.fusion.localize import localize
    from truce.fusion.pipeline import _mode, fuse, source_codes
    from truce.fusion.triangulate import triangulate

    res = fuse(case.obs, case.frame, params)
    obs = res.observations
    loc = localize(obs, case.frame.projection, params)
    cl = res.cluster_of
    k = int(cl.max(initial=-1)) + 1
    mx, my, cxx, cxy, cyy = triangulate(cl, k, loc, params)  # as fusion had them before placement
    w, group, n_known, stated, ox, oy, r0 = single_bearing_features(cl, obs, loc, source_codes(obs), mx, my)
    ids = {e: i for i, e in enumerate(case.truth.id.tolist())}
    links = [case.links[key] for key in obs.key.tolist()]
    row = np.array([ids[e] if e is not None else -1 for e, _ in links], np.int64)
    end = np.array([2 if en == "origin" else 1 for _, en in links], np.int64)
    real = row >= 0
    mode = _mode(cl[real], (row * 3 + end)[real], k)[w]  # the members' commonest episode end
    has = mode >= 0
    r, e = np.divmod(np.maximum(mode, 0), 3)
    t = case.truth
    tx = np.where(e == 2, t.ox[r], t.ix[r])
    ty = np.where(e == 2, t.oy[r], t.iy[r])
    sel = np.flatnonzero(has & np.isfinite(tx))
    wk = w[sel]
    return Samples(group=group[sel], n_known=n_known[sel], stated=stated[sel], ox=ox[sel], oy=oy[sel],
                   r0=r0[sel], mx=mx[wk], my=my[wk], cxx=cxx[wk], cxy=cxy[wk], cyy=cyy[wk], tx=tx[sel],
                   ty=ty[sel])


def fit_prior(s: Samples, start: tuple[float, float, float, float, float]
              ) -> tuple[float, float, float, float, float]:
    """Maximum likelihood ``(a, d50_km, width_km, sigma, bias)`` of one group's true distances
    along the bearing (the posterior normalised over the grid)."""
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    along = s.along
    ok = (along > GRID_M[0]) & (along < GRID_M[-1])
    j = np.round((along[ok] - GRID_M[0]) / (GRID_M[1] - GRID_M[0])).astype(np.int64)
    n, st = s.n_known[ok][:, None], s.stated[ok][:, None]
    rows = np.arange(len(j))

    def nll(theta: np.ndarray) -> float:
        lp = log_posterior(GRID_M[None, :], tuple(theta), st, n)
        return float(-(lp[rows, j] - logsumexp(lp, axis=1)).sum())

    r = minimize(nll, np.asarray(start, float), method="L-BFGS-B",
                 bounds=[(0.0, 4.0), (0.5, 30.0), (0.2, 8.0), (0.1, 1.0), (-0.5, 0.5)])
    return tuple(float(v) for v in r.x)  # type: ignore[return-value]


def placed(s: Samples, params: FusionParams, spread: float | None = None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Error (m) of the fused point, error of the placed point, and the placed ``uncertainty_m``."""
    d, sd = posterior_median(s.group, s.n_known, s.stated, params)
    w = np.arange(len(s.group))
    px, py, cxx, cxy, cyy = _moved(w, d, sd, s.ox, s.oy, s.r0, s.mx, s.my, s.cxx, s.cxy, s.cyy,
                                   params.placement_spread if spread is None else spread)
    return np.hypot(s.mx - s.tx, s.my - s.ty), np.hypot(px - s.tx, py - s.ty), radius90(cxx, cxy, cyy)


def fit_spread(s: Samples, params: FusionParams, coverage: float = 0.9) -> float:
    """The spread that puts ``coverage`` of the true ends within ``uncertainty_m`` (bisection)."""
    lo, hi = 0.05, 10.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        _, err, u90 = placed(s, params, mid)
        lo, hi = (mid, hi) if np.mean(err <= u90) < coverage else (lo, mid)
    return 0.5 * (lo + hi)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agreement", default="ukraine-2024-12-07")
    ap.add_argument("--intensity", default="typical,escalation")
    ap.add_argument("--seeds", default="101-105")
    a = ap.parse_args(argv)
    base = FusionParams()
    s = Samples.concat([samples(sim_case(a.agreement, inten, seed), base)
                        for inten in a.intensity.split(",") for seed in _seeds(a.seeds)])
    prior = dict(base.placement_prior)
    for g, name in enumerate(GROUPS):
        sel = s.group == g
        if sel.sum() >= 20:
            sub = Samples(**{f.name: getattr(s, f.name)[sel] for f in dataclasses.fields(s)})
            prior[name] = tuple(round(v, 3) for v in fit_prior(sub, base.placement_prior[name]))  # type: ignore[assignment]
    fitted = dataclasses.replace(base, placement_prior=prior)
    spread = round(fit_spread(s, fitted), 3)
    fitted = dataclasses.replace(fitted, placement_spread=spread)
    print(f"single-bearing end clusters with a true end: {len(s.group):,} ({a.intensity}, seeds {a.seeds})")
    print("placement_prior = {")
    for name in GROUPS:
        print(f'    "{name}": {prior[name]},')
    print(f"}}\nplacement_spread = {spread}")
    e0, e1, u90 = placed(s, fitted)
    u0 = radius90(s.cxx, s.cxy, s.cyy)
    for g, name in enumerate(GROUPS):
        for label, m in (("stated distance", s.n_known > 0), ("no distance", s.n_known == 0)):
            sel = (s.group == g) & m
            if sel.any():
                print(f"  {name:<19} {label:<15} n {int(sel.sum()):>5}: within 2 km {np.mean(e0[sel] < 2000):.3f} -> "
                      f"{np.mean(e1[sel] < 2000):.3f}; within uncertainty_m {np.mean(e0[sel] <= u0[sel]):.3f} -> "
                      f"{np.mean(e1[sel] <= u90[sel]):.3f}")
    print(f"  all: within 2 km {np.mean(e0 < 2000):.3f} -> {np.mean(e1 < 2000):.3f}; within uncertainty_m "
          f"{np.mean(e0 <= u0):.3f} -> {np.mean(e1 <= u90):.3f}; median error {np.median(e0):,.0f} -> "
          f"{np.median(e1):,.0f} m; median uncertainty_m {np.median(u0):,.0f} -> {np.median(u90):,.0f} m")


if __name__ == "__main__":
    main()
