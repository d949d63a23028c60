"""The record's pipeline use cases: fuse the stored observations into incidents, export the
current incidents, and measure them against a simulator's ground truth.

Functions take a unit of work and values (no CLI, no clock): ``truce process``, ``truce export
incidents`` and ``truce evaluate`` are thin wrappers over them.

The record remembers the agreement it was first processed under (meta key ``agreement``: the
agreement's id; ``agreement_source``: the bundled name or directory it was loaded from) and
refuses to fuse it under another one: incidents of two agreements must not share a record.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import numpy as np

from truce.errors import ValidationError
from truce.service.incidents import FusionStored, incident_row, replace_run
from truce.service.ports import IncidentRow, UnitOfWork
from truce.service.violations import AdjudicationStored, add_violations, violation_row

DEFAULT_AGREEMENT = "ukraine-2024-12-07"
META_AGREEMENT = "agreement"
META_AGREEMENT_SOURCE = "agreement_source"
#: how many stored observations the last ``truce process`` read (fused or not), set on every run -
#: also one that found nothing new and wrote no ledger entry (the report's "unprocessed" count)
META_PROCESSED = "processed_observations"
FORMATS: tuple[str, ...] = ("jsonl", "geojson", "csv")
#: The CSV export's columns, in order (new columns are appended, never inserted: docs/fusion.md).
CSV_COLUMNS: tuple[str, ...] = (
    "id", "date", "start", "end", "kind", "detail", "count", "lat", "lon", "uncertainty_m",
    "region", "zone", "end_of_fire", "origin_lat", "origin_lon", "n_observations", "n_observers",
    "n_bearings", "observation_ids", "violations", "side_probability",
    "weapon_class", "weapon_type", "weapon_caliber_mm", "review", "review_by", "review_from")

_DUMPS = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


# --------------------------------------------------------------------------------------- agreement

@dataclass(frozen=True, slots=True)
class RecordAgreement:
    id: str  # the agreement's own id (what the record remembers)
    source: str  # the bundled name or directory it is loaded from
    agreement: Any  # truce.agreement.model.Agreement


def _load(name_or_dir: str) -> Any:
    from truce.agreement.loader import load_agreement

    return load_agreement(name_or_dir)


def record_agreement(uow: UnitOfWork, requested: str | None = None) -> RecordAgreement:
    """The agreement to fuse this record under: the one it was first processed under, else
    ``requested`` or the default.  A ``requested`` agreement other than the remembered one is
    refused (ValidationError, exit 2).  Reads only; :func:`process_record` remembers it."""
    with uow:
        stored_id = uow.meta.get(META_AGREEMENT)
        stored_src = uow.meta.get(META_AGREEMENT_SOURCE)
    if requested is None:
        src = stored_src or stored_id or DEFAULT_AGREEMENT
        agr = _load(src)
    else:
        src = str(requested)
        agr = _load(src)
    if stored_id is not None and agr.id != stored_id:
        raise ValidationError(
            f"this record was processed under agreement {stored_id!r}"
            f"{f' ({stored_src})' if stored_src and stored_src != stored_id else ''}, not "
            f"{agr.id!r}; one record holds one agreement's incidents - use another --db",
            field="--agreement")
    return RecordAgreement(id=agr.id, source=stored_src if requested is None and stored_src
                           else src, agreement=agr)


def stored_agreement(uow: UnitOfWork) -> RecordAgreement:
    """The agreement the record was processed under (ValidationError when never processed)."""
    with uow:
        stored_id = uow.meta.get(META_AGREEMENT)
        stored_src = uow.meta.get(META_AGREEMENT_SOURCE)
    if stored_id is None:
        raise ValidationError("the record has not been processed yet (run `truce process`)")
    return RecordAgreement(id=stored_id, source=stored_src or stored_id,
                           agreement=_load(stored_src or stored_id))


# ------------------------------------------------------------------------------------------ process

def load_observations(uow: UnitOfWork, zone: Any = None) -> tuple[Any, list[Any]]:
    """Every stored observation as ``ObservationArrays`` (and the records fusion rejected), with
    the analysts' corrections applied (the stored records stay as submitted; docs/review.md).
    ``zone``: the agreement's time zone, for the local dates (``Agreement.zone``)."""
    from truce.fusion.observations import ObservationArrays
    from truce.service.review import apply_corrections, observation_corrections

    with uow:
        records = [json.loads(r.record_json) for r in uow.observations.iterate()]
        corrections = observation_corrections(uow)
    return ObservationArrays.from_records(apply_corrections(records, corrections), zone)


@dataclass(frozen=True)
class ProcessResult:
    agreement: str
    observations: int
    not_fused: int  # stored observations not fused: unreadable, or told again (listed in ``rejected``)
    incidents: int
    by_kind: dict[str, int]
    stored: FusionStored
    rejected: list[Any] = field(default_factory=list)
    violations: int = 0  # violations stored by the adjudication step
    adjudication: Any = None  # truce.service.violations.AdjudicationStored (None: not run)
    unchanged: bool = False  # the record already held exactly these incidents and violations
    #: weapon classes of sightings that the agreement does not know: class -> observation keys
    #: (``source/id``).  They are kept and fused, but no withdrawal rule can judge them.
    unknown_weapon_classes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def head(self) -> str:
        if self.adjudication is not None:
            return self.adjudication.ledger_entry.entry_hash
        return self.stored.ledger_entry.entry_hash


def process_record(uow: UnitOfWork, *, now: datetime, agreement: str | None = None,
                   params: Any = None) -> ProcessResult:
    """Fuse every stored observation, adjudicate the incidents, and store them (one ``fusion``
    ledger entry) and their violations (one ``adjudication`` entry): they replace the current
    incidents and violations of the observations' time range (superseded, never deleted).
    Both are deterministic, so processing an unchanged record again gives the same rows."""
    from truce.fusion.pipeline import fuse
    from truce.geo.frame import AgreementFrame

    if now.tzinfo is None:
        raise ValidationError("`now` must be timezone-aware (UTC)")
    ra = record_agreement(uow, agreement)
    obs, rejected = load_observations(uow, ra.agreement.zone)
    if len(obs) == 0 and rejected:
        first = rejected[0]
        raise ValidationError(f"none of the record's {len(rejected):,} observations can be fused "
                              f"(e.g. {first.id}: {first.field}: {first.reason})")
    if len(obs) == 0:
        raise ValidationError("the record holds no observations to process (run `truce ingest`)")
    unknown = unknown_weapon_classes(obs, {w.id for w in ra.agreement.weapon_classes})
    frame = AgreementFrame.from_agreement(ra.agreement)
    res = fuse(obs, frame, params)
    adj = adjudicate_fusion(res, frame)
    records = adj.incidents
    t0 = float(np.floor(np.nanmin(obs.t_start)))
    t1 = float(np.floor(np.nanmax(np.maximum(obs.t_end, obs.t_start)))) + 1.0
    run = {"agreement": ra.id, "observations": len(obs), "not_fused": len(rejected)}
    read = str(len(obs) + len(rejected))
    start, end = datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t1, UTC)
    common = {"agreement": ra.id, "observations": len(obs), "not_fused": len(rejected),
              "incidents": len(records), "rejected": list(rejected),
              "by_kind": dict(sorted(Counter(r["kind"] for r in records).items())),
              "unknown_weapon_classes": unknown}
    # one transaction: the incidents, their violations and the agreement the record now holds
    # go in together or not at all
    with uow:
        if uow.meta.get(META_AGREEMENT) is not None and _same_as_stored(uow, records,
                                                                        adj.violations, t0, t1):
            # nothing new since the last run: write nothing (re-running must not grow the record)
            # but remember what was read (e.g. new records that were all copies of others)
            if uow.meta.get(META_PROCESSED) != read:
                uow.meta.set(META_PROCESSED, read)
                uow.commit()
            head = uow.ledger.head()
            return ProcessResult(**common, stored=FusionStored(0, 0, head),
                                 violations=len(adj.violations),
                                 adjudication=AdjudicationStored(0, 0, head), unchanged=True)
        _, superseded, fentry = replace_run(
            uow, table="incidents", kind="fusion",
            rows_for=lambda seq: (incident_row(r, seq) for r in records), t0=t0, t1=t1,
            now=now, run_info=run)
        vstored = add_violations(uow, adj.violations, start=start, end=end, now=now,
                                 run_info={"agreement": ra.id, "incidents": len(records),
                                           "rules": _rule_versions(ra.agreement)})
        if uow.meta.get(META_AGREEMENT) is None:
            uow.meta.set(META_AGREEMENT, ra.id)
            uow.meta.set(META_AGREEMENT_SOURCE, ra.source)
        uow.meta.set(META_PROCESSED, read)
        uow.commit()
    return ProcessResult(**common, stored=FusionStored(len(records), superseded, fentry),
                         violations=vstored.added, adjudication=vstored)


def unknown_weapon_classes(obs: Any, known: set[str]) -> dict[str, list[str]]:
    """The weapon classes named by sightings (``kind`` weapon) that are not in ``known`` (the
    agreement's), each with the keys of its observations, commonest class first."""
    from truce.fusion.observations import WEAPON

    out: dict[str, list[str]] = {}
    for i in np.flatnonzero(obs.kind == WEAPON).tolist():
        w = obs.weapon[i]
        c = w.get("class") if isinstance(w, dict) else None
        if c is not None and c not in known:
            out.setdefault(c, []).append(str(obs.key[i]))
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def _same_as_stored(uow: UnitOfWork, incidents: list[dict[str, Any]],
                    violations: list[dict[str, Any]], t0: float, t1: float) -> bool:
    """Whether the current incidents and violations starting in ``[t0, t1)`` are exactly these
    records (compared by content hash).  Inside an open unit of work."""
    stored_inc = Counter(r.content_hash for r in uow.incidents.list(t0, t1))
    if stored_inc != Counter(incident_row(r, 0).content_hash for r in incidents):
        return False
    stored_vio = Counter(r.content_hash for r in uow.violations.list(t0, t1))
    return stored_vio == Counter(violation_row(v, 0).content_hash for v in violations)


def adjudicate_fusion(res: Any, frame: Any) -> Any:
    """Adjudicate a fusion result's incident records (``truce.adjudicate.Adjudication``), with
    their observations' source kinds (the records carry their local dates)."""
    from truce.adjudicate import adjudicate
    from truce.fusion.export import incident_records

    kinds = dict(zip(res.observations.key.tolist(), res.observations.source_kind.tolist(),
                     strict=True))
    return adjudicate(list(incident_records(res)), frame, observation_kinds=kinds)


def _rule_versions(agreement: Any) -> dict[str, int]:
    return {r.id: int(r.version) for r in agreement.rules}


# ------------------------------------------------------------------------------------------- export

def record_day(rec: Mapping[str, Any]) -> str:
    """An incident record's local date (``date``; the UTC date of its start for a record written
    before incidents carried their date)."""
    return str(rec.get("date") or str(rec["start"])[:10])


#: an incident reported under a day may start this long before it: a vague-only incident is dated
#: by the end of its window ("overnight" starts the evening before; an undated sentence's window is
#: its whole day; a record's window may be longer).  Incidents whose window starts further back
#: are not found by a per-day query (docs/fusion.md)
MAX_LOOKBACK = timedelta(days=7)


def day_window(day: date) -> tuple[float, float]:
    """Start times (epoch s) of the incidents that may be reported under local date ``day``:
    every UTC offset is within 14 h of UTC (a day either side), and a window may start up to
    :data:`MAX_LOOKBACK` before the day it is reported under."""
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
    return (lo - MAX_LOOKBACK).timestamp(), (lo + timedelta(days=3)).timestamp()


def current_incidents(uow: UnitOfWork, day: date | None = None) -> Iterator[dict[str, Any]]:
    """The current (non-superseded) incident records, in start order; only those of local date
    ``day`` when given.  Opens its own read transaction for the duration of the iteration."""
    with uow:
        if day is None:
            rows = uow.incidents.list()
        else:  # candidates by start, then decided by the record's own date (below)
            lo, hi = day_window(day)
            rows = uow.incidents.list(lo, hi)
        for r in rows:
            rec = json.loads(r.record_json)
            if day is None or record_day(rec) == day.isoformat():
                yield rec


def _feature(rec: dict[str, Any]) -> dict[str, Any]:
    props = dict(rec)
    loc = props.pop("location")
    return {"type": "Feature", "id": rec["id"], "properties": props,
            "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}}


def _csv_row(rec: Mapping[str, Any]) -> list[Any]:
    loc = rec.get("location") or {}
    origin = rec.get("origin") or {}
    oids = rec.get("observation_ids") or []

    def j(v: Any) -> str:
        return _DUMPS(v) if v not in (None, {}, []) else ""

    weapon = rec.get("weapon") or {}
    review = rec.get("review") or {}
    vals = {"lat": loc.get("lat"), "lon": loc.get("lon"), "origin_lat": origin.get("lat"),
            "origin_lon": origin.get("lon"), "n_observations": len(oids),
            "observation_ids": " ".join(oids), "violations": j(rec.get("violations")),
            "side_probability": j(rec.get("side_probability")),
            "weapon_class": weapon.get("class"), "weapon_type": weapon.get("type"),
            "weapon_caliber_mm": weapon.get("caliber_mm"), "review": review.get("status"),
            "review_by": " ".join(review.get("by") or []),
            "review_from": " ".join(review.get("merged_from") or review.get("split_from") or [])}
    out = []
    for c in CSV_COLUMNS:
        v = vals[c] if c in vals else rec.get(c)
        out.append("" if v is None else v)
    return out


def write_incidents(records: Iterable[Mapping[str, Any]], fmt: str, fh: IO[str]) -> int:
    """Write incident records as ``jsonl`` (the export records, one per line), ``geojson`` (a
    FeatureCollection of points, properties the record) or ``csv`` (flat columns,
    :data:`CSV_COLUMNS`; ``observation_ids`` space-separated, nested fields as JSON).  Streams:
    one record at a time.  Returns the number written."""
    if fmt not in FORMATS:
        raise ValidationError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}",
                              field="--format")
    n = 0
    if fmt == "jsonl":
        for rec in records:
            fh.write(_DUMPS(rec) + "\n")
            n += 1
    elif fmt == "geojson":
        fh.write('{"type":"FeatureCollection","features":[')
        for rec in records:
            fh.write(("," if n else "") + "\n" + _DUMPS(_feature(dict(rec))))
            n += 1
        fh.write("\n]}\n")
    else:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for rec in records:
            w.writerow(_csv_row(rec))
            n += 1
    return n


def reviewed_incidents(uow: UnitOfWork, day: date | None = None, *,
                       include_rejected: bool = False) -> Iterator[dict[str, Any]]:
    """The incidents as the report reads them (:func:`truce.service.review.reviewed_state`):
    merged and split incidents as reviewed, corrections applied, each with its ``review``
    (``status``, ``by``, ``merged_from`` | ``split_from``); incidents reviewed as rejected left
    out unless ``include_rejected``.  In start order; only those of local date ``day`` when
    given."""
    from truce.service.review import reviewed_state

    for rec in reviewed_state(uow, day).incidents:
        if include_rejected or (rec.get("review") or {}).get("status") != "rejected":
            yield rec


def export_incidents(uow: UnitOfWork, fmt: str, fh: IO[str], day: date | None = None, *,
                     raw: bool = False, include_rejected: bool = False) -> int:
    """The incidents (of local date ``day``) written to ``fh`` in ``fmt``: the reviewed
    incidents (:func:`reviewed_incidents`, what the report counts), or with ``raw`` the current
    fusion output without any review (no ``review`` field)."""
    if raw:
        return write_incidents(current_incidents(uow, day), fmt, fh)
    return write_incidents(reviewed_incidents(uow, day, include_rejected=include_rejected),
                           fmt, fh)


# ----------------------------------------------------------------------------------------- evaluate

def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    out = []
    try:
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        out.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise ValidationError(f"line {i}: malformed JSON ({exc.msg})",
                                              where=str(path)) from None
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror}") from None
    return out


def stored_incident_arrays(rows: list[IncidentRow], obs: Any, frame: Any) -> Any:
    """Stored incidents as fusion's ``IncidentArrays`` (members index ``obs``), for scoring."""
    from truce.fusion.pipeline import IncidentArrays

    recs = [json.loads(r.record_json) for r in rows]
    keys = obs.key  # a computed property: once, not once per incident
    index = {k: i for i, k in enumerate(keys.tolist())}
    members: list[int] = []
    indptr = [0]
    day = []
    for r, rec in zip(rows, recs, strict=True):
        m = [index[f"{s}/{o}"] for s, o in r.observation_keys if f"{s}/{o}" in index]
        members.extend(m)
        indptr.append(len(members))
        if isinstance(rec_date := rec.get("date"), str):
            day.append(date.fromisoformat(rec_date).toordinal())  # the day fusion reported it under
        elif m:
            mi = np.asarray(m)
            first = mi[np.lexsort((keys[mi].astype(str), obs.t_start[mi]))[0]]
            day.append(int(obs.day[first]))
        else:
            day.append(datetime.fromtimestamp(r.start, UTC).date().toordinal())
    lon = np.array([r.lon for r in rows], float)
    lat = np.array([r.lat for r in rows], float)
    x, y = frame.projection.to_xy(lon, lat) if rows else (np.zeros(0), np.zeros(0))

    def origin(rec: Mapping[str, Any], k: str) -> float:
        o = rec.get("origin")
        return float(o[k]) if isinstance(o, Mapping) else float("nan")

    return IncidentArrays(
        id=np.array([r.id for r in rows], object),
        t_start=np.array([r.start for r in rows], float),
        t_end=np.array([r.end for r in rows], float),
        day=np.array(day, np.int64), kind=np.array([r.kind for r in rows], object),
        detail=np.array([r.detail for r in rows], object),
        count=np.array([r.count for r in rows], np.int64), x=np.asarray(x, float),
        y=np.asarray(y, float), lon=lon, lat=lat,
        uncertainty_m=np.array([r.uncertainty_m for r in rows], float),
        origin_lon=np.array([origin(c, "lon") for c in recs], float),
        origin_lat=np.array([origin(c, "lat") for c in recs], float),
        end=np.array([c.get("end_of_fire") for c in recs], object),
        n_observations=np.diff(np.asarray(indptr, np.int64)),
        n_observers=np.array([int(c.get("n_observers") or 0) for c in recs], np.int64),
        n_bearings=np.array([int(c.get("n_bearings") or 0) for c in recs], np.int64),
        region=np.array([c.get("region") for c in recs], object),
        indptr=np.asarray(indptr, np.int64), members=np.asarray(members, np.int64))


@dataclass(frozen=True)
class Evaluation:
    agreement: str
    quality: Any  # truce.evaluate.metrics.Quality
    observations: int
    incidents: int
    truth: int
    observed_from: str  # the links file, or why every episode counts as observed
    text: str


def evaluate_record(uow: UnitOfWork, truth_path: str | Path, links_path: str | Path | None = None,
                    *, regions: str = "gazetteer") -> Evaluation:
    """Match the stored current incidents against a simulator's ``truth.jsonl`` and compute the
    DESIGN metrics beside the naive tally of the stored observations.

    ``links_path`` (``truth_links.jsonl``; default: the one beside ``truth_path`` if present)
    gives the episodes some observation perceived (recall over observed episodes); without it
    every episode counts as observed.  ``regions``: ``"gazetteer"`` puts an incident in the
    region of its nearest starter-gazetteer settlement (the truth's rule), ``"stored"`` uses the
    incidents' own region."""
    from truce.evaluate.match import TruthArrays
    from truce.evaluate.metrics import evaluate
    from truce.evaluate.report import format_quality
    from truce.geo.frame import AgreementFrame

    ra = stored_agreement(uow)
    frame = AgreementFrame.from_agreement(ra.agreement)
    truth_recs = read_jsonl(truth_path)
    try:
        truth = TruthArrays.from_records(truth_recs, frame.projection, ra.agreement.zone)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"not simulator ground truth (truth.jsonl): {exc}",
                              where=str(truth_path)) from None
    if links_path is None:
        sib = Path(truth_path).with_name("truth_links.jsonl")
        links_path = sib if sib.is_file() else None
    if links_path is not None:
        observed = {r["episode_id"] for r in read_jsonl(links_path) if r.get("episode_id")}
        observed_from = str(links_path)
    else:
        observed = set(truth.id.tolist())
        observed_from = "no truth_links.jsonl: every episode counts as observed"
    obs, _ = load_observations(uow, ra.agreement.zone)
    with uow:
        rows = uow.incidents.list()
    inc = stored_incident_arrays(rows, obs, frame)
    if regions not in ("gazetteer", "stored"):
        raise ValidationError("must be gazetteer or stored", field="--regions")
    from truce.adjudicate.regions import gazetteer_regions

    region_of = gazetteer_regions(frame) if regions == "gazetteer" else None
    q = evaluate(inc, obs, truth, observed, region_of, projection=frame.projection)
    head = (f"== {ra.id}: {len(obs):,} observations, {len(rows):,} stored incidents, "
            f"{q.n_truth:,} episodes ({q.n_observed:,} observed; {observed_from})")
    text = head + "\n" + format_quality("truce (stored incidents)", q)
    return Evaluation(agreement=ra.id, quality=q, observations=len(obs), incidents=len(rows),
                      truth=len(truth_recs), observed_from=observed_from, text=text)
