"""Report-level totals from the Summary bullets: "The SMM recorded 179 ceasefire violations in
Donetsk region and 77 in Luhansk region", "In Donetsk region, the SMM recorded 179 ceasefire
violations, including 115 explosions", "no ceasefire violations in either Donetsk or Luhansk
region", "none in Donetsk region".

A sentence opening with a previous-period marker ("In the previous reporting period", "In the
previous 24 hours") goes to ``previous`` and never into the current totals.  Several current
sentences (a weekend report's "Between the evenings of 11 and 12 September, ..." bullets) are
summed, each kept in ``periods``.  Totals are report-level: they are never added to the
observations' tallies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from truce.intake.narrative import lexicon as lx
from truce.intake.narrative.grammar import NUMBER, number_value

_REGION = "|".join(lx.REGIONS)
_N = rf"(?:none|no|{NUMBER})(?![\w-])"
_CLAUSE = re.compile(
    rf"(?<![\w-])(?P<n>{_N})(?P<cfv>\s+(?:ceasefire|cease-fire)\s+violations?)?"
    rf"(?:,?\s+including\s+(?P<e>{_N})\s+explosions?)?"
    rf"(?:\s+in\s+(?:(?P<both>both|either)\s+)?(?P<r1>{_REGION})(?:\s+regions?)?"
    rf"(?:\s+(?:and|or)\s+(?P<r2>{_REGION})\s+regions?)?|\s+in\s+the\s+(?P<the>region))?"
    rf"(?:,?\s+including\s+(?P<e2>{_N})\s+explosions?)?",
    re.IGNORECASE)
_PERIOD = re.compile(r"^\s*(?P<p>between\s+the\s+evenings\s+of\s+[^,]+),", re.IGNORECASE)
_IS_SUMMARY = re.compile(rf"(?:ceasefire|cease-fire)\s+violation|\brecorded\s+(?:none|no)\s+in\s+"
                         rf"(?:{_REGION})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RegionTotal:
    """Ceasefire violations and explosions a summary states for one region (None: not stated)."""

    violations: int | None
    explosions: int | None = None


@dataclass(frozen=True)
class ReportTotals:
    """Current totals per region, the previous period's, and the current periods one by one."""

    current: dict[str, RegionTotal] = field(default_factory=dict)
    previous: dict[str, RegionTotal] = field(default_factory=dict)
    periods: tuple[tuple[str, dict[str, RegionTotal]], ...] = ()
    sentences: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, object]:
        def plain(d: dict[str, RegionTotal]) -> dict[str, dict[str, int | None]]:
            return {r: {"violations": t.violations, "explosions": t.explosions}
                    for r, t in sorted(d.items())}

        return {"current": plain(self.current), "previous": plain(self.previous),
                "periods": [{"period": p, "totals": plain(t)} for p, t in self.periods]}


def is_summary_sentence(text: str) -> bool:
    """Whether the sentence states region totals of ceasefire violations."""
    return bool(_IS_SUMMARY.search(text)) or (
        text.lower().lstrip().startswith(lx.PREVIOUS_MARKERS) and bool(_clauses(text, None)))


def is_previous(text: str) -> bool:
    return text.lower().lstrip(" •").startswith(lx.PREVIOUS_MARKERS)


def _canon(r: str) -> str:
    return next((x for x in lx.REGIONS if x.lower() == r.lower()), r)


def _clauses(text: str, context: str | None) -> dict[str, RegionTotal]:
    out: dict[str, RegionTotal] = {}
    lead = re.match(rf"^\s*(?:[^,]*,\s*)?in\s+(?P<r>{_REGION})\s+region\b", text, re.IGNORECASE)
    ctx = _canon(lead.group("r")) if lead else context
    for m in _CLAUSE.finditer(text):
        n = number_value(m.group("n"))
        if n is None:
            continue
        regions: list[str] = []
        if m.group("r1"):
            regions = [_canon(m.group("r1"))] + ([_canon(m.group("r2"))] if m.group("r2") else [])
        elif (m.group("the") or m.group("cfv")) and ctx:
            regions = [ctx]
        if not regions or not (m.group("cfv") or m.group("r1") or m.group("the")):
            continue
        if not m.group("cfv") and not re.search(r"violation|recorded|\bin\b", text[:m.start()], re.IGNORECASE):
            continue
        if m.group("r2") and not m.group("both") and n != 0:
            regions = regions[:1]  # "5 ... in Donetsk and Luhansk regions" cannot be split
        e_txt = m.group("e") or m.group("e2")
        e = number_value(e_txt) if e_txt else None
        for r in regions:
            out[r] = RegionTotal(n, e)
    return out


def totals(sentences: list[tuple[int, str]]) -> ReportTotals:
    """The report totals from its summary sentences ``(number, text)`` (the others ignored)."""
    current: dict[str, RegionTotal] = {}
    previous: dict[str, RegionTotal] = {}
    periods: list[tuple[str, dict[str, RegionTotal]]] = []
    used: list[int] = []
    context: str | None = None
    for number, text in sentences:
        if not is_summary_sentence(text):
            continue
        found = _clauses(text, context)
        if not found:
            continue
        used.append(number)
        context = next(iter(found)) if len(found) == 1 else context
        if is_previous(text):
            for r, t in found.items():
                previous[r] = t
            continue
        pm = _PERIOD.match(text)
        periods.append((pm.group("p") if pm else "", found))
        for r, t in found.items():
            old = current.get(r)
            if old is None:
                current[r] = t
            else:
                current[r] = RegionTotal(
                    (old.violations or 0) + (t.violations or 0),
                    None if old.explosions is None and t.explosions is None
                    else (old.explosions or 0) + (t.explosions or 0))
    return ReportTotals(current, previous, tuple(periods), tuple(used))
