"""The daily report use case: read the reviewed record, build the report's model, render and
write it, and record its issue in the ledger.

``truce report`` is a thin wrapper over :func:`write_report`.  The model (:func:`build_report`)
depends only on the record's content, never on the clock: the same record gives byte-identical
Markdown and JSON.  It names the record by its *content head*: the last ledger entry that is not
a ``report`` entry (issuing a report appends one, which changes no figure).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from truce.errors import ValidationError
from truce.ledger.chain import canonical, sha256_hex
from truce.reports.daily.model import unprocessed_note  # (the report's and the CLI's wording)
from truce.service.ports import UnitOfWork

FORMATS: tuple[str, ...] = ("md", "html", "json")
REPORT_KIND = "report"


# ------------------------------------------------------------------------------ reading the record

@dataclass(frozen=True)
class ContentHead:
    """The last ledger entry that is not a report: what a report's figures are built from."""

    seq: int
    entry_hash: str
    entries: int  # ledger entries up to and including it


def content_head(uow: UnitOfWork) -> ContentHead:
    """The record's content head (ValidationError for an empty ledger)."""
    with uow:
        last = None
        for e in uow.ledger.iterate():
            if e.kind != REPORT_KIND:
                last = e
    if last is None:
        raise ValidationError("the record is empty (run `truce ingest` and `truce process`)")
    return ContentHead(seq=last.seq, entry_hash=last.entry_hash, entries=last.seq + 1)


def record_days(incidents: Sequence[Mapping[str, Any]]) -> tuple[date, date] | None:
    """The first and last local date holding a (non-rejected) incident."""
    days = sorted({str(r["date"]) for r in incidents
                   if (r.get("review") or {}).get("status") != "rejected"})
    if not days:
        return None
    return date.fromisoformat(days[0]), date.fromisoformat(days[-1])


def unprocessed_observations(uow: UnitOfWork) -> int:
    """Observations ingested after the last processing (``truce process``): stored, but in no
    incident the report reads.  The last ``fusion`` ledger entry names how many observations it
    read (fused and not), or - newer - the record's meta ``processed_observations``, set by every
    run (also one that wrote nothing); 0 when the record was never processed."""
    from truce.service.process import META_PROCESSED

    with uow:
        seen_meta = uow.meta.get(META_PROCESSED)
        if seen_meta is not None:
            return max(uow.observations.count() - int(seen_meta), 0)
        last = None
        for e in uow.ledger.iterate():
            if e.kind == "fusion":
                last = e
        if last is None:
            return 0
        run = (last.payload or {}).get("run") or {}
        seen = int(run.get("observations", 0)) + int(run.get("not_fused", 0))
        return max(uow.observations.count() - seen, 0)


# --------------------------------------------------------------------------------------- alerts

def alert_tests(day: date, first_day: date | None, effective: date) -> dict[str, dict[str, Any]]:
    """Whether the escalation and build-up tests can run on ``day``: each needs days of history
    before it (``min_history`` of :class:`~truce.alerts.escalation.EscalationParams`), counted
    from the record's first day and the agreement's effective date, whichever is later."""
    from truce.alerts.buildup import BuildupParams
    from truce.alerts.escalation import EscalationParams

    start = max(first_day or effective, effective)
    out: dict[str, dict[str, Any]] = {}
    for name, p in (("escalation", EscalationParams()), ("buildup", BuildupParams().day)):
        have = max(min((day - start).days, p.window), 0)
        test: dict[str, Any] = {"run": have >= p.min_history, "history_days": have,
                                "needed": p.min_history}
        if day < effective:
            test["reason"] = f"the agreement takes effect on {effective.isoformat()}"
        elif not test["run"]:
            test["reason"] = (f"it needs {p.min_history} days of history before the reporting "
                              f"period; {have} available (since {start.isoformat()})")
        out[name] = test
    return out


def compute_alerts(violations: Sequence[Mapping[str, Any]], day: date, *,
                   first_day: date | None = None, history_days: int = 60,
                   party_names: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Escalation alerts over the daily ceasefire violations per region, and build-up alerts
    over the weapon violations, of the ``history_days`` up to ``day`` (:mod:`truce.alerts`, on
    the same counts their thresholds were measured on).  Days before ``first_day`` (the record's
    first) are not history: they were not monitored, so they are not quiet days either."""
    from truce.alerts import buildup_alerts, daily_counts, escalation_alerts
    from truce.reports.daily.model import NO_REGION

    days = [day - timedelta(days=k) for k in range(history_days - 1, -1, -1)]
    days = [d for d in days if first_day is None or d >= first_day]
    if not days:
        return []
    first, last = days[0].isoformat(), day.isoformat()  # the window's violations only
    window = [v for v in violations if first <= str(v.get("date")) <= last]
    dc = daily_counts(window, days=days, key=lambda v: v.get("region") or NO_REGION)
    alerts = [*escalation_alerts(dc.counts, days, dc.keys),
              *buildup_alerts(window, days=days, party_names=party_names)]
    return [dict(a) for a in alerts]


# ---------------------------------------------------------------------------------------- model

def build_report(uow: UnitOfWork, day: date | None, *, trend_days: int = 30,
                 frame: Any = None) -> dict[str, Any]:
    """The report of local date ``day`` (default: the last day with incidents) as its model:
    every figure the Markdown and HTML show (see :mod:`truce.reports.daily.model`).  ``frame``:
    the record's agreement frame when the caller has it (else built from the record)."""
    from truce.geo.frame import AgreementFrame
    from truce.service.process import stored_agreement

    frame = frame or AgreementFrame.from_agreement(stored_agreement(uow).agreement)
    from truce.service.review import reviewed_state

    head = content_head(uow)
    st = reviewed_state(uow, None)  # every incident and violation, the reviews applied
    span = record_days(st.incidents)
    if span is None:
        raise ValidationError("the record holds no processed incidents (run `truce process`)")
    pending = unprocessed_observations(uow)
    if day is None:
        day = span[1]
    elif not span[0] <= day <= span[1]:
        raise ValidationError(f"no incidents on {day}: the record holds incidents from "
                              f"{span[0]} to {span[1]}"
                              + (f"; {unprocessed_note(pending)}" if pending else ""),
                              field="--date")
    return _model(st, frame, day, head, trend_days=trend_days, first_day=span[0],
                  unprocessed=pending)


def _model(st: Any, frame: Any, day: date, head: ContentHead, *, trend_days: int,
           first_day: date, unprocessed: int = 0) -> dict[str, Any]:
    from truce.reports.daily.model import build_daily_model

    agreement = frame.agreement
    integrity = {
        "head_hash": head.entry_hash, "seq": head.seq, "ledger_entries": head.entries,
        "how_to_check": (
            f"To check that this report comes from an untampered record, run `truce verify --db "
            f"<record>` on a copy of the record: it recomputes every row's hash and the hash "
            f"chain, and prints the head. The chain must be intact and its entry {head.seq} must "
            f"have the hash above (entries appended later, such as the record of this report's "
            f"issue, do not change it). The report's own SHA-256 is recorded in the ledger as a "
            f"`report` entry."),
    }
    # the trend starts no earlier than the record: days before it were not monitored, and
    # drawn as zeros they would read as quiet days (and dilute the daily mean)
    trend_days = max(1, min(trend_days, (day - first_day).days + 1))
    return build_daily_model(
        st.incidents, st.violations, day=day, agreement=agreement, integrity=integrity,
        alerts=compute_alerts(st.violations, day,
                              first_day=max(first_day, agreement.effective),
                              party_names={p.id: p.name for p in agreement.parties}),
        alert_tests=alert_tests(day, first_day, agreement.effective),
        unprocessed=unprocessed, reviews=st.reviews,
        trend_days=trend_days, zone_of=lambda recs: zones_of(frame, recs))


def zones_of(frame: Any, records: Sequence[Mapping[str, Any]]) -> list[str]:
    """The zone of each record's location (``security_zone``, ``disengagement:<id>`` or
    ``rear``), for incidents adjudication has not zoned."""
    import numpy as np

    from truce.geo.classify import classify

    if not records:
        return []
    lon = np.array([(r.get("location") or {}).get("lon", np.nan) for r in records], float)
    lat = np.array([(r.get("location") or {}).get("lat", np.nan) for r in records], float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    out = np.full(len(records), "rear", dtype=object)
    if ok.any():
        z = classify(frame, lon[ok], lat[ok]).zone.astype(object)
        z[z == "security"] = "security_zone"
        z[z == "none"] = "rear"
        out[ok] = z
    return [str(v) for v in out]


# ---------------------------------------------------------------------------------------- write

@dataclass
class ReportFiles:
    day: date
    head_hash: str  # the content head the report names
    seq: int
    paths: dict[str, Path] = field(default_factory=dict)
    ledger_entry: Any = None  # the ``report`` entry recording the issue (None if not recorded)
    model: dict[str, Any] = field(default_factory=dict)


def parse_formats(text: str) -> tuple[str, ...]:
    fmts = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise ValidationError(f"unknown format {', '.join(bad) or repr(text)}; a comma list of "
                              f"{', '.join(FORMATS)}", field="--format")
    return fmts


def report_figures(model: Mapping[str, Any], frame: Any) -> dict[str, bytes]:
    """The map and the trend chart of ``model`` (on the agreement ``frame``) as PNG bytes."""
    from truce.reports.daily.charts import map_png, trend_png

    return {"map": map_png(model, frame), "trend": trend_png(model)}


def write_report(uow: UnitOfWork, day: date | None, out: str | Path, *,
                 formats: Sequence[str] = FORMATS, now: datetime | None = None,
                 trend_days: int = 30) -> ReportFiles:
    """Build the report of ``day`` and write ``report-<date>.{md,html,json}`` (and the map and
    trend PNGs beside the Markdown) into ``out``.  With ``now``, record the issue in the ledger:
    one ``report`` entry per file written, with its SHA-256 and the head it was built from."""
    from truce.geo.frame import AgreementFrame
    from truce.reports.daily.render import figure_names, render_html, render_json, render_markdown
    from truce.service.ledger import head_hash, record_report_issued
    from truce.service.process import stored_agreement

    formats = tuple(formats)
    # the head before anything is read: the issue is recorded only if nothing was written since,
    # so the figures are those of the record at this head
    based_on = head_hash(uow)
    frame = AgreementFrame.from_agreement(stored_agreement(uow).agreement)  # loaded once
    model = build_report(uow, day, trend_days=trend_days, frame=frame)
    d = date.fromisoformat(model["date"])
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"cannot create the directory {out}: {exc.strerror}; choose a "
                              f"directory you can write to", field="--out") from None
    files: dict[str, tuple[Path, bytes]] = {}
    figures = report_figures(model, frame) if (
        "md" in formats or "html" in formats) else {}
    stem = f"report-{model['date']}"
    if "json" in formats:
        files["json"] = (out / f"{stem}.json", render_json(model).encode("utf-8"))
    if "md" in formats:
        files["md"] = (out / f"{stem}.md", render_markdown(model).encode("utf-8"))
        for k, name in figure_names(model).items():
            files[k] = (out / name, figures[k])
    if "html" in formats:
        files["html"] = (out / f"{stem}.html", render_html(model, figures).encode("utf-8"))
    for path, data in files.values():
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise ValidationError(f"cannot write {path}: {exc.strerror}; choose a directory you "
                                  f"can write to", field="--out") from None
    entry = None
    if now is not None:
        digests = {path.name: hashlib.sha256(data).hexdigest()
                   for k, (path, data) in files.items() if k in FORMATS}
        name = f"{stem}.{'+'.join(k for k in FORMATS if k in files)}"
        combined = sha256_hex(canonical(digests))
        entry = record_report_issued(
            uow, name=name, sha256=combined, now=now, based_on=based_on,
            details={"date": model["date"], "content_head": model["integrity"]["head_hash"],
                     "content_seq": model["integrity"]["seq"], "files": digests})
    return ReportFiles(day=d, head_hash=model["integrity"]["head_hash"],
                       seq=model["integrity"]["seq"],
                       paths={k: p for k, (p, _) in files.items()}, ledger_entry=entry,
                       model=model)
