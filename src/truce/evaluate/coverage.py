"""The floor of the daily count error per region: how close a count that weights the observed
episodes can come to the true count, given the monitoring network's coverage.

    python -m truce.evaluate.coverage --seeds 11-15 --replications 100
    python -m truce.evaluate.coverage --seeds 11-15 --post-spacing-km 6   # a denser network

Fire nobody observed cannot be counted; the best an estimator that knows its network can do is
to weight each observed episode by the inverse of its probability of being observed
(Horvitz-Thompson).  This module gives that estimator every advantage fusion does not have: the
*true* rounds of every observed episode (perfect association and counting) and the *true*
probability that the network observes each episode, estimated by re-running the simulator's
detection (:func:`truce.sim.sensors.observe_fire`) ``R`` times on the same truth and network
with independent random draws.  The median region-day error it still has is a floor for such
estimators: noise from which episodes happened to fall where the network is thin, which no fusion
can remove (an estimator with a spatial model of where fire happens is another matter).

Printed per intensity (median over the run's region-days - one day per seed here - then mean
over seeds, as :mod:`truce.evaluate.seeds` does):

- ``observed only``: the true rounds of the observed episodes against all true rounds (a
  perfect fusion that publishes what was observed);
- ``global``: the same, divided by the run's expected observed share (one correction factor for
  the whole line and every day of the run, itself known exactly here);
- ``Horvitz-Thompson``: each observed episode's rounds over its own observation probability
  (floored at ``--p-floor``).

Evaluation only (it reads the simulator's truth); nothing here is used by fusion.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from datetime import date

import numpy as np


@dataclass(frozen=True)
class Floor:
    observed_only: float  # median |To - T| / T over the run's region-days
    global_corrected: float
    horvitz_thompson: float
    unobserved_share: float  # share of the run's true rounds in episodes nobody observed
    thin_share: float  # share of the run's true rounds in episodes with p < 0.2 (observed or not)
    region_days: int


def detection_probability(result, replications: int, seed: int = 1000) -> np.ndarray:
    """Per truth row: the share of ``replications`` independent detection draws in which at least
    one observer perceived the episode (same truth, same network)."""
    from truce.sim.sensors import observe_fire

    hits = np.zeros(len(result.truth.count))
    for r in range(replications):
        o = observe_fire(result.scenario, result.frame, result.places, result.truth, result.network,
                         np.random.default_rng(seed + r))
        hits[np.unique(o.episode[o.episode >= 0])] += 1
    return hits / max(replications, 1)


def region_day_floor(truth, observed: np.ndarray, p: np.ndarray, p_floor: float = 0.05) -> Floor:
    """The three estimators' median region-day errors for one simulated run (see module doc).

    ``truth``: the simulator's TruthTable; ``observed``: per truth row, whether any observation
    perceived it; ``p``: per truth row, its observation probability.  A run without fire gives
    NaN errors and ``region_days`` 0."""
    fire = np.flatnonzero(truth.is_fire)
    if not len(fire) or truth.count[fire].sum() <= 0:
        nan = float("nan")
        return Floor(nan, nan, nan, nan, nan, 0)
    c = truth.count[fire].astype(float)
    obs = observed[fire]
    pf = p[fire]
    key = truth.day[fire].astype(np.int64) * 10_000 + truth.region[fire].astype(np.int64)
    groups, g = np.unique(key, return_inverse=True)
    n = len(groups)
    t_all = np.bincount(g, weights=c, minlength=n)
    t_obs = np.bincount(g, weights=c * obs, minlength=n)
    ht = np.bincount(g, weights=np.where(obs, c / np.maximum(pf, p_floor), 0.0), minlength=n)
    expected_share = (c * pf).sum() / c.sum()
    ok = t_all > 0

    def med(est: np.ndarray) -> float:
        return float(np.median(np.abs(est[ok] - t_all[ok]) / t_all[ok]))

    return Floor(observed_only=med(t_obs), global_corrected=med(t_obs / expected_share),
                 horvitz_thompson=med(ht), unobserved_share=float(1 - t_obs.sum() / t_all.sum()),
                 thin_share=float(c[pf < 0.2].sum() / c.sum()), region_days=int(ok.sum()))


def floor_for(agreement: str, intensity: str, seed: int, replications: int,
              post_spacing_km: float | None = None, p_floor: float = 0.05) -> Floor:
    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim import Scenario, simulate

    agr = load_agreement(agreement)
    sc = Scenario.uniform(agreement, date(2024, 12, 8), 1, seed, intensity)
    if post_spacing_km is not None:
        sc = replace(sc, network=replace(sc.network, post_spacing_km=post_spacing_km))
    res = simulate(sc, agr, starter_gazetteer(), np.random.default_rng(seed), reports=False)
    observed = np.zeros(len(res.truth.count), bool)
    ep = res.observations.episode
    observed[np.unique(ep[ep >= 0])] = True
    p = detection_probability(res, replications)
    return region_day_floor(res.truth, observed, p, p_floor)


def main(argv: list[str] | None = None) -> None:
    from truce.evaluate.seeds import _seeds

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agreement", default="ukraine-2024-12-07")
    ap.add_argument("--intensity", default="typical,escalation")
    ap.add_argument("--seeds", default="11-15")
    ap.add_argument("--replications", type=int, default=100,
                    help="independent detection draws per episode (the probability's resolution)")
    ap.add_argument("--post-spacing-km", type=float, default=None,
                    help="observation posts every this many km per side (simulator default 12)")
    ap.add_argument("--p-floor", type=float, default=0.05,
                    help="smallest observation probability a Horvitz-Thompson weight divides by")
    a = ap.parse_args(argv)
    for intensity in a.intensity.split(","):
        rows = [floor_for(a.agreement, intensity, s, a.replications, a.post_spacing_km, a.p_floor)
                for s in _seeds(a.seeds)]
        for s, r in zip(_seeds(a.seeds), rows):
            print(f"{intensity} seed {s}: {r.region_days} region-days, unobserved rounds "
                  f"{r.unobserved_share:.1%} (in episodes with p < 0.2: {r.thin_share:.1%}); median "
                  f"region-day error: observed only {r.observed_only:.1%}, global {r.global_corrected:.1%}, "
                  f"Horvitz-Thompson {r.horvitz_thompson:.1%}", flush=True)

        def ms(vals: list[float]) -> str:
            v = np.asarray(vals)
            return f"{v.mean():.1%} ± {v.std():.1%}"

        print(f"== {intensity}, seeds {a.seeds}"
              + (f", posts every {a.post_spacing_km:g} km" if a.post_spacing_km else "")
              + f": observed only {ms([r.observed_only for r in rows])}, global "
              f"{ms([r.global_corrected for r in rows])}, Horvitz-Thompson "
              f"{ms([r.horvitz_thompson for r in rows])}; unobserved rounds "
              f"{ms([r.unobserved_share for r in rows])}", flush=True)


if __name__ == "__main__":
    main()
