"""``fuse``: observations -> incidents, composed from the stages (validate -> compute -> assemble).

    localize -> gate -> score -> associate (end clusters) -> triangulate -> link ends -> count

Every stage only ever relates observations that are candidates of each other, so the result of a
connected component of the candidate graph depends on that component alone; the observations are
sorted by their key first, so the input order does not matter.  That is what makes
:func:`fuse_incremental` equal to the batch (see docs/fusion.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from truce.fusion.association import AssociationInput, Associator, mutual_best
from truce.fusion.counting import incident_counts
from truce.fusion.gating import candidate_pairs, gate, segments
from truce.fusion.lifecycle import (
    end_logodds,
    group_median,
    is_explosive,
    link_ends,
    rejoin_sources,
)
from truce.fusion.localize import Localized, localize
from truce.fusion.observations import (
    BURST,
    DETAILS,
    KINDS,
    SHOT,
    ObservationArrays,
    drop_told_twice,
    told_before,
)
from truce.fusion.params import FusionParams
from truce.fusion.placement import place_weak
from truce.fusion.scoring import score_pairs
from truce.fusion.triangulate import radius90, triangulate
from truce.geo.frame import AgreementFrame

END_LABELS: tuple[str, ...] = ("undetermined", "impact", "origin", "both")


@dataclass(frozen=True, eq=False)
class IncidentArrays:
    """Columnar incidents, sorted by start time then id.  ``members[indptr[k]:indptr[k+1]]`` are
    the indices (into :attr:`FusionResult.observations`) of incident ``k``'s observations."""

    id: np.ndarray  # object: "inc-" + 16 hex of the sha1 of the sorted observation keys
    t_start: np.ndarray
    t_end: np.ndarray
    day: np.ndarray  # local date ordinal it is reported under (first precise report's, else first vague one's)
    kind: np.ndarray  # object
    detail: np.ndarray  # object (None when none)
    count: np.ndarray  # int64
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    uncertainty_m: np.ndarray  # radius of the 90% region
    origin_lon: np.ndarray  # the other end, when both ends were linked; NaN otherwise
    origin_lat: np.ndarray
    end: np.ndarray  # object: which end the location is (END_LABELS)
    n_observations: np.ndarray
    n_observers: np.ndarray
    n_bearings: np.ndarray  # independent bearings (distinct observers) behind the location
    region: np.ndarray  # object
    indptr: np.ndarray
    members: np.ndarray

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True, eq=False)
class FusionResult:
    observations: ObservationArrays  # sorted by key
    incident_of: np.ndarray  # (n,) index into incidents
    cluster_of: np.ndarray  # (n,) end-cluster label
    component: np.ndarray  # (n,) independent part: a run of observations holding whole candidate-graph components
    incidents: IncidentArrays
    params: FusionParams = field(default_factory=FusionParams)

    def observation_ids(self, k: int) -> list[str]:
        """Incident ``k``'s observations as ``source_id/id`` keys (ids are unique per source)."""
        m = self.incidents.members[self.incidents.indptr[k]:self.incidents.indptr[k + 1]]
        return self.observations.key[m].tolist()


def canonical(obs: ObservationArrays) -> ObservationArrays:
    """The observations sorted by key (``source_id/id``)."""
    # a fixed-width array sorts in the same (code point) order as the Python strings, several
    # times faster than an object array; ASCII keys as bytes (the same order), faster still
    key = obs.key
    try:
        text = key.astype("S")
    except UnicodeEncodeError:
        text = key.astype(str)
    order = np.argsort(text, kind="stable")
    del text
    out = obs.take(order)
    out.__dict__["key"] = key[order]  # the cached key, sorted (no need to build the strings again)
    return out


def fuse(obs: ObservationArrays, frame: AgreementFrame, params: FusionParams | None = None,
         open_incidents: FusionResult | None = None, associator: Associator = mutual_best) -> FusionResult:
    """Fuse observations into incidents.

    With ``open_incidents`` (a previous result), the observations are new ones added to it: see
    :func:`fuse_incremental`.
    """
    params = params or FusionParams()
    if open_incidents is not None:
        return fuse_incremental(obs, open_incidents, frame, params, associator)
    return _fuse_sorted(canonical(obs), frame, params, associator)


def _fuse_sorted(obs_by_key: ObservationArrays, frame: AgreementFrame, params: FusionParams,
                 associator: Associator) -> FusionResult:
    # the stages run in time order (key order within one time): neighbours in time are
    # neighbours in memory, which keeps the per-block and per-pair work cache-local at 1M rows;
    # the order is still canonical, so the result does not depend on the input order
    tp = np.argsort(obs_by_key.t_start, kind="stable")
    back = np.empty_like(tp)
    back[tp] = np.arange(len(tp))
    obs = obs_by_key.take(tp)
    loc = localize(obs, frame.projection, params)
    src_by_key = _source_codes_by_key(obs_by_key)
    src = src_by_key[tp]
    cand = gate(loc.x, loc.y, obs.t_start, obs.t_end, obs.kind, params, None, None, src,
                (loc.cxx, loc.cxy, loc.cyy), with_components=False)
    sc = score_pairs(cand.i, cand.j, obs, loc, params, src, cand.d2, cand.same_source,
                     windows_checked=params.gate_time_tol_s <= params.same_end_time_tol_s)
    vague = (obs.t_end - obs.t_start) > params.vague_window_s
    se, cl = np.flatnonzero(sc.same_end), np.flatnonzero(sc.cannot_link)  # (take: faster than masks)
    # the candidate pairs are dropped as soon as their parts are copied out (one 22M-pair array
    # fewer at a time at 1M observations: less memory to page in)
    ci, cj, d2, (li, lj) = cand.i, cand.j, sc.d2, (cand.li, cand.lj)
    del cand, sc
    cl_i, cl_j = ci.take(cl), cj.take(cl)
    i = ci.take(se)
    del ci
    j = cj.take(se)
    del cj
    problem = AssociationInput(
        n=len(obs), i=i, j=j, cl_i=cl_i, cl_j=cl_j, x=loc.x, y=loc.y, cxx=loc.cxx, cxy=loc.cxy, cyy=loc.cyy,
        t0=np.where(vague, -np.inf, obs.t_start), t1=np.where(vague, np.inf, obs.t_end), kind=obs.kind,
        d2=d2.take(se))
    del se, cl, d2, i, j, cl_i, cl_j
    cluster = associator(problem, params)
    k = int(cluster.max(initial=-1)) + 1
    # independent parts for incremental fusion: runs of observations (in time order) that no
    # pair a decision follows leaves - same-end and end-link pairs (a cannot-link only matters
    # between clusters a same-end pair already connects).  Each run is a union of connected
    # components of that graph: reopening one is as exact as reopening a component, and costs a
    # scatter instead of a graph search over millions of pairs
    component = segments(len(obs), (problem.i, problem.j), (li, lj))
    mx, my, cxx, cxy, cyy = triangulate(cluster, k, loc, params)
    t0c = _fallback(group_median(cluster, np.where(vague, np.nan, obs.t_start), k),
                    group_median(cluster, obs.t_start, k))
    t1c = _fallback(group_median(cluster, np.where(vague, np.nan, obs.t_end), k),
                    group_median(cluster, obs.t_end, k))
    explosive = np.bincount(cluster, ~is_explosive(obs.kind), k) == 0
    mx, my, cxx, cxy, cyy = place_weak(cluster, obs, loc, src, mx, my, cxx, cxy, cyy, params)  # final locations
    side = frame.party_index(mx, my) if k else np.zeros(0, np.int8)
    logodds = end_logodds(cluster, k, obs.detail_code)
    inc_of_cluster = link_ends(cluster[li], cluster[lj], explosive, mx, my, t0c, t1c, side, logodds, params,
                               rejoin_sources(cluster, src, obs.detail_code, params.rejoin_stated_only),
                               lambda c: frame.nearest_on_line(mx[c], my[c])[3])
    loc = Localized(**{f.name: getattr(loc, f.name)[back] for f in dataclasses.fields(loc)})
    return _assemble(obs_by_key, loc, frame, params, cluster[back], inc_of_cluster, component[back],
                     mx, my, cxx, cxy, cyy, logodds, vague[back], src_by_key)


def source_codes(obs: ObservationArrays) -> np.ndarray:
    return np.unique(obs.source_id.astype(str), return_inverse=True)[1].ravel()


def _source_codes_by_key(obs_by_key: ObservationArrays) -> np.ndarray:
    """A code per source for observations sorted by key (``source_id/id``): one source's keys
    share the prefix ``source_id/``, so they are contiguous and a code is a run number.  (Codes
    are only ever compared for equality.)"""
    s = obs_by_key.source_id
    if not len(s):
        return np.zeros(0, np.int64)
    start = np.r_[True, s[1:] != s[:-1]]
    runs = s[start].tolist()
    if len(set(runs)) != len(runs):  # a source id with "/" in it can interleave: sort instead
        return source_codes(obs_by_key)
    return np.cumsum(start).astype(np.int64) - 1


def _fallback(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(a), a, b)


def _mode(group: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
    """Most frequent code per group (ties: the smallest code); -1 where a group has none."""
    out = np.full(k, -1, np.int64)
    if not len(group):
        return out
    code = code.astype(np.int64)
    m = int(code.max()) + 1
    key, cnt = _count_keys(group.astype(np.int64) * m + code)
    g, c = key // m, key % m
    order = np.lexsort((c, -cnt, g))
    g = g[order]
    head = np.r_[True, g[1:] != g[:-1]]
    out[g[head]] = c[order][head]
    return out


def _count_keys(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct integer keys (sorted) and how often each occurs."""
    key = np.sort(key)
    head = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return key[head], np.diff(np.r_[head, len(key)])


def _distinct(group: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
    if not len(group):
        return np.zeros(k, np.int64)
    m = int(code.max()) + 1
    key, _ = _count_keys(group.astype(np.int64) * m + code.astype(np.int64))
    return np.bincount(key // m, minlength=k)


def _text_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct texts (None as ""), sorted, and each value's index among them - as
    ``np.unique(..., return_inverse=True)`` gives, by a dict over the few distinct values."""
    lst = values.tolist()
    seen = {v: i for i, v in enumerate(dict.fromkeys(lst))}  # distinct values, first-seen order
    first = np.fromiter(map(seen.__getitem__, lst), np.int64, len(lst))
    text = ["" if v is None else str(v) for v in seen]
    uniq = sorted(set(text))
    rank = {t: r for r, t in enumerate(uniq)}
    remap = np.array([rank[t] for t in text], np.int64)
    return np.asarray(uniq, dtype=object), (remap[first] if len(first) else first)


def _code_of(codes: np.ndarray, text: str) -> int:
    """Index of ``text`` among the sorted distinct ``codes`` (-1 when absent)."""
    hit = np.flatnonzero(codes == text) if len(codes) else np.zeros(0, np.int64)
    return int(hit[0]) if len(hit) else -1


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct strings (None as "") and the code of each value."""
    text = np.array(["" if v is None else v for v in values.tolist()], dtype=object)
    uniq, inv = np.unique(text.astype(str), return_inverse=True)
    return uniq, inv.ravel()


def incident_id(sorted_keys: Sequence[str]) -> str:
    """An incident's id: ``"inc-"`` + 16 hex of the sha1 of its observations' ``source/id``
    keys in sorted order, one per line - the same observations always give the same id."""
    return "inc-" + hashlib.sha1("\n".join(sorted_keys).encode()).hexdigest()[:16]


def _assemble(obs: ObservationArrays, loc: Localized, frame: AgreementFrame, params: FusionParams,
              cluster: np.ndarray, inc_of_cluster: np.ndarray, component: np.ndarray, mx: np.ndarray,
              my: np.ndarray, cxx: np.ndarray, cxy: np.ndarray, cyy: np.ndarray,
              logodds: np.ndarray, vague: np.ndarray, src: np.ndarray | None = None) -> FusionResult:
    n = len(obs)
    k = len(mx)
    K = int(inc_of_cluster.max(initial=-1)) + 1
    incident = inc_of_cluster[cluster] if n else np.zeros(0, np.int64)
    # the location is the impact-most end (smallest origin log-odds), the other end the origin
    order = np.lexsort((np.arange(k), logodds, inc_of_cluster))
    head = np.r_[True, inc_of_cluster[order][1:] != inc_of_cluster[order][:-1]] if k else np.zeros(0, bool)
    primary = order[head]
    n_ends = np.bincount(inc_of_cluster, minlength=K)
    secondary = np.full(K, -1, np.int64)
    sec = order[~head]
    secondary[inc_of_cluster[sec]] = sec
    px, py = mx[primary], my[primary]
    lon, lat = frame.projection.to_lonlat(px, py)
    sx = np.where(secondary >= 0, mx[np.maximum(secondary, 0)] if k else 0.0, np.nan)
    sy = np.where(secondary >= 0, my[np.maximum(secondary, 0)] if k else 0.0, np.nan)
    olon, olat = frame.projection.to_lonlat(sx, sy)
    fire = np.bincount(incident, (obs.kind == BURST) | (obs.kind == SHOT), K) > 0
    lo = logodds[primary]
    sure = params.end_sure_logodds
    end_code = np.where(n_ends >= 2, 3, np.where(fire | (lo >= sure), 2, np.where(lo <= -sure, 1, 0)))
    # times: the reports' precise windows (vague ones only when there is nothing else)
    t0 = np.full(K, np.inf)
    np.minimum.at(t0, incident, np.where(vague, np.inf, obs.t_start))
    t0_all = np.full(K, np.inf)
    np.minimum.at(t0_all, incident, obs.t_start)
    t1 = np.full(K, -np.inf)
    np.maximum.at(t1, incident, np.where(vague, -np.inf, obs.t_end))
    t1_all = np.full(K, -np.inf)
    np.maximum.at(t1_all, incident, obs.t_end)
    t0, t1 = np.where(np.isfinite(t0), t0, t0_all), np.where(np.isfinite(t1), t1, t1_all)
    # members, in key order within each incident (the observations are sorted by key)
    members = np.argsort(incident, kind="stable")
    indptr = np.searchsorted(incident[members], np.arange(K + 1))
    # the day an incident is reported under: its first precise report's (a vague "overnight"
    # window starts the evening before the fire it reports), else its first vague report's
    day_row = np.lexsort((obs.t_start, vague, incident))
    dhead = np.r_[True, incident[day_row][1:] != incident[day_row][:-1]] if n else np.zeros(0, bool)
    day = obs.day[day_row[dhead]]
    src = source_codes(obs) if src is None else src
    in_primary = cluster == primary[incident] if n else np.zeros(0, bool)
    nb = _distinct(incident[in_primary & loc.has_bearing], src[in_primary & loc.has_bearing], K)
    kind_code = _mode(incident, obs.kind.astype(np.int64), K)
    kind = np.asarray(KINDS, dtype=object)[kind_code]
    kscale = np.array([params.count_scale_by_kind.get(k, 1.0) for k in KINDS])
    count = incident_counts(incident, cluster, src, obs.count, K, params.count_estimator,
                            params.count_scale * kscale[kind_code])
    # detail: the commonest stated detail of the location's end, "undetermined" only if nothing else
    det_codes, det = _text_codes(obs.detail)
    stated = det != _code_of(det_codes, "")
    informative = in_primary & stated & (det != _code_of(det_codes, DETAILS[0]))
    dm = _mode(incident[informative], det[informative], K)
    dm_any = _mode(incident[in_primary & stated], det[in_primary & stated], K)
    dm = np.where(dm >= 0, dm, dm_any)
    detail = np.where(dm >= 0, det_codes[np.maximum(dm, 0)] if len(det_codes) else None, None)
    reg_codes, reg = _text_codes(obs.region)
    named = reg != _code_of(reg_codes, "")
    rm = _mode(incident[named], reg[named], K)
    region = np.where(rm >= 0, reg_codes[np.maximum(rm, 0)] if len(reg_codes) else None, None)
    keys = obs.key[members].tolist()  # each incident's keys, in key order (the observations are)
    ids = np.array([incident_id(keys[a:b]) for a, b in zip(indptr[:-1].tolist(), indptr[1:].tolist())],
                   dtype=object)
    inc = IncidentArrays(
        id=ids, t_start=t0, t_end=t1, day=day, kind=kind, detail=detail, count=count.astype(np.int64),
        x=px, y=py, lon=lon, lat=lat, uncertainty_m=radius90(cxx[primary], cxy[primary], cyy[primary]),
        origin_lon=olon, origin_lat=olat, end=np.asarray(END_LABELS, dtype=object)[end_code],
        n_observations=np.diff(indptr), n_observers=_distinct(incident, src, K), n_bearings=nb,
        region=region, indptr=indptr, members=members)
    # canonical incident order: start time, then id
    perm = np.lexsort((ids.astype(str), t0))  # (fixed-width text: the same order, faster)
    return FusionResult(observations=obs, incident_of=np.argsort(perm)[incident], cluster_of=cluster,
                        component=component, incidents=_reorder(inc, perm), params=params)


def _reorder(inc: IncidentArrays, perm: np.ndarray) -> IncidentArrays:
    sizes = np.diff(inc.indptr)[perm]
    indptr = np.r_[0, np.cumsum(sizes)]
    within = np.arange(indptr[-1]) - np.repeat(indptr[:-1], sizes)
    members = inc.members[np.repeat(inc.indptr[:-1][perm], sizes) + within]
    cols = {f.name: getattr(inc, f.name)[perm] for f in dataclasses.fields(inc)
            if f.name not in ("indptr", "members")}
    return IncidentArrays(**cols, indptr=indptr, members=members)


def concat_incidents(parts: list[tuple[IncidentArrays, np.ndarray]]) -> IncidentArrays:
    """Concatenate incident tables whose members are re-indexed by the given maps."""
    cols = {f.name: np.concatenate([getattr(p, f.name) for p, _ in parts])
            for f in dataclasses.fields(IncidentArrays) if f.name not in ("indptr", "members")}
    members = np.concatenate([m[p.members] for p, m in parts])
    sizes = np.concatenate([np.diff(p.indptr) for p, _ in parts])
    return IncidentArrays(**cols, indptr=np.r_[0, np.cumsum(sizes)], members=members)


def fuse_incremental(new: ObservationArrays, previous: FusionResult, frame: AgreementFrame,
                     params: FusionParams | None = None, associator: Associator = mutual_best
                     ) -> FusionResult:
    """Add new observations to a previous result; equal to the batch over all observations.

    Only the candidate-graph components that the new observations touch are fused again: the new
    observations are gated against the previous ones whose windows reach them, the previous
    components they connect to are reopened, and those observations plus the new ones are fused
    as a batch.  Every other incident is kept as it was.  Observations already in ``previous``
    (same key) are ignored: ingest is idempotent.  A new record that tells an observation an old
    one already tells (``observations.content_key``: a form and its narrative) makes this a
    batch over all, which keeps the smaller id of the two, as ``from_records`` over all would.
    """
    params = params or previous.params
    old = previous.observations
    new = new.take(np.flatnonzero(~np.isin(new.key, old.key)))
    if not len(new):
        return previous
    if told_before(new, old):  # a new record tells what an old one tells: the batch decides
        # which of the two is fused (the smaller id), so fuse as the batch does (rare)
        return _fuse_sorted(canonical(drop_told_twice(ObservationArrays.concat([old, new]))),
                            frame, params, associator)
    t_min = new.t_start.min() - max(params.gate_time_tol_s, params.link_gate_time_s)
    near = np.flatnonzero(old.t_end >= t_min)
    sub = ObservationArrays.concat([old.take(near), new])
    loc = localize(sub, frame.projection, params)
    i, j = candidate_pairs(loc.x, loc.y, sub.t_start, sub.t_end, sub.kind, params, None, source_codes(sub),
                           (loc.cxx, loc.cxy, loc.cyy))
    m = len(near)
    touched = np.r_[i[(j >= m) & (i < m)], j[(i >= m) & (j < m)]]
    reopened = np.isin(previous.component, np.unique(previous.component[near[touched]]))
    refused = _fuse_sorted(canonical(ObservationArrays.concat([old.take(np.flatnonzero(reopened)), new])),
                           frame, params, associator)
    kept_inc = np.flatnonzero(np.bincount(previous.incident_of[reopened], minlength=len(previous.incidents)) == 0)
    # the combined table, in key order, and maps from each part's rows to it
    allobs = ObservationArrays.concat([old.take(np.flatnonzero(~reopened)), refused.observations])
    order = np.argsort(allobs.key, kind="stable")
    rank = np.argsort(order)
    keep_rows = np.flatnonzero(~reopened)
    old_map = np.full(len(old), -1, np.int64)
    old_map[keep_rows] = rank[:len(keep_rows)]
    new_map = rank[len(keep_rows):]
    prev_inc = previous.incidents
    kept = _reorder(prev_inc, kept_inc)
    inc = concat_incidents([(kept, old_map), (refused.incidents, new_map)])
    perm = np.lexsort((inc.id, inc.t_start))
    inc = _reorder(inc, perm)
    incident_of = np.empty(len(allobs), np.int64)
    incident_of[inc.members] = np.repeat(np.arange(len(inc)), np.diff(inc.indptr))
    comp_off = int(previous.component.max(initial=-1)) + 1
    component = np.r_[previous.component[keep_rows], refused.component + comp_off][order]
    cluster_off = int(previous.cluster_of.max(initial=-1)) + 1
    cluster = np.r_[previous.cluster_of[keep_rows], refused.cluster_of + cluster_off][order]
    return FusionResult(observations=allobs.take(order), incident_of=incident_of, cluster_of=cluster,
                        component=component, incidents=inc, params=params)
