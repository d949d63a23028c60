"""The gazetteer's values: a named place, and a place a query found with how it matched."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from truce.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Place:
    """A named populated place.

    Parameters
    ----------
    name
        The display name: for Ukraine, the national (KMU 2010) transliteration where known.
    lat, lon
        WGS84 degrees.
    admin1
        The first-level division; for Ukraine the oblast's short English name (``Donetsk``).
        Empty when unknown.
    alt_names
        Every other name the place goes by: other spellings, Cyrillic, former names.
    source
        Where the record comes from, e.g. ``geonames:713122`` or ``ua_front:12``.
    population
        Inhabitants when the source says (0: unknown); breaks ties between places of one name.
    """

    name: str
    lat: float
    lon: float
    admin1: str = ""
    alt_names: tuple[str, ...] = ()
    source: str = ""
    population: int = 0

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("a place needs a non-empty name", field="name")
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValidationError(f"latitude {self.lat!r} is not in [-90, 90]", field="lat")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise ValidationError(f"longitude {self.lon!r} is not in [-180, 180]", field="lon")
        if isinstance(self.alt_names, list):  # accept a list, store the canonical tuple
            object.__setattr__(self, "alt_names", tuple(self.alt_names))


class MatchKind(StrEnum):
    """How a candidate was found, best first."""

    NAME = "name"  #: the query folds to the place's display name
    ALT = "alt"  #: the query folds to one of its alternate names
    LOOSE = "loose"  #: only the loose key (Russian endings, g→h, y→i) matches
    POINT = "point"  #: found by position (``nearest``, ``within``), not by name


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a query found.

    Parameters
    ----------
    place
        The place.
    match
        How it matched the query.
    distance_km
        Geodesic distance from the query's reference point, or ``None`` without one.
    """

    place: Place
    match: MatchKind
    distance_km: float | None = None
