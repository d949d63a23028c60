"""Analyst review: confirm, reject, merge and split incidents, correct observations - and the
reviewed state the reports read.

Reviews are append-only.  Each action is validated against the current reviewed state, then
stored as one ``reviews`` row (the canonical review record and its SHA-256) and one ledger entry
of kind ``review``; no incident or observation row is ever changed.  :func:`reviewed_state`
replays the reviews in ledger order over the current (non-superseded) incidents:

* ``confirm`` / ``reject`` set an incident's status (the last one counts);
* ``merge`` replaces its incidents by one incident of the union of their observations, and
  ``split`` one incident by one per group of its observations - both recomputed with fusion's
  own stages (:func:`truce.fusion.summarise.summarise`) and re-adjudicated;
* ``correct`` changes fields of one observation: fusion reads the corrected values at the next
  ``truce process`` (:func:`apply_corrections` in ``load_observations``), and until then an
  incident holding the observation is recomputed with them.

Reviews name incidents by id, which fusion derives from the incident's observations, so a
review survives re-processing whenever fusion reproduces the same incident.  A review whose
incident no longer exists is *orphaned*: it is kept (and listed), but changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from truce.errors import StorageError, ValidationError
from truce.ledger.chain import LedgerEntry, canonical, fold_digest, sha256_hex
from truce.service.ports import ReviewRow, UnitOfWork

#: observation fields an analyst may correct (DESIGN.md intake contract); ``id`` and ``source``
#: name the observation and cannot change
CORRECTABLE: tuple[str, ...] = (
    "count", "kind", "detail", "direction", "bearing_deg", "bearing_sigma_deg", "distance_km",
    "time", "observer", "location", "weapon", "heard_only", "region")
#: setting one way of giving a direction clears the other (the record would say both)
_EXCLUSIVE: dict[str, tuple[str, ...]] = {"direction": ("bearing_deg", "bearing_sigma_deg"),
                                          "bearing_deg": ("direction",)}


# ------------------------------------------------------------------------------------ the records

def review_row(record: Mapping[str, Any]) -> ReviewRow:
    """A review record as a row (``record_json`` its canonical JSON; the rest parsed from it)."""
    try:
        rid = str(record["id"])
        if not rid.startswith("rev-") or not rid[4:].isdigit():
            raise ValueError(f"review id {rid!r} is not rev-<ledger seq>")
        target = record["target"]
        rj = canonical(dict(record))
        reason = record.get("reason")
        return ReviewRow(target_table=str(target["table"]), target_key=str(target["key"]),
                         action=str(record["action"]), analyst=str(record["analyst"]),
                         reason=None if reason is None else str(reason),
                         content_hash=sha256_hex(rj), record_json=rj, ledger_seq=int(rid[4:]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"review record does not fit: {exc}",
                              where=str(record.get("id"))) from None


def observation_key(record: Mapping[str, Any]) -> str:
    """An observation record's ``source_id/id``."""
    return f"{record['source']['id']}/{record['id']}"


def apply_correction(record: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of an observation record with ``changes`` applied (``None`` removes a field)."""
    out = dict(record)
    for k, v in changes.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def observation_corrections(uow: UnitOfWork) -> dict[str, dict[str, Any]]:
    """``source/id -> the fields to change`` from every correction, later ones winning.
    Inside a ``with``."""
    out: dict[str, dict[str, Any]] = {}
    for r in uow.reviews.list(target_table="observations"):
        rec = json.loads(r.record_json)
        if rec.get("action") == "correct":
            out.setdefault(r.target_key, {}).update(rec.get("set") or {})
    return out


def apply_corrections(records: Iterable[Mapping[str, Any]],
                      corrections: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Observation records with the analysts' corrections applied (the others as they are)."""
    if not corrections:
        return records if isinstance(records, list) else list(records)  # type: ignore[return-value]
    out = []
    for r in records:
        try:
            fix = corrections.get(observation_key(r))
        except (KeyError, TypeError):
            fix = None
        out.append(apply_correction(r, fix) if fix else r)  # type: ignore[arg-type]
    return out


# -------------------------------------------------------------------------------- reviewed state

@dataclass(frozen=True)
class ReviewedState:
    """The record as reviewed (see the module docstring and docs/review.md).

    ``incidents``: incident records with ``date`` (local, ``YYYY-MM-DD``) and ``review``
    (``status``, ``by`` review ids; ``merged_from`` / ``split_from`` for recomputed ones),
    rejected ones included; ``violations``: the violation records of the non-rejected ones;
    ``reviews``: how many review entries were applied; ``orphaned``: the reviews that changed
    nothing because their incident no longer exists (``review``, ``action``, ``target``, ``why``).
    """

    incidents: list[dict[str, Any]]
    violations: list[dict[str, Any]]
    reviews: int
    orphaned: list[dict[str, Any]] = field(default_factory=list)

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        return next((i for i in self.incidents if i["id"] == incident_id), None)


@dataclass
class _Item:
    """One incident of the working state while the reviews are replayed."""

    id: str
    keys: tuple[str, ...]  # source/id, sorted
    record: dict[str, Any] | None  # the stored record; None: to recompute
    fusion_run: int | None  # None: made by a review
    start: float
    status: str = "unreviewed"
    by: list[str] = field(default_factory=list)
    origin: dict[str, Any] = field(default_factory=dict)  # merged_from / split_from
    content_hash: str | None = None  # of the stored row
    recomputed: bool = False


@dataclass
class _State:
    items: dict[str, _Item]
    gone: dict[str, str]  # incident id -> why it is no longer in the state (merged, split)
    orphaned: list[dict[str, Any]]
    applied: int
    corrections: dict[str, dict[str, Any]]
    correction_seq: dict[str, int]  # source/id -> seq of its last correction


def _split_key(key: str) -> tuple[str, str]:
    s, _, o = key.partition("/")
    return s, o


def _incident_id(keys: Iterable[str]) -> str:
    """Fusion's id rule (:func:`truce.fusion.pipeline.incident_id`) for a set of keys."""
    from truce.fusion.pipeline import incident_id

    return incident_id(sorted(keys))


def _replay(uow: UnitOfWork) -> _State:
    """The current incidents with the reviews applied, records not yet recomputed."""
    items: dict[str, _Item] = {}
    for r in uow.incidents.list():
        items[r.id] = _Item(r.id, tuple(sorted(f"{s}/{o}" for s, o in r.observation_keys)),
                            json.loads(r.record_json), r.fusion_run, r.start,
                            content_hash=r.content_hash)
    st = _State(items, {}, [], 0, {}, {})
    for rv in uow.reviews.list():
        rec = json.loads(rv.record_json)
        why = _apply(st, rv, rec)
        if why is None:
            st.applied += 1
        else:
            st.orphaned.append({"review": rv.id, "action": rv.action, "target": rv.target_key,
                                "analyst": rv.analyst, "why": why})
    # an incident fused before a correction of one of its observations is recomputed with it
    for it in st.items.values():
        if it.record is not None and it.fusion_run is not None and any(
                st.correction_seq.get(k, 0) > it.fusion_run for k in it.keys):
            it.record = None
    return st


def _missing(st: _State, iid: str) -> str:
    return st.gone.get(iid) or f"incident {iid} is not in the current record"


def _apply(st: _State, rv: ReviewRow, rec: Mapping[str, Any]) -> str | None:
    """Apply one review to the working state; the reason it is orphaned, or None."""
    a, rid = rv.action, rv.id
    if a == "correct":
        st.corrections.setdefault(rv.target_key, {}).update(rec.get("set") or {})
        st.correction_seq[rv.target_key] = rv.ledger_seq
        return None
    if a in ("confirm", "reject"):
        it = st.items.get(rv.target_key)
        if it is None:
            return _missing(st, rv.target_key)
        it.status = "confirmed" if a == "confirm" else "rejected"
        it.by.append(rid)
        return None
    if a == "merge":
        ids = list(rec.get("incidents") or [])
        absent = [i for i in ids if i not in st.items]
        if absent:
            return _missing(st, absent[0])
        keys = tuple(sorted({k for i in ids for k in st.items[i].keys}))
        start = min(st.items[i].start for i in ids)
        for i in ids:
            del st.items[i]
            st.gone[i] = f"incident {i} was merged into {_incident_id(keys)} by {rid}"
        new = _incident_id(keys)
        st.items[new] = _Item(new, keys, None, None, start, by=[rid],
                              origin={"merged_from": ids})
        st.gone.pop(new, None)
        return None
    if a == "split":
        it = st.items.get(rv.target_key)
        if it is None:
            return _missing(st, rv.target_key)
        groups = [tuple(sorted(g)) for g in rec.get("groups") or []]
        if sorted(k for g in groups for k in g) != list(it.keys):
            return f"incident {it.id} no longer holds the observations the split names"
        del st.items[it.id]
        parts = [_incident_id(g) for g in groups]
        st.gone[it.id] = f"incident {it.id} was split into {', '.join(parts)} by {rid}"
        for pid, g in zip(parts, groups, strict=True):
            st.items[pid] = _Item(pid, g, None, None, it.start, by=[rid],
                                  origin={"split_from": it.id})
            st.gone.pop(pid, None)
        return None
    return f"unknown review action {a!r}"


def _agreement_frame(uow: UnitOfWork) -> Any:
    """The record's agreement frame, inside an open unit of work (``process.stored_agreement``
    opens its own: units of work do not nest)."""
    from truce.geo.frame import AgreementFrame
    from truce.service.process import META_AGREEMENT, META_AGREEMENT_SOURCE, _load

    src = uow.meta.get(META_AGREEMENT_SOURCE) or uow.meta.get(META_AGREEMENT)
    if src is None:
        raise ValidationError("the record has not been processed yet (run `truce process`)")
    return AgreementFrame.from_agreement(_load(src))


def _observation_records(uow: UnitOfWork, keys: Iterable[str],
                         corrections: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for k in keys:
        row = uow.observations.get(*_split_key(k))
        if row is None:
            raise StorageError(f"an incident cites observation {k}, which is not in the record")
        out.append(json.loads(row.record_json))
    return apply_corrections(out, corrections)


def _recompute(uow: UnitOfWork, st: _State, todo: list[_Item]) -> dict[str, list[dict[str, Any]]]:
    """Recompute the records of ``todo`` from their (corrected) observations and re-adjudicate
    them; returns their violations by incident id."""
    if not todo:
        return {}
    from truce.adjudicate import adjudicate
    from truce.fusion.export import incident_records
    from truce.fusion.observations import SAME_OBSERVATION, ObservationArrays
    from truce.fusion.summarise import summarise

    frame = _agreement_frame(uow)
    recs: list[dict[str, Any]] = []
    kinds: dict[str, str] = {}
    for it in todo:
        obs_recs = _observation_records(uow, it.keys, st.corrections)
        obs, rejected = ObservationArrays.from_records(obs_recs, frame.agreement.zone)
        # a member that (after a correction) tells what another member tells is fused once
        rejected = [r for r in rejected if r.field != SAME_OBSERVATION]
        if rejected or len(obs) == 0:
            raise StorageError(f"incident {it.id}: observation {rejected[0].id if rejected else ''}"
                               f" cannot be fused ({rejected[0].reason if rejected else 'none'})")
        res = summarise(obs, frame)
        rec = next(iter(incident_records(res)))
        recs.append(rec)
        kinds.update(zip(res.observations.key.tolist(), res.observations.source_kind.tolist(),
                         strict=True))
    adj = adjudicate(recs, frame, observation_kinds=kinds)
    by_id = {r["id"]: r for r in adj.incidents}
    for it in todo:
        it.record = by_id[it.id]
        it.recomputed = True
    out: dict[str, list[dict[str, Any]]] = {}
    for v in adj.violations:
        out.setdefault(v["subject"]["id"], []).append(v)
    return out


def _state(uow: UnitOfWork, day: date | None = None) -> tuple[ReviewedState, _State]:
    """The reviewed state (inside a ``with``), and the working state behind it."""
    st = _replay(uow)
    items = sorted(st.items.values(), key=lambda i: (i.start, i.id))
    from truce.service.process import day_window, record_day

    if day is not None:  # candidates by start (process.day_window), then decided by date
        t0, t1 = day_window(day)
        items = [i for i in items if t0 <= i.start < t1]
    new_vio = _recompute(uow, st, [i for i in items if i.record is None])
    for it in items:  # a record written before incidents carried their date: its UTC date
        if it.record is not None:
            it.record["date"] = record_day(it.record)
    if day is not None:
        items = [i for i in items if i.record is not None and i.record["date"] == day.isoformat()]
    keep = {i.id for i in items if i.status != "rejected"}
    stored_ids = {i.id for i in items if i.id in keep and not i.recomputed}
    violations: list[dict[str, Any]] = []
    for v in uow.violations.list():
        if v.incident_id in stored_ids:
            violations.append(json.loads(v.record_json))
    for iid, vs in new_vio.items():
        if iid in keep:
            violations.extend(vs)
    violations.sort(key=lambda v: (v.get("date") or "", v.get("start") or "", v["id"]))
    incidents = []
    for it in items:
        assert it.record is not None
        rec = dict(it.record)
        rec["review"] = {"status": it.status, "by": list(it.by), **it.origin}
        incidents.append(rec)
    return ReviewedState(incidents, violations, st.applied, list(st.orphaned)), st


def reviewed_state(uow: UnitOfWork, day: date | None = None) -> ReviewedState:
    """The current incidents with every review applied, in ledger order (of local date ``day``
    when given), and the violations of the non-rejected ones.  Opens its own transaction."""
    with uow:
        return _state(uow, day)[0]


def review_history(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every review record, in ledger order.  Opens its own transaction."""
    with uow:
        return [json.loads(r.record_json) for r in uow.reviews.list()]


# -------------------------------------------------------------------------------------- actions

@dataclass(frozen=True)
class ReviewResult:
    """A stored review: its record, the ledger entry, and what it changed (one line each)."""

    review: dict[str, Any]
    ledger_entry: LedgerEntry
    changes: list[str]
    incidents: list[dict[str, Any]] = field(default_factory=list)  # incidents it made

    @property
    def head(self) -> str:
        return self.ledger_entry.entry_hash


def _who(analyst: str | None, reason: str | None) -> tuple[str, str]:
    a = (analyst or "").strip()
    r = (reason or "").strip()
    if not a:
        raise ValidationError("an analyst is required (--analyst or $TRUCE_ANALYST)",
                              field="--analyst")
    if not r:
        raise ValidationError("a reason is required (say why, e.g. --reason 'crater seen')",
                              field="--reason")
    return a, r


def _append(uow: UnitOfWork, body: dict[str, Any], now: datetime) -> tuple[dict[str, Any],
                                                                            LedgerEntry]:
    """Store one review (row + ledger entry) inside the caller's ``with``; commit."""
    if now.tzinfo is None:
        raise ValidationError("`now` must be timezone-aware (UTC)")
    seq = uow.ledger.next_seq()
    rec = {"id": f"rev-{seq}", **body, "created_at": now.isoformat()}
    row = review_row(rec)
    uow.reviews.add(row)
    payload = {"table": "reviews", "review": row.id, "action": row.action,
               "target": {"table": row.target_table, "key": row.target_key},
               "content_hash": row.content_hash, "digest": fold_digest([row.content_hash])}
    entry = uow.ledger.append("review", payload, now.isoformat())
    if entry.seq != seq:
        raise StorageError("the ledger moved while storing the review; nothing was written")
    uow.commit()
    return rec, entry


def _current(uow: UnitOfWork, st: _State, iid: str) -> _Item:
    """The incident ``iid`` of the reviewed state, or a ValidationError saying why not."""
    it = st.items.get(iid)
    if it is not None:
        return it
    if iid in st.gone:
        raise ValidationError(st.gone[iid] + "; review the incident that replaced it")
    old = [r for r in uow.incidents.list(include_superseded=True) if r.id == iid]
    if old:
        sup = max(old, key=lambda r: r.fusion_run)
        raise ValidationError(f"incident {iid} was superseded by the fusion run of ledger entry "
                              f"{sup.superseded_by}; review a current incident instead")
    raise ValidationError(f"unknown incident {iid} (`truce review list` shows the incidents)")


def _basis(it: _Item) -> dict[str, Any]:
    """What was reviewed: the stored incident row, or the review that made the incident."""
    if it.fusion_run is not None:
        return {"fusion_run": it.fusion_run, "content_hash": it.content_hash}
    return {"made_by": it.by[0] if it.by else None}


def _set_status(uow: UnitOfWork, action: str, incident_id: str, analyst: str | None,
                reason: str | None, now: datetime) -> ReviewResult:
    who, why = _who(analyst, reason)
    with uow:
        st = _replay(uow)
        it = _current(uow, st, incident_id)
        status = "confirmed" if action == "confirm" else "rejected"
        if it.status == status:
            raise ValidationError(f"incident {incident_id} is already {status} "
                                  f"({', '.join(it.by)})", field=incident_id)
        body = {"action": action, "target": {"table": "incidents", "key": incident_id},
                "analyst": who, "reason": why, "basis": _basis(it)}
        rec, entry = _append(uow, body, now)
    return ReviewResult(rec, entry, [f"incident {incident_id}: {it.status} -> {status}"])


def confirm(uow: UnitOfWork, incident_id: str, *, analyst: str | None, reason: str | None,
            now: datetime) -> ReviewResult:
    """Confirm an incident of the reviewed state (a new ``review`` entry)."""
    return _set_status(uow, "confirm", incident_id, analyst, reason, now)


def reject(uow: UnitOfWork, incident_id: str, *, analyst: str | None, reason: str | None,
           now: datetime) -> ReviewResult:
    """Reject an incident: it stays in the record, and reports leave it out of their counts."""
    return _set_status(uow, "reject", incident_id, analyst, reason, now)


def _made(uow: UnitOfWork, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The incidents a merge or split just made, as the reviewed state now has them."""
    st, _ = _state(uow)
    return [i for i in st.incidents if i["id"] in set(ids)]


def _usable(it: _Item, action: str) -> None:
    if it.status == "rejected":
        raise ValidationError(f"incident {it.id} was rejected ({', '.join(it.by)}); it cannot "
                              f"be {action}d", field=it.id)


def merge(uow: UnitOfWork, incident_ids: Sequence[str], *, analyst: str | None,
          reason: str | None, now: datetime) -> ReviewResult:
    """Merge incidents into one, recomputed from the union of their observations."""
    who, why = _who(analyst, reason)
    ids = list(dict.fromkeys(incident_ids))
    if len(ids) < 2:
        raise ValidationError("a merge needs at least two different incidents", field="incidents")
    with uow:
        st = _replay(uow)
        items = [_current(uow, st, i) for i in ids]
        for it in items:
            _usable(it, "merge")
        _mergeable(items)
        keys = sorted({k for it in items for k in it.keys})
        new = _incident_id(keys)
        body = {"action": "merge", "target": {"table": "incidents", "key": new},
                "analyst": who, "reason": why, "incidents": ids, "observation_ids": keys,
                "basis": {i.id: _basis(i) for i in items}}
        rec, entry = _append(uow, body, now)
        made = _made(uow, [new])
    what = f"incidents {', '.join(ids)} merged into {new} ({len(keys)} observations)"
    return ReviewResult(rec, entry, [what], made)


#: incidents starting further apart than this are not one episode (a merge is refused)
MERGE_MAX_HOURS = 6.0


def _mergeable(items: Sequence[_Item]) -> None:
    """Refuse merges that cannot be one episode: fire with weapon sightings, or incidents that
    start more than :data:`MERGE_MAX_HOURS` apart."""
    kinds = {str(it.record.get("kind")) for it in items if it.record}
    if "weapon" in kinds and len(kinds) > 1:
        raise ValidationError(
            "a weapon sighting cannot be merged with fire ("
            + ", ".join(f"{it.id}: {it.record.get('kind')}" for it in items if it.record)
            + "); reject the wrong one instead", field="incidents")
    starts = [it.start for it in items]
    span_h = (max(starts) - min(starts)) / 3600.0
    if span_h > MERGE_MAX_HOURS:
        raise ValidationError(
            f"these incidents start {span_h:,.1f} h apart; a merge joins reports of one episode "
            f"(at most {MERGE_MAX_HOURS:g} h apart)", field="incidents")


def split(uow: UnitOfWork, incident_id: str, groups: Sequence[Sequence[str]], *,
          analyst: str | None, reason: str | None, now: datetime) -> ReviewResult:
    """Split an incident: one new incident per group of its observations (``source/id`` keys);
    the observations no group names form one more."""
    who, why = _who(analyst, reason)
    with uow:
        st = _replay(uow)
        it = _current(uow, st, incident_id)
        _usable(it, "split")
        seen: set[str] = set()
        parts: list[list[str]] = []
        for g in groups:
            g = [k.strip() for k in g if k.strip()]
            if not g:
                raise ValidationError("a group names no observation", field="--group")
            for k in g:
                if k not in it.keys:
                    raise ValidationError(f"observation {k} is not in incident {incident_id} "
                                          f"(it holds {', '.join(it.keys)})", field="--group")
                if k in seen:
                    raise ValidationError(f"observation {k} is named in two groups",
                                          field="--group")
                seen.add(k)
            parts.append(sorted(g))
        rest = [k for k in it.keys if k not in seen]
        if rest:
            parts.append(rest)
        if len(parts) < 2:
            raise ValidationError(f"the groups leave incident {incident_id} whole; a split "
                                  f"needs at least two parts", field="--group")
        parts.sort()
        new = [_incident_id(p) for p in parts]
        body = {"action": "split", "target": {"table": "incidents", "key": incident_id},
                "analyst": who, "reason": why, "groups": parts, "incidents": new,
                "basis": _basis(it)}
        rec, entry = _append(uow, body, now)
        made = _made(uow, new)
    return ReviewResult(rec, entry, [f"incident {incident_id} split into {', '.join(new)}"],
                        made)


def correct(uow: UnitOfWork, observation: str, changes: Mapping[str, Any], *,
            analyst: str | None, reason: str | None, now: datetime) -> ReviewResult:
    """Correct fields of one observation (``source/id``); the stored record stays as it was
    submitted, and the next ``truce process`` fuses the corrected values."""
    from truce.fusion.observations import ObservationArrays

    who, why = _who(analyst, reason)
    if not changes:
        raise ValidationError("nothing to correct (give field=value)", field="--set")
    bad = [k for k in changes if k not in CORRECTABLE]
    if bad:
        raise ValidationError(f"{bad[0]} cannot be corrected; one of {', '.join(CORRECTABLE)}",
                              field="--set")
    src, _, oid = observation.partition("/")
    if not src or not oid:
        raise ValidationError(f"{observation!r} is not an observation: write SOURCE/ID as "
                              f"`truce review show INCIDENT` lists them, e.g. "
                              f"op-012/op-012-20241208-0003")
    with uow:
        row = uow.observations.get(src, oid)
        if row is None:
            raise ValidationError(f"unknown observation {observation} (`truce review show "
                                  f"INCIDENT` lists an incident's observations)")
        fixes = observation_corrections(uow).get(observation, {})
        before = apply_correction(json.loads(row.record_json), fixes)
        eff = dict(changes)
        for k in changes:
            for other in _EXCLUSIVE.get(k, ()):
                if other not in changes and before.get(other) is not None:
                    eff[other] = None
        after = apply_correction(before, eff)
        if after == before:
            raise ValidationError(f"observation {observation} already says that",
                                  field="--set")
        _, rejected = ObservationArrays.from_records([after])
        if rejected:
            f = rejected[0].field
            got = (f" (got {json.dumps(changes[f])})" if f in changes
                   and str(changes[f]) not in rejected[0].reason else "")
            raise ValidationError(rejected[0].reason + got, field=f"--set {f}" if f else "--set")
        body = {"action": "correct", "target": {"table": "observations", "key": observation},
                "analyst": who, "reason": why, "set": eff,
                "basis": {"ingest_batch": row.ingest_batch, "content_hash": row.content_hash}}
        rec, entry = _append(uow, body, now)
    lines = [f"observation {observation}: {k} {json.dumps(before.get(k))} -> "
             f"{json.dumps(after.get(k))}" for k in eff]
    lines.append("fused with the corrected values at the next `truce process`")
    return ReviewResult(rec, entry, lines)
