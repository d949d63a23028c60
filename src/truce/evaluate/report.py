"""Plain-text report of the quality metrics (what ``truce evaluate`` prints)."""

from __future__ import annotations

import numpy as np

from truce.evaluate.metrics import Quality


def format_quality(name: str, q: Quality, regions: bool = True) -> str:
    fe, ne = q.count_errors("fused"), q.count_errors("naive")
    feo, neo = q.count_errors("fused", True), q.count_errors("naive", True)
    lines = [
        f"-- {name}",
        (f"incidents {q.n_incidents:,}, matched {q.n_matched:,}: precision {q.precision:.3f}, "
         f"recall {q.recall_observed:.3f} of observed episodes ({q.recall_all:.3f} of all), "
         f"F1 {q.f1:.3f} (vs all episodes {q.f1_all:.3f})"),
        (f"count: fused {q.fused_count:,.0f}, naive tally {q.naive_count:,.0f}, true {q.true_count:,.0f} "
         f"(observed episodes {q.true_count_observed:,.0f}); matched-incident count bias "
         f"{q.count_bias:+.3f}"),
        (f"daily count error per region (|reported - true| / true), median / max over region-days: "
         f"fused {np.median(fe):.1%} / {fe.max():.1%}, naive {np.median(ne):.1%} / {ne.max():.1%}; "
         f"vs observed episodes: fused {np.median(feo):.1%} / {feoo(feo):.1%}, naive {np.median(neo):.1%} / {feoo(neo):.1%}"),
    ]
    if regions:
        lines.append(f"  {'day':<10} {'region':<16} {'true':>7} {'observed':>8} {'fused':>7} {'err':>7} "
                     f"{'naive':>7} {'err':>7}")
        from datetime import date
        for d, r, t, to, f, nv in q.region_days:
            if t <= 0:
                continue
            lines.append(f"  {date.fromordinal(d).isoformat():<10} {r:<16} {t:>7,.0f} {to:>8,.0f} {f:>7,.0f} "
                         f"{abs(f - t) / t:>7.1%} {nv:>7,.0f} {abs(nv - t) / t:>7.1%}")
    lines.append("location error of matched incidents (n, median m, p90 m): " + "; ".join(
        f"{k} {n} / {med:,.0f} / {p90:,.0f}" for k, (n, med, p90) in q.location.items()))
    return "\n".join(lines)


def feoo(a: np.ndarray) -> float:
    return float(a.max()) if len(a) else float("nan")
