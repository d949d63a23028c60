"""Calibration of the side assessment on simulated days: of the incidents given about 0.9 for a
side, about 90% should truly have come from it.

    python -m truce.evaluate.calibration                 # reliability table on the test seeds
    python -m truce.evaluate.calibration --fit           # also refit the model on the train seeds

Each seed simulates a typical and an escalation day on the agreement, fuses the observations,
adjudicates the incidents and matches them to the truth (``truce.evaluate.match``: fire
incidents to firing episodes, weapon incidents to weapon groups); a matched incident's truth says
which party fired (or owns the weapons).  Weapon sightings are matched within 10 km, as they
are placed at the nearest settlement.  The model is fitted on the *train* seeds and the
reliability table is computed on the *test* seeds.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from truce.adjudicate.core import FIRE_KINDS, judged_points
from truce.adjudicate.side import (
    END_CLASSES,
    Reliability,
    SideModel,
    fit_side_model,
    origin_probability,
    reliability,
)

AGREEMENT = "ukraine-2024-12-07"
TRAIN_SEEDS: tuple[int, ...] = (101, 102, 103, 104, 105, 106)
TEST_SEEDS: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
SCHEDULE = "typical,escalation"


@dataclass
class Cases:
    """Matched incidents: end class, signed distance (m), uncertainty, truth (first party?)."""

    end_class: list[np.ndarray] = field(default_factory=list)
    distance_m: list[np.ndarray] = field(default_factory=list)
    uncertainty_m: list[np.ndarray] = field(default_factory=list)
    first_party: list[np.ndarray] = field(default_factory=list)
    n_incidents: int = 0  # all incidents with a side assessment, matched or not
    n_matched: int = 0

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        def cat(v: list[np.ndarray], dt: object) -> np.ndarray:
            return np.concatenate(v) if v else np.zeros(0, dtype=dt)  # type: ignore[arg-type]

        return (cat(self.end_class, object), cat(self.distance_m, float),
                cat(self.uncertainty_m, float), cat(self.first_party, bool))


def collect(seeds: tuple[int, ...], schedule: str = SCHEDULE, agreement: str = AGREEMENT,
            scale: float = 1.0) -> Cases:
    """Simulate, fuse and match each seed; gather the matched incidents' side inputs."""
    from truce.agreement.loader import load_agreement
    from truce.evaluate.match import TruthArrays, match
    from truce.fusion.export import incident_records
    from truce.fusion.observations import ObservationArrays
    from truce.fusion.pipeline import fuse
    from truce.gazetteer.sources import starter_gazetteer
    from truce.geo.frame import AgreementFrame
    from truce.sim import Scenario, simulate
    from truce.sim.io import observation_records, truth_records

    agr = load_agreement(agreement)
    frame = AgreementFrame.from_agreement(agr)
    gaz = starter_gazetteer()
    first = agr.party_ids[0]
    out = Cases()
    for seed in seeds:
        sc = Scenario.from_schedule(agreement, date(2024, 12, 8), seed, schedule, scale=scale)
        res = simulate(sc, agr, gaz, np.random.default_rng(seed), reports=False, frame=frame)
        obs, _ = ObservationArrays.from_records(observation_records(res), agr.zone)
        fr = fuse(obs, frame)
        recs = list(incident_records(fr))
        truth_recs = list(truth_records(res))
        truth = TruthArrays.from_records(truth_recs, frame.projection, agr.zone)
        party = np.array([r["firing_party"] == first for r in truth_recs], bool)
        g = judged_points(recs, frame)
        inc = fr.incidents
        assessable = np.array([c is not None for c in g.end_class.tolist()], bool)
        out.n_incidents += int(assessable.sum())
        t_weapon = truth.kind == "weapon"
        i_weapon = inc.kind == "weapon"
        # weapon sightings are placed at the nearest settlement ("near <place>"): match them
        # within 10 km (fire within the DESIGN's 2 km)
        for tsel, isel, radius in ((np.flatnonzero(t_weapon), np.flatnonzero(i_weapon), 10_000.0),
                                   (np.flatnonzero(np.isin(truth.kind, FIRE_KINDS)),
                                    np.flatnonzero(np.isin(inc.kind, FIRE_KINDS)), 2000.0)):
            m = match(truth.take(tsel), inc.x[isel], inc.y[isel], inc.t_start[isel],
                      inc.t_end[isel], radius_m=radius)
            ii = isel[m.incident]
            out.end_class.append(g.end_class[ii])
            out.distance_m.append(g.distance_km[ii] * 1000.0)
            out.uncertainty_m.append(g.uncertainty_m[ii])
            out.first_party.append(party[tsel[m.truth]])
            out.n_matched += len(ii)
    return out


def format_reliability(rel: Reliability) -> str:
    lines = ["| max probability | n | mean predicted | observed right |", "|---|---|---|---|"]
    for lo, hi, n, mp, ob in rel.rows():
        if n:
            lines.append(f"| {lo:.2f}-{min(hi, 1.0):.2f} | {n:,} | {mp:.3f} | {ob:.3f} |")
    return "\n".join(lines)


def report(model: SideModel, cases: Cases) -> str:
    cls, d, u, y = cases.arrays()
    p = origin_probability(cls, d, u, model)
    ok = np.isfinite(p)
    p, y, cls = p[ok], y[ok], cls[ok]
    conf = np.maximum(p, 1 - p)
    und = conf < model.undetermined_below
    rel = reliability(p[~und], y[~und])
    right = np.where(p >= 0.5, y, ~y)
    lines = [(f"matched incidents with a side assessment: {len(p):,} (of "
              f"{cases.n_incidents:,} assessable incidents)"),
             (f"undetermined (max probability < {model.undetermined_below}): {und.mean():.1%} "
              f"({int(und.sum()):,})"),
             "", "reliability of the determined ones (bins of the max probability):",
             format_reliability(rel), "",
             (f"Brier score (all matched): {np.mean((p - y) ** 2):.4f}; "
              f"right side among determined: {right[~und].mean():.1%}"), "",
             "| end class | n | undetermined | right (determined) |", "|---|---|---|---|"]
    for c in END_CLASSES:
        m = cls == c
        if m.any():
            det = m & ~und
            lines.append(f"| {c} | {int(m.sum()):,} | {und[m].mean():.1%} | "
                         + (f"{right[det].mean():.1%} |" if det.any() else "- |"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--fit", action="store_true", help="refit the model on the train seeds")
    ap.add_argument("--train-seeds", type=int, nargs="*", default=list(TRAIN_SEEDS))
    ap.add_argument("--test-seeds", type=int, nargs="*", default=list(TEST_SEEDS))
    ap.add_argument("--schedule", default=SCHEDULE)
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args(argv)
    model = SideModel()
    if a.fit:
        train = collect(tuple(a.train_seeds), a.schedule, scale=a.scale)
        model = fit_side_model(*train.arrays())
        print(f"fitted on seeds {a.train_seeds} ({train.n_matched:,} matched incidents):")
        for k, v in sorted(model.classes.items()):
            print(f"  {k}: w {v.w}, temperature {v.temperature}")
        print()
    test = collect(tuple(a.test_seeds), a.schedule, scale=a.scale)
    print(f"== side assessment on {AGREEMENT}, schedule {a.schedule}, test seeds {a.test_seeds}"
          + (" (model refitted above)" if a.fit else " (the shipped model)"))
    print(report(model, test))


if __name__ == "__main__":
    main()
