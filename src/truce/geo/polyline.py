"""Points along a polyline given as segments, in a metric CRS (pure, vectorised)."""

from __future__ import annotations

import numpy as np


def points_along(seg_a: np.ndarray, seg_b: np.ndarray, start_m: np.ndarray,
                 s_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points at distances ``s_m`` along segments ``seg_a[k] -> seg_b[k]`` (``(n, 2)`` arrays)
    that start ``start_m[k]`` along the line (increasing), and the unit direction of the segment
    each point is on.  Distances outside the line land on its first or last segment's end;
    zero-length segments give a zero direction."""
    s = np.asarray(s_m, dtype=float)
    k = np.clip(np.searchsorted(start_m, s, side="right") - 1, 0, len(seg_a) - 1)
    ab = seg_b[k] - seg_a[k]
    length = np.hypot(ab[:, 0], ab[:, 1])
    safe = np.where(length > 0, length, 1.0)
    t = np.clip((s - start_m[k]) / safe, 0.0, 1.0)
    return seg_a[k] + ab * t[:, None], ab / safe[:, None]
