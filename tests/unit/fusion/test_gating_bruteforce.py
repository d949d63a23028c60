"""The same-end gating against brute force: every pair of observations tested directly, on
awkward inputs (times out of order, coincident points, distances exactly at the radius, windows
spanning several time blocks)."""

import numpy as np
import pytest

from truce.fusion.gating import KIND_COMPATIBLE, _block_pairs
from truce.fusion.params import FusionParams


def _brute(x, y, t0, t1, kind, params, cov, source):
    n = len(x)
    i, j = np.triu_indices(n, 1)
    dx, dy = x[i] - x[j], y[i] - y[j]
    ok = np.hypot(dx, dy) <= params.gate_radius_m
    ok &= KIND_COMPATIBLE[kind[i], kind[j]]
    ok &= np.maximum(t0[i], t0[j]) <= np.minimum(t1[i], t1[j]) + params.gate_time_tol_s
    cxx, cxy, cyy = cov
    sxx, sxy, syy = cxx[i] + cxx[j], cxy[i] + cxy[j], cyy[i] + cyy[j]
    d2 = (syy * dx * dx - 2 * sxy * dx * dy + sxx * dy * dy) / np.maximum(sxx * syy - sxy * sxy, 1e-9)
    same = source[i] == source[j]
    ok &= (d2 <= params.same_end_gate) | same
    return {(a, b): (d, s) for a, b, d, s in zip(i[ok].tolist(), j[ok].tolist(), d2[ok].tolist(),
                                                  same[ok].tolist())}


@pytest.mark.parametrize("seed,block_s", [(0, 900.0), (1, 60.0), (2, 3600.0), (3, 900.0)])
def test_block_pairs_equal_brute_force(seed, block_s):
    rng = np.random.default_rng(seed)
    n = 300
    params = FusionParams(gate_block_s=block_s)
    # points on a 1 km grid (some pairs exactly at the radius), some coincident
    x = rng.integers(0, 40, n) * 1000.0
    y = rng.integers(0, 40, n) * 1000.0
    x[:20], y[:20] = x[20:40], y[20:40]
    t0 = rng.uniform(0, 6 * 3600, n)  # not in time order
    t1 = t0 + rng.choice([0.0, 60.0, 600.0, 5400.0], n)  # some windows span several blocks
    kind = rng.integers(0, KIND_COMPATIBLE.shape[0], n).astype(np.int8)
    s = rng.uniform(300, 4000, n)
    cov = (s * s, rng.uniform(-0.3, 0.3, n) * s * s, (0.5 * s) ** 2)
    source = rng.integers(0, 25, n)
    i, j, d2, same = _block_pairs(x, y, t0, t1, kind, params, None, source, cov)
    got = {}
    for a, b, d, sm in zip(i.tolist(), j.tolist(), d2.tolist(), same.tolist()):
        key = (min(a, b), max(a, b))
        assert key not in got, f"pair {key} emitted twice"
        got[key] = (d, sm)
    want = _brute(x, y, t0, t1, kind, params, cov, source)
    assert len(want) > 100  # the case is not trivial
    assert set(got) == set(want)
    for k, (d, sm) in want.items():
        assert got[k][1] == sm
        assert got[k][0] == pytest.approx(d, rel=1e-12, abs=1e-12)
