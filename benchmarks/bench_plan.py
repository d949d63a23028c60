"""Planner coverage throughput: the vectorised k-d tree coverage count (line samples x posts)
beside a per-point Python loop in the same run, then a whole plan for a bundled line.

    python benchmarks/bench_plan.py [n]      # default 200,000 sample points
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import report, timed

LOOP_N = 5_000


def main(n: int | None = None) -> None:
    import numpy as np

    from truce.agreement.loader import load_agreement
    from truce.geo.frame import AgreementFrame
    from truce.plan import PRESETS, plan_agreement
    from truce.plan.coverage import cover_counts

    n = n or 200_000
    frame = AgreementFrame.from_agreement(load_agreement("ukraine-2024-12-07"))
    seconds, plan = timed(lambda: plan_agreement(frame, PRESETS["european"]))
    report("plan ukraine-2024-12-07 (whole plan)", int(plan.line_length_km), seconds, "line km")
    x, y, _, _ = frame.locate_along(np.linspace(0, frame.line_length_m, n))
    pts = np.column_stack([x, y])
    posts, r = plan.posts_xy, plan.params.range_m

    def loop() -> list[int]:  # what a straightforward script does: every point against every post
        return [int(np.sum(np.hypot(posts[:, 0] - px, posts[:, 1] - py) <= r))
                for px, py in pts[:LOOP_N]]

    t_loop, slow = timed(loop)
    t_vec, fast = timed(lambda: cover_counts(pts, posts, r), repeat=3)
    assert fast[:LOOP_N].tolist() == slow  # same answer
    report("coverage counts (cKDTree)", n, t_vec, "points", LOOP_N / t_loop, "per-point loop")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
