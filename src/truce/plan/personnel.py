"""People: from posts and line length to monitors, support and force protection, and the line cut
into national sectors in proportion to shares."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from truce.plan.params import PlanParams


@dataclass(frozen=True, slots=True)
class Personnel:
    """Head counts for a stretch of line (all integers; see :func:`staff`)."""

    posts: int
    patrol_teams: int
    positions: int  # monitors on duty at once: posts x crew + teams x team size
    monitors: int
    support: int
    force_protection: int

    @property
    def total(self) -> int:
        return self.monitors + self.support + self.force_protection

    def __add__(self, other: Personnel) -> Personnel:
        return Personnel(*(x + y for x, y in zip(self.astuple(), other.astuple())))

    def astuple(self) -> tuple[int, ...]:
        return (self.posts, self.patrol_teams, self.positions, self.monitors, self.support,
                self.force_protection)

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "total": self.total}


ZERO = Personnel(0, 0, 0, 0, 0, 0)


def staff(posts: int, patrol_teams: int, p: PlanParams) -> Personnel:
    """Head counts for ``posts`` posts and ``patrol_teams`` teams under the assumptions ``p``.

    Monitors = ceil(positions x rotation); support and force protection = ceil(monitors x
    ratio): every fraction of a person is rounded up, as a planner would.

    >>> staff(10, 2, PlanParams(crew_per_post=4, patrol_team_size=4, rotation=2.5,
    ...                         support_ratio=1.0, force_protection_ratio=0.5)).as_dict()
    {'posts': 10, 'patrol_teams': 2, 'positions': 48, 'monitors': 120, 'support': 120, 'force_protection': 60, 'total': 300}
    """
    positions = posts * p.crew_per_post + patrol_teams * p.patrol_team_size
    monitors = math.ceil(positions * p.rotation - 1e-9)
    return Personnel(
        posts=posts, patrol_teams=patrol_teams, positions=positions, monitors=monitors,
        support=math.ceil(monitors * p.support_ratio - 1e-9),
        force_protection=math.ceil(monitors * p.force_protection_ratio - 1e-9),
    )


def patrol_teams_for(length_m: float, p: PlanParams) -> int:
    """Patrol teams on duty for a line of this length (rounded up)."""
    return math.ceil(p.patrols_per_100km * length_m / 100_000.0 - 1e-9)


def largest_remainder(total: int, weights: Sequence[float]) -> np.ndarray:
    """Split an integer ``total`` in proportion to ``weights`` so the parts sum to ``total``.

    >>> largest_remainder(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    """
    w = np.asarray(weights, dtype=float)
    exact = total * w / w.sum()
    out = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - out), kind="stable")
    out[order[: total - int(out.sum())]] += 1
    return out


@dataclass(frozen=True, slots=True)
class Sector:
    """One nation's contiguous stretch of line ``[start_km, end_km)`` along the parts in order."""

    nation: str
    share: float  # 0-1
    start_km: float
    end_km: float
    personnel: Personnel

    @property
    def length_km(self) -> float:
        return self.end_km - self.start_km

    def as_dict(self) -> dict[str, object]:
        return {"nation": self.nation, "share": round(self.share, 6),
                "start_km": round(self.start_km, 3), "end_km": round(self.end_km, 3),
                "length_km": round(self.length_km, 3), **self.personnel.as_dict()}


def sector_cuts_m(length_m: float, shares: Sequence[float]) -> np.ndarray:
    """Along-line boundaries of contiguous sectors proportional to ``shares`` (``len + 1`` values,
    from 0 to ``length_m``)."""
    w = np.asarray(shares, dtype=float)
    cuts = length_m * np.r_[0.0, np.cumsum(w)] / w.sum()
    cuts[-1] = length_m
    return cuts


def make_sectors(length_m: float, post_along_m: np.ndarray,
                 nations: Sequence[tuple[str, float]], p: PlanParams) -> list[Sector]:
    """Cut the line into sectors, count each sector's posts (by where they stand along the line)
    and patrol teams (the line's total split by length), and staff them."""
    nations = list(nations) or [("mission", 1.0)]
    cuts = sector_cuts_m(length_m, [s for _, s in nations])
    idx = np.clip(np.searchsorted(cuts, post_along_m, side="right") - 1, 0, len(nations) - 1)
    posts = np.bincount(idx, minlength=len(nations))
    teams = largest_remainder(patrol_teams_for(length_m, p), np.diff(cuts))
    total_share = sum(s for _, s in nations)
    return [
        Sector(nation=name, share=share / total_share, start_km=cuts[i] / 1000.0,
               end_km=cuts[i + 1] / 1000.0, personnel=staff(int(posts[i]), int(teams[i]), p))
        for i, (name, share) in enumerate(nations)
    ]
