"""When: find the time phrase of a sentence and resolve it against the report date and offset.

Rules (all times local, written ISO 8601 with the report's UTC offset):

- ``at 21:43`` -> one instant, written as a string (as the simulator does);
- ``between 21:43 and 21:54`` / ``from 21:43 to 21:54`` / ``21:43–21:54`` -> ``{start, end}``;
  an end earlier than the start is on the next day (``between 23:50 and 00:10``);
- a date after a time dates it exactly (``dated``; no rollover guess moves it): ``at 00:04 on 9
  December``; ``between 00:04 and 00:09 on 9 December`` (both ends); ``between 23:41 on 8
  December and 00:09 on 9 December``; ``between 23:40 on 7 December and 00:15`` (an undated end is
  on the report date); ``between 23:41 and 00:09 on 9 December`` (the start the day before);
- named windows from :data:`~truce.intake.narrative.lexicon.TIME_WORDS` (``overnight``: 18:00 of
  the day before the report date to 06:00 of it, the OSCE sense; ``in the evening``:
  18:00–24:00), each a table row, shared with the simulator;
- ``between the evenings of 8 and 9 December`` -> 8 December 19:30 to 9 December 19:30 (the OSCE
  reporting period, :data:`~truce.intake.narrative.lexicon.EVENING_CUTOFF_H`);
- ``On 7 December, ...`` moves the day the times refer to;
- no time phrase: the whole report day, 00:00 to 24:00 (``stated: False``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from truce.errors import ValidationError
from truce.intake.narrative import lexicon as lx

_MONTH = "|".join(lx.MONTHS)
_HM = r"([01]?\d|2[0-4])[:h]([0-5]\d)"
_DATED = rf"(?:\s+on\s+(\d{{1,2}})\s+({_MONTH})(?:\s+(\d{{4}}))?\b)?"
_RANGE = re.compile(
    rf"\b(?:between|from)\s+(?:about\s+|approximately\s+)?{_HM}{_DATED}\s*(?:hrs\s+)?"
    rf"(?:and|to|until|till)\s+(?:about\s+|approximately\s+)?{_HM}{_DATED}"
    rf"|(?<![\d:]){_HM}\s*[–—-]\s*{_HM}(?![\d:])", re.IGNORECASE)
_AT = re.compile(
    rf"\b(?:at|around|at about|at around|at approximately|about)\s+{_HM}(?![\d:]){_DATED}", re.IGNORECASE)
_EVENINGS = re.compile(
    rf"\bbetween\s+the\s+evenings\s+of\s+(\d{{1,2}})(?:\s+({_MONTH}))?\s+and\s+(\d{{1,2}})\s+({_MONTH})"
    rf"(?:\s+(\d{{4}}))?", re.IGNORECASE)
_ON_DATE = re.compile(rf"\bon\s+(\d{{1,2}})\s+({_MONTH})(?:\s+(\d{{4}}))?", re.IGNORECASE)
_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b", re.IGNORECASE)
_TZ = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class When:
    """A resolved time: ``start``/``end`` aware datetimes; ``instant`` when stated as one time."""

    start: datetime
    end: datetime
    instant: bool = False
    stated: bool = True
    dated: bool = False  # the text gave the day of a time ("at 00:04 on 9 December")

    def shifted(self, by: timedelta) -> When:
        """The same window moved by ``by`` (a day-rollover guess); a time whose day the text
        states explicitly (``dated``) is never moved."""
        if self.dated:
            return self
        return When(self.start + by, self.end + by, self.instant, self.stated)

    def record(self) -> str | dict[str, str]:
        """The observation contract's ``time``: a string for an instant, else ``{start, end}``."""
        if self.instant:
            return self.start.isoformat()
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def parse_tz(text: str) -> timezone:
    """``+02:00``, ``+0200``, ``UTC+3``, ``-05:30`` -> a fixed-offset timezone.

    >>> parse_tz("+02:00")
    datetime.timezone(datetime.timedelta(seconds=7200))
    """
    m = _TZ.match(text.strip())
    if not m:
        raise ValidationError(f"time zone must be an offset such as +02:00, got {text!r}",
                              field="tz")
    sign = 1 if m.group(1) == "+" else -1
    h, mi = int(m.group(2)), int(m.group(3) or 0)
    if h > 14 or mi > 59:
        raise ValidationError(f"time zone offset {text!r} is out of range", field="tz")
    return timezone(sign * timedelta(hours=h, minutes=mi))


_CLOCK = re.compile(r"(?<![\w:.,])(\d{1,2})[:h](\d{2})(?![\w:])")


def bad_time(sentence: str) -> str | None:
    """The first clock time in a sentence that does not exist (``25:99``, ``24:61``, ``12:60``,
    ``24:30``), or None.  ``24:00`` is valid: the end of the day (ISO 8601).

    >>> bad_time("At 25:99, the team heard ..."), bad_time("between 23:50 and 24:00")
    ('25:99', None)
    """
    for m in _CLOCK.finditer(sentence):
        h, mi = int(m.group(1)), int(m.group(2))
        if h > 24 or mi > 59 or (h == 24 and mi > 0):
            return m.group(0)
    return None


def _dates(text: str) -> Iterator[tuple[str, date | None]]:
    """Each "8 December 2024" of a text, as written and as a date (None: no such day)."""
    for m in _DATE.finditer(text):
        try:
            yield m.group(0), date(int(m.group(3)), lx.MONTHS[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            yield m.group(0), None


def invalid_date_in(text: str) -> str | None:
    """The first "31 February 2024" in a text that is not a real date, or None."""
    return next((written for written, d in _dates(text) if d is None), None)


def date_in(text: str) -> date | None:
    """The first "8 December 2024" in a text (a report heading), or None (also when that first
    one is no real date)."""
    return next((d for _, d in _dates(text)), None)


def _at(day: date, h: int, m: int, tz: timezone) -> datetime:
    return datetime.combine(day, time(0, 0), tz) + timedelta(hours=h, minutes=m)


def _day(d: int, month: str, year: int | None, report_date: date) -> date | None:
    try:
        return date(year or report_date.year, lx.MONTHS[month.lower()], d)
    except ValueError:
        return None


def _tag(g: tuple[str | None, ...], report_date: date) -> date | None:
    """The date of an "on 9 December [2024]" that follows a time, or None."""
    if g[0] is None or g[1] is None:
        return None
    return _day(int(g[0]), g[1], int(g[2]) if g[2] else None, report_date)


def resolve(sentence: str, report_date: date, tz: timezone,
            time_words: dict[str, tuple[float, int, float, int]] | None = None) -> When:
    """The time of a sentence (see the module docstring for the rules)."""
    words = lx.TIME_WORDS if time_words is None else time_words
    m = _EVENINGS.search(sentence)
    if m:
        d1 = _day(int(m.group(1)), m.group(2) or m.group(4), int(m.group(5)) if m.group(5) else None,
                  report_date)
        d2 = _day(int(m.group(3)), m.group(4), int(m.group(5)) if m.group(5) else None, report_date)
        if d1 and d2:
            cut = timedelta(hours=lx.EVENING_CUTOFF_H)
            return When(_at(d1, 0, 0, tz) + cut, _at(d2, 0, 0, tz) + cut)
    day = report_date
    od = _ON_DATE.search(sentence)
    if od:
        day = _day(int(od.group(1)), od.group(2), int(od.group(3)) if od.group(3) else None,
                   report_date) or report_date
    m = _RANGE.search(sentence)
    if m:
        g = m.groups()
        if g[0] is not None:  # between/from, each end may carry its own date
            h0, m0, d0, h1, m1, d1 = g[0], g[1], g[2:5], g[5], g[6], g[7:10]
        else:
            h0, m0, h1, m1 = g[10:14]
            d0 = d1 = (None, None, None)
        day0, day1 = _tag(d0, report_date), _tag(d1, report_date)
        a = _at(day0 or day1 or day, int(h0), int(m0), tz)
        b = _at(day1 or day0 or day, int(h1), int(m1), tz)
        dated = bool(day0 or day1)
        if b < a:
            if day1 and not day0:  # "between 23:41 and 00:09 on 10 December": 23:41 on the 9th
                a -= timedelta(days=1)
            elif not day1:  # "between 23:50 and 00:10": the end is on the next day
                b += timedelta(days=1)
        return When(a, b, dated=dated)
    m = _AT.search(sentence)
    if m:
        d_ = _tag(m.groups()[2:5], report_date)
        a = _at(d_ or day, int(m.group(1)), int(m.group(2)), tz)
        return When(a, a, instant=True, dated=bool(d_))
    low = sentence.lower()
    for phrase, (h0, d0, h1, d1_) in words.items():
        if phrase in low:
            base = _at(day, 0, 0, tz)
            return When(base + timedelta(days=d0, hours=h0), base + timedelta(days=d1_, hours=h1))
    base = _at(day, 0, 0, tz)
    return When(base, base + timedelta(days=1), stated=False)


def has_time(sentence: str) -> bool:
    """Whether the sentence states a time of its own (else a carried-over time may apply)."""
    low = sentence.lower()
    return bool(_RANGE.search(sentence) or _AT.search(sentence) or _EVENINGS.search(sentence)
                or any(p in low for p in lx.TIME_WORDS))
