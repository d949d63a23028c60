"""The figures that describe a run: episodes, observations, how many observers perceive each
episode, and how far a naive tally (the sum of counts over observations) overshoots the truth per
region and day."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from truce.sim import observations as ob
from truce.sim.run import SimResult

#: Bins of the observations-per-episode distribution: 0, 1, 2, 3, 4, 5-9, 10+.
OBS_PER_EPISODE_BINS: tuple[str, ...] = ("0", "1", "2", "3", "4", "5-9", "10+")
_FIRE_OBS = (ob.EXPLOSION, ob.PROJECTILE, ob.BURST, ob.SHOT, ob.FLARE)


@dataclass(frozen=True, slots=True)
class RegionTally:
    region: str
    true_cfv: float  # per day
    naive_tally: float  # per day
    episodes: float  # per day

    @property
    def overshoot(self) -> float:
        """naive / true (1.0: exact); NaN where nothing happened."""
        return self.naive_tally / self.true_cfv if self.true_cfv else float("nan")


@dataclass(frozen=True, slots=True)
class SimStats:
    days: int
    episodes: int  # firing episodes and flares (ceasefire violations), all days
    true_cfv: int  # rounds: explosions, bursts, shots, flares
    weapon_groups: int
    observations: int
    observations_fire: int
    observations_weapon: int
    false_reports: int
    wrong_direction: int
    episodes_by_kind: dict[str, int]
    observations_by_kind: dict[str, int]
    obs_per_episode_mean: float  # over all episodes (undetected ones count 0)
    obs_per_detected_episode_mean: float
    obs_per_episode_hist: dict[str, float]  # share of episodes in each bin
    detected_share: float
    multi_observer_share: float  # episodes perceived by 2+ distinct observers, over all episodes
    multi_observer_share_detected: float  # ... over detected episodes
    regions: tuple[RegionTally, ...]  # per day averages, regions with any activity
    naive_tally: int
    weapon_groups_inside_withdrawal: int
    weapon_sightings_inside_withdrawal: int

    @property
    def overshoot(self) -> float:
        return self.naive_tally / self.true_cfv if self.true_cfv else float("nan")


def compute_stats(result: SimResult) -> SimStats:
    """The "must show" figures of a run (see docs/simulator.md)."""
    t = result.truth
    o = result.observations
    days = result.scenario.days
    regions = result.places.regions
    fire = np.flatnonzero(t.is_fire)
    fire_obs = np.isin(o.kind, _FIRE_OBS)
    linked = fire_obs & (o.episode >= 0)
    per_ep = np.bincount(o.episode[linked], minlength=len(t))[fire]
    # distinct observers per episode
    pairs = np.unique(np.column_stack([o.episode[linked], o.source[linked]]), axis=0)
    observers = np.bincount(pairs[:, 0], minlength=len(t))[fire] if len(pairs) else np.zeros(len(fire), int)
    detected = per_ep > 0
    edges = np.array([0, 1, 2, 3, 4, 5, 10, np.iinfo(np.int64).max])
    hist = np.histogram(per_ep, bins=edges)[0] / max(len(fire), 1)

    nreg = len(regions)
    true_by_region = np.bincount(t.region[fire], weights=t.count[fire], minlength=nreg)
    ep_by_region = np.bincount(t.region[fire], minlength=nreg)
    tally = np.bincount(o.region[fire_obs], weights=o.count[fire_obs], minlength=nreg)
    tallies = tuple(
        RegionTally(regions[i], true_by_region[i] / days, tally[i] / days, ep_by_region[i] / days)
        for i in range(nreg) if true_by_region[i] or tally[i])

    groups = np.flatnonzero(t.kind == "weapon")
    wd = {w.id: w.withdrawal_km for w in result.agreement.weapon_classes}
    inside = np.array([t.depth_km[g] < wd.get(str(t.weapon_class[g]), 0.0) for g in groups], dtype=bool)
    sighted = (o.kind == ob.WEAPON) & (o.episode >= 0)
    inside_groups = set(groups[inside].tolist())
    return SimStats(
        days=days, episodes=len(fire), true_cfv=int(t.count[fire].sum()), weapon_groups=len(groups),
        observations=len(o), observations_fire=int(fire_obs.sum()),
        observations_weapon=int((o.kind == ob.WEAPON).sum()),
        false_reports=int((o.error == ob.ERR_FALSE).sum()),
        wrong_direction=int((o.error == ob.ERR_DIRECTION).sum()),
        episodes_by_kind=_counts(t.kind[fire].astype(str)),
        observations_by_kind=_counts(np.asarray(ob.OBS_KINDS, dtype=object)[o.kind].astype(str)),
        obs_per_episode_mean=float(per_ep.mean()) if len(fire) else 0.0,
        obs_per_detected_episode_mean=float(per_ep[detected].mean()) if detected.any() else 0.0,
        obs_per_episode_hist=dict(zip(OBS_PER_EPISODE_BINS, (float(h) for h in hist))),
        detected_share=float(detected.mean()) if len(fire) else 0.0,
        multi_observer_share=float((observers >= 2).mean()) if len(fire) else 0.0,
        multi_observer_share_detected=float((observers[detected] >= 2).mean()) if detected.any() else 0.0,
        regions=tallies, naive_tally=int(o.count[fire_obs].sum()),
        weapon_groups_inside_withdrawal=int(inside.sum()),
        weapon_sightings_inside_withdrawal=int(np.isin(o.episode[sighted], list(inside_groups)).sum()),
    )


def _counts(values: np.ndarray) -> dict[str, int]:
    keys, counts = np.unique(values, return_counts=True)
    return {str(k): int(c) for k, c in zip(keys.tolist(), counts.tolist())}


def format_stats(s: SimStats) -> str:
    """A plain-text summary (used by the docs and the benchmark)."""
    lines = [
        f"days: {s.days}",
        f"episodes (ceasefire violations): {s.episodes:,} ({s.true_cfv:,} rounds/events); "
        + ", ".join(f"{k} {v:,}" for k, v in s.episodes_by_kind.items()),
        (f"observations: {s.observations:,} (fire {s.observations_fire:,}, weapon sightings "
         f"{s.observations_weapon:,}; false reports {s.false_reports:,}, "
         f"wrong direction {s.wrong_direction:,})"),
        (f"observations per episode: mean {s.obs_per_episode_mean:.2f} (detected episodes: "
         f"{s.obs_per_detected_episode_mean:.2f}); detected {s.detected_share:.0%}"),
        "distribution: " + ", ".join(f"{k}: {v:.0%}" for k, v in s.obs_per_episode_hist.items()),
        (f"episodes seen by 2+ observers: {s.multi_observer_share:.0%} of all, "
         f"{s.multi_observer_share_detected:.0%} of detected"),
        f"naive tally {s.naive_tally:,} vs true {s.true_cfv:,} ({s.overshoot:.2f}x)",
        "per region and day: true / naive tally (ratio)",
    ]
    for r in sorted(s.regions, key=lambda r: -r.true_cfv):
        lines.append(f"  {r.region:<16} {r.true_cfv:>9,.0f} / {r.naive_tally:>9,.0f} ({r.overshoot:.2f}x)")
    lines.append(f"weapon groups: {s.weapon_groups:,} ({s.weapon_groups_inside_withdrawal:,} inside "
                 f"withdrawal distance; {s.weapon_sightings_inside_withdrawal:,} sightings of those)")
    return "\n".join(lines)
