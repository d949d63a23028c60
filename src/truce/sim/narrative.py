"""Narrative reports in the style of the OSCE SMM daily reports: one text per day per team or
sensor, one sentence per observation, with varied wording.

A report is a heading line, a blank line, then paragraphs.  A paragraph covers one stint (one
position over one time window) and opens with a sentence that states the position ("Positioned
2 km south-west of Avdiivka, the team heard ..."); the following sentences of the paragraph carry
it over ("It also heard ...", "The team then saw ...").  Wording is chosen from the template tables
below; every choice is drawn from the run's generator, so the text is reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from truce.domain.kinds import COMPASS_16
from truce.intake.narrative.lexicon import TIME_WORDS
from truce.sim import observations as ob
from truce.sim.monitors import ACOUSTIC, CAMERA, PATROL, POST, UAV, Network
from truce.sim.observations import ObservationTable
from truce.sim.places import Places
from truce.sim.systems import SYSTEMS
from truce.sim.truth import DAY_S

COMPASS_WORDS: dict[str, str] = {
    "N": "north", "NNE": "north-north-east", "NE": "north-east", "ENE": "east-north-east",
    "E": "east", "ESE": "east-south-east", "SE": "south-east", "SSE": "south-south-east",
    "S": "south", "SSW": "south-south-west", "SW": "south-west", "WSW": "west-south-west",
    "W": "west", "WNW": "west-north-west", "NW": "north-west", "NNW": "north-north-west",
}  # fmt: skip
DIRECTION_WORDS: tuple[str, ...] = tuple(COMPASS_WORDS[c] for c in COMPASS_16)

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
#: Numbers 0-99 in words ("twenty-three").
NUMBER_WORDS: tuple[str, ...] = tuple(
    _ONES[i] if i < 20 else _TENS[i // 10] + ("" if i % 10 == 0 else "-" + _ONES[i % 10])
    for i in range(100))
SOURCE_NAMES = ("Observation post", "Patrol team", "Camera", "Acoustic sensor", "Long-range UAV flight")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

# What was perceived: (kind, detail) -> variants of (singular, plural); "{n}" is the number.
OBJECTS: dict[tuple[int, int], tuple[tuple[str, str], ...]] = {
    (ob.EXPLOSION, ob.UNDETERMINED): (("{n} undetermined explosion", "{n} undetermined explosions"),),
    (ob.EXPLOSION, ob.IMPACT): (("{n} explosion assessed as an impact", "{n} explosions assessed as impacts"),
                                ("{n} impact", "{n} impacts")),
    (ob.EXPLOSION, ob.OUTGOING): (("{n} explosion assessed as outgoing fire", "{n} explosions assessed as outgoing fire"),
                                  ("{n} explosion of outgoing fire", "{n} explosions of outgoing fire")),
    (ob.EXPLOSION, ob.AIRBURST): (("{n} explosion assessed as an airburst", "{n} explosions assessed as airbursts"),
                                  ("{n} airburst", "{n} airbursts")),
    (ob.PROJECTILE, -1): (("{n} projectile in flight", "{n} projectiles in flight"),
                          ("{n} projectile", "{n} projectiles")),
    (ob.BURST, ob.SMALL_ARMS): (("{n} burst of small-arms fire", "{n} bursts of small-arms fire"),),
    (ob.BURST, ob.HMG): (("{n} burst of heavy-machine-gun fire", "{n} bursts of heavy-machine-gun fire"),
                         ("{n} burst of heavy machine-gun fire", "{n} bursts of heavy machine-gun fire")),
    (ob.SHOT, ob.SMALL_ARMS): (("{n} shot of small-arms fire", "{n} shots of small-arms fire"),
                               ("{n} single shot of small-arms fire", "{n} single shots of small-arms fire")),
    (ob.SHOT, ob.HMG): (("{n} shot of heavy-machine-gun fire", "{n} shots of heavy-machine-gun fire"),),
    (ob.FLARE, -1): (("{n} illumination flare", "{n} illumination flares"),),
}
UNDETERMINED_NUMBER = {ob.BURST: "an undetermined number of bursts of {what} fire",
                       ob.SHOT: "an undetermined number of shots of {what} fire"}

# Sentence frames. {pos} position, {verb}, {obj}, {dd} distance and direction, {time} trailing
# time, {Time} leading time, {near} where a weapon was, {b}/{sg} acoustic bearing and sigma.
FRAMES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("post", True): ("From its observation post {pos}, the team {verb} {obj}{dd}{time}.",
                     "Positioned at its observation post {pos}, the team {verb} {obj}{dd}{time}.",
                     "{Time}, the team at the observation post {pos} {verb} {obj}{dd}."),
    ("patrol", True): ("Positioned {pos}, the team {verb} {obj}{dd}{time}.",
                       "While positioned {pos}, the team {verb} {obj}{dd}{time}.",
                       "{Time}, positioned {pos}, the team {verb} {obj}{dd}."),
    ("human", False): ("It also {verb} {obj}{dd}{time}.", "The team then {verb} {obj}{dd}{time}.",
                       "{Time}, it {verb} {obj}{dd}.", "{Time}, the team {verb} {obj}{dd}.",
                       "The team also {verb} {obj}{dd}{time}.", "Later, it {verb} {obj}{dd}{time}."),
    ("camera", True): ("The camera {pos} recorded {obj}{dd}{time}.",
                       "{Time}, the camera {pos} recorded {obj}{dd}."),
    ("camera", False): ("It also recorded {obj}{dd}{time}.", "{Time}, the camera recorded {obj}{dd}.",
                        "The camera also recorded {obj}{dd}{time}."),
    ("acoustic", True): (
        ("The acoustic sensor {pos} registered {obj} on a bearing of {b} degrees"
         " (plus or minus {sg} degrees){time}."),
        ("{Time}, the acoustic sensor {pos} registered {obj} on a bearing of {b} degrees"
         " (plus or minus {sg} degrees).")),
    ("acoustic", False): (
        "It also registered {obj} on a bearing of {b} degrees (plus or minus {sg} degrees){time}.",
        "{Time}, it registered {obj} on a bearing of {b} degrees (plus or minus {sg} degrees)."),
    ("post_weapon", True): ("From its observation post {pos}, the team saw {obj} {near}{time}.",),
    ("patrol_weapon", True): ("Positioned {pos}, the team saw {obj} {near}{time}.",
                              "{Time}, while positioned {pos}, the team saw {obj} {near}."),
    ("human_weapon", False): ("It also saw {obj} {near}{time}.", "The team then saw {obj} {near}{time}."),
    ("uav", True): ("A long-range UAV spotted {obj} {near}{time}.",
                    "{Time}, a long-range UAV spotted {obj} {near}."),
    ("uav", False): ("During the same flight, the UAV spotted {obj} {near}{time}.",
                     "{Time}, the UAV spotted {obj} {near}."),
}
DISTANCE_FRAMES: dict[int, tuple[str, ...]] = {
    ob.DIST_RANGE: (" {lo}–{hi} km {dir}", " at an estimated distance of {lo}–{hi} km {dir}"),
    ob.DIST_ABOUT: (" about {v} km {dir}", " an estimated {v} km {dir}"),
    ob.DIST_UNKNOWN: (" at an unknown distance {dir}", " {dir} at an unknown distance"),
    ob.DIST_NONE: ("",),
}
_VOWEL_START = ("a", "e", "i", "o", "u")
#: A pause between two observations of a stint after which the position is stated again.
PARAGRAPH_LULL_S = 2 * 3600
#: A sentence may open with "Later," when it starts at least this long after the previous one.
LATER_S = 15 * 60


@dataclass(frozen=True, eq=False)
class Narrative:
    """The sentences (one per observation, in the table's order) and the report files."""

    text: np.ndarray  # object
    report: np.ndarray  # object: relative path of the report holding the sentence
    sentence: np.ndarray  # int: 1-based index of the sentence in its report
    files: tuple[tuple[str, str], ...]  # (relative path, content), sorted by path


def km(v: float) -> str:
    """1.0 -> '1', 1.5 -> '1.5'."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


def long_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def render(obs: ObservationTable, net: Network, places: Places, start: date,
           rng: np.random.Generator) -> Narrative:
    """Write the sentences and the daily reports of a sorted observation table.

    ``obs`` must be sorted by (day, source, stint, time) as :func:`truce.sim.run.simulate` leaves it.
    """
    n = len(obs)
    st = net.stints
    skind = net.sources.kind[obs.source]
    # paragraphs: a stint's sentences, cut every 2-6 sentences (the position is stated again)
    new_stint = np.r_[True, obs.stint[1:] != obs.stint[:-1]] if n else np.zeros(0, bool)
    first = np.flatnonzero(new_stint)
    run_len = np.diff(np.r_[first, n])
    rank = np.arange(n) - np.repeat(first, run_len)
    para_len = np.repeat(rng.integers(2, 7, len(first)), run_len)
    # a new paragraph also after a lull of two hours or more
    lull = np.r_[False, np.diff(obs.t_start) >= PARAGRAPH_LULL_S] if n else np.zeros(0, bool)
    opens = (rank % para_len == 0) | (skind == UAV) | lull

    pos_txt = _position_phrases(net, places)
    heading_region = st.region[obs.stint]
    num = _numbers(obs.count, rng)
    obj = _objects(obs, num, rng)
    dd = _distance_direction(obs, rng)
    lead, trail = _times(obs, start)
    near = _near(obs, places, heading_region)
    later = np.r_[False, np.diff(obs.t_start) >= LATER_S] if n else np.zeros(0, bool)
    frame = _frames(obs, skind, opens, later, rng)
    verb = np.where(obs.heard_only, "heard", "saw").astype(object)
    bearing = np.array([f"{b:.0f}" if not math.isnan(b) else "" for b in obs.bearing_deg.tolist()],
                       dtype=object)
    sigma = np.array([km(s) if not math.isnan(s) else "" for s in obs.bearing_sigma_deg.tolist()],
                     dtype=object)
    pos = pos_txt[np.maximum(st.pos[obs.stint], 0)]
    text = np.array([
        f.format(pos=p, verb=v, obj=o, dd=d, time=t, Time=tt, near=nr, b=b, sg=s)
        for f, p, v, o, d, t, tt, nr, b, s in zip(
            frame.tolist(), pos.tolist(), verb.tolist(), obj.tolist(), dd.tolist(), trail.tolist(),
            lead.tolist(), near.tolist(), bearing.tolist(), sigma.tolist())
    ], dtype=object)
    text = np.array([t[0].upper() + t[1:] for t in text.tolist()], dtype=object)

    # the files: one per (day, source)
    key = obs.day.astype(np.int64) * (len(net.sources) + 1) + obs.source
    new_file = np.r_[True, key[1:] != key[:-1]] if n else np.zeros(0, bool)
    fstart = np.flatnonzero(new_file)
    fend = np.r_[fstart[1:], n]
    sentence = (np.arange(n) - np.repeat(fstart, fend - fstart) + 1).astype(np.int64)
    dates = [(start + timedelta(days=int(d))) for d in range(int(obs.day.max(initial=0)) + 1)]
    paths, files = [], []
    for a, b in zip(fstart.tolist(), fend.tolist()):  # per report file, not per observation
        src = int(obs.source[a])
        day = dates[int(obs.day[a])]
        path = f"reports/{day.isoformat()}/{net.sources.id[src]}.txt"
        kind = int(net.sources.kind[src])
        region = places.regions[int(heading_region[a])]
        head = (f"Daily report — {SOURCE_NAMES[kind]} {int(net.sources.number[src])}, "
                f"{region} region, {long_date(day)}")
        cut = np.flatnonzero(opens[a:b])[1:]
        paras = [" ".join(p) for p in np.split(text[a:b], cut)]
        files.append((path, head + "\n\n" + "\n\n".join(paras) + "\n"))
        paths.append(path)
    report = np.repeat(np.array(paths, dtype=object), fend - fstart)
    files.sort(key=lambda f: f[0])
    return Narrative(text=text, report=report, sentence=sentence, files=tuple(files))


def _position_phrases(net: Network, places: Places) -> np.ndarray:
    p = net.positions
    out = []
    for place, off, c in zip(p.place.tolist(), p.offset_km.tolist(), p.compass.tolist()):
        name = places.names[place]
        out.append(f"in {name}" if off == 0 else f"{km(off)} km {DIRECTION_WORDS[c]} of {name}")
    return np.array(out or [""], dtype=object)


def _numbers(count: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Counts as words or digits: small numbers mostly in words, larger mostly in digits."""
    n = len(count)
    p_words = np.where(count <= 9, 0.85, np.where(count <= 20, 0.4, np.where(count < 100, 0.15, 0.0)))
    words = rng.random(n) < p_words
    u = rng.random(n)
    out = []
    for c, w, uu in zip(count.tolist(), words.tolist(), u.tolist()):
        if c == 1:
            out.append("one" if uu < 0.5 else ("1" if uu > 0.9 else "a"))
        elif w:
            out.append(NUMBER_WORDS[c])
        else:
            out.append(f"{c:,}")
    return np.array(out, dtype=object)


def _with_article(phrase: str) -> str:
    """'a undetermined explosion' -> 'an undetermined explosion'."""
    if phrase.startswith("a ") and phrase[2:3].lower() in _VOWEL_START:
        return "an " + phrase[2:]
    return phrase


def _objects(obs: ObservationTable, num: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    variant = rng.integers(0, 1 << 30, len(obs))
    out = []
    for k, d, c, known, s, nm, v in zip(obs.kind.tolist(), obs.detail.tolist(), obs.count.tolist(),
                                        obs.count_known.tolist(), obs.system.tolist(), num.tolist(),
                                        variant.tolist()):
        if k == ob.WEAPON:
            sys_ = SYSTEMS[s]
            cal = f", {sys_.caliber_mm} mm" if sys_.caliber_mm else ""
            noun = sys_.noun if c == 1 else sys_.plural
            out.append(_with_article(f"{nm} {noun} ({sys_.type}{cal})"))
        elif not known:
            out.append(UNDETERMINED_NUMBER[k].format(
                what="heavy-machine-gun" if d == ob.HMG else "small-arms"))
        else:
            forms = OBJECTS[(k, d)]
            sing, plur = forms[v % len(forms)]
            out.append(_with_article((sing if c == 1 else plur).format(n=nm)))
    return np.array(out, dtype=object)


def _distance_direction(obs: ObservationTable, rng: np.random.Generator) -> np.ndarray:
    variant = rng.integers(0, 1 << 30, len(obs))
    out = []
    for m, lo, hi, c, v in zip(obs.dist_mode.tolist(), obs.dist_lo.tolist(), obs.dist_hi.tolist(),
                               obs.compass.tolist(), variant.tolist()):
        forms = DISTANCE_FRAMES[m]
        f = forms[v % len(forms)]
        if m == ob.DIST_NONE:
            out.append("")
        elif m == ob.DIST_RANGE:
            out.append(f.format(lo=km(lo), hi=km(hi), dir=DIRECTION_WORDS[c]))
        elif m == ob.DIST_ABOUT:
            out.append(f.format(v=km(lo), dir=DIRECTION_WORDS[c]))
        else:
            out.append(f.format(dir=DIRECTION_WORDS[c]))
    return np.array(out, dtype=object)


def _hhmm(t: np.ndarray) -> list[str]:
    m = (np.mod(t, DAY_S) // 60).astype(np.int64)
    return [f"{a:02d}:{b:02d}" for a, b in zip((m // 60).tolist(), (m % 60).tolist())]


#: How the vague time modes are written; their windows are the parser's (lexicon ``TIME_WORDS``).
VAGUE_PHRASES: dict[int, str] = {ob.TIME_OVERNIGHT: "overnight", ob.TIME_EVENING: "in the evening"}


def vague_windows(obs: ObservationTable) -> tuple[np.ndarray, np.ndarray]:
    """``(t_start, t_end)`` with the "overnight" / "in the evening" rows set to their table window
    relative to the report day ("overnight": 18:00 of the day before to 06:00 of the report day)."""
    s = np.asarray(obs.t_start, dtype=np.int64).copy()
    e = np.asarray(obs.t_end, dtype=np.int64).copy()
    midnight = obs.day.astype(np.int64) * DAY_S
    for mode, phrase in VAGUE_PHRASES.items():
        h0, d0, h1, d1 = TIME_WORDS[phrase]
        m = obs.time_mode == mode
        s[m] = midnight[m] + d0 * DAY_S + round(h0 * 3600)
        e[m] = midnight[m] + d1 * DAY_S + round(h1 * 3600)
    return s, e


def _on(day: int, start: date) -> str:
    """" on 9 December": the date of run day ``day``."""
    x = start + timedelta(days=day)
    return f" on {x.day} {MONTHS[x.month - 1]}"


def _times(obs: ObservationTable, start: date) -> tuple[np.ndarray, np.ndarray]:
    """Leading and trailing time phrases.  A report dated D covers the calendar day D; a time on
    another day (a post listening past midnight) carries its date: "at 00:04 on 9 December",
    "between 00:04 and 00:09 on 9 December"; a range across midnight dates both ends
    ("between 23:41 on 8 December and 00:09 on 9 December")."""
    s, e = _hhmm(obs.t_start), _hhmm(obs.t_end)
    sd = (np.asarray(obs.t_start, dtype=np.int64) // DAY_S).tolist()
    ed = (np.asarray(obs.t_end, dtype=np.int64) // DAY_S).tolist()
    lead, trail = [], []
    for mode, a, b, da, db, rd in zip(obs.time_mode.tolist(), s, e, sd, ed, obs.day.tolist()):
        if mode == ob.TIME_RANGE:
            if da != db:  # across midnight: both ends dated
                phrase = f"between {a}{_on(da, start)} and {b}{_on(db, start)}"
            else:  # one day: its date after the range unless it is the report's
                phrase = f"between {a} and {b}{_on(db, start) if db != rd else ''}"
        elif mode == ob.TIME_AT:
            phrase = f"at {a}{_on(da, start) if da != rd else ''}"
        else:
            phrase = VAGUE_PHRASES[mode]
        lead.append(phrase[0].upper() + phrase[1:])
        trail.append(" " + phrase)
    return np.array(lead, dtype=object), np.array(trail, dtype=object)


def _near(obs: ObservationTable, places: Places, heading_region: np.ndarray) -> np.ndarray:
    out = []
    for p, off, c, hr in zip(obs.loc_place.tolist(), obs.loc_offset_km.tolist(),
                             obs.loc_compass.tolist(), heading_region.tolist()):
        if p < 0:
            out.append("")
            continue
        name = places.names[p]
        if places.region[p] != hr:
            name = f"{name} ({places.regions[places.region[p]]} region)"
        if math.isnan(off):  # NaN: "near"
            out.append(f"near {name}")
        elif off == 0:
            out.append(f"in {name}")
        else:
            out.append(f"{km(off)} km {DIRECTION_WORDS[c]} of {name}")
    return np.array(out, dtype=object)


def _frames(obs: ObservationTable, skind: np.ndarray, opens: np.ndarray, later: np.ndarray,
            rng: np.random.Generator) -> np.ndarray:
    """Pick a sentence frame per row from the table for its source, kind and paragraph place."""
    variant = rng.integers(0, 1 << 30, len(obs))
    weapon = obs.kind == ob.WEAPON
    keys = np.empty(len(obs), dtype=object)
    names = {POST: "post", PATROL: "patrol", CAMERA: "camera", ACOUSTIC: "acoustic", UAV: "uav"}
    out = []
    for k, w, o, lt, v in zip(skind.tolist(), weapon.tolist(), opens.tolist(), later.tolist(),
                              variant.tolist()):
        name = names[k]
        if k in (POST, PATROL):
            key = ((f"{name}_weapon" if w else name, True) if o
                   else ("human_weapon" if w else "human", False))
        else:
            key = (name, bool(o))
        forms = FRAMES[key]
        f = forms[v % len(forms)]
        if f.startswith("Later") and not lt:  # "Later" only after a pause
            f = forms[0]
        out.append(f)
    keys[:] = out
    return keys
