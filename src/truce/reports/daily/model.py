"""The daily report's model: one JSON-ready dict holding every figure the report shows.

Pure: it takes the reviewed incidents and violations (dicts, the record's export contracts), the
agreement, the alerts and the record's integrity figures, and returns plain data.  The Markdown
and HTML renderings read nothing else, so every figure they show is a figure of the JSON.

Counting follows the OSCE Special Monitoring Mission's convention: a ceasefire violation is one
explosion, projectile, burst, shot or illumination flare, so a region's figure is the sum of the
``count`` of its fire incidents, not the number of incidents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from truce.domain.kinds import CEASEFIRE_VIOLATION_KINDS

FORMAT = "truce-daily-report/1"
#: Fire kinds in the order every table shows them.
FIRE_KINDS: tuple[str, ...] = ("explosion", "projectile", "burst", "shot", "flare")
#: The areas of the tables by area, in order.
AREAS: tuple[str, ...] = ("security_zone", "rear", "disengagement")
AREA_LABELS = {"security_zone": "security zone", "rear": "beyond the security zone",
               "disengagement": "disengagement areas"}
NO_REGION = "unattributed"
UNDETERMINED = "undetermined"
#: Alerts of the days before the report's day also listed (most recent first).
RECENT_ALERT_DAYS = 7
REVIEW_STATUSES: tuple[str, ...] = ("unreviewed", "confirmed", "rejected")
#: Rules whose violations are weapons (withdrawal lines, security zone).
#: weapon rules, most serious first (a sighting breaking both is listed under the first)
WEAPON_RULES: tuple[str, ...] = ("withdrawal.weapons", "security_zone.weapons")

METHODOLOGY: tuple[str, ...] = (
    ('Ceasefire violations are counted as the OSCE Special Monitoring Mission counted them: '
     "one per explosion, projectile, burst, shot or illumination flare. A region's figure is "
     'the sum of the counts of its fused incidents of those kinds, not the number of incidents'
     ' or of observations.'),
    ('Observations from posts, patrols, cameras, acoustic sensors and UAVs are fused into '
     'incidents: several monitors who heard the same shelling give one incident, counted once.'
     ' Each incident has a location with an uncertainty radius (90%) and the observations '
     'behind it; the map draws that radius.'),
    ('The reporting period is one local calendar day; an incident belongs to the day it is'
     ' reported under: the day of its first report with a precise time, or, when every report'
     ' of it gives only a vague time such as "overnight", the day that period ends on. The'
     ' previous reporting period is the day before.'),
    ('Areas: the security zone is the band either side of the contact line set by the '
     'agreement; an incident inside a disengagement area is counted there and not in the '
     'security zone.'),
    ("Every incident and weapon sighting is judged against the agreement's rules. The side is "
     'the party from whose area the fire or weapon most probably came; it is given only where '
     "the assessment reaches the agreement's confidence, otherwise it is undetermined."),
    ("Analysts' reviews are applied before counting: incidents reviewed as rejected are left "
     'out of every figure and counted separately; merged and split incidents are counted as '
     'reviewed.'),
    ("Alerts compare each region's daily figure with its own recent history (escalation) and "
     'flag heavy weapons gathering inside their withdrawal distance (build-up). The escalation '
     'test needs seven days of history and the build-up test five, counted from the first day '
     'of the record or of the agreement, whichever is later; a test that could not run is '
     'named in the alerts section.'),
    ("Nothing recorded before the agreement's effective date is a ceasefire violation: the fire "
     'of such a day is reported as fire, and earlier days count no violations in the previous '
     'period or the trend.'),
)


def is_fire(kind: Any) -> bool:
    return kind in CEASEFIRE_VIOLATION_KINDS


def area_of(zone: Any) -> str:
    """The table area of an incident or violation zone."""
    z = str(zone or "")
    if z.startswith("disengagement"):
        return "disengagement"
    if z in ("security_zone", "security"):
        return "security_zone"
    return "rear"


def _count(rec: Mapping[str, Any]) -> int:
    try:
        return max(int(rec.get("count") or 1), 1)
    except (TypeError, ValueError):
        return 1


def _region(rec: Mapping[str, Any]) -> str:
    return str(rec.get("region") or NO_REGION)


def _status(rec: Mapping[str, Any]) -> str:
    rv = rec.get("review")
    st = rv.get("status") if isinstance(rv, Mapping) else None
    return st if st in REVIEW_STATUSES else "unreviewed"


def _tally(incidents: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Ceasefire violations, explosions and incidents of fire, over non-rejected incidents."""
    v = e = n = 0
    for r in incidents:
        if _status(r) == "rejected" or not is_fire(r.get("kind")):
            continue
        c = _count(r)
        v += c
        n += 1
        if r.get("kind") == "explosion":
            e += c
    return {"violations": v, "explosions": e, "incidents": n}


_NONE = {"violations": 0, "explosions": 0, "incidents": 0}


def _round(x: Any, nd: int = 2) -> float | None:
    return None if x is None else round(float(x), nd)


def build_daily_model(
    incidents: Sequence[Mapping[str, Any]],
    violations: Sequence[Mapping[str, Any]],
    *,
    day: date,
    agreement: Any,
    integrity: Mapping[str, Any],
    alerts: Sequence[Mapping[str, Any]] = (),
    reviews: int = 0,
    trend_days: int = 30,
    zone_of: Callable[[Sequence[Mapping[str, Any]]], Sequence[str]] | None = None,
    alert_tests: Mapping[str, Mapping[str, Any]] | None = None,
    unprocessed: int = 0,
) -> dict[str, Any]:
    """The report of local date ``day``.

    ``incidents``: reviewed incident records of (at least) the trend window, each with a
    ``date`` (local, ``YYYY-MM-DD``) and a ``review`` status; rejected ones are left out of the
    figures and counted.  ``violations``: violation records (docs/adjudication.md) of
    non-rejected incidents, each with its ``date``.  ``agreement``: the
    :class:`~truce.agreement.model.Agreement`.  ``integrity``: ``head_hash``, ``seq`` (and
    anything else to print) of the record the report is built from.  ``zone_of``: gives the zone
    of incidents whose ``zone`` is not filled (``None``: they count as beyond the security zone).
    ``alert_tests``: per alert test (``escalation``, ``buildup``) whether it ran on the day
    (``run``), the days of history it had (``history_days``) and needed (``needed``), and why
    not (``reason``); a test that did not run is said so, not read as "no alerts".
    ``unprocessed``: observations ingested after the last processing (not in any incident).

    Days before the agreement's ``effective`` date hold no ceasefire violations (adjudication
    judges nothing before it): their fire is counted as fire (``fire``), never as violations, in
    the totals, the regions, the previous period and the trend.
    """
    # the agreement's parties, then "undetermined": the side columns of the tables
    sides = (*getattr(agreement, "party_ids", ()), UNDETERMINED)
    iso = day.isoformat()
    prev = (day - timedelta(days=1)).isoformat()
    effective = agreement.effective.isoformat()

    def vtally(recs: Iterable[Mapping[str, Any]], d: str) -> dict[str, int]:
        """Ceasefire violations of local date ``d``: none before the agreement took effect."""
        return _tally(recs) if d >= effective else dict(_NONE)

    days = [(day - timedelta(days=k)).isoformat() for k in range(trend_days - 1, -1, -1)]
    window = set(days)
    by_day: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in incidents:
        d = str(r.get("date") or "")
        if d in window or d == prev:
            by_day[d].append(r)
    today = by_day.get(iso, [])
    missing = [r for r in today if not r.get("zone")]
    zones = dict(zip((r["id"] for r in missing), zone_of(missing), strict=True)) if (
        zone_of and missing) else {}

    def zone(r: Mapping[str, Any]) -> str:
        return str(r.get("zone") or zones.get(r.get("id"), "rear"))

    live = [r for r in today if _status(r) != "rejected"]
    fire_today = [r for r in live if is_fire(r.get("kind"))]

    # ---- per region: today, the previous day, the window
    trend_counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    trend_expl: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    index = {d: i for i, d in enumerate(days)}
    for d in days:
        if d < effective:  # not a violation before the agreement took effect
            continue
        for r in by_day.get(d, []):
            if _status(r) == "rejected" or not is_fire(r.get("kind")):
                continue
            trend_counts[_region(r)][index[d]] += _count(r)
            if r.get("kind") == "explosion":
                trend_expl[_region(r)][index[d]] += _count(r)
    regions_today: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    regions_prev: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in today:
        regions_today[_region(r)].append(r)
    for r in by_day.get(prev, []):
        regions_prev[_region(r)].append(r)
    names = set(trend_counts) | {k for k, v in regions_today.items() if _tally(v)["incidents"]} | {
        k for k, v in regions_prev.items() if _tally(v)["incidents"]}
    order = sorted(names, key=lambda n: (n == NO_REGION, -sum(trend_counts.get(n, [0])), n))

    region_rows = []
    for name in order:
        t, p = vtally(regions_today.get(name, []), iso), vtally(regions_prev.get(name, []), prev)
        region_rows.append({
            "region": name, "violations": t["violations"], "explosions": t["explosions"],
            "incidents": t["incidents"], "previous_violations": p["violations"],
            "previous_explosions": p["explosions"],
            "change": t["violations"] - p["violations"]})
    total_t, total_p = vtally(today, iso), vtally(by_day.get(prev, []), prev)
    fire_day = _tally(today)  # the day's fire, violations or not
    in_force = iso >= effective
    region_fire = {name: _tally(regions_today.get(name, [])) for name in order}

    # ---- tables by area: region x kind, security zone / beyond / disengagement
    by_area: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in fire_today:
        by_area[(_region(r), area_of(zone(r)))][r["kind"]] += _count(r)
    area_rows = []
    for name in order:
        for a in AREAS:
            c = by_area.get((name, a))
            if not c:
                continue
            area_rows.append({"region": name, "area": a, **{k: int(c.get(k, 0)) for k in FIRE_KINDS},
                              "total": int(sum(c.values()))})
    area_totals = {a: int(sum(r["total"] for r in area_rows if r["area"] == a)) for a in AREAS}
    kind_totals = {k: int(sum(_count(r) for r in fire_today if r["kind"] == k)) for k in FIRE_KINDS}

    # ---- violations of the day
    vio_today = [v for v in violations if str(v.get("date")) == iso]
    vio_today.sort(key=lambda v: (str(v.get("start")), str(v.get("id"))))
    wc = {w.id: w for w in getattr(agreement, "weapon_classes", ())}
    weapons = []
    seen_weapon_incidents: set[str] = set()
    # one row per sighting, with its most serious rule (WEAPON_RULES order), in time order
    weapon_vios = sorted((v for v in vio_today if v.get("rule") in WEAPON_RULES),
                         key=lambda v: (str(v.get("start")), WEAPON_RULES.index(v["rule"]),
                                        str(v.get("id"))))
    for v in weapon_vios:
        subject = str((v.get("subject") or {}).get("id") or v.get("id"))
        if subject in seen_weapon_incidents:
            continue
        seen_weapon_incidents.add(subject)
        w = v.get("weapon") or {}
        cls = w.get("class")
        loc = v.get("location") or {}
        weapons.append({
            "incident": subject, "rule": v.get("rule"), "region": _region(v),
            "class": cls, "class_label": wc[cls].label if cls in wc else (cls or "unknown"),
            "type": w.get("type") or v.get("detail"), "count": _count(v),
            "distance_km": _round(v.get("distance_km"), 1),
            "withdrawal_km": _round(wc[cls].withdrawal_km, 0) if cls in wc else None,
            "side": v.get("side") or "undetermined", "confidence": _round(v.get("confidence")),
            "lat": loc.get("lat"), "lon": loc.get("lon"), "time": v.get("start")})
    weapons_by_side = {s: sum(w["count"] for w in weapons if w["side"] == s) for s in sides}

    # ---- disengagement areas
    areas = []
    for da in getattr(agreement, "disengagement_areas", ()):
        key = f"disengagement:{da.id}"
        inside = [r for r in live if zone(r) == key]
        fire = [r for r in inside if is_fire(r.get("kind"))]
        areas.append({
            "id": da.id, "name": da.name,
            "violations": int(sum(_count(r) for r in fire)),
            "explosions": int(sum(_count(r) for r in fire if r.get("kind") == "explosion")),
            "weapons": int(sum(_count(r) for r in inside if r.get("kind") == "weapon")),
            "presence_violations": sum(1 for v in vio_today if v.get("zone") == key
                                       and v.get("rule") == "disengagement.presence"),
        })

    # ---- sides (fire violations of the day)
    side_rows = {s: {"violations": 0, "incidents": 0} for s in sides}
    conf: dict[str, list[float]] = defaultdict(list)
    seen_fire: set[str] = set()
    for v in vio_today:  # once per incident of fire, whatever the number of rules it broke
        subject = str((v.get("subject") or {}).get("id") or v.get("id"))
        if not is_fire(v.get("kind")) or subject in seen_fire:
            continue
        seen_fire.add(subject)
        s = v.get("side") if v.get("side") in sides else UNDETERMINED
        side_rows[s]["violations"] += _count(v)
        side_rows[s]["incidents"] += 1
        if v.get("confidence") is not None:
            conf[s].append(float(v["confidence"]))
    for s in sides:
        side_rows[s]["mean_confidence"] = _round(sum(conf[s]) / len(conf[s])) if conf[s] else None
    rules = Counter(str(v.get("rule")) for v in vio_today)

    # ---- review status
    status = Counter(_status(r) for r in today)
    rejected_fire = vtally([{**r, "review": {"status": "confirmed"}} for r in today
                            if _status(r) == "rejected"], iso)
    review = {**{s: int(status.get(s, 0)) for s in REVIEW_STATUSES},
              "rejected_violations_excluded": rejected_fire["violations"],
              "reviews_applied": int(reviews)}

    # ---- alerts of the day
    day_alerts = [dict(a) for a in alerts if str(a.get("date")) == iso]
    day_alerts.sort(key=lambda a: (str(a.get("type")), str(a.get("region")), str(a.get("message"))))
    week = {(day - timedelta(days=k)).isoformat() for k in range(1, RECENT_ALERT_DAYS + 1)}
    recent = [dict(a) for a in alerts if str(a.get("date")) in week]
    recent.sort(key=lambda a: (str(a.get("date")), str(a.get("type")), str(a.get("region")),
                               str(a.get("message"))), reverse=True)

    # ---- the map's points
    points = sorted(({"id": r.get("id"), "kind": r.get("kind"), "count": _count(r),
                      "lat": (r.get("location") or {}).get("lat"),
                      "lon": (r.get("location") or {}).get("lon"),
                      "uncertainty_m": _round(r.get("uncertainty_m"), 0), "region": _region(r),
                      "area": area_of(zone(r))}
                     for r in live if r.get("kind") in (*FIRE_KINDS, "weapon")
                     and (r.get("location") or {}).get("lat") is not None),
                    key=lambda p: str(p["id"]))

    # ---- what the figures cannot show: the agreement not yet in force, data not processed or
    # not recorded, alert tests that could not run
    tests = {k: dict(v) for k, v in (alert_tests or {}).items()}
    alert_notes = [f"The {'build-up' if k == 'buildup' else k} test was not run: {v['reason']}."
                   for k, v in tests.items() if not v.get("run", True)]
    notes = []
    if not in_force:
        notes.append(
            f"The agreement took effect on {effective}: nothing recorded on {iso} is a ceasefire "
            f"violation, so the fire recorded that day "
            f"({_plural(fire_day['violations'], 'round')} of fire, "
            f"{_plural(fire_day['explosions'], 'explosion')}) is reported as fire, not as "
            f"ceasefire violations.")
    elif prev < effective:
        notes.append(f"The agreement took effect on {effective}: the previous reporting period "
                     f"({prev}) holds no ceasefire violations.")
    observed = {"day": bool(today), "previous": bool(by_day.get(prev))}
    if not today:
        notes.append(f"No observations are recorded for {iso}: no incident of any kind is in "
                     f"the record for this day, which means no data, not a quiet day.")
    if not observed["previous"] and prev >= effective:
        notes.append(f"No observations are recorded for the previous reporting period ({prev}):"
                     f" its figures of none mean no data, not a quiet day.")
    if unprocessed:
        notes.append(unprocessed_note(unprocessed) + ".")

    summary_sentences = _summary(total_t, total_p, region_rows, weapons, weapons_by_side, areas,
                                 day_alerts, recent, review,
                                 before_effect=None if in_force else (notes[0], region_fire))
    summary_sentences += alert_notes
    return {
        "format": FORMAT,
        "agreement": {"id": agreement.id, "title": agreement.title,
                      "effective": agreement.effective.isoformat(),
                      "security_zone_km": float(agreement.security_zone_km)},
        "date": iso,
        "previous_date": prev,
        "in_force": in_force,
        "observed": observed,
        "unprocessed_observations": int(unprocessed),
        "notes": notes,
        "fire": {"rounds": fire_day["violations"], "explosions": fire_day["explosions"],
                 "incidents": fire_day["incidents"]},
        "totals": {"violations": total_t["violations"], "explosions": total_t["explosions"],
                   "incidents": total_t["incidents"],
                   "previous_violations": total_p["violations"],
                   "previous_explosions": total_p["explosions"],
                   "change": total_t["violations"] - total_p["violations"],
                   "weapons": int(sum(w["count"] for w in weapons))},
        "regions": region_rows,
        "summary": summary_sentences,
        "by_kind": kind_totals,
        "by_area": area_rows,
        "area_totals": area_totals,
        "weapons": weapons,
        "weapons_by_side": weapons_by_side,
        "disengagement_areas": areas,
        "sides": side_rows,
        "side_order": list(sides),
        "violations_by_rule": dict(sorted(rules.items())),
        "alerts": day_alerts,
        "alert_tests": tests,
        "alert_notes": alert_notes,
        "no_alerts": (f"No alerts for {iso}." if not alert_notes else
                      f"No alerts for {iso} from the tests that ran." if len(alert_notes) < len(tests)
                      else f"No alert test could run for {iso}."),
        "recent_alerts": recent,
        "review": review,
        "trend": {"days": days,
                  "regions": [_trend_row(n, days, trend_counts[n], trend_expl[n])
                              for n in order if n in trend_counts]},
        "incidents": points,
        "methodology": list(METHODOLOGY),
        "integrity": dict(integrity),
    }


def region_sentence_parts(violations: int, explosions: int) -> str:
    if violations == 0:
        return "no ceasefire violations"
    noun = "ceasefire violation" if violations == 1 else "ceasefire violations"
    if explosions == 0:
        return f"{violations:,} {noun}, none of them explosions"
    ex = "explosion" if explosions == 1 else "explosions"
    return f"{violations:,} {noun}, including {explosions:,} {ex}"


def _fire_parts(t: Mapping[str, int]) -> str:
    if t["violations"] == 0:
        return "no fire"
    ex = t["explosions"]
    return (f"{_plural(t['violations'], 'round')} of fire, "
            + (f"including {_plural(ex, 'explosion')}" if ex else "none of them explosions"))


def _region_sentence(r: Mapping[str, Any]) -> str:
    """The OSCE-style summary sentence of one region."""
    prev = r["previous_violations"]
    prev_txt = "none" if prev == 0 else (f"{prev:,} ceasefire violation" if prev == 1
                                         else f"{prev:,} ceasefire violations")
    return (f"In {r['region']} region, the mission recorded "
            f"{region_sentence_parts(r['violations'], r['explosions'])}; in the previous "
            f"reporting period, {prev_txt}.")


def _trend_row(name: str, days: Sequence[str], v: list[int], e: list[int]) -> dict[str, Any]:
    peak = max(range(len(v)), key=lambda i: (v[i], i)) if v else 0
    return {"region": name, "violations": v, "explosions": e, "total": int(sum(v)),
            "mean": round(sum(v) / len(v), 1) if v else 0.0,
            "peak": int(v[peak]) if v else 0, "peak_date": days[peak] if v else None}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def unprocessed_note(n: int) -> str:
    """What a report says of ``n`` observations ingested after the last ``truce process``
    (empty for none)."""
    if not n:
        return ""
    return (f"{_plural(n, 'observation')} ingested after the last processing "
            f"{'is' if n == 1 else 'are'} not included; run `truce process`")


def _summary(total: Mapping[str, int], prev: Mapping[str, int], regions: Sequence[Mapping[str, Any]],
             weapons: Sequence[Mapping[str, Any]], by_side: Mapping[str, int],
             areas: Sequence[Mapping[str, Any]], alerts: Sequence[Mapping[str, Any]],
             recent: Sequence[Mapping[str, Any]], review: Mapping[str, int],
             before_effect: tuple[str, Mapping[str, Any]] | None = None) -> list[str]:
    """The summary bullets, in the order and wording of the SMM daily report.
    ``before_effect``: for a day before the agreement took effect, the note saying so and each
    region's fire, which replace the ceasefire-violation sentences."""
    named = [r for r in regions if r["region"] != NO_REGION]
    if before_effect is not None:
        note, region_fire = before_effect
        out = [note] + [f"In {r['region']} region, the mission recorded "
                        f"{_fire_parts(region_fire[r['region']])}, before the agreement took effect."
                        for r in named]
    else:
        pv = prev["violations"]
        out = [(f"In all regions, the mission recorded "
                f"{region_sentence_parts(total['violations'], total['explosions'])}; in the "
                f"previous reporting period, "
                f"{'none' if pv == 0 else _plural(pv, 'ceasefire violation')}.")]
        out += [_region_sentence(r) for r in named]
    nw = sum(w["count"] for w in weapons)
    if nw:
        sides = ", ".join(f"{n:,} {s}" for s, n in by_side.items() if n)
        out.append(f"The mission saw {_plural(nw, 'weapon')} in violation of withdrawal lines "
                   f"({sides}).")
    else:
        out.append("The mission saw no weapons in violation of withdrawal lines.")
    if areas:
        names = ", ".join(a["name"] for a in areas)
        hit = [a for a in areas if a["violations"] or a["weapons"]]
        tail = "; ".join(f"{_plural(a['violations'], 'ceasefire violation')} and "
                         f"{_plural(a['weapons'], 'weapon')} in {a['name']}" for a in hit)
        out.append(f"The mission continued monitoring the disengagement areas ({names}): "
                   + (f"it recorded {tail}." if hit else "it recorded no activity inside them."))
    if alerts:
        out.append(f"{_plural(len(alerts), 'alert')}: " + " ".join(
            str(a.get("message") or "") for a in alerts))
    elif recent:
        kinds = sorted({f"{a.get('type')} in {a.get('region')}" for a in recent})
        out.append(f"No alert was raised for the reporting period; "
                   f"{_plural(len(recent), 'alert')} in the previous {RECENT_ALERT_DAYS} days "
                   f"({', '.join(kinds)}).")
    if review["rejected"]:
        out.append(f"{_plural(review['rejected'], 'incident')} reviewed as rejected "
                   f"({_plural(review['rejected_violations_excluded'], 'ceasefire violation')}) "
                   f"{'is' if review['rejected'] == 1 else 'are'} left out of these figures.")
    return out
