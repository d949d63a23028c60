"""Classify points against an agreement: party, signed distance to the contact line, zone, and
whether each restricted weapon class would respect its withdrawal distance there."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from truce.geo.frame import AgreementFrame

ZONE_SECURITY = "security"
ZONE_NONE = "none"
DISENGAGEMENT_PREFIX = "disengagement:"


@dataclass(frozen=True, eq=False)
class Classification:
    """Per-point results, all arrays of the same length.

    Attributes
    ----------
    party : ndarray of str
        Party id whose area holds the point, ``""`` where none does.
    distance_km : ndarray of float
        Distance to the contact line, positive on ``parties[0]``'s side, negative on
        ``parties[1]``'s.  A point in neither area takes the sign of the nearer area.
    zone : ndarray of str
        ``"disengagement:<id>"`` inside a disengagement area, else ``"security"`` within the
        security-zone width of the line, else ``"none"``.
    ok : dict of str to ndarray of bool
        Per restricted weapon class id: True where the point is at least that class's withdrawal
        distance from the line.
    """

    party: np.ndarray
    party_index: np.ndarray
    distance_km: np.ndarray
    zone: np.ndarray
    ok: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.distance_km)


def classify(frame: AgreementFrame, lon: np.ndarray, lat: np.ndarray) -> Classification:
    """Classify lon/lat points against the agreement held by ``frame``.

    Examples
    --------
    >>> from truce.agreement.loader import load_agreement
    >>> frame = AgreementFrame.from_agreement(load_agreement("minsk-2015"))
    >>> c = classify(frame, np.array([37.56, 37.80]), np.array([48.72, 48.00]))  # Kramatorsk, Donetsk
    >>> c.party.tolist()
    ['ua', 'ru']
    """
    agreement = frame.agreement
    x, y = frame.projection.to_xy(lon, lat)
    _, fx, fy, d_m = frame.nearest_on_line(x, y)
    pidx = frame.party_index(x, y)
    sign = np.where(pidx == 1, -1.0, 1.0)
    orphan = np.flatnonzero(pidx < 0)
    if orphan.size:
        # Outside both areas (the sea, a third country): take the side of the line the point
        # faces, by testing a point 200 m from the line's nearest point towards it.
        ox, oy = x[orphan] - fx[orphan], y[orphan] - fy[orphan]
        norm = np.maximum(np.hypot(ox, oy), 1e-9)
        step = np.minimum(200.0, norm) / norm
        side = frame.party_index(fx[orphan] + ox * step, fy[orphan] + oy * step)
        sign[orphan] = np.where(side == 1, -1.0, 1.0)
    distance_km = sign * d_m / 1000.0
    ids = np.array([*agreement.party_ids, ""], dtype=object)
    party = ids[pidx]  # -1 picks the trailing ""
    zone = np.where(np.abs(distance_km) <= agreement.security_zone_km, ZONE_SECURITY, ZONE_NONE).astype(object)
    if frame.disengagement:
        didx = frame.disengagement_index(x, y)
        names = np.array([DISENGAGEMENT_PREFIX + d.id for d in agreement.disengagement_areas], dtype=object)
        inside = didx >= 0
        zone[inside] = names[didx[inside]]
    absd = np.abs(distance_km)
    ok = {w.id: absd >= w.withdrawal_km for w in agreement.restricted_weapon_classes}
    return Classification(party=party, party_index=pidx, distance_km=distance_km, zone=zone, ok=ok)
