"""The vocabularies shared by intake, simulator, fusion and rules: observation kinds, source kinds,
details and the 16-point compass."""

from __future__ import annotations

from enum import StrEnum

import numpy as np


class ObservationKind(StrEnum):
    """What an observation reports (DESIGN.md, observation contract)."""

    EXPLOSION = "explosion"
    PROJECTILE = "projectile"
    BURST = "burst"
    SHOT = "shot"
    FLARE = "flare"
    WEAPON = "weapon"
    CASUALTY = "casualty"
    DAMAGE = "damage"
    RESTRICTION = "restriction"
    JAMMING = "jamming"


#: Kinds that the OSCE convention counts as ceasefire violations (one per explosion, projectile,
#: burst, shot or illumination flare).
CEASEFIRE_VIOLATION_KINDS: frozenset[str] = frozenset(
    {"explosion", "projectile", "burst", "shot", "flare"}
)


class SourceKind(StrEnum):
    """Who or what made an observation."""

    PATROL = "patrol"
    POST = "post"
    CAMERA = "camera"
    UAV = "uav"
    ACOUSTIC = "acoustic"
    OSINT = "osint"
    IMPORT = "import"


EXPLOSION_DETAILS: frozenset[str] = frozenset({"undetermined", "impact", "outgoing", "airburst"})
FIRE_DETAILS: frozenset[str] = frozenset({"small_arms", "heavy_machine_gun"})

#: The 16-point compass, clockwise from north; index * 22.5 is the bearing in degrees.
COMPASS_16: tuple[str, ...] = (
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
)  # fmt: skip

COMPASS_BEARING_DEG: dict[str, float] = {p: i * 22.5 for i, p in enumerate(COMPASS_16)}


def bearing_to_compass(bearing_deg: np.ndarray) -> np.ndarray:
    """Round bearings (degrees from true north) to the 16-point compass.

    Examples
    --------
    >>> bearing_to_compass(np.array([0.0, 11.0, 12.0, 350.0, 90.0])).tolist()
    ['N', 'N', 'NNE', 'N', 'E']
    """
    idx = np.round(np.mod(np.asarray(bearing_deg, dtype=float), 360.0) / 22.5).astype(int) % 16
    return np.asarray(COMPASS_16, dtype=object)[idx]
