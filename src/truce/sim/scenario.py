"""The scenario: what to simulate (agreement, dates, seed, intensity per day, build-up) and every
model parameter, as frozen dataclasses with documented defaults (see docs/simulator.md).

A :class:`Scenario` is a plain value.  :meth:`Scenario.to_dict` gives the mapping written to
``scenario.yaml``; :meth:`Scenario.from_dict` / :meth:`Scenario.from_yaml` read it back, so a run can
be replayed from its own output.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml

from truce.errors import ValidationError

#: Weapon classes that fire in the simulation, in the order used by every per-class table.
FIRING_CLASSES: tuple[str, ...] = (
    "small_arms", "heavy_machine_gun", "mortar", "artillery_lt100", "artillery_ge100", "mlrs", "tank",
)  # fmt: skip

INTENSITIES: tuple[str, ...] = ("quiet", "typical", "escalation")


@dataclass(frozen=True, slots=True)
class WeaponModel:
    """How one weapon class fires.

    Distances are km from the contact line: ``origin_km`` behind it on the firing party's side,
    ``reach_km`` beyond it on the other side (where the rounds land).  ``max_range_km`` caps
    origin + reach.  ``count_mean`` is the mean number of rounds (explosions, bursts or shots) per
    episode, drawn from a negative binomial with dispersion ``count_k``; ``duration_min`` the
    range of the episode's length in minutes (log-uniform).  ``short_share`` of episodes land short,
    on the firing party's own side.
    """

    kind: str
    origin_km: tuple[float, float]
    reach_km: tuple[float, float]
    max_range_km: float
    count_mean: float
    count_k: float
    duration_min: tuple[float, float]
    short_share: float = 0.0
    shot_share: float = 0.0  # bursts/shots only: share of episodes that are single shots


def _default_weapons() -> dict[str, WeaponModel]:
    return {
        "small_arms": WeaponModel("burst", (0.1, 1.0), (0.1, 0.8), 1.5, 12.0, 1.2, (1.0, 25.0), 0.0, 0.3),
        "heavy_machine_gun": WeaponModel("burst", (0.2, 1.5), (0.2, 1.5), 2.5, 8.0, 1.2, (1.0, 20.0)),
        "mortar": WeaponModel("explosion", (0.5, 4.5), (0.3, 3.0), 7.0, 8.0, 1.5, (2.0, 30.0), 0.06),
        "artillery_lt100": WeaponModel("explosion", (1.0, 6.0), (0.5, 4.0), 9.0, 6.0, 1.5, (2.0, 20.0), 0.04),
        "artillery_ge100": WeaponModel("explosion", (3.0, 16.0), (1.0, 8.0), 22.0, 8.0, 1.5, (3.0, 40.0), 0.04),
        "mlrs": WeaponModel("explosion", (4.0, 14.0), (2.0, 8.0), 20.0, 20.0, 3.0, (0.3, 2.0), 0.02),
        "tank": WeaponModel("explosion", (1.0, 4.0), (0.5, 3.0), 5.0, 4.0, 2.0, (2.0, 20.0), 0.03),
    }


@dataclass(frozen=True, slots=True)
class IntensityLevel:
    """One intensity of fighting.

    ``cfv_per_100km`` is the expected number of ceasefire violations (rounds: explosions, bursts,
    shots; flares on top) per 100 km of contact line per day.  ``weapon_mix`` gives each firing
    class's share of episodes, ``flares_per_100km`` the expected illumination-flare episodes per
    100 km per night.
    """

    cfv_per_100km: float
    weapon_mix: dict[str, float]
    flares_per_100km: float


def _default_intensities() -> dict[str, IntensityLevel]:
    return {
        "quiet": IntensityLevel(12.0, {"small_arms": 0.62, "heavy_machine_gun": 0.18, "mortar": 0.12,
                                       "artillery_lt100": 0.03, "artillery_ge100": 0.02, "mlrs": 0.0,
                                       "tank": 0.03}, 0.5),
        "typical": IntensityLevel(120.0, {"small_arms": 0.45, "heavy_machine_gun": 0.15, "mortar": 0.2,
                                          "artillery_lt100": 0.05, "artillery_ge100": 0.08, "mlrs": 0.02,
                                          "tank": 0.05}, 2.0),
        "escalation": IntensityLevel(1200.0, {"small_arms": 0.25, "heavy_machine_gun": 0.1, "mortar": 0.25,
                                              "artillery_lt100": 0.07, "artillery_ge100": 0.2, "mlrs": 0.08,
                                              "tank": 0.05}, 6.0),
    }


#: Relative weight of each local hour (0-23) for the start of a firing episode: most fire at dusk
#: and at night, least in the morning (the pattern of the OSCE SMM's daily reports).
DEFAULT_HOURLY_WEIGHTS: tuple[float, ...] = (
    1.2, 1.1, 1.0, 0.8, 0.6, 0.4, 0.3, 0.25, 0.2, 0.2, 0.2, 0.25,
    0.3, 0.3, 0.35, 0.4, 0.6, 0.9, 1.3, 1.6, 1.7, 1.7, 1.6, 1.4,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class WarParams:
    """The firing side: where, when and with what the parties fire."""

    weapons: dict[str, WeaponModel] = field(default_factory=_default_weapons)
    intensities: dict[str, IntensityLevel] = field(default_factory=_default_intensities)
    hourly_weights: tuple[float, ...] = DEFAULT_HOURLY_WEIGHTS
    hotspots_per_100km: float = 2.0  # persistent hot spots along the line
    hotspot_share: float = 0.65  # share of episodes near a hot spot (rest: anywhere on the line)
    hotspot_sigma_km: float = 4.0  # spread of a hot spot along the line
    along_sigma_km: float = 1.5  # along-line offset between firing position and impact
    first_party_share: float = 0.5  # share of episodes fired by parties[0]
    airburst_share: float = 0.05  # artillery >= 100 mm episodes that burst in the air
    flare_origin_km: tuple[float, float] = (0.1, 1.5)
    flare_reach_km: tuple[float, float] = (0.0, 1.0)
    flare_count_mean: float = 2.0


@dataclass(frozen=True, slots=True)
class WeaponsParams:
    """Heavy weapons present near the line and seen by monitors (``kind: weapon`` truth)."""

    groups_per_100km: float = 4.0  # weapon groups on the move per 100 km per day (both parties)
    violating_share: float = 0.35  # share of those inside their class's withdrawal distance
    classes: dict[str, float] = field(default_factory=lambda: {
        "tank": 0.35, "artillery_ge100": 0.3, "mortar": 0.2, "mlrs": 0.1, "artillery_lt100": 0.05})
    group_size: tuple[int, int] = (1, 6)
    dwell_h: tuple[float, float] = (2.0, 10.0)  # how long a group stays put


@dataclass(frozen=True, slots=True)
class BuildupSpec:
    """A heavy-weapons build-up: from day ``start_day`` (0-based) on, ``groups_per_day`` new groups
    of ``party``'s weapons appear inside withdrawal distance in a sector of ``width_km`` centred
    ``center_km`` along the line (``None``: the middle), and stay until the end of the scenario."""

    party: str = "ru"
    start_day: int = 0
    groups_per_day: float = 4.0
    center_km: float | None = None
    width_km: float = 60.0
    classes: dict[str, float] = field(default_factory=lambda: {
        "artillery_ge100": 0.45, "tank": 0.3, "mlrs": 0.25})


@dataclass(frozen=True, slots=True)
class NetworkParams:
    """The monitoring network: posts, cameras, acoustic sensors, patrols, UAV flights."""

    post_spacing_km: float = 12.0  # per side; the two sides are staggered by half a spacing
    post_setback_km: tuple[float, float] = (0.5, 3.0)
    camera_spacing_km: float = 35.0
    camera_setback_km: tuple[float, float] = (0.5, 3.0)
    camera_half_angle_deg: tuple[float, float] = (25.0, 45.0)
    camera_range_km: float = 8.0
    acoustic_spacing_km: float = 50.0
    acoustic_setback_km: tuple[float, float] = (2.0, 8.0)
    patrol_spacing_km: float = 25.0  # one patrol team per this much line per side
    patrol_sector_km: float = 40.0  # the stretch of line a team patrols
    patrol_setback_km: tuple[float, float] = (1.0, 6.0)
    patrol_hours: tuple[float, float] = (8.0, 17.0)  # local time; OSCE patrols did not move at night
    patrol_stops: tuple[int, int] = (2, 5)
    patrol_dwell_min: tuple[float, float] = (30.0, 120.0)
    patrol_travel_min: tuple[float, float] = (15.0, 45.0)
    uav_flights_per_100km: float = 1.0  # per day, daylight
    uav_sector_km: float = 40.0
    uav_depth_km: float = 25.0
    uav_hours: tuple[float, float] = (9.0, 15.0)
    uav_flight_h: tuple[float, float] = (1.0, 3.0)


@dataclass(frozen=True, slots=True)
class Curve:
    """Logistic detection curve: ``p_max / (1 + exp((d - d50_km) / width_km))``."""

    p_max: float
    d50_km: float
    width_km: float


def _default_heard() -> dict[str, Curve]:
    return {
        "explosion": Curve(0.95, 10.0, 1.5),  # impacts, audible to ~15 km
        "outgoing": Curve(0.9, 8.0, 1.5),  # the launch of artillery, mortar, tank, MLRS fire
        "small_arms": Curve(0.9, 3.5, 0.7),  # bursts and shots: a few km
        "heavy_machine_gun": Curve(0.9, 4.5, 0.8),
    }


def _default_seen() -> dict[str, Curve]:
    return {
        "explosion_day": Curve(0.35, 3.0, 0.8),  # smoke or flash seen by day
        "explosion_night": Curve(0.6, 6.0, 1.2),  # flashes at night
        "flare": Curve(0.9, 8.0, 1.5),  # night only
        "projectile": Curve(0.7, 5.0, 1.0),  # rockets, tracer seen in flight at night
        "weapon_patrol": Curve(0.8, 2.0, 0.5),
        "weapon_post": Curve(0.6, 1.5, 0.4),
    }


@dataclass(frozen=True, slots=True)
class SensorParams:
    """How observers detect and describe what they heard or saw."""

    heard: dict[str, Curve] = field(default_factory=_default_heard)
    seen: dict[str, Curve] = field(default_factory=_default_seen)
    camera_p_night: float = 0.9
    camera_p_day: float = 0.35
    acoustic: Curve = field(default_factory=lambda: Curve(0.9, 12.0, 2.0))
    acoustic_bearing_sigma_deg: float = 4.0
    uav_p_detect: float = 0.7
    uav_location_sigma_m: float = 250.0
    patrol_location_sigma_m: float = 2000.0
    projectile_share_mlrs: float = 0.5  # night MLRS observations that report projectiles in flight
    projectile_share_other: float = 0.08  # other explosive or tracer fire at night
    bearing_sigma_deg: float = 12.0
    camera_bearing_sigma_deg: float = 5.0
    distance_sigma: float = 0.3  # lognormal sigma of the distance estimate
    unknown_distance_share: float = 0.12
    about_distance_share: float = 0.35  # "about 3 km" rather than "3-5 km"
    time_sigma_min: float = 1.0
    vague_time_share: float = 0.03  # "overnight", "in the evening"
    detail_correct: float = 0.45  # explosions: outgoing/impact judged right ...
    detail_undetermined: float = 0.40  # ... left "undetermined" (the rest: confused)
    fire_detail_confused: float = 0.1  # small arms vs heavy machine gun mixed up
    count_p_near: float = 0.95  # share of rounds counted next to the observer ...
    count_p_far: float = 0.6  # ... and at the edge of audibility
    overcount_share: float = 0.1
    undetermined_count_share: float = 0.04  # bursts: "an undetermined number of bursts"
    split_share: float = 0.3  # episodes over 20 min reported as two observations
    false_per_observer_day: float = 0.03  # reports of events that did not happen
    wrong_direction_share: float = 0.01  # real events reported in a wrong direction


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything a simulation run depends on, besides the agreement and the gazetteer.

    ``intensity_by_day`` gives one level name per day (``quiet``, ``typical``, ``escalation`` or a
    key of ``war.intensities``); ``scale`` multiplies the number of episodes and weapon groups.
    """

    agreement: str
    start: date
    days: int
    seed: int
    intensity_by_day: tuple[str, ...]
    scale: float = 1.0
    buildup: BuildupSpec | None = None
    utc_offset_minutes: int | None = None  # None: Ukraine's offset on the start date (+02:00 / +03:00)
    war: WarParams = field(default_factory=WarParams)
    weapons: WeaponsParams = field(default_factory=WeaponsParams)
    network: NetworkParams = field(default_factory=NetworkParams)
    sensors: SensorParams = field(default_factory=SensorParams)

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValidationError(f"days must be at least 1, got {self.days}", field="days")
        if len(self.intensity_by_day) != self.days:
            raise ValidationError(
                f"intensity_by_day has {len(self.intensity_by_day)} entries for {self.days} days",
                field="intensity_by_day")
        unknown = sorted(set(self.intensity_by_day) - set(self.war.intensities))
        if unknown:
            raise ValidationError(
                f"unknown intensity {unknown[0]!r}; use one of {', '.join(self.war.intensities)}",
                field="intensity")
        if not self.scale > 0:
            raise ValidationError(f"scale must be positive, got {self.scale}", field="scale")
        if self.buildup is not None and not 0 <= self.buildup.start_day < self.days:
            raise ValidationError("buildup.start_day must fall within the scenario's days",
                                  field="buildup.start_day")

    @classmethod
    def uniform(cls, agreement: str, start: date, days: int, seed: int, intensity: str = "typical",
                **kwargs: Any) -> Scenario:
        """A scenario with the same intensity every day."""
        if days < 1:
            raise ValidationError(f"days must be at least 1, got {days}", field="days")
        return cls(agreement=agreement, start=start, days=days, seed=seed,
                   intensity_by_day=(intensity,) * days, **kwargs)

    @classmethod
    def from_schedule(cls, agreement: str, start: date, seed: int, schedule: str,
                      buildup_from: int | None = None, **kwargs: Any) -> Scenario:
        """A multi-day scenario from a schedule such as ``"quiet*10,escalation*5,typical*15"``,
        with a build-up by the last party from day ``buildup_from`` (1-based) if given.

        >>> sc = Scenario.from_schedule("ukraine-2024-12-07", date(2024, 12, 8), 7,
        ...                             "quiet*2,escalation", buildup_from=2)
        >>> sc.days, sc.intensity_by_day, sc.buildup.start_day
        (3, ('quiet', 'quiet', 'escalation'), 1)
        """
        levels = parse_schedule(schedule)
        if buildup_from is not None:
            if not 1 <= buildup_from <= len(levels):
                raise ValidationError(f"the build-up must start on day 1 to {len(levels)}, "
                                      f"not {buildup_from}", field="buildup_from")
            kwargs["buildup"] = dataclasses.replace(kwargs.get("buildup") or BuildupSpec(),
                                                    start_day=buildup_from - 1)
        return cls(agreement=agreement, start=start, days=len(levels), seed=seed,
                   intensity_by_day=levels, **kwargs)

    @property
    def offset_minutes(self) -> int:
        """Local UTC offset used for every time in the run (fixed for the whole scenario)."""
        if self.utc_offset_minutes is not None:
            return self.utc_offset_minutes
        return 180 if _is_eu_summer_time(self.start) else 120

    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping (YAML/JSON-safe) of every parameter."""
        d = _plain(dataclasses.asdict(self))
        d["start"] = self.start.isoformat()
        d["utc_offset_minutes"] = self.offset_minutes
        return d

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=True, default_flow_style=False,
                              allow_unicode=True, width=100)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scenario:
        """Inverse of :meth:`to_dict`; missing parameters take their defaults."""
        d = {k: v for k, v in d.items() if k != "run"}  # scenario.yaml's record of the run
        try:
            return _build(cls, d)
        except (TypeError, ValueError, KeyError) as exc:
            raise ValidationError(f"invalid scenario ({exc})") from None

    @classmethod
    def from_yaml(cls, text: str) -> Scenario:
        try:
            d = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValidationError(f"scenario is not valid YAML ({exc})") from None
        if not isinstance(d, dict):
            raise ValidationError("scenario YAML must be a mapping")
        return cls.from_dict(d)


_SCHEDULE_ITEM = re.compile(r"^\s*([a-z_]+)\s*(?:[*x:]\s*(\d+))?\s*$")


def parse_schedule(text: str) -> tuple[str, ...]:
    """``"quiet*5,escalation*3,typical"`` -> one intensity name per day.

    >>> parse_schedule("quiet*2,escalation")
    ('quiet', 'quiet', 'escalation')
    """
    days: list[str] = []
    for item in text.split(","):
        m = _SCHEDULE_ITEM.match(item)
        if not m or int(m.group(2) or 1) < 1:
            raise ValidationError(f"cannot read {item.strip()!r} in the schedule; write e.g. "
                                  "quiet*5,escalation*3,typical", field="schedule")
        days.extend([m.group(1)] * int(m.group(2) or 1))
    return tuple(days)


def _is_eu_summer_time(d: date) -> bool:
    """EU summer time: last Sunday of March to last Sunday of October (the day itself counts)."""

    def last_sunday(month: int) -> date:
        last = date(d.year, month, 31)
        return last - timedelta(days=(last.weekday() + 1) % 7)

    return last_sunday(3) <= d < last_sunday(10)


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, date):
        return x.isoformat()
    return x


def _build(tp: Any, value: Any) -> Any:
    """Rebuild a (nested) dataclass from plain data, guided by field types and defaults."""
    if value is None:
        return None
    if not dataclasses.is_dataclass(tp):
        raise TypeError(tp)
    hints = _field_builders(tp)
    kwargs: dict[str, Any] = {}
    unknown = set(value) - set(hints)
    if unknown:
        raise KeyError(f"unknown field {min(unknown)!r} in {tp.__name__}")
    for name, v in value.items():
        kwargs[name] = hints[name](v)
    return tp(**kwargs)


def _field_builders(tp: Any) -> dict[str, Any]:
    def tup(v: Any) -> tuple[Any, ...]:
        return tuple(v)

    def mapping_of(sub: Any) -> Any:
        return lambda v: {str(k): _build(sub, x) for k, x in v.items()}

    def floats(v: Any) -> dict[str, float]:
        return {str(k): float(x) for k, x in v.items()}

    table: dict[type, dict[str, Any]] = {
        Scenario: {
            "agreement": str, "start": lambda v: v if isinstance(v, date) else date.fromisoformat(str(v)),
            "days": int, "seed": int, "intensity_by_day": lambda v: tuple(str(x) for x in v),
            "scale": float, "buildup": lambda v: _build(BuildupSpec, v),
            "utc_offset_minutes": lambda v: None if v is None else int(v),
            "war": lambda v: _build(WarParams, v), "weapons": lambda v: _build(WeaponsParams, v),
            "network": lambda v: _build(NetworkParams, v), "sensors": lambda v: _build(SensorParams, v),
        },
        WarParams: {
            "weapons": mapping_of(WeaponModel), "intensities": mapping_of(IntensityLevel),
            "hourly_weights": tup, "flare_origin_km": tup, "flare_reach_km": tup,
        },
        WeaponModel: {"origin_km": tup, "reach_km": tup, "duration_min": tup},
        IntensityLevel: {"weapon_mix": floats},
        WeaponsParams: {"classes": floats, "group_size": tup, "dwell_h": tup},
        BuildupSpec: {"classes": floats},
        SensorParams: {"heard": mapping_of(Curve), "seen": mapping_of(Curve),
                       "acoustic": lambda v: _build(Curve, v)},
        NetworkParams: {},
        Curve: {},
    }
    builders = dict(table[tp])
    for f in dataclasses.fields(tp):
        builders.setdefault(f.name, tup if isinstance(f.default, tuple) else (lambda v: v))
    return builders
