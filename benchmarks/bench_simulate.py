"""Benchmark: simulator throughput (observations per second, one core), beside a naive per-row
baseline run in the same process.

    python benchmarks/bench_simulate.py [N]          # N observations, default 1,000,000
    TRUCE_BENCH_SIM_OBS=200000 python benchmarks/bench_simulate.py

Prints three lines: generation of the truth and observation arrays (the model), the whole run with
narratives and JSONL/report writing, and the naive per-row loop on a sample (about 20,000
observations) with the ratio.  ``make bench`` calls :func:`main` through ``benchmarks/run.py``.
"""

from __future__ import annotations

import math
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

DEFAULT_OBS = 1_000_000
BASELINE_OBS = 20_000
PROBE_SCALE = 50.0  # a one-day run to calibrate observations per unit of scale


def _setup():
    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.geo.frame import AgreementFrame

    agreement = load_agreement("ukraine-2024-12-07")
    return agreement, AgreementFrame.from_agreement(agreement), starter_gazetteer()


def _scenario(scale: float, days: int = 1):
    from truce.sim.scenario import Scenario

    return Scenario.uniform("ukraine-2024-12-07", date(2024, 12, 8), days, seed=1, scale=scale)


def naive_observe(result, max_obs: int) -> tuple[int, float]:
    """The detection and description model written as a plain loop over (episode end, observer)
    pairs: what a first implementation would do.  Returns (observations, seconds)."""
    from truce.sim.monitors import ACOUSTIC, CAMERA, PATROL, UAV
    from truce.sim.scenario import Curve

    sp = result.scenario.sensors
    t, net = result.truth, result.network
    st = net.stints

    def curve(c: Curve, d: float) -> float:
        return c.p_max / (1.0 + math.exp((d - c.d50_km) / c.width_km))

    rnd = random.Random(1)
    out: list[dict] = []
    start = time.perf_counter()
    for e in range(len(t)):
        kind = t.kind[e]
        if kind == "weapon":
            continue
        ends = [(t.impact_x[e], t.impact_y[e], 0)] if kind in ("explosion", "flare") else []
        if kind != "flare":
            ends.append((t.origin_x[e], t.origin_y[e], 1))
        for ex, ey, etype in ends:
            for s in range(len(st)):
                if st.day[s] != t.day[e] or st.pos[s] < 0:
                    continue
                sk = net.sources.kind[st.source[s]]
                if sk == UAV:
                    continue
                dx = ex - net.positions.x[st.pos[s]]
                dy = ey - net.positions.y[st.pos[s]]
                d = math.hypot(dx, dy) / 1000.0
                if d > 16.0:
                    continue
                t0 = max(t.start_s[e], st.t0[s])
                t1 = t.end_s[e] if sk != PATROL else min(t.end_s[e], st.t1[s])
                if t1 < t0:
                    continue
                hour = ((t0 + t1) / 2 % 86400) / 3600
                night = hour >= 16.5 or hour < 7.5
                if kind == "explosion":
                    if sk == ACOUSTIC:
                        p_heard = curve(sp.acoustic, d)
                    elif sk == CAMERA:
                        p_heard = 0.0
                    else:
                        p_heard = curve(sp.heard["explosion" if etype == 0 else "outgoing"], d)
                    p_seen = curve(sp.seen["explosion_night" if night else "explosion_day"], d)
                elif kind == "flare":
                    p_heard, p_seen = 0.0, curve(sp.seen["flare"], d) if night else 0.0
                else:
                    p_heard = curve(sp.heard[str(t.weapon_class[e])], d)
                    p_seen = 0.5 * curve(sp.seen["projectile"], d) if night else 0.0
                heard = rnd.random() < p_heard
                seen = rnd.random() < p_seen
                if not (heard or seen):
                    continue
                bearing = math.degrees(math.atan2(dx, dy)) + rnd.gauss(0.0, sp.bearing_sigma_deg)
                compass = round((bearing % 360) / 22.5) % 16
                est = d * math.exp(rnd.gauss(0.0, sp.distance_sigma))
                u = rnd.random()
                if u < sp.unknown_distance_share:
                    dist = None
                elif u < sp.unknown_distance_share + sp.about_distance_share:
                    dist = max(round(est * 2) / 2, 0.5)
                else:
                    dist = [max(math.floor(est * 0.8), 1.0), max(math.ceil(est * 1.2), 2.0)]
                p_count = sp.count_p_far + (sp.count_p_near - sp.count_p_far) * max(0.0, 1 - d / 12)
                count = max(1, sum(rnd.random() < p_count for _ in range(int(t.count[e]))))
                s0 = round((t0 + rnd.gauss(0.0, 60.0)) / 60) * 60
                s1 = max(s0, round((t1 + rnd.gauss(0.0, 60.0)) / 60) * 60)
                out.append({"source": int(st.source[s]), "kind": kind, "count": count,
                            "direction": compass, "distance_km": dist, "time": (s0, s1),
                            "heard_only": heard and not seen, "episode": e})
                if len(out) >= max_obs:
                    return len(out), time.perf_counter() - start
    return len(out), time.perf_counter() - start


def main(n: int | list[str] | None = None) -> int:
    """Run the benchmark for about ``n`` observations (an int, or command-line arguments)."""
    from truce.sim.io import write_outputs
    from truce.sim.run import simulate

    if n is None:
        n = sys.argv[1:]
    if isinstance(n, int):
        target = n
    else:
        target = int(n[0]) if n else int(os.environ.get("TRUCE_BENCH_SIM_OBS", DEFAULT_OBS))
    agreement, frame, gazetteer = _setup()

    # calibrate the scale that gives about `target` observations in one day
    probe = simulate(_scenario(PROBE_SCALE), agreement, gazetteer, np.random.default_rng(1),
                     reports=False, frame=frame)
    per_scale = max(len(probe.observations), 1) / PROBE_SCALE
    scale = max(0.05, target / per_scale)
    sc = _scenario(scale)

    t0 = time.perf_counter()
    gen = simulate(sc, agreement, gazetteer, np.random.default_rng(1), reports=False, frame=frame)
    t_gen = time.perf_counter() - t0
    n_obs = len(gen.observations)
    del gen

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        full = simulate(sc, agreement, gazetteer, np.random.default_rng(1), reports=True, frame=frame)
        write_outputs(full, Path(tmp))
        t_full = time.perf_counter() - t0
        n_reports = len(full.narrative.files) if full.narrative else 0
        del full

    sample = simulate(_scenario(max(1.0, 1.3 * BASELINE_OBS / per_scale)),
                      agreement, gazetteer, np.random.default_rng(2), reports=False, frame=frame)
    n_base, t_base = naive_observe(sample, BASELINE_OBS)
    t0 = time.perf_counter()
    vec = simulate(sample.scenario, agreement, gazetteer, np.random.default_rng(2), reports=False,
                   frame=frame)
    t_vec_sample = time.perf_counter() - t0

    rate = n_obs / t_gen
    base_rate = n_base / t_base
    print(f"simulate: {n_obs:,} observations in {t_gen:.1f} s = {rate:,.0f} obs/s "
          f"(baseline naive per-row loop on a {n_base // 1000}k sample: {base_rate:,.0f} obs/s; "
          f"ratio {rate / base_rate:.1f}x)")
    print(f"simulate + narratives + JSONL/report writing: {n_obs:,} observations, "
          f"{n_reports:,} reports in {t_full:.1f} s = {n_obs / t_full:,.0f} obs/s")
    print(f"simulate on the baseline's sample scenario: {len(vec.observations):,} observations in "
          f"{t_vec_sample:.2f} s = {len(vec.observations) / t_vec_sample:,.0f} obs/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
