"""Narrative intake: OSCE-style report text in, observation records and report totals out.

    >>> from truce.intake.narrative import parse_report   # doctest: +SKIP

One concept per module: ``lexicon`` (the tables), ``sentences`` (splitting and numbering),
``grammar`` (regexes built from the lexicon), ``times``, ``places``, ``summary`` (report-level
totals), ``parse`` (putting it together) and ``score`` (comparison with reference records).
"""

from truce.intake.narrative.parse import (
    ParseResult,
    Unparsed,
    decode_report,
    parse_report,
    summarize,
)
from truce.intake.narrative.places import PlaceResolver
from truce.intake.narrative.score import Score, score_records
from truce.intake.narrative.summary import RegionTotal, ReportTotals

__all__ = [
    "ParseResult",
    "PlaceResolver",
    "RegionTotal",
    "ReportTotals",
    "Score",
    "Unparsed",
    "decode_report",
    "parse_report",
    "score_records",
    "summarize",
]
