"""points_along: positions and directions on a polyline of segments, clamped at its ends."""

import numpy as np

from truce.geo.polyline import points_along


def test_points_and_directions_along_an_l_shaped_line():
    # (0,0) -> (10,0) -> (10,5), a zero-length segment in between
    a = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 0.0]])
    b = np.array([[10.0, 0.0], [10.0, 0.0], [10.0, 5.0]])
    start = np.array([0.0, 10.0, 10.0])
    p, u = points_along(a, b, start, np.array([-3.0, 0.0, 4.0, 10.0, 12.5, 15.0, 99.0]))
    np.testing.assert_allclose(p, [[0, 0], [0, 0], [4, 0], [10, 0], [10, 2.5], [10, 5], [10, 5]])
    assert u[:3].tolist() == [[1, 0]] * 3  # before the start: the first segment
    assert u[4:].tolist() == [[0, 1]] * 3  # past the end: the last segment's end
    assert np.all(np.isfinite(u))
