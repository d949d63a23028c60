"""Why incidents and episodes disagree, from the simulator's truth links (evaluation only: fusion
never sees them).

    python -m truce.evaluate.diagnose --intensity typical --seed 11

For every observed episode: into how many incidents its reports went, and for each extra piece
why (same end split, or the two ends not linked), with the candidate/score state of the pairs;
for every incident: how many episodes (and false reports) it holds; count bias per kind and
estimator on matched incidents.
"""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np

from truce.evaluate.run import SimCase, sim_case
from truce.fusion.params import FusionParams
from truce.fusion.pipeline import FusionResult, fuse


def truth_labels(case: SimCase, res: FusionResult) -> tuple[np.ndarray, np.ndarray]:
    """Per fused observation: episode index (-1 false report) and end (0 none, 1 impact, 2 origin)."""
    keys = res.observations.key.tolist()
    ep_ids: dict[str, int] = {}
    ep = np.full(len(keys), -1, np.int64)
    end = np.zeros(len(keys), np.int8)
    for n, k in enumerate(keys):
        e, en = case.links[k]
        if e is not None:
            ep[n] = ep_ids.setdefault(e, len(ep_ids))
        end[n] = {None: 0, "impact": 1, "origin": 2}[en]
    return ep, end


def diagnose(case: SimCase, params: FusionParams | None = None) -> None:
    params = params or FusionParams()
    res = fuse(case.obs, case.frame, params)
    ep, end = truth_labels(case, res)
    inc = res.incident_of
    cl = res.cluster_of
    real = ep >= 0
    # episodes: pieces
    pieces = Counter()
    n_split_end = n_unlinked = 0
    eps = np.unique(ep[real])
    for e in eps:
        m = ep == e
        incs = np.unique(inc[m])
        pieces[min(len(incs), 4)] += 1
        if len(incs) > 1:
            for en in (1, 2):
                mm = m & (end == en)
                if len(np.unique(cl[mm])) > 1:
                    n_split_end += 1
            if ((m & (end == 1)).any() and (m & (end == 2)).any()
                    and len(np.intersect1d(inc[m & (end == 1)], inc[m & (end == 2)])) == 0):
                n_unlinked += 1
    print(f"observed episodes {len(eps):,}: incidents per episode {dict(sorted(pieces.items()))} (4 = 4+)")
    print(f"  split episodes with a split same end (end-episode count): {n_split_end:,}; "
          f"with both ends seen but never linked: {n_unlinked:,}")
    # incidents: how many episodes / false reports
    K = len(res.incidents)
    mix = Counter()
    for k in range(K):
        mem = res.incidents.members[res.incidents.indptr[k]:res.incidents.indptr[k + 1]]
        e = np.unique(ep[mem][ep[mem] >= 0])
        mix[(min(len(e), 3), bool((ep[mem] < 0).any()))] += 1
    print(f"incidents {K:,} by (episodes 3=3+, holds false reports): {dict(sorted(mix.items()))}")
    # pairs of one end of one episode: why not clustered together
    from truce.fusion.gating import block_kdtree_pairs
    from truce.fusion.localize import localize
    from truce.fusion.scoring import score_pairs
    obs = res.observations
    loc = localize(obs, case.frame.projection, params)
    i, j = block_kdtree_pairs(loc.x, loc.y, obs.t_start, obs.t_end, obs.kind, params)
    sc = score_pairs(i, j, obs, loc, params)
    same = (ep[i] == ep[j]) & (ep[i] >= 0) & (end[i] == end[j])
    n_true = 0
    for e in eps:
        for en in (0, 1, 2):
            c = int(((ep == e) & (end == en)).sum())
            n_true += c * (c - 1) // 2
    print(f"true same-end pairs {n_true:,}; candidates {int(same.sum()):,}; pass gate d2 "
          f"{int((same & (sc.d2 <= params.same_end_gate)).sum()):,}; same_end {int((same & sc.same_end).sum()):,}; "
          f"cannot-link {int((same & sc.cannot_link).sum()):,}; in one cluster {int((same & (cl[i] == cl[j])).sum()):,}")
    gap = np.maximum(obs.t_start[i], obs.t_start[j]) - np.minimum(obs.t_end[i], obs.t_end[j])
    print(f"  true same-end candidates failing time gap: {int((same & (gap > params.same_end_time_tol_s)).sum()):,}; "
          f"failing d2: {int((same & (sc.d2 > params.same_end_gate)).sum()):,}")
    d = np.hypot(loc.x[i] - loc.x[j], loc.y[i] - loc.y[j])
    print("  true same-end pair distance pct 50/90/99/max m:", np.percentile(d[same], [50, 90, 99, 100]).round())
    lam = _lmax(loc)
    rho = np.sqrt(params.same_end_gate * lam)
    print("  distance / (rho_i + rho_j) for true same-end pairs pct 50/99/max:",
          np.percentile(d[same] / (rho[i] + rho[j])[same], [50, 99, 100]).round(3))
    other = (ep[i] == ep[j]) & (ep[i] >= 0) & (end[i] != end[j]) & (end[i] > 0) & (end[j] > 0)
    print(f"cross-end pairs among candidates {int(other.sum()):,}; linked {int((other & (inc[i] == inc[j])).sum()):,}")
    dt0 = np.abs(obs.t_start[i] - obs.t_start[j])
    dt1 = np.abs(obs.t_end[i] - obs.t_end[j])
    print("  cross-end |dt0| / |dt1| pct 50/90/99 s:", np.percentile(dt0[other], [50, 90, 99]).round(),
          np.percentile(dt1[other], [50, 90, 99]).round(), " dist pct 50/99/max",
          np.percentile(d[other], [50, 99, 100]).round())
    # count per kind
    from truce.evaluate.metrics import evaluate
    q = evaluate(res.incidents, obs, case.truth, case.observed, case.region_of, projection=case.frame.projection)
    print(f"F1 {q.f1:.3f} P {q.precision:.3f} R {q.recall_observed:.3f}; count bias {q.count_bias:+.3f}")


def oracle_quality(case: SimCase, params: FusionParams | None = None):
    """The ceiling of association: the observations grouped by the truth (one end cluster per
    episode end, both ends one incident; false reports alone), then located, counted and scored
    exactly as fusion does.  What this misses is lost to localisation (no grouping of these
    reports puts the episode within 2 km), to false reports and to counting - not to association.
    Evaluation only (it reads the truth links)."""
    from truce.evaluate.metrics import evaluate
    from truce.fusion.localize import localize
    from truce.fusion.pipeline import _assemble, canonical, source_codes
    from truce.fusion.placement import place_weak
    from truce.fusion.triangulate import triangulate

    params = params or FusionParams()
    obs = canonical(case.obs)
    res = fuse(obs, case.frame, params)
    ep, end = truth_labels(case, res)
    obs = res.observations
    loc = localize(obs, case.frame.projection, params)
    n = len(obs)
    key = np.where(ep >= 0, ep * 3 + end, -1 - np.arange(n))
    _, cl = np.unique(key, return_inverse=True)
    cl = cl.ravel()
    k = int(cl.max()) + 1
    mx, my, cxx, cxy, cyy = triangulate(cl, k, loc, params)
    mx, my, cxx, cxy, cyy = place_weak(cl, obs, loc, source_codes(obs), mx, my, cxx, cxy, cyy, params)
    cl_ep = np.zeros(k, np.int64)
    cl_ep[cl] = np.where(ep >= 0, ep, -1 - np.arange(n))
    _, inc = np.unique(cl_ep, return_inverse=True)
    cl_end = np.zeros(k)
    cl_end[cl] = end
    lo = np.where(cl_end == 2, 5.0, np.where(cl_end == 1, -5.0, 0.0))  # the true end, as known
    r = _assemble(obs, loc, case.frame, params, cl, inc.ravel(), cl, mx, my, cxx, cxy, cyy, lo,
                  (obs.t_end - obs.t_start) > params.vague_window_s)
    return evaluate(r.incidents, r.observations, case.truth, case.observed, case.region_of,
                    projection=case.frame.projection)


def one_episode_counts(case: SimCase, res: FusionResult) -> list[tuple[str, float, float]]:
    """``(kind, fused count, true count)`` of every fire incident whose reports are all of one
    episode (no false report): what the count estimator is judged on (evaluation only)."""
    ids = {e: n for n, e in enumerate(case.truth.id.tolist())}
    row = np.array([ids[e] if e is not None else -1
                    for e, _ in (case.links[k] for k in res.observations.key.tolist())], np.int64)
    inc = res.incidents
    out = []
    for k in range(len(inc)):
        if inc.kind[k] == "weapon":
            continue
        r = np.unique(row[inc.members[inc.indptr[k]:inc.indptr[k + 1]]])
        if len(r) == 1 and r[0] >= 0:
            out.append((str(inc.kind[k]), float(inc.count[k]), float(case.truth.count[r[0]])))
    return out


def _lmax(loc) -> np.ndarray:
    tr = 0.5 * (loc.cxx + loc.cyy)
    return tr + np.sqrt(np.maximum(tr * tr - (loc.cxx * loc.cyy - loc.cxy**2), 0.0))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agreement", default="ukraine-2024-12-07")
    ap.add_argument("--intensity", default="typical")
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args(argv)
    case = sim_case(a.agreement, a.intensity, a.seed)
    diagnose(case)
    q = oracle_quality(case)
    print(f"oracle association (truth grouping, fusion's location and count): F1 {q.f1:.3f} "
          f"P {q.precision:.3f} R {q.recall_observed:.3f}")


if __name__ == "__main__":
    main()
