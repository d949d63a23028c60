"""Points placed relative to the contact line: at a distance along it, on a given party's side,
at a given depth behind it (the geometry every simulated actor is positioned with)."""

from __future__ import annotations

import numpy as np

from truce.geo.frame import AgreementFrame

#: Distances (m) at which the side of the line a party holds is probed, in order.
_PROBES_M = (1000.0, 2500.0, 5000.0)


def party_side(frame: AgreementFrame, s_m: np.ndarray, party: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For points ``s_m`` along the line, the foot point, the unit left normal, and ``sign``:
    +1 where ``party``'s area lies to the left, -1 to the right, 0 where neither probe finds it."""
    fx, fy, nx, ny = frame.locate_along(s_m)
    sign = np.zeros(len(fx), dtype=np.int8)
    for probe in _PROBES_M:
        todo = np.flatnonzero(sign == 0)
        if not len(todo):
            break
        left = frame.party_index(fx[todo] + nx[todo] * probe, fy[todo] + ny[todo] * probe)
        right = frame.party_index(fx[todo] - nx[todo] * probe, fy[todo] - ny[todo] * probe)
        p = party[todo]
        sign[todo] = np.where(left == p, 1, np.where(right == p, -1, 0))
    return fx, fy, nx, ny, sign


def offset_points(frame: AgreementFrame, s_m: np.ndarray, party: np.ndarray, depth_m: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points ``depth_m`` behind the line (perpendicular at ``s_m``) on ``party``'s side.

    Returns ``(x, y, ok)``; ``ok`` is False where the side cannot be found or the point falls
    outside the party's area (a bend of the line, the sea, a border).
    """
    party = np.asarray(party, dtype=np.int8)
    fx, fy, nx, ny, sign = party_side(frame, s_m, party)
    x = fx + sign * nx * depth_m
    y = fy + sign * ny * depth_m
    ok = (sign != 0) & (frame.party_index(x, y) == party)
    return x, y, ok
