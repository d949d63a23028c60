"""The grammar: regular expressions compiled from the lexicon's tables, and the functions that
take one sentence apart into an observer position, a verb, events and their direction,
distance, bearing, trajectory and location.

Nothing here resolves names or times (``places``, ``times`` do); the output is plain values.

A sentence reads ``[time,] [position,] SUBJECT VERB EVENT [and EVENT ...] [time].`` where

- the position is "positioned in/at/near [control] PLACE [(aside)]", "N km DIR of PLACE", or the
  same after "the camera", "its observation post", "the acoustic sensor";
- an EVENT is COUNT OBJECT [distance] [direction] [bearing] [trajectory] [location], COUNT a
  digit, number word, article or vague phrase, OBJECT a row of ``KIND_PHRASES``;
- a weapon sighting is COUNT [SYSTEM] [CALIBRE mm] NOUN [(TYPE, CALIBRE mm)] [location].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from truce.intake.narrative import lexicon as lx


def _alt(phrases: list[str]) -> str:
    return "|".join(sorted(phrases, key=len, reverse=True))


def _esc_words(words: object) -> str:
    return _alt([re.escape(str(w)).replace(r"\ ", r"\s+") for w in words])  # type: ignore[attr-defined]


# -- numbers ---------------------------------------------------------------------------------

_UNIT19 = _esc_words([w for w in lx.UNITS if w != "zero"])
_UNIT9 = _esc_words([w for w, v in lx.UNITS.items() if 1 <= v <= 9])
_TENS = _esc_words(lx.TENS)
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
_WORDNUM = rf"(?:{_TENS})(?:[-\s](?:{_UNIT9}))?|(?:{_UNIT19})|(?:{_esc_words(lx.SCALE_WORDS)})"
NUMBER = rf"(?:{_DIGITS}|{_WORDNUM}|an?|a\s+single)"
_PREFIX = _esc_words(lx.UNCERTAIN_PREFIXES)
_VAGUE = _esc_words(lx.VAGUE_COUNTS)
COUNT = rf"(?:(?:{_VAGUE})|(?:(?:{_PREFIX})\s+)?(?:{NUMBER}))"
_B = r"(?<![\w-])"  # word start
_E = r"(?![\w-])"  # word end

_COUNT_RE = re.compile(rf"^(?:(?P<vague>{_VAGUE})|(?:(?P<prefix>{_PREFIX})\s+)?(?P<num>.+))$", re.IGNORECASE)


def number_value(text: str) -> int | None:
    """'23', '1,234', 'twenty-three', 'a', 'twelve', 'a dozen' -> int; None when not a number.

    >>> [number_value(t) for t in ("1,234", "twenty-three", "an", "Forty", "none", "x")]
    [1234, 23, 1, 40, 0, None]
    """
    t = " ".join(text.lower().replace("-", " ").split())
    if not t:
        return None
    if t.replace(",", "").isdigit():
        return int(t.replace(",", ""))
    if t in ("a", "an", "a single", "one single"):
        return 1
    if t in lx.ZERO_WORDS:
        return 0
    if t in lx.UNITS:
        return lx.UNITS[t]
    if t in lx.SCALE_WORDS:
        return lx.SCALE_WORDS[t]
    parts = t.split(" ")
    if len(parts) == 2 and parts[0] in lx.TENS and parts[1] in lx.UNITS and lx.UNITS[parts[1]] < 10:
        return lx.TENS[parts[0]] + lx.UNITS[parts[1]]
    if t in lx.TENS:
        return lx.TENS[t]
    return None


def count_value(text: str) -> tuple[int | None, bool]:
    """A count phrase -> (count or None, uncertain).

    >>> [count_value(t) for t in ("12", "about 40", "several", "at least ten", "a")]
    [(12, False), (40, True), (None, True), (10, True), (1, False)]
    """
    m = _COUNT_RE.match(" ".join(text.split()))
    if not m:
        return None, True
    if m.group("vague"):
        return None, True
    return number_value(m.group("num")), m.group("prefix") is not None


# -- direction, distance ---------------------------------------------------------------------

_DIR_WORDS = _alt([re.escape(w).replace(r"\ ", r"\s") for w in lx.COMPASS_WORDS])
_DIR_ABBR = _alt(list(lx.COMPASS_ABBREVIATIONS))
DIRECTION = rf"(?:(?i:{_DIR_WORDS})(?i:ern|erly)?|{_DIR_ABBR})"
_NUMF = r"\d+(?:[.,]\d+)?"
_RANGE_SEP = r"\s?(?:–|—|-|to)\s?"
_APPROX = _esc_words(lx.DISTANCE_APPROX)
_UNKNOWN = _esc_words(lx.DISTANCE_UNKNOWN)


def compass(text: str) -> str | None:
    """'north-north-east', 'NNE', 'north-eastern', 'North East' -> 'NNE' / 'NE'; None otherwise."""
    t = text.strip()
    if t in lx.COMPASS_ABBREVIATIONS:
        return t
    low = " ".join(t.lower().split())
    for suffix in ("erly", "ern"):
        if low.endswith(suffix) and low[: -len(suffix)] in lx.COMPASS_WORDS:
            low = low[: -len(suffix)]
            break
    return lx.COMPASS_WORDS.get(low)


# -- places and positions --------------------------------------------------------------------

_CAP = r"[A-Z\u0400-\u042F\u0404\u0406\u0407\u0490]"
_WORDCH = r"[\w'’]"
PLACE = (rf"{_CAP}{_WORDCH}*+(?:(?:-|\s)(?!region\b|Region\b|Oblast\b){_CAP}{_WORDCH}*+)*"
         rf"(?!\s+region)")
_REGION = _esc_words(lx.REGIONS)
_CONTROL = _esc_words(lx.CONTROL_QUALIFIERS)
_PREP = (r"on\s+the\s+(?:outskirts|edge)\s+of|on\s+the\s+(?i:" + _DIR_WORDS +
         r")(?:ern)?\s+(?:edge|outskirts)\s+of|in\s+the\s+cent(?:re|er)\s+of|in|at|near")
POSITION = (
    rf"(?:(?P<km>{_NUMF})\s?km\s+(?:to\s+the\s+)?(?P<dir>{DIRECTION})\s+of|(?P<prep>(?i:{_PREP})))"
    rf"\s+(?:the\s+)?(?:(?P<ctl>(?i:{_CONTROL}))\s+)?(?P<place>{PLACE})"
    rf"(?:\s*\((?P<region2>{_REGION})\s+region\)|\s*\((?P<aside>[^()]*)\))?"
    rf"(?:,\s*(?P<region>{_REGION})\s+(?:region|oblast|Oblast))?"
)
_POSITION_RE = re.compile(_B + POSITION)
_ASIDE_RE = re.compile(rf"^\s*(?P<km>{_NUMF})\s?km\s+(?:to\s+the\s+)?(?P<dir>{DIRECTION})\s+of\s+"
                       rf"(?P<place>{PLACE})\s*$")
_REGION_CONTEXT_RE = re.compile(rf"\b(?i:in)\s+(?P<region>{_REGION})\s+(?:region|oblast)\b")


@dataclass(frozen=True, slots=True)
class Position:
    """A place reference: ``mode`` is ``in``, ``at``, ``near`` or ``offset`` (N km DIR of)."""

    mode: str
    place: str
    offset_km: float = 0.0
    compass: str | None = None
    region: str | None = None
    control: str | None = None
    aside: tuple[float, str, str] | None = None  # (km, compass, place) of "(17km north of Donetsk)"
    span: tuple[int, int] = (0, 0)


def _num(s: str) -> float:
    return float(s.replace(",", "."))


def _position(m: re.Match[str]) -> Position:
    aside = None
    if m.group("aside"):
        a = _ASIDE_RE.match(m.group("aside"))
        if a:
            c = compass(a.group("dir"))
            if c:
                aside = (_num(a.group("km")), c, a.group("place"))
    ctl = m.group("ctl")
    region = m.group("region") or m.group("region2")
    if m.group("km"):
        return Position("offset", m.group("place"), _num(m.group("km")), compass(m.group("dir")),
                        region, lx.CONTROL_QUALIFIERS.get(ctl.lower()) if ctl else None, aside,
                        m.span())
    prep = " ".join(m.group("prep").lower().split())
    mode = "near" if prep == "near" else ("at" if prep == "at" else "in")
    return Position(mode, m.group("place"), 0.0, None, region,
                    lx.CONTROL_QUALIFIERS.get(ctl.lower()) if ctl else None, aside, m.span())


def find_position(text: str, start: int = 0, end: int | None = None) -> Position | None:
    """The first place reference in ``text[start:end]``."""
    m = _POSITION_RE.search(text, start, len(text) if end is None else end)
    return _position(m) if m else None


def region_context(text: str) -> str | None:
    """'In Donetsk region, ...' / '... in Luhansk region' -> the region named, else None."""
    m = _REGION_CONTEXT_RE.search(text)
    if not m:
        return None
    r = m.group("region")
    return next((x for x in lx.REGIONS if x.lower() == r.lower()), r)


# -- objects ---------------------------------------------------------------------------------


def _kind_rows() -> list[tuple[str, str, str | None]]:
    rows: list[tuple[str, str, str | None]] = []
    for phrase, kind, detail in lx.KIND_PHRASES:
        if "{fire}" in phrase:
            for fp, fd in lx.FIRE_DETAILS.items():
                rows.append((phrase.replace("{fire}", fp), kind, fd if detail == "{fire}" else detail))
        else:
            rows.append((phrase, kind, detail))
    return rows


KIND_ROWS: tuple[tuple[str, str, str | None], ...] = tuple(_kind_rows())
_FILLER = r"(?:(?:more|further|loud|additional|other|distant|possible|probable|separate)\s+)*"
_OBJ = "|".join(f"(?P<o{i}>{p})" for i, (p, _, _) in enumerate(KIND_ROWS))
_EVENT_RE = re.compile(rf"{_B}(?P<count>{COUNT})\s+{_FILLER}(?:{_OBJ}){_E}", re.IGNORECASE)
_BARE_RE = re.compile(
    rf"{_B}(?:{_alt([p for p, _, _ in KIND_ROWS] + [f + ' fire' for f in lx.FIRE_DETAILS])}"
    rf"|shelling){_E}", re.IGNORECASE)

_SYS = "|".join(f"(?P<s{i}>{p})" for i, (p, _, _, _) in enumerate(lx.WEAPON_SYSTEMS))
_NOUN = "|".join(f"(?P<n{i}>{p})" for i, (p, _) in enumerate(lx.WEAPON_NOUNS))
_NOUN2 = "|".join(f"(?P<m{i}>{p})" for i, (p, _) in enumerate(lx.WEAPON_NOUNS))
_WEAPON_RE = re.compile(
    rf"{_B}(?P<count>{COUNT})\s+{_FILLER}"
    rf"(?:(?P<sys>{_SYS})(?:\s+(?P<noun>{_NOUN}))?|(?:(?P<cal>\d{{2,3}})\s?-?mm\s+)?(?P<noun2>{_NOUN2}))"
    rf"{_E}(?:\s*\((?P<paren>[^()]*)\))?", re.IGNORECASE)
_SYS_ONLY_RE = re.compile(rf"{_B}(?:{_SYS}){_E}", re.IGNORECASE)
_CAL_RE = re.compile(r"(\d{2,3})\s?-?mm\b", re.IGNORECASE)

_VERB_RE = re.compile(rf"{_B}(?:{_esc_words(lx.VERBS)}){_E}", re.IGNORECASE)
_SOURCE_RES = tuple((re.compile(p, re.IGNORECASE), k) for p, k in lx.SOURCE_WORDS)

_DD_RE = re.compile(
    rf"(?<![\w-])(?=[\dantsewrfiNSEWATSRFI])(?:(?P<unknown>{_UNKNOWN})"
    rf"|(?:(?P<approx>{_APPROX})\s+)?(?P<lo>{_NUMF})(?:{_RANGE_SEP}(?P<hi>{_NUMF}))?\s?(?P<unit>km|m){_E}"
    rf"|(?:to\s+the\s+|towards?\s+the\s+|in\s+the\s+direction\s+of\s+)?(?P<dir>{DIRECTION}){_E})",
    re.IGNORECASE)
_TRAJ_RE = re.compile(
    rf"\bfrom\s+(?:the\s+)?(?P<a>{DIRECTION})\s+(?:to|towards)\s+(?:the\s+)?(?P<b>{DIRECTION}){_E}",
    re.IGNORECASE)
_BEARING_RE = re.compile(
    rf"\bbearing\s+of\s+(?P<b>{_NUMF})\s*(?:degrees|°)"
    rf"(?:\s*\((?:plus\s+or\s+minus|±|\+/-)\s*(?P<s>{_NUMF})\s*(?:degrees|°)?\))?", re.IGNORECASE)
_OF_PLACE_RE = re.compile(rf"\s+of\s+(?:the\s+)?(?:(?i:{_CONTROL})\s+)?{_CAP}")


@dataclass(frozen=True, slots=True)
class Weapon:
    """A sighted weapon: class (None when no table row or rule gives one), type, calibre."""

    weapon_class: str | None
    type: str | None
    caliber_mm: int | None


@dataclass(frozen=True, slots=True)
class Event:
    """One counted thing in a sentence, with what the words around it say."""

    kind: str
    detail: str | None
    count: int | None
    uncertain: bool
    span: tuple[int, int]
    direction: str | None = None
    distance_km: float | tuple[float, float] | None = None
    trajectory: tuple[str, str] | None = None
    bearing: tuple[float, float | None] | None = None
    location: Position | None = None
    weapon: Weapon | None = None
    heard_only: bool | None = None  # the verb before it ("heard ... and saw two tanks")


@dataclass(frozen=True, slots=True)
class Clause:
    """What a sentence says: source kind named in it, verb, position, events, bare mentions."""

    source: str | None
    heard_only: bool | None
    position: Position | None
    events: tuple[Event, ...]
    bare_kinds: int  # mentions of a kind without a count
    verb_at: int  # -1: no verb


def _which(m: re.Match[str], prefix: str, n: int) -> int:
    d = m.groupdict()
    for i in range(n):
        if d.get(f"{prefix}{i}") is not None:
            return i
    return -1


def _weapon(m: re.Match[str]) -> Weapon:
    wtype: str | None = None
    wclass: str | None = None
    cal: int | None = int(m.group("cal")) if m.group("cal") else None
    paren = m.group("paren") or ""
    si = _which(m, "s", len(lx.WEAPON_SYSTEMS)) if m.group("sys") else -1
    if si < 0 and paren:
        pm = _SYS_ONLY_RE.search(paren)
        if pm:
            si = _which(pm, "s", len(lx.WEAPON_SYSTEMS))
    if paren:
        c = _CAL_RE.search(paren)
        if c:
            cal = int(c.group(1))
    if si >= 0:
        _, wtype, wclass, sys_cal = lx.WEAPON_SYSTEMS[si]
        cal = cal if cal is not None else sys_cal
        if sys_cal is None:
            cal = None
        return Weapon(wclass, wtype, cal)
    ni = _which(m, "n", len(lx.WEAPON_NOUNS))
    if ni < 0:
        ni = _which(m, "m", len(lx.WEAPON_NOUNS))
    if ni >= 0:
        wclass = lx.WEAPON_NOUNS[ni][1]
        if wclass is None and cal is not None:
            wclass = "artillery_ge100" if cal >= lx.ARTILLERY_SPLIT_MM else "artillery_lt100"
    if paren:
        head = paren.split(",")[0].strip()
        if head and not _CAL_RE.fullmatch(head):
            wtype = head
    return Weapon(wclass, wtype, cal)


def _describe(text: str, a: int, b: int, kind: str) -> dict[str, object]:
    """Direction, distance, bearing, trajectory and location said in ``text[a:b]``."""
    out: dict[str, object] = {}
    seg = text[a:b]
    loc = find_position(text, a, b) if (" of " in seg or "near " in seg or " in " in seg
                                        or " at " in seg) else None
    if loc is not None and (kind == "weapon" or loc.mode in ("offset", "near", "in")):
        out["location"] = loc
        seg = text[a:loc.span[0]] + " " * (loc.span[1] - loc.span[0]) + text[loc.span[1]:b]
    t = _TRAJ_RE.search(seg) if "from" in seg else None
    if t:
        ca, cb = compass(t.group("a")), compass(t.group("b"))
        if ca and cb:
            out["trajectory"] = (ca, cb)
        seg = seg[: t.start()] + " " * (t.end() - t.start()) + seg[t.end():]
    br = _BEARING_RE.search(seg) if "bearing" in seg else None
    if br:
        out["bearing"] = (_num(br.group("b")), _num(br.group("s")) if br.group("s") else None)
        seg = seg[: br.start()] + " " * (br.end() - br.start()) + seg[br.end():]
    for m in _DD_RE.finditer(seg):
        if m.group("unknown"):
            out.setdefault("distance_unknown", True)
        elif m.group("lo") is not None:
            if "distance_km" in out:
                continue
            scale = 1.0 if m.group("unit").lower() == "km" else 0.001
            lo = _num(m.group("lo")) * scale
            out["distance_km"] = (lo, _num(m.group("hi")) * scale) if m.group("hi") else lo
        elif m.group("dir") is not None:
            if "direction" in out or _OF_PLACE_RE.match(seg, m.end()):
                continue
            c = compass(m.group("dir"))
            if c:
                out["direction"] = c
    return out


_WEAPON_HINT = re.compile(
    r"tank|mortar|howitzer|gun|mlrs|rocket|missile|artillery|grad|\d\s?mm|\b[a-z0-9]+-\d", re.IGNORECASE)


def _scan(text: str, start: int) -> list[tuple[int, int, re.Match[str], str]]:
    """Events and weapon sightings from ``start`` on (the weapon pattern only when a weapon word
    occurs: it is the costlier one)."""
    found = [(m.start(), m.end(), m, "event") for m in _EVENT_RE.finditer(text, start)]
    if _WEAPON_HINT.search(text, start):
        found += [(m.start(), m.end(), m, "weapon") for m in _WEAPON_RE.finditer(text, start)]
    return found


def analyse(text: str) -> Clause:
    """Take one sentence apart (no name or time resolution)."""
    verbs = [(v.start(), lx.VERBS[" ".join(v.group(0).lower().split())])
             for v in _VERB_RE.finditer(text)]
    verb_at = verbs[0][0] if verbs else -1
    heard_only = verbs[0][1] if verbs else None
    pre_end = verb_at if verbs else len(text)
    position = find_position(text, 0, pre_end)
    source = None
    pre = text[:pre_end]
    for rx, k in _SOURCE_RES:
        if rx.search(pre):
            source = k
            break
    # events and weapon sightings, in order, without overlaps
    found = _scan(text, max(verb_at, 0))
    if not found and verb_at > 0:  # passive voice: "Twelve explosions were heard ..."
        found = _scan(text, 0)
    found.sort(key=lambda f: (f[0], -f[1]))
    chosen: list[tuple[int, int, re.Match[str], str]] = []
    last_end = -1
    for f in found:
        if f[0] >= last_end and not (position and position.span[0] <= f[0] < position.span[1]):
            chosen.append(f)
            last_end = f[1]
    events: list[Event] = []
    for j, (s, e, m, what) in enumerate(chosen):
        nxt = chosen[j + 1][0] if j + 1 < len(chosen) else len(text)
        count, uncertain = count_value(m.group("count"))
        if what == "weapon":
            kind, detail, weapon = "weapon", None, _weapon(m)
        else:
            i = _which(m, "o", len(KIND_ROWS))
            _, kind, detail = KIND_ROWS[i]
            weapon = None
        d = _describe(text, e, nxt, kind)
        # each event takes the last verb before it (the first one for a passive "... were heard")
        ev_heard = next((h for at, h in reversed(verbs) if at < s), heard_only)
        events.append(Event(
            kind=kind, detail=detail, count=count, uncertain=uncertain, span=(s, e),
            direction=d.get("direction"), distance_km=d.get("distance_km"),  # type: ignore[arg-type]
            trajectory=d.get("trajectory"), bearing=d.get("bearing"),  # type: ignore[arg-type]
            location=d.get("location"), weapon=weapon,  # type: ignore[arg-type]
            heard_only=ev_heard))
    # "heard 5 explosions and 20 bursts 2-3 km south": what follows the last applies to all
    # events joined only by "and" / "," to it
    for j in range(len(events) - 2, -1, -1):
        ev, nx = events[j], events[j + 1]
        between = text[ev.span[1]:nx.span[0]].strip(" ,").lower()
        if between not in ("and", "as well as", ""):
            continue
        if ev.direction is None and ev.distance_km is None:
            ev = events[j] = _replace(ev, direction=nx.direction, distance_km=nx.distance_km,
                                      location=ev.location or nx.location)
        # "20 bursts and 7 shots of small-arms fire": the kind of fire applies to both
        if ev.kind in ("burst", "shot") and ev.detail is None and nx.kind in ("burst", "shot"):
            events[j] = _replace(ev, detail=nx.detail)
    bare = len(_BARE_RE.findall(text)) if not events else 0
    return Clause(source, heard_only, position, tuple(events), bare, verb_at)


def _replace(ev: Event, **kw: object) -> Event:
    d = {f: getattr(ev, f) for f in Event.__slots__}  # type: ignore[attr-defined]
    d.update(kw)
    return Event(**d)  # type: ignore[arg-type]
