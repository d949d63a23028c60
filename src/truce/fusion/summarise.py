"""``summarise``: a given set of observations as one incident, by fusion's own stages.

An analyst's review can say that observations fusion kept apart are one physical episode
(merge), or that observations it joined are several (split).  The incident a reviewed membership
makes is computed here exactly as fusion computes any incident - localization, least-squares
location and covariance, the per-observer count, kind and detail votes, the id rule
(``"inc-"`` + sha1 of the sorted observation keys) - only the grouping is given, not inferred.

When fusion run on the given observations alone makes them one incident, that incident is the
answer (so an incident recomputed with its own membership is what fusion gave).  Otherwise the
analyst has overruled fusion, and the grouping into end clusters is the one rule fusion cannot
supply: for an explosive set (explosions, projectiles) the reports stated as ``outgoing`` locate
the origin end and all the others the impact end; any other set is one cluster.  The location is the impact end
(the origin is exported as ``origin``), as for fused incidents.
"""

from __future__ import annotations

import numpy as np

from truce.fusion.association import mutual_best
from truce.fusion.lifecycle import end_logodds, is_explosive
from truce.fusion.localize import localize
from truce.fusion.observations import OUTGOING, ObservationArrays
from truce.fusion.params import FusionParams
from truce.fusion.pipeline import FusionResult, _assemble, _fuse_sorted, canonical
from truce.fusion.triangulate import triangulate
from truce.geo.frame import AgreementFrame


def summarise(obs: ObservationArrays, frame: AgreementFrame,
              params: FusionParams | None = None) -> FusionResult:
    """All of ``obs`` as one incident.

    Parameters
    ----------
    obs
        The incident's observations (at least one; any order).
    frame
        The agreement frame (projection, parties' areas).
    params
        Fusion parameters (default ``FusionParams()``).

    Returns
    -------
    FusionResult
        A result holding exactly one incident whose members are all of ``obs``; export it with
        :func:`truce.fusion.export.incident_records`.
    """
    if len(obs) == 0:
        raise ValueError("summarise needs at least one observation")
    params = params or FusionParams()
    obs = canonical(obs)
    fused = _fuse_sorted(obs, frame, params, mutual_best)
    if len(fused.incidents) == 1:  # fusion itself makes them one: its answer, unchanged
        return fused
    n = len(obs)
    loc = localize(obs, frame.projection, params)
    outgoing = obs.detail_code == OUTGOING
    two_ends = bool(is_explosive(obs.kind).all() and outgoing.any() and (~outgoing).any())
    cluster = outgoing.astype(np.int64) if two_ends else np.zeros(n, np.int64)
    k = 2 if two_ends else 1
    mx, my, cxx, cxy, cyy = triangulate(cluster, k, loc, params)
    logodds = end_logodds(cluster, k, obs.detail_code)
    vague = (obs.t_end - obs.t_start) > params.vague_window_s
    return _assemble(obs, loc, frame, params, cluster, np.zeros(k, np.int64),
                     np.zeros(n, np.int64), mx, my, cxx, cxy, cyy, logodds, vague)
