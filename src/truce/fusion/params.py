"""The fusion parameters: one frozen dataclass, passed to every stage (never read from settings)."""

from __future__ import annotations

from dataclasses import dataclass, field

from truce.fusion.observations import VAGUE_WINDOW_S


def _default_ranges() -> dict[str, tuple[float, float]]:
    # km; where an observer gives no distance: what each kind can be heard or seen at
    return {"explosion": (0.5, 15.0), "projectile": (0.5, 10.0), "burst": (0.2, 4.0),
            "shot": (0.2, 4.0), "flare": (0.3, 8.0)}


def _default_bearing_sigma() -> dict[str, float]:
    # degrees, the observer's own error in pointing (the compass quantisation comes on top)
    return {"camera": 5.0, "acoustic": 4.0}


def _default_count_scale() -> dict[str, float]:
    return {"explosion": 1.11, "projectile": 1.37, "burst": 1.35, "shot": 1.37, "flare": 0.87}


def _default_placement_prior() -> dict[str, tuple[float, float, float, float, float]]:
    # (a, d50_km, width_km, sigma, bias) per group of single-bearing end clusters (placement.py):
    # the distance prior d^a / (1 + exp((d - d50) / width)) and the lognormal error of stated
    # distances (ln(d / stated) ~ N(bias, sigma)).  Fitted by maximum likelihood of the true
    # distance along the bearing (`python -m truce.evaluate.placement_fit`) on the training seeds
    # 101-105, typical and escalation days - never on the evaluation seeds 11-15.  Acoustic
    # sensors state no distance: their sigma and bias are never used
    return {"explosion": (0.6, 9.594, 1.339, 0.418, -0.113),
            "explosion_acoustic": (1.089, 12.575, 0.939, 0.3, 0.0),
            "projectile": (2.363, 3.87, 0.665, 0.303, 0.042),
            "burst": (1.037, 3.376, 0.514, 0.354, -0.057),
            "flare": (0.844, 1.0, 2.658, 0.376, -0.164)}


@dataclass(frozen=True, slots=True)
class FusionParams:
    """Every tunable of localization, gating, scoring, association and counting.

    Distances in metres or km as suffixed, times in seconds.
    """

    #: a human observer's pointing error; sources in ``bearing_sigma_by_source`` override it
    bearing_sigma_deg: float = 12.0
    bearing_sigma_by_source: dict[str, float] = field(default_factory=_default_bearing_sigma)
    #: relative (lognormal-like) error of a stated distance, "about 3 km" or "3-5 km"
    distance_rel_sigma: float = 0.3
    default_range_km: dict[str, tuple[float, float]] = field(default_factory=_default_ranges)
    fallback_range_km: tuple[float, float] = (0.2, 5.0)
    #: same-end gating: time tolerance on window overlap, cap of the spatial search radius (each
    #: pair also within ``rho_i + rho_j``, the chi-square gate's reach), time block of the KD-trees
    gate_time_tol_s: float = 180.0
    gate_radius_m: float = 15_000.0
    gate_block_s: float = 900.0
    #: end-link gating (explosive only): ``(d/link_max_m)^2 + (dt0^2 + dt1^2)/link_gate_time_s^2 <= 1``
    link_gate_time_s: float = 480.0
    #: same-end scoring: chi-square gate on the Mahalanobis distance (2 dof; 13.8 = 99.9%)
    same_end_gate: float = 13.8
    #: same-end scoring: windows may be this far apart (clock errors of the observers)
    same_end_time_tol_s: float = 180.0
    #: association: two clusters whose precise windows do not all overlap may still merge when
    #: their union windows overlap (within the tolerance) and span at most this (0: off)
    cluster_span_s: float = 2700.0
    #: association: the cost a cluster chooses its partner by adds the squared differences of the
    #: two clusters' mean precise start and end times over this squared (0: location alone); a
    #: cluster with vague windows only pays ``assoc_vague_cost`` instead, so vague reports join
    #: after the precise clusters have formed.  Ranks partners only: the gate stays on location
    assoc_time_sigma_s: float = 180.0
    assoc_vague_cost: float = 100.0
    #: windows longer than this are vague ("overnight"): they never set an incident's times
    vague_window_s: float = VAGUE_WINDOW_S
    #: same source: two reports may be the parts of one split report if their windows are
    #: disjoint, at most this far apart, and in the same direction
    split_gap_s: float = 600.0
    #: association rounds (mutual-best merging); stops earlier when nothing merges
    max_rounds: int = 30
    #: cross-end linking (outgoing <-> impact of one fire): start and end within this, the two
    #: ends at most ``link_max_m`` apart and on different sides of the contact line
    link_time_tol_s: float = 240.0
    link_max_m: float = 25_000.0
    link_min_m: float = 500.0
    #: an end within this of the contact line may link with an end on the same side of it (an
    #: impact near the line, or a fused location a kilometre off; 0: different sides only)
    link_line_margin_m: float = 2000.0
    #: second pass over incidents: explosive pieces starting and ending within ``rejoin_time_s``
    #: and within ``rejoin_max_m`` join (0 disables)
    rejoin_time_s: float = 120.0
    rejoin_max_m: float = 10_000.0
    #: the rejoin's observer rule only weighs reports that state a detail (impact, outgoing,
    #: airburst, a weapon class); "undetermined" and no detail are not weighed: a source's two
    #: "undetermined" reports at once are as often its reports of the two ends of one fire as of
    #: two fires (False: every report, "undetermined" and no detail included).
    #: Training seeds 101-105 F1 typical / escalation 0.904 / 0.860 -> 0.907 / 0.864 (docs/fusion.md)
    rejoin_stated_only: bool = True
    #: an end cluster whose detail votes say "origin" (or "impact") beyond this log-odds is sure
    end_sure_logodds: float = 2.0
    #: triangulation: re-linearisation passes
    wls_iterations: int = 2
    #: final placement (placement.py): an end cluster resting on one observer's bearing (no
    #: located report) is moved along it to the posterior median of its distance under
    #: ``placement_prior`` (per group, see its default; groups not given keep it), after association - the observations'
    #: own Gaussians are unchanged.  ``placement_spread`` scales the posterior's standard
    #: deviation into the radial sigma of the covariance: fitted so that 90% of those clusters'
    #: true locations lie within ``uncertainty_m`` on the training seeds 101-105
    place_single_bearing: bool = True
    placement_prior: dict[str, tuple[float, float, float, float, float]] = field(
        default_factory=_default_placement_prior)
    placement_spread: float = 1.031
    #: count estimator: "max", "median", "mean" over observers (each observer's reports summed)
    count_estimator: str = "max"
    count_scale: float = 1.0
    #: per-kind correction of the estimator's bias, by the incident's kind: observers miss rounds
    #: of small-arms fire more than of explosions, and over-count flares.  Fitted (1 / the ratio of
    #: summed estimates to summed true counts on incidents holding one episode) on the simulator's
    #: training seeds 101-105, typical and escalation days - not on the evaluation seeds 11-15
    #: (docs/fusion.md)
    count_scale_by_kind: dict[str, float] = field(default_factory=_default_count_scale)

    def __post_init__(self) -> None:
        # a prior given for some groups keeps the fitted defaults for the others
        object.__setattr__(self, "placement_prior",
                           {**_default_placement_prior(), **self.placement_prior})
