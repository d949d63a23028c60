"""The pydantic schema of ``agreement.yaml`` (the file format, documented in docs/agreement.md).

This is the edge: the file is validated here and turned into the frozen domain
:class:`~truce.agreement.model.Agreement` by :mod:`truce.agreement.loader`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from truce.domain.kinds import ObservationKind

FORMAT = "truce-agreement/1"

_ID = r"^[a-z0-9][a-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartySpec(_Strict):
    id: str = Field(pattern=_ID, description="Short id, e.g. 'ua'.")
    name: str = Field(min_length=1)
    area: str = Field(description="GeoJSON file (relative to the directory) with the area.")


class WeaponClassSpec(_Strict):
    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    withdrawal_km: float = Field(ge=0, le=1000)
    examples: list[str] = Field(default_factory=list)


class RegionsSpec(_Strict):
    file: str
    name_property: str = "name"


class RuleSpec(_Strict):
    id: str = Field(pattern=_ID)
    description: str = ""
    kinds: list[ObservationKind] = Field(min_length=1)
    where: Literal["anywhere", "security_zone", "disengagement_area", "inside_withdrawal"]
    version: int = Field(default=1, ge=1)


class AgreementSpec(_Strict):
    format: Literal["truce-agreement/1"] = FORMAT
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    effective: date
    #: IANA time zone of the agreement's reporting day (e.g. Europe/Kyiv); none: each report's
    #: own UTC offset
    timezone: str | None = None
    description: str = ""
    crs: str = "auto"
    contact_line: str
    parties: list[PartySpec] = Field(min_length=2, max_length=2)
    security_zone_km: float = Field(gt=0, le=500)
    weapon_classes: list[WeaponClassSpec] = Field(min_length=1)
    disengagement_areas: str | None = None
    boundary: str | None = None
    regions: RegionsSpec | None = None
    rules: list[RuleSpec] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _zone_known(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (an IANA name such as Europe/Kyiv)") from None
        return v

    @field_validator("crs")
    @classmethod
    def _crs_known(cls, v: str) -> str:
        if v == "auto":
            return v
        from pyproj import CRS
        from pyproj.exceptions import CRSError as _PyprojCRSError

        try:
            crs = CRS.from_user_input(v)
        except _PyprojCRSError as exc:
            raise ValueError(f"unknown CRS {v!r} ({exc})") from None
        if not crs.is_projected:
            raise ValueError(f"CRS {v!r} is not projected; metric work needs a projected CRS or 'auto'")
        return v

    @model_validator(mode="after")
    def _unique_ids(self) -> AgreementSpec:
        for label, ids in (
            ("parties", [p.id for p in self.parties]),
            ("weapon_classes", [w.id for w in self.weapon_classes]),
            ("rules", [r.id for r in self.rules]),
        ):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ValueError(f"{label}: duplicate id(s) {', '.join(dup)}")
        return self
