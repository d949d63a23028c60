"""Side assessment: the probability that fire (or a weapon) originated in each party's area.

The judged point's location is a Gaussian whose 90% region has radius ``uncertainty_m``
(``sigma = uncertainty_m / 2.146``, the major axis, as fusion's ``radius90``).  Near the contact
line, which is locally straight at the scale of the uncertainty, the share of that distribution on
``parties[0]``'s side is ``Phi(d / (T sigma))`` with ``d`` the signed distance to the line: an
analytic, vectorised share (``T``, a temperature, widens or narrows the stated uncertainty).

What the located point *is* differs by incident (DESIGN: outgoing-fire observations locate the
origin; impacts locate the target), so the share is mapped to the origin's side per **end class**::

    P(origin on parties[0]'s side) = w * share + (1 - w) * (1 - share)

``w`` is the probability that the fire came from the side the judged point is on: near 1 where
the point is the origin (``origin``, ``linked`` — an incident with both ends, judged at its
origin — and ``weapon`` sightings), near 0 for impacts (an impact on party X's side was most
likely fired by the other party; shorts make it not 0), in between for ``undetermined`` ends.
``w`` and ``T`` per class are fitted on simulated seeds by maximum likelihood
(:func:`fit_side_model`, ``python -m truce.evaluate.calibration --fit``) and checked on other
seeds (the reliability table in docs/adjudication.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

#: radius of the 90% circle of a circular Gaussian, in sigmas: sqrt(chi2_2(0.9))
R90_SIGMAS = 2.1459660262893472
#: smallest sigma used (m): a location is never known better than this
MIN_SIGMA_M = 25.0
#: end classes (how the judged point relates to the origin of the fire)
END_CLASSES: tuple[str, ...] = (
    "small_arms", "projectile", "flare", "linked", "outgoing", "impact", "undetermined_outgoing",
    "undetermined_impact", "undetermined", "weapon")
#: below this maximum probability the side is "undetermined" (see docs/adjudication.md)
UNDETERMINED_BELOW = 0.6


@dataclass(frozen=True, slots=True)
class ClassParams:
    """``w``: P(the fire came from the judged point's side); ``temperature`` scales sigma."""

    w: float
    temperature: float = 1.0


def _defaults() -> dict[str, ClassParams]:
    # fitted with `python -m truce.evaluate.calibration --fit` (training seeds 101-106, typical
    # and escalation days on ukraine-2024-12-07); see docs/adjudication.md
    return {
        "small_arms": ClassParams(0.935, 0.85),
        "projectile": ClassParams(0.9, 0.85),
        "flare": ClassParams(0.0, 1.5),
        "linked": ClassParams(0.88, 3.0),
        "outgoing": ClassParams(0.72, 1.5),
        "impact": ClassParams(0.18, 0.85),
        "undetermined_outgoing": ClassParams(0.58, 2.0),
        "undetermined_impact": ClassParams(0.18, 3.0),
        "undetermined": ClassParams(0.4, 0.35),
        "weapon": ClassParams(0.99, 1.0),  # too few matched sightings to fit (< 30): a prior
    }


@dataclass(frozen=True, slots=True)
class SideModel:
    """The calibrated mapping from location uncertainty to side probabilities."""

    classes: Mapping[str, ClassParams] = field(default_factory=_defaults)
    undetermined_below: float = UNDETERMINED_BELOW

    def to_dict(self) -> dict[str, object]:
        return {"classes": {k: {"w": v.w, "temperature": v.temperature}
                            for k, v in sorted(self.classes.items())},
                "undetermined_below": self.undetermined_below}


def side_share(distance_m: np.ndarray, uncertainty_m: np.ndarray,
               temperature: np.ndarray | float = 1.0) -> np.ndarray:
    """Share of each location's Gaussian on the positive (``parties[0]``) side of the line.

    Examples
    --------
    >>> side_share(np.array([0.0, 1000.0, -1000.0]), np.array([2146.0, 2146.0, 2146.0])).round(3)
    array([0.5  , 0.841, 0.159])
    """
    sigma = np.maximum(np.asarray(uncertainty_m, float) / R90_SIGMAS, MIN_SIGMA_M)
    sigma = np.where(np.isfinite(sigma), sigma, MIN_SIGMA_M)
    return ndtr(np.asarray(distance_m, float) / (sigma * np.asarray(temperature, float)))


def origin_probability(end_class: np.ndarray, distance_m: np.ndarray, uncertainty_m: np.ndarray,
                       model: SideModel | None = None) -> np.ndarray:
    """P(the fire originated on ``parties[0]``'s side) per incident; NaN for an unknown class."""
    model = model or SideModel()
    end_class = np.asarray(end_class, dtype=object)
    w = np.full(len(end_class), np.nan)
    t = np.ones(len(end_class))
    for name, p in model.classes.items():
        m = end_class == name
        w[m] = p.w
        t[m] = p.temperature
    share = side_share(distance_m, uncertainty_m, t)
    return w * share + (1.0 - w) * (1.0 - share)


def fit_side_model(end_class: np.ndarray, distance_m: np.ndarray, uncertainty_m: np.ndarray,
                   first_party: np.ndarray, base: SideModel | None = None,
                   min_n: int = 30) -> SideModel:
    """Fit ``w`` and ``T`` per end class by maximum likelihood on a grid.

    ``first_party``: True where the truth's firing party is ``parties[0]``.  A class with fewer
    than ``min_n`` cases keeps ``base``'s parameters.
    """
    base = base or SideModel()
    end_class = np.asarray(end_class, dtype=object)
    y = np.asarray(first_party, bool)
    ws = np.r_[np.linspace(0.0, 0.1, 21), np.linspace(0.12, 0.88, 39), np.linspace(0.9, 1.0, 21)]
    ts = np.array([0.35, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0])
    out = dict(base.classes)
    for name in END_CLASSES:
        m = end_class == name
        if m.sum() < min_n:
            continue
        d, u, yy = np.asarray(distance_m, float)[m], np.asarray(uncertainty_m, float)[m], y[m]
        best = (-np.inf, out.get(name, ClassParams(0.5)))
        for t in ts:
            share = side_share(d, u, t)[:, None]
            p = ws[None, :] * share + (1 - ws[None, :]) * (1 - share)
            p = np.clip(p, 1e-4, 1 - 1e-4)  # a floor: one surprise must not forbid a whole w
            ll = np.where(yy[:, None], np.log(p), np.log1p(-p)).sum(axis=0)
            k = int(np.argmax(ll))
            if ll[k] > best[0] + 1e-9:
                best = (float(ll[k]), ClassParams(round(float(ws[k]), 3), float(t)))
        out[name] = best[1]
    return SideModel(classes=out, undetermined_below=base.undetermined_below)


@dataclass(frozen=True)
class Reliability:
    """Reliability table rows: bins of the max probability."""

    lo: np.ndarray
    hi: np.ndarray
    n: np.ndarray
    mean_predicted: np.ndarray
    observed: np.ndarray  # share of cases where the predicted side was the true one

    def rows(self) -> list[tuple[float, float, int, float, float]]:
        return [(float(a), float(b), int(c), float(d), float(e)) for a, b, c, d, e in
                zip(self.lo, self.hi, self.n, self.mean_predicted, self.observed, strict=True)]


def reliability(p_first: np.ndarray, first_party: np.ndarray,
                edges: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)) -> Reliability:
    """Bin the maximum probability ``max(p, 1 - p)`` and compare with how often the side it
    names is the true one."""
    p = np.asarray(p_first, float)
    y = np.asarray(first_party, bool)
    conf = np.maximum(p, 1 - p)
    right = np.where(p >= 0.5, y, ~y)
    e = np.asarray(edges)
    b = np.clip(np.searchsorted(e, conf, side="right") - 1, 0, len(e) - 2)
    n = np.bincount(b, minlength=len(e) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mp = np.bincount(b, conf, len(e) - 1) / n
        ob = np.bincount(b, right.astype(float), len(e) - 1) / n
    return Reliability(e[:-1], np.minimum(e[1:], 1.0), n, mp, ob)
