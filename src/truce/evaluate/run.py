"""Measure fusion on simulated days against ground truth, beside the naive tally and a DBSCAN
baseline tuned on a different seed.

    python -m truce.evaluate.run --agreement ukraine-2024-12-07 --intensity typical --seed 11
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import date

import numpy as np

from truce.evaluate.match import TruthArrays
from truce.evaluate.metrics import Quality, evaluate
from truce.fusion.observations import SAME_OBSERVATION, ObservationArrays
from truce.fusion.params import FusionParams
from truce.fusion.pipeline import FusionResult, fuse
from truce.geo.frame import AgreementFrame


@dataclass(frozen=True, eq=False)
class SimCase:
    obs: ObservationArrays
    truth: TruthArrays
    observed: set[str]
    frame: AgreementFrame
    region_of: object = None  # (x, y) -> region names, the truth's rule (nearest settlement)
    links: dict | None = None  # observation key -> (episode id or None, end); evaluation only


def sim_case(agreement: str, intensity: str, seed: int, days: int = 1, scale: float = 1.0,
             start: date = date(2024, 12, 8), frame: AgreementFrame | None = None) -> SimCase:
    """Simulate, and go through the records (the public formats) as real data would."""
    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim import Scenario, simulate
    from truce.sim.io import link_records, observation_records, truth_records

    agr = load_agreement(agreement)
    frame = frame or AgreementFrame.from_agreement(agr)
    sc = Scenario.uniform(agreement, start, days, seed, intensity, scale=scale)
    res = simulate(sc, agr, starter_gazetteer(), np.random.default_rng(seed), reports=False, frame=frame)
    obs, rejected = ObservationArrays.from_records(observation_records(res), agr.zone)
    # the simulator's records are valid; one post may tell one episode twice alike (its two ends,
    # both heard as "two impacts east"), which fusion takes once ("same observation as ...")
    bad = [r for r in rejected if r.field != SAME_OBSERVATION]
    assert not bad, bad[:3]
    truth = TruthArrays.from_records(truth_records(res), frame.projection, agr.zone)
    lrec = list(link_records(res))
    observed = {r["episode_id"] for r in lrec if r["episode_id"]}
    links = {f"{r['source_id']}/{r['observation_id']}": (r["episode_id"], r["end"]) for r in lrec}
    places = res.places

    def region_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(places.regions, dtype=object)[places.region[places.nearest(x, y)]]

    return SimCase(obs, truth, observed, frame, region_of, links)


def run_fusion(case: SimCase, params: FusionParams | None = None) -> tuple[FusionResult, Quality, float]:
    t = time.perf_counter()
    res = fuse(case.obs, case.frame, params)
    dt = time.perf_counter() - t
    return res, evaluate(res.incidents, res.observations, case.truth, case.observed, case.region_of,
                         projection=case.frame.projection), dt


def main(argv: list[str] | None = None) -> None:
    from truce.evaluate.baseline import run_dbscan, tune_dbscan
    from truce.evaluate.report import format_quality

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agreement", default="ukraine-2024-12-07")
    ap.add_argument("--intensity", default="typical")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--train-seed", type=int, default=101, help="seed the DBSCAN grid search runs on")
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args(argv)
    case = sim_case(a.agreement, a.intensity, a.seed, a.days, a.scale)
    res, q, dt = run_fusion(case)
    print(f"== {a.agreement}, {a.intensity}, seed {a.seed}, {a.days} day(s): {len(case.obs):,} observations, "
          f"{q.n_truth:,} episodes ({q.n_observed:,} observed); fusion {dt:.2f} s")
    print(format_quality("truce", q))
    qp = evaluate(res.incidents, res.observations, case.truth, case.observed, case.region_of)
    print(f"(two-ended incidents matched at their primary location only: precision {qp.precision:.3f}, "
          f"recall {qp.recall_observed:.3f}, F1 {qp.f1:.3f})")
    train = sim_case(a.agreement, a.intensity, a.train_seed, a.days, a.scale, frame=case.frame)
    best = tune_dbscan(train)
    bq = run_dbscan(case, *best)
    print(format_quality(f"baseline DBSCAN (eps {best[0]:,.0f} m, time scale {best[1]} m/s, "
                         f"min_samples 1; tuned on seed {a.train_seed})", bq))


if __name__ == "__main__":
    main()
