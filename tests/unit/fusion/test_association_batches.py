"""The association's batching helpers: grouping pair positions by batch, on both paths (runs
sliced when the pairs come almost grouped, a stable sort otherwise)."""

import numpy as np
import pytest

from truce.fusion.association import _gather, _groups


@pytest.mark.parametrize("grouped", [True, False])
def test_groups_are_the_positions_of_each_key_in_order(grouped):
    rng = np.random.default_rng(3)
    k = 7
    key = rng.integers(0, k, 5000).astype(np.int16)
    if grouped:  # a few runs per group, as the gating emits them
        key = np.repeat(rng.permutation(np.tile(np.arange(k), 3)), 40).astype(np.int16)
    parts = _groups(key, k)
    assert len(parts) == k
    payload = np.arange(len(key)) * 10
    for g in range(k):
        want = np.flatnonzero(key == g)
        got = _gather(payload, parts[g])
        assert np.array_equal(got, payload[want])
    # which path ran: slices for grouped keys, one index array for scattered ones
    kinds = {type(p) for ps in parts for p in ps}
    assert kinds == ({slice} if grouped else {np.ndarray})


def test_groups_of_nothing_and_missing_groups():
    assert _groups(np.zeros(0, np.int16), 3) == [[], [], []]
    parts = _groups(np.array([2, 2, 0], np.int16), 3)
    assert _gather(np.array([5, 6, 7]), parts[1]).size == 0
    assert _gather(np.array([5, 6, 7]), parts[2]).tolist() == [5, 6]
