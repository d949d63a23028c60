"""The catalogue of weapon systems a sighting names: type, what it is called, calibre.

Narratives write "two self-propelled howitzers (2S1 Gvozdika, 122 mm)"; observation records carry
``weapon {class, type, caliber_mm}`` from the same row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class WeaponSystem:
    weapon_class: str
    type: str
    noun: str  # singular
    plural: str
    caliber_mm: int | None


SYSTEMS: tuple[WeaponSystem, ...] = (
    WeaponSystem("artillery_ge100", "2S1 Gvozdika", "self-propelled howitzer", "self-propelled howitzers", 122),
    WeaponSystem("artillery_ge100", "2S3 Akatsiya", "self-propelled howitzer", "self-propelled howitzers", 152),
    WeaponSystem("artillery_ge100", "2S19 Msta-S", "self-propelled howitzer", "self-propelled howitzers", 152),
    WeaponSystem("artillery_ge100", "D-30", "towed howitzer", "towed howitzers", 122),
    WeaponSystem("artillery_ge100", "2A65 Msta-B", "towed howitzer", "towed howitzers", 152),
    WeaponSystem("mlrs", "BM-21 Grad", "multiple launch rocket system", "multiple launch rocket systems", 122),
    WeaponSystem("mlrs", "9K51 Grad", "multiple launch rocket system", "multiple launch rocket systems", 122),
    WeaponSystem("tank", "T-64", "tank", "tanks", None),
    WeaponSystem("tank", "T-72", "tank", "tanks", None),
    WeaponSystem("tank", "T-80", "tank", "tanks", None),
    WeaponSystem("mortar", "2B11 Sani", "mortar", "mortars", 120),
    WeaponSystem("mortar", "PM-38", "mortar", "mortars", 120),
    WeaponSystem("mortar", "2B14 Podnos", "mortar", "mortars", 82),
    WeaponSystem("mortar", "2B9 Vasilek", "automatic mortar", "automatic mortars", 82),
    WeaponSystem("artillery_lt100", "MT-12 Rapira", "anti-tank gun", "anti-tank guns", 100),
    WeaponSystem("artillery_lt100", "ZU-23-2", "anti-aircraft gun", "anti-aircraft guns", 23),
)

SYSTEM_CLASS = np.array([s.weapon_class for s in SYSTEMS], dtype=object)
SYSTEM_TYPE = np.array([s.type for s in SYSTEMS], dtype=object)


def systems_of(weapon_class: str) -> np.ndarray:
    """Indices of the systems of a class."""
    return np.flatnonzero(SYSTEM_CLASS == weapon_class)
