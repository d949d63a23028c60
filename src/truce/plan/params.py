"""The planner's assumptions as one explicit, validated value (and the named presets).

Every number that changes the answer lives here, so a plan can list all of them beside its result.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from truce.errors import ValidationError

#: Optimisers: ``milp`` (integer program, HiGHS through scipy) or ``greedy`` (set multicover).
OPTIMISERS = ("milp", "greedy")


@dataclass(frozen=True, slots=True)
class PlanParams:
    """Assumptions of a mission plan.

    Parameters
    ----------
    sensor_range_km
        Range within which a post sees or hears (and can take a bearing on) an event.
    min_cover
        Posts that must cover every point of the contact line (2 allows cross-bearings).
    setback_km
        How far behind the contact line, on each party's side, posts are sited.
    crew_per_post
        Monitors on duty at one post at any time.
    patrols_per_100km, patrol_team_size
        Mobile patrol teams on duty per 100 km of line, and monitors per team.
    rotation
        Staff per on-duty position: shifts, rest days and leave (1.0: nobody ever relieved).
    support_ratio
        Support staff (logistics, medical, communications, headquarters, analysts, national
        staff) per monitor.
    force_protection_ratio
        Force-protection staff per monitor (0 for an unarmed civilian mission).
    nations
        ``(name, share)`` pairs: contiguous sectors of the line in proportion to the shares.
    sample_spacing_km, candidate_spacing_km
        Spacing of the line samples that must be covered, and of candidate post sites along the
        line (default: range / 50 and range / 10); samples are covered at range minus half
        their spacing, so every point between them is covered too.
    grid_km
        Grid spacing used to measure coverage of the security-zone band.
    optimiser, time_limit_s
        ``milp`` or ``greedy``; the solver's time limit (``milp`` falls back to greedy).
    """

    sensor_range_km: float = 5.0
    min_cover: int = 2
    setback_km: float = 2.0
    crew_per_post: int = 4
    patrols_per_100km: float = 4.0
    patrol_team_size: int = 4
    rotation: float = 2.5
    support_ratio: float = 1.0
    force_protection_ratio: float = 0.5
    nations: tuple[tuple[str, float], ...] = ()
    sample_spacing_km: float | None = None
    candidate_spacing_km: float | None = None
    grid_km: float = 1.0
    optimiser: str = "milp"
    time_limit_s: float = 60.0

    def __post_init__(self) -> None:
        positive = {"sensor_range_km": self.sensor_range_km, "rotation": self.rotation,
                    "grid_km": self.grid_km, "time_limit_s": self.time_limit_s}
        for name, v in positive.items():
            if not (math.isfinite(v) and v > 0):
                raise ValidationError(f"must be a positive number, not {v!r}", field=name)
        non_negative = {"setback_km": self.setback_km, "crew_per_post": self.crew_per_post,
                        "patrols_per_100km": self.patrols_per_100km,
                        "patrol_team_size": self.patrol_team_size,
                        "support_ratio": self.support_ratio,
                        "force_protection_ratio": self.force_protection_ratio}
        for name, v in non_negative.items():
            if not (math.isfinite(v) and v >= 0):
                raise ValidationError(f"must be zero or more, not {v!r}", field=name)
        for name in ("sample_spacing_km", "candidate_spacing_km"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                raise ValidationError(f"must be a positive number, not {v!r}", field=name)
        if int(self.min_cover) != self.min_cover or self.min_cover < 1:
            raise ValidationError(f"must be an integer of 1 or more, not {self.min_cover!r}",
                                  field="min_cover")
        # posts cover the line samples at range less half the sample spacing (planner.plan_line)
        r_eff_km = (self.range_m - self.sample_spacing_m / 2.0) / 1000.0
        if self.setback_km >= r_eff_km:
            raise ValidationError(
                f"the setback ({self.setback_km:g} km) must be shorter than the sensor range less "
                f"half the sample spacing ({r_eff_km:g} km), or no post can see the line",
                field="setback_km")
        if self.optimiser not in OPTIMISERS:
            raise ValidationError(f"must be one of {', '.join(OPTIMISERS)}", field="optimiser")
        for name, share in self.nations:
            if not name.strip():
                raise ValidationError("a nation has an empty name", field="nations")
            if not (math.isfinite(share) and share > 0):
                raise ValidationError(f"{name}: share must be positive, not {share!r}",
                                      field="nations")
        if len({n for n, _ in self.nations}) != len(self.nations):
            raise ValidationError("a nation is named twice", field="nations")

    @property
    def range_m(self) -> float:
        return self.sensor_range_km * 1000.0

    @property
    def setback_m(self) -> float:
        return self.setback_km * 1000.0

    @property
    def sample_spacing_m(self) -> float:
        return 1000.0 * (self.sample_spacing_km or self.sensor_range_km / 50.0)

    @property
    def candidate_spacing_m(self) -> float:
        return 1000.0 * (self.candidate_spacing_km or self.sensor_range_km / 10.0)

    def with_overrides(self, **changes: Any) -> PlanParams:
        """A copy with the given fields changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["nations"] = [{"name": n, "share": s} for n, s in self.nations]
        d["sample_spacing_km"] = self.sample_spacing_m / 1000.0
        d["candidate_spacing_km"] = self.candidate_spacing_m / 1000.0
        return d

    def assumptions(self) -> list[str]:
        """Every assumption as one readable sentence, in the order a reader needs them."""
        out = [
            (f"sensor range {self.sensor_range_km:g} km: a post sees or hears events within it "
            "(no terrain masking modelled)"),
            f"every point of the contact line within range of at least {self.min_cover} post(s)"
            + (" (cross-bearings)" if self.min_cover >= 2 else ""),
            (f"posts set back {self.setback_km:g} km from the line on either side, on land held by "
            "a party and inside the security zone"),
            f"{self.crew_per_post} monitor(s) on duty at each post",
            (f"{self.patrols_per_100km:g} patrol team(s) on duty per 100 km of line, "
            f"{self.patrol_team_size} monitor(s) each"),
            f"rotation factor {self.rotation:g}: staff per on-duty position (shifts, rest, leave)",
            (f"support staff {self.support_ratio:g} per monitor (logistics, medical, "
            "communications, headquarters, analysts)"),
            f"force protection {self.force_protection_ratio:g} per monitor",
            (f"line sampled every {self.sample_spacing_m:,.0f} m; candidate sites every "
            f"{self.candidate_spacing_m:,.0f} m along the line; zone grid {self.grid_km:g} km"),
            f"optimiser: {self.optimiser} (time limit {self.time_limit_s:g} s)",
        ]
        if self.nations:
            total = sum(s for _, s in self.nations)
            out.append("sectors in proportion to shares: " + ", ".join(
                f"{n} {100 * s / total:.0f} %" for n, s in self.nations))
        return out


#: Named sets of assumptions; explicit options override them.
PRESETS: dict[str, PlanParams] = {
    # A European force watching round the clock: 12-hour shifts 7 days a week with rest days and
    # leave (2 x 7/6 x 1.07 = 2.5 staff per position), armed, with its own support.
    "european": PlanParams(),
    # The OSCE SMM's way of working (docs/plan.md): unarmed civilians, daylight, patrols of two
    # armoured vehicles with two monitors each; ~600 support and national staff for ~700 monitors.
    "osce": PlanParams(crew_per_post=4, patrols_per_100km=4.0, patrol_team_size=4, rotation=1.5,
                       support_ratio=0.85, force_protection_ratio=0.0),
}


def parse_nations(text: str) -> tuple[tuple[str, float], ...]:
    """Parse ``"France:30,United Kingdom:25"`` into ``(("France", 30.0), ...)``.

    >>> parse_nations("France:30, United Kingdom:25")
    (('France', 30.0), ('United Kingdom', 25.0))
    """
    out: list[tuple[str, float]] = []
    for item in (p.strip() for p in text.split(",")):
        if not item:
            continue
        name, sep, share = item.rpartition(":")
        if not sep or not name.strip():
            raise ValidationError(f"{item!r} is not NAME:SHARE (e.g. 'France:30')",
                                  field="--nations")
        try:
            value = float(share)
        except ValueError:
            raise ValidationError(f"{item!r}: share {share.strip()!r} is not a number",
                                  field="--nations") from None
        if not (math.isfinite(value) and value > 0):
            raise ValidationError(f"{item!r}: share must be positive", field="--nations")
        out.append((name.strip(), value))
    if not out:
        raise ValidationError("no nation given (e.g. 'France:30,Germany:20')", field="--nations")
    return tuple(out)
