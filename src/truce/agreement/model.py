"""The agreement as a value: parties, contact line, zones, weapon classes and rules.

Geometries are shapely objects in EPSG:4326 (lon, lat).  Nothing here reads files; see
:mod:`truce.agreement.loader` for that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from shapely.geometry.base import BaseGeometry

#: The zone rules can name (``Rule.where``).
RULE_WHERE = ("anywhere", "security_zone", "disengagement_area", "inside_withdrawal")


@dataclass(frozen=True, slots=True)
class Party:
    """A side to the agreement and the area it controls when the cease-fire starts."""

    id: str
    name: str
    area: BaseGeometry


@dataclass(frozen=True, slots=True)
class WeaponClass:
    """A class of weapon and how far from the contact line it must be kept (0: no limit)."""

    id: str
    label: str
    withdrawal_km: float
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DisengagementArea:
    """A small area both sides must leave."""

    id: str
    name: str
    geometry: BaseGeometry


@dataclass(frozen=True, slots=True)
class Region:
    """An administrative region (oblast) used to group figures in reports."""

    name: str
    geometry: BaseGeometry


@dataclass(frozen=True, slots=True)
class Rule:
    """Which observation kinds are violations where.

    ``where`` is one of ``anywhere``, ``security_zone``, ``disengagement_area`` or
    ``inside_withdrawal`` (a weapon closer to the line than its class allows).
    """

    id: str
    description: str
    kinds: tuple[str, ...]
    where: str
    version: int = 1


@dataclass(frozen=True, slots=True)
class Agreement:
    """A validated cease-fire agreement.

    Parameters
    ----------
    id, title, effective
        Identity and the date the cease-fire takes effect.
    crs
        ``"auto"`` (a metric CRS is chosen for the extent) or an explicit projected CRS.
    contact_line
        LineString or MultiLineString, lon/lat.
    parties
        Exactly two parties; ``parties[0]`` is on the positive side of signed distances.
    security_zone_km
        Width of the security zone on each side of the contact line.
    timezone
        IANA name of the zone an incident's local date is taken in (``None``: each report's own
        UTC offset).  See :meth:`zone`.
    """

    id: str
    title: str
    effective: date
    crs: str
    contact_line: BaseGeometry
    parties: tuple[Party, ...]
    security_zone_km: float
    weapon_classes: tuple[WeaponClass, ...]
    disengagement_areas: tuple[DisengagementArea, ...] = ()
    rules: tuple[Rule, ...] = ()
    boundary: BaseGeometry | None = None
    regions: tuple[Region, ...] = ()
    description: str = ""
    #: IANA time zone of the reporting day (``None``: each report's own UTC offset)
    timezone: str | None = None
    sources: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)
    #: What loading repaired or doubts, one line each naming file and feature (``agreement check``
    #: prints them): an invalid polygon repaired with ``make_valid``.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def party(self, party_id: str) -> Party:
        """Return the party with this id (``KeyError`` if none)."""
        for p in self.parties:
            if p.id == party_id:
                return p
        raise KeyError(party_id)

    def weapon_class(self, class_id: str) -> WeaponClass:
        """Return the weapon class with this id (``KeyError`` if none)."""
        for w in self.weapon_classes:
            if w.id == class_id:
                return w
        raise KeyError(class_id)

    @property
    def zone(self) -> tzinfo | None:
        """The reporting day's time zone (``None``: each report's own UTC offset)."""
        return ZoneInfo(self.timezone) if self.timezone else None

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parties)

    @property
    def restricted_weapon_classes(self) -> tuple[WeaponClass, ...]:
        """Weapon classes with a withdrawal distance (> 0 km)."""
        return tuple(w for w in self.weapon_classes if w.withdrawal_km > 0)
