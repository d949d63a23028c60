"""Fusion throughput at 10k, 100k and 1M observations (one core), beside scikit-learn DBSCAN.

Observations come from the simulator (escalation days, ``reports=False``) through the public
record format; subsets are the first days, so density stays constant as n grows.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _observations(n: int):
    from truce.agreement.loader import load_agreement
    from truce.fusion.observations import ObservationArrays
    from truce.gazetteer.sources import starter_gazetteer
    from truce.geo.frame import AgreementFrame
    from truce.sim import Scenario, simulate
    from truce.sim.io import observation_records

    agr = load_agreement("ukraine-2024-12-07")
    frame = AgreementFrame.from_agreement(agr)
    days = max(1, int(np.ceil(n / 3900 / 4)) + 1)  # escalation at scale 4: ~15,600 a day
    sc = Scenario.uniform("ukraine-2024-12-07", date(2024, 12, 8), days, 7, "escalation", scale=4.0)
    res = simulate(sc, agr, starter_gazetteer(), np.random.default_rng(7), reports=False, frame=frame)
    obs, _ = ObservationArrays.from_records(observation_records(res))
    order = np.argsort(obs.t_start, kind="stable")
    return obs.take(order), frame


def main(n: int | None = None) -> None:
    from truce.fusion import fuse

    n = n or 1_000_000
    t = time.perf_counter()
    obs, frame = _observations(n)
    print(f"(simulated {len(obs):,} observations in {time.perf_counter() - t:.1f} s)", flush=True)
    sizes = [s for s in (10_000, 100_000, 1_000_000) if s <= min(n, len(obs))] or [min(n, len(obs))]
    times, cpu = {}, {}
    for s in sizes:
        sub = obs.take(np.arange(s))
        t, c = time.perf_counter(), time.process_time()
        res = fuse(sub, frame)
        times[s], cpu[s] = time.perf_counter() - t, time.process_time() - c
        # CPU time of this process beside the wall clock: on a shared machine only the first is
        # about fusion (one thread: numpy, scipy and the KD-trees run single-threaded here)
        print(f"fusion: {s:,} observations in {times[s]:.2f} s = {s / times[s]:,.0f} obs/s "
              f"(CPU {cpu[s]:.2f} s = {s / cpu[s]:,.0f} obs/s; {len(res.incidents):,} incidents)", flush=True)
    lo, hi = sizes[0], sizes[-1]
    if hi > lo:
        print(f"fusion: {lo:,}->{hi:,} time x{times[hi] / times[lo]:.0f} (CPU x{cpu[hi] / cpu[lo]:.0f}) "
              f"for x{hi // lo} data", flush=True)
    try:
        from truce.evaluate.baseline import _family, dbscan_labels
        from truce.fusion.localize import localize
        from truce.fusion.params import FusionParams
    except ImportError:
        return
    s = min(100_000, len(obs))
    sub = obs.take(np.arange(s))
    try:
        t = time.perf_counter()
        loc = localize(sub, frame.projection, FusionParams())
        dbscan_labels(loc.x, loc.y, 0.5 * (sub.t_start + sub.t_end), _family(sub.kind), 4000.0, 10.0)
        dt = time.perf_counter() - t
    except ImportError:
        print("baseline: scikit-learn not installed")
        return
    ours = s / times[s] if s in times else float("nan")
    print(f"baseline sklearn DBSCAN on {s:,}: {s / dt:,.0f} obs/s; truce/DBSCAN ratio {ours / (s / dt):.1f}x",
          flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
