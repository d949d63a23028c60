"""The columnar table of simulated observations and the codes its integer columns use.

Each row is one observation record (one sentence of a narrative).  The link to the truth
(``episode``, ``end``, ``error``) lives in the same table for the simulator's own bookkeeping but is
written to a separate file (``truth_links.jsonl``) that fusion never reads.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

OBS_KINDS: tuple[str, ...] = ("explosion", "projectile", "burst", "shot", "flare", "weapon")
EXPLOSION, PROJECTILE, BURST, SHOT, FLARE, WEAPON = range(6)
DETAILS: tuple[str, ...] = ("undetermined", "impact", "outgoing", "airburst", "small_arms",
                            "heavy_machine_gun")
UNDETERMINED, IMPACT, OUTGOING, AIRBURST, SMALL_ARMS, HMG = range(6)

#: time_mode: "between 21:14 and 21:40", "at 21:14", "overnight" (drawn within 00:00-06:00; stated as the OSCE window 18:00 D-1 to 06:00 D, see narrative.py), "in the evening"
#: (18:00-24:00)
TIME_RANGE, TIME_AT, TIME_OVERNIGHT, TIME_EVENING = range(4)
#: dist_mode: none (not stated at all: acoustic bearings, sightings), "at an unknown distance",
#: "about 3 km", "3-5 km"
DIST_NONE, DIST_UNKNOWN, DIST_ABOUT, DIST_RANGE = -1, 0, 1, 2
#: end: which end of the episode the observer perceived
END_NONE, END_IMPACT, END_ORIGIN = -1, 0, 1
#: error: none, a report of something that did not happen, a real event in a wrong direction
ERR_NONE, ERR_FALSE, ERR_DIRECTION = 0, 1, 2
ERRORS: tuple[str | None, ...] = (None, "false_report", "wrong_direction")


@dataclass(frozen=True, eq=False)
class ObservationTable:
    """Columnar observations; every attribute is an array of the table's length."""

    stint: np.ndarray  # int64, index into Network.stints
    source: np.ndarray  # int64, index into Network.sources
    day: np.ndarray  # int32
    t_start: np.ndarray  # int64 seconds from the first local midnight, whole minutes
    t_end: np.ndarray
    time_mode: np.ndarray  # int8
    kind: np.ndarray  # int8, OBS_KINDS
    detail: np.ndarray  # int8, DETAILS, -1 none
    count: np.ndarray  # int64
    count_known: np.ndarray  # bool ("an undetermined number of bursts" when False)
    compass: np.ndarray  # int8, 0-15, -1 none
    bearing_deg: np.ndarray  # float, NaN none (acoustic sensors)
    bearing_sigma_deg: np.ndarray
    dist_mode: np.ndarray  # int8
    dist_lo: np.ndarray  # km (about: the value)
    dist_hi: np.ndarray
    loc_lat: np.ndarray  # directly located events (sightings); NaN otherwise
    loc_lon: np.ndarray
    loc_sigma_m: np.ndarray
    loc_place: np.ndarray  # int64 settlement the location is stated from, -1 none
    loc_offset_km: np.ndarray  # NaN: "near <settlement>"; 0: "in"; else "<N> km <dir> of"
    loc_compass: np.ndarray  # int8
    system: np.ndarray  # int64 index into systems.SYSTEMS, -1 none
    heard_only: np.ndarray  # bool
    region: np.ndarray  # int32 index into Places.regions
    episode: np.ndarray  # int64 truth row, -1 for false reports
    end: np.ndarray  # int8
    error: np.ndarray  # int8

    def __len__(self) -> int:
        return len(self.kind)

    def take(self, idx: np.ndarray) -> ObservationTable:
        return ObservationTable(**{f.name: getattr(self, f.name)[idx] for f in dataclasses.fields(self)})

    @classmethod
    def concat(cls, tables: list[ObservationTable]) -> ObservationTable:
        return cls(**{f.name: np.concatenate([getattr(t, f.name) for t in tables])
                      for f in dataclasses.fields(cls)})

    @classmethod
    def empty_like(cls, n: int) -> dict[str, np.ndarray]:
        """Default columns for ``n`` rows, to be overridden by the generator."""
        nan = np.full(n, np.nan)
        return {
            "time_mode": np.full(n, TIME_RANGE, np.int8), "detail": np.full(n, -1, np.int8),
            "count_known": np.ones(n, bool), "compass": np.full(n, -1, np.int8), "bearing_deg": nan,
            "bearing_sigma_deg": nan.copy(), "dist_mode": np.full(n, DIST_NONE, np.int8),
            "dist_lo": nan.copy(), "dist_hi": nan.copy(), "loc_lat": nan.copy(),
            "loc_lon": nan.copy(), "loc_sigma_m": nan.copy(),
            "loc_place": np.full(n, -1, np.int64), "loc_offset_km": nan.copy(),
            "loc_compass": np.full(n, -1, np.int8), "system": np.full(n, -1, np.int64),
            "heard_only": np.zeros(n, bool), "episode": np.full(n, -1, np.int64),
            "end": np.full(n, END_NONE, np.int8), "error": np.full(n, ERR_NONE, np.int8)}
