"""Fusion quality over several seeds and both intensities, beside the DBSCAN baseline and the
naive tally: mean and spread, so no figure rests on one seed.

    python -m truce.evaluate.seeds --seeds 11-15 --intensity typical,escalation

DBSCAN is tuned (grid search, :func:`truce.evaluate.baseline.tune_dbscan`, mean F1) once per
intensity on the training seeds (101-103), never on an evaluation seed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

from truce.evaluate.metrics import Quality
from truce.evaluate.run import run_fusion, sim_case
from truce.fusion.params import FusionParams


@dataclass(frozen=True)
class Row:
    f1: float
    f1_primary: float  # two-ended incidents matched at their primary (impact) location only
    precision: float
    recall: float
    err_median: float  # daily count error per region, median over region-days
    err_signed: float  # mean of (reported - true) / true over region-days
    naive_median: float
    obs_err_median: float  # against the rounds of observed episodes only
    obs_err_signed: float
    total_signed: float  # (sum reported - sum true) / sum true
    loc: dict  # name -> median m
    db_f1: float
    db_err_median: float
    db_err_signed: float


def signed_errors(q: Quality, which: str = "fused", observed: bool = False) -> np.ndarray:
    """(reported - true) / true per region-day (``observed``: true = rounds of observed episodes)."""
    col = {"fused": 4, "naive": 5}[which]
    t = 3 if observed else 2
    rows = [r for r in q.region_days if r[t] > 0]
    return np.array([(r[col] - r[t]) / r[t] for r in rows])


def one(intensity: str, seed: int, dbscan: tuple[float, float] | None,
        params: FusionParams | None = None, agreement: str = "ukraine-2024-12-07") -> Row:
    from truce.evaluate.baseline import run_dbscan
    from truce.evaluate.metrics import evaluate

    case = sim_case(agreement, intensity, seed)
    res, q, _ = run_fusion(case, params)
    qp = evaluate(res.incidents, res.observations, case.truth, case.observed, case.region_of)
    db = run_dbscan(case, *dbscan) if dbscan else None
    se = signed_errors(q)
    return Row(f1=q.f1, f1_primary=qp.f1, precision=q.precision, recall=q.recall_observed,
               err_median=float(np.median(np.abs(se))), err_signed=float(se.mean()),
               naive_median=float(np.median(np.abs(signed_errors(q, "naive")))),
               obs_err_median=float(np.median(np.abs(signed_errors(q, observed=True)))),
               obs_err_signed=float(signed_errors(q, observed=True).mean()),
               total_signed=(q.fused_count - q.true_count) / q.true_count,
               loc={k: v[1] for k, v in q.location.items()},
               db_f1=db.f1 if db else float("nan"),
               db_err_median=float(np.median(np.abs(signed_errors(db)))) if db else float("nan"),
               db_err_signed=float(signed_errors(db).mean()) if db else float("nan"))


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b) + 1)) if b else [int(a)]
    return out


def summary(rows: list[Row]) -> str:
    def ms(vals, fmt="{:.3f}") -> str:
        v = np.asarray(vals, float)
        return (fmt + " ± " + fmt + " [" + fmt + "–" + fmt + "]").format(v.mean(), v.std(), v.min(), v.max())
    lines = [
        f"  F1 (either end)        {ms([r.f1 for r in rows])}",
        f"  F1 (primary location)  {ms([r.f1_primary for r in rows])}",
        f"  precision / recall     {np.mean([r.precision for r in rows]):.3f} / {np.mean([r.recall for r in rows]):.3f}",
        f"  count err median       {ms([r.err_median for r in rows])}",
        f"  count err mean signed  {ms([r.err_signed for r in rows], '{:+.3f}')}",
        f"  total signed           {ms([r.total_signed for r in rows], '{:+.3f}')}",
        f"  vs observed: median    {ms([r.obs_err_median for r in rows])}",
        f"  vs observed: signed    {ms([r.obs_err_signed for r in rows], '{:+.3f}')}",
        f"  naive err median       {ms([r.naive_median for r in rows])}",
        f"  DBSCAN F1              {ms([r.db_f1 for r in rows])}",
        f"  DBSCAN err median      {ms([r.db_err_median for r in rows])}",
        f"  DBSCAN err signed      {ms([r.db_err_signed for r in rows], '{:+.3f}')}",
    ]
    for k in rows[0].loc:
        lines.append(f"  location median {k:<12} {ms([r.loc[k] for r in rows], '{:,.0f}')} m")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from truce.evaluate.baseline import tune_dbscan

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agreement", default="ukraine-2024-12-07")
    ap.add_argument("--intensity", default="typical,escalation")
    ap.add_argument("--seeds", default="11-15")
    ap.add_argument("--train-seeds", default="101-103", help="seeds the DBSCAN grid search runs on")
    ap.add_argument("--no-dbscan", action="store_true")
    ap.add_argument("--count-bias", action="store_true",
                    help="the count estimator's bias on incidents holding one episode, per kind")
    ap.add_argument("--oracle", action="store_true",
                    help="the ceiling: F1 of a perfect association (truth grouping), per intensity")
    a = ap.parse_args(argv)
    if a.count_bias:
        _count_bias(a)
        return
    if a.oracle:
        _oracle(a)
        return
    for intensity in a.intensity.split(","):
        db = None if a.no_dbscan else tune_dbscan([sim_case(a.agreement, intensity, t)
                                                   for t in _seeds(a.train_seeds)])
        rows = []
        for s in _seeds(a.seeds):
            r = one(intensity, s, db, agreement=a.agreement)
            rows.append(r)
            print(f"{intensity} seed {s}: F1 {r.f1:.3f} (primary {r.f1_primary:.3f}), count err median "
                  f"{r.err_median:.1%} signed {r.err_signed:+.1%}, naive {r.naive_median:.1%}; DBSCAN F1 "
                  f"{r.db_f1:.3f} err {r.db_err_median:.1%}", flush=True)
        print(f"== {intensity}, seeds {a.seeds} (mean ± sd [min–max])" +
              (f"; DBSCAN eps {db[0]:,.0f} m, v {db[1]} m/s tuned on seeds {a.train_seeds}" if db else ""))
        print(summary(rows), flush=True)


def _count_bias(a) -> None:
    from collections import defaultdict

    from truce.evaluate.diagnose import one_episode_counts
    from truce.fusion.pipeline import fuse

    est: dict[str, float] = defaultdict(float)
    tru: dict[str, float] = defaultdict(float)
    rel: list[float] = []
    for intensity in a.intensity.split(","):
        for s in _seeds(a.seeds):
            case = sim_case(a.agreement, intensity, s)
            for kind, f, t in one_episode_counts(case, fuse(case.obs, case.frame)):
                est[kind] += f
                tru[kind] += t
                rel.append((f - t) / t)
    print(f"count estimator on incidents holding one episode ({a.intensity}, seeds {a.seeds}; n {len(rel):,}): "
          f"summed estimate / summed truth {sum(est.values()) / sum(tru.values()):.3f}, "
          f"mean (estimate - true) / true {np.mean(rel):+.3f}")
    for k in sorted(est):
        print(f"  {k:<10} {est[k] / tru[k]:.3f}")


def _oracle(a) -> None:
    from truce.evaluate.diagnose import oracle_quality

    for intensity in a.intensity.split(","):
        qs = [oracle_quality(sim_case(a.agreement, intensity, s)) for s in _seeds(a.seeds)]
        f1 = np.array([q.f1 for q in qs])
        unseen = np.array([1 - q.true_count_observed / q.true_count for q in qs])
        err = np.array([np.median(np.abs(signed_errors(q))) for q in qs])
        print(f"{intensity}: oracle association F1 {f1.mean():.3f} ± {f1.std():.3f} [{f1.min():.3f}–{f1.max():.3f}], "
              f"precision {np.mean([q.precision for q in qs]):.3f}, recall {np.mean([q.recall_observed for q in qs]):.3f}; "
              f"count error median {err.mean():.3f}; rounds in unobserved episodes {unseen.mean():.3f} "
              f"[{unseen.min():.3f}–{unseen.max():.3f}]")


if __name__ == "__main__":
    main()
