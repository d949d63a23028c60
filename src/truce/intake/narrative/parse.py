"""``parse_report``: report text in, observation records, unparsed sentences and report totals out.

Pure: the gazetteer is passed in, nothing is read or written.  Every sentence ends up in exactly
one of three places: it gave observations, it gave report totals (a Summary bullet), or it is in
``unparsed`` with a reason from :data:`~truce.intake.narrative.lexicon.REASONS`.  Headings are
kept in ``headings``.

Several events in one sentence ("heard 5 explosions and 20 bursts") give several records that
share ``sentence`` and ``text``; their ids end ``-1``, ``-2``, ...  (the simulator writes one
event per sentence, so there the mapping is one record per sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from typing import Any

from truce.domain.kinds import CEASEFIRE_VIOLATION_KINDS
from truce.errors import ValidationError
from truce.intake.narrative import grammar, times
from truce.intake.narrative import lexicon as lx
from truce.intake.narrative.places import PlaceResolver, Point, destination
from truce.intake.narrative.sentences import split
from truce.intake.narrative.summary import ReportTotals, is_summary_sentence
from truce.intake.narrative.summary import totals as summary_totals

#: A stated time before 06:00 this much earlier than the report's previous one (stated at 18:00 or
#: later) is on the next day: "between 00:01 and 00:05" after "at 23:40" is after midnight.
ROLLOVER = timedelta(hours=12)

_HEAD_REGION = re.compile(rf"\b({'|'.join(lx.REGIONS)})\s+(?:region|oblast)\b", re.IGNORECASE)
_LEAD_REGION = re.compile(rf"^\s*In\s+({'|'.join(lx.REGIONS)})\s+(?:region|oblast)\s*,", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A sentence that gave no observation (or an event of it that could not be used)."""

    sentence: int
    text: str
    reason: str
    detail: str = ""

    @property
    def message(self) -> str:
        """``reason`` with its detail, for people: ``unknown_place: Atlantis``."""
        return f"{self.reason}: {self.detail}" if self.detail else self.reason

    def to_dict(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "reason": self.reason, "detail": self.detail,
                "text": self.text}


@dataclass(frozen=True)
class ParseResult:
    """What a report gave.  ``partial`` lists events dropped from sentences that still gave
    observations (the sentence counts as parsed)."""

    observations: tuple[dict[str, Any], ...]
    unparsed: tuple[Unparsed, ...]
    totals: ReportTotals
    headings: tuple[str, ...]
    sentences: int
    report_date: date
    region: str | None
    partial: tuple[Unparsed, ...] = field(default=())

    @property
    def parsed_sentences(self) -> int:
        return len({o["sentence"] for o in self.observations})

    def summary(self) -> dict[str, Any]:
        """Per-region tallies from the observations, sentence accounting, report totals."""
        return summarize(self)


def summarize(result: ParseResult) -> dict[str, Any]:
    """Per region: ceasefire violations (explosions, projectiles, bursts, shots, flares, each
    counted by its ``count``; a record without a count counts 1 and is listed as uncertain) and
    explosions; sentences parsed / as totals / unparsed by reason; the report totals."""
    regions: dict[str, dict[str, int]] = {}
    for o in result.observations:
        if o["kind"] not in CEASEFIRE_VIOLATION_KINDS:
            continue
        r = regions.setdefault(o.get("region") or "?", {"violations": 0, "explosions": 0,
                                                       "uncertain_records": 0})
        n = int(o.get("count", 1))
        r["violations"] += n
        if o["kind"] == "explosion":
            r["explosions"] += n
        if o.get("count_uncertain"):
            r["uncertain_records"] += 1
    reasons: dict[str, int] = {}
    for u in result.unparsed:
        reasons[u.reason] = reasons.get(u.reason, 0) + 1
    return {
        "regions": dict(sorted(regions.items())),
        "sentences": result.sentences,
        "parsed": result.parsed_sentences,
        "totals_sentences": len(result.totals.sentences),
        "unparsed": len(result.unparsed),
        "unparsed_by_reason": dict(sorted(reasons.items())),
        "partial_events_dropped": len(result.partial),
        "report_totals": result.totals.to_dict(),
    }


def heading_info(headings: tuple[str, ...]) -> tuple[date | None, str | None, str | None]:
    """(date, region, source kind) stated by the first headings, where they say."""
    d = region = source = None
    for h in headings[:3]:
        d = d or times.date_in(h)
        if region is None:
            m = _HEAD_REGION.search(h)
            region = _canon_region(m.group(1)) if m else None
        if source is None:
            low = h.lower()
            for words, kind in sorted(lx.HEADING_SOURCES.items(), key=lambda kv: -len(kv[0])):
                if words in low:
                    source = kind
                    break
    return d, region, source


def _canon_region(r: str) -> str:
    return next((x for x in lx.REGIONS if x.lower() == r.lower()), r)


def _tz(tz: str | timezone) -> timezone:
    return tz if isinstance(tz, timezone) else times.parse_tz(tz)


@dataclass
class _Para:
    number: int = 0
    point: Point | None = None
    source: str | None = None
    when: times.When | None = None


def decode_report(raw: bytes) -> tuple[str, str | None]:
    """A report's bytes as text: UTF-8, a leading BOM dropped.  Bytes that are not UTF-8 are
    replaced with U+FFFD, and the second value then says so (the first bad byte, 1-based); else
    None."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8-sig", errors="replace"), (
            f"not UTF-8 text (byte {exc.start + 1}); bytes that are not UTF-8 were replaced "
            "with U+FFFD")


def parse_report(
    text: str,
    *,
    report_date: date | None = None,
    tz: str | timezone = "+02:00",
    gazetteer: Any,
    source_id: str | None = None,
    default_region: str | None = None,
    report: str | None = None,
    time_words: dict[str, tuple[float, int, float, int]] | None = None,
) -> ParseResult:
    """Parse one report.

    Parameters
    ----------
    text
        The report: headings, paragraphs, bullets.  Any string; nothing raises on bad text.
    report_date
        The day times refer to; default: the date in the first heading.  Without either,
        :class:`~truce.errors.ValidationError`.
    tz
        The report's UTC offset (``+02:00``) or a ``timezone``.
    gazetteer
        A :class:`~truce.gazetteer.Gazetteer` or a :class:`PlaceResolver` (shares its cache).
    source_id
        ``source.id`` and the id prefix of the records (default ``report``).  A record's id is
        ``<source_id>-<report date YYYYMMDD>-s<sentence>-<k>`` (``k``: the event's rank in its
        sentence), so one team's daily reports never share an id.
    default_region
        The region when the heading names none.
    report
        Copied into each record's ``report`` (e.g. the file's path), for scoring.
    time_words
        Replaces :data:`~truce.intake.narrative.lexicon.TIME_WORDS` (e.g. another "overnight").
    """
    zone = _tz(tz)
    doc = split(text)
    h_date, h_region, h_source = heading_info(doc.headings)
    day = report_date or h_date
    if day is None:
        bad = next((b for h in doc.headings[:3] if (b := times.invalid_date_in(h))), None)
        if bad is not None:
            raise ValidationError(f"invalid report date {bad!r} in the heading: give a real "
                                  "date there or with --date", field="date")
        raise ValidationError("no report date: give one (--date) or a heading with a date such "
                              "as '8 December 2024'", field="date")
    resolver = gazetteer if isinstance(gazetteer, PlaceResolver) else PlaceResolver(gazetteer)
    sid = source_id or "report"
    region_ctx = h_region or default_region
    records: list[dict[str, Any]] = []
    unparsed: list[Unparsed] = []
    partial: list[Unparsed] = []
    summary_sentences: list[tuple[int, str]] = []
    para = _Para()
    last_point: Point | None = None
    last_when: times.When | None = None
    whens: list[times.When] = []
    for s in doc.sentences:
        if s.paragraph != para.number:
            para = _Para(number=s.paragraph)
        txt = s.text
        lead = _LEAD_REGION.match(txt)
        if lead:
            region_ctx = _canon_region(lead.group(1))
        if is_summary_sentence(txt):
            summary_sentences.append((s.number, txt))
            continue
        clause = grammar.analyse(txt)
        if not clause.events:
            reason = "no_count" if clause.bare_kinds else "no_event"
            unparsed.append(Unparsed(s.number, txt, reason))
            continue
        if clause.heard_only is None:
            unparsed.append(Unparsed(s.number, txt, "no_verb"))
            continue
        bad = _implausible(txt, clause)
        if bad is not None:
            unparsed.append(Unparsed(s.number, txt, *bad))
            continue
        # where the observer was
        if clause.position is not None:
            pt = _resolve(resolver, clause.position, region_ctx, last_point)
            if pt is None:
                unparsed.append(Unparsed(s.number, txt, "unknown_place", clause.position.place))
                continue
            para.point = pt
            last_point = pt
        src = clause.source or (para.source if clause.position is None else None) or h_source \
            or lx.DEFAULT_SOURCE
        para.source = src
        heard_by_source = src in lx.HEARD_ONLY_SOURCES
        # when
        when = times.resolve(txt, day, zone, time_words)
        if when.stated:
            if (last_when is not None and when.start < last_when.start - ROLLOVER
                    and last_when.start.hour >= 18 and when.start.hour < 6):
                when = when.shifted(timedelta(days=1))
            para.when = last_when = when
        elif para.when is not None:
            when = para.when
        observer = None if src == "uav" else para.point
        out: list[dict[str, Any]] = []
        dropped: list[Unparsed] = []
        for ev in clause.events:
            loc = None
            if ev.location is not None:
                loc = _resolve(resolver, ev.location, region_ctx, observer or last_point)
                if loc is None:
                    dropped.append(Unparsed(s.number, txt, "unknown_place", ev.location.place))
                    continue
                last_point = loc if observer is None else last_point
            if ev.count is None and not ev.uncertain:
                dropped.append(Unparsed(s.number, txt, "no_count"))
                continue
            if ev.kind == "weapon" and (ev.weapon is None or ev.weapon.weapon_class is None):
                dropped.append(Unparsed(s.number, txt, "unknown_weapon",
                                        txt[ev.span[0]:ev.span[1]]))
                continue
            if observer is None and loc is None:
                dropped.append(Unparsed(s.number, txt, "no_position"))
                continue
            rec: dict[str, Any] = {
                "source": {"kind": src, "id": sid},
                "time": when.record(),
                "kind": ev.kind,
                "heard_only": heard_by_source or bool(
                    clause.heard_only if ev.heard_only is None else ev.heard_only),
            }
            if observer is not None:
                rec["observer"] = {"lat": round(observer.lat, 5), "lon": round(observer.lon, 5)}
            if ev.detail:
                rec["detail"] = ev.detail
            if ev.count is not None:
                rec["count"] = ev.count
            if ev.uncertain:
                rec["count_uncertain"] = True
            if ev.direction:
                rec["direction"] = ev.direction
            if ev.distance_km is not None:
                d = ev.distance_km
                rec["distance_km"] = [d[0], d[1]] if isinstance(d, tuple) else d
            if ev.bearing is not None:
                rec["bearing_deg"] = ev.bearing[0]
                if ev.bearing[1] is not None:
                    rec["bearing_sigma_deg"] = ev.bearing[1]
            if ev.trajectory is not None:
                rec["trajectory"] = {"from": ev.trajectory[0], "to": ev.trajectory[1]}
            if loc is not None and ev.location is not None:
                mode = ev.location.mode if ev.location.mode in lx.LOCATION_SIGMA_M else "in"
                rec["location"] = {"lat": round(loc.lat, 5), "lon": round(loc.lon, 5),
                                   "sigma_m": lx.LOCATION_SIGMA_M[mode]}
            if ev.weapon is not None:
                w: dict[str, Any] = {"class": ev.weapon.weapon_class}
                if ev.weapon.type:
                    w["type"] = ev.weapon.type
                if ev.weapon.caliber_mm:
                    w["caliber_mm"] = ev.weapon.caliber_mm
                rec["weapon"] = w
            if src == "uav" and loc is not None:
                region = (ev.location.region if ev.location is not None else None) or (
                    _canon_region(loc.region) if loc.region else None) or region_ctx
            else:
                region = region_ctx or (observer.region if observer else None)
            rec["region"] = region
            rec["sentence"] = s.number
            rec["text"] = txt
            if report is not None:
                rec["report"] = report
            out.append(rec)
        if not out:
            unparsed.append(dropped[0] if dropped else Unparsed(s.number, txt, "no_event"))
            continue
        partial.extend(dropped)
        for k, rec in enumerate(out, 1):
            rec["id"] = f"{sid}-{day:%Y%m%d}-s{s.number}-{k}"
            records.append(rec)
            whens.append(when)
    # A report runs in time order; when most of its times fell after a midnight rollover, the
    # report's date is the later day and its first times were on the previous evening: shift
    # back.  (A report's text alone cannot always tell: see docs/narrative.md.)
    # Only undated times vote: a time whose day the text states says nothing about the others.
    undated = [w for w in whens if not w.dated]
    later = sum(1 for w in undated if w.start.date() > day)
    if undated and later * 2 > len(undated):
        for rec, w in zip(records, whens, strict=True):
            rec["time"] = w.shifted(-timedelta(days=1)).record()
    report_totals = summary_totals(summary_sentences)
    used = set(report_totals.sentences)
    unparsed += [Unparsed(n, t, "no_totals") for n, t in summary_sentences if n not in used]
    unparsed.sort(key=lambda u: u.sentence)
    return ParseResult(
        observations=tuple(records), unparsed=tuple(unparsed),
        totals=report_totals, headings=doc.headings,
        sentences=len(doc.sentences), report_date=day, region=h_region or default_region,
        partial=tuple(partial))


def _km(v: float) -> str:
    return f"{v:g} km"


def _implausible(txt: str, clause: grammar.Clause) -> tuple[str, str] | None:
    """(reason, detail) when the sentence states a time that does not exist or a figure beyond
    the plausibility bounds of :mod:`~truce.intake.narrative.lexicon`, else None.  Such a
    sentence is unparsed as a whole: one impossible figure makes the rest doubtful too."""
    t = times.bad_time(txt)
    if t is not None:
        return "bad_time", t
    positions = [clause.position] + [ev.location for ev in clause.events]
    for pos in positions:
        if pos is None:
            continue
        if pos.mode == "offset" and pos.offset_km > lx.MAX_POSITION_OFFSET_KM:
            return "implausible_distance", _km(pos.offset_km)
        if pos.aside is not None and pos.aside[0] > lx.MAX_POSITION_OFFSET_KM:
            return "implausible_distance", _km(pos.aside[0])
    for ev in clause.events:
        d = ev.distance_km
        far = max(d) if isinstance(d, tuple) else d
        if far is not None and far > lx.MAX_EVENT_DISTANCE_KM:
            return "implausible_distance", _km(far)
        if ev.count is not None and ev.count > lx.MAX_COUNT:
            return "implausible_count", str(ev.count)
    return None


def _resolve(resolver: PlaceResolver, pos: grammar.Position, region: str | None,
             near_pt: Point | None) -> Point | None:
    """A position or location to a point: the place (in its stated or the report's region,
    nearest the aside's point or the last place) moved by its offset."""
    near = (near_pt.lat, near_pt.lon) if near_pt is not None else None
    if pos.aside is not None:
        km, c, ref_name = pos.aside
        ref = resolver.find(ref_name, pos.region or region, near)
        if ref is not None:
            q = destination(ref, c, km)
            near = (q.lat, q.lon)
    place = resolver.find(pos.place, pos.region or region, near)
    if place is None:
        return None
    if pos.mode == "offset" and pos.compass:
        return destination(place, pos.compass, pos.offset_km)
    return place
