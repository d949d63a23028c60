"""The tables the narrative grammar is built from: numbers, compass words, kinds, verbs, sources,
control qualifiers, time words and weapon systems.  Plain data only; ``grammar`` compiles it.

Phrases are regular-expression fragments (lower case, matched case-insensitively unless noted),
so that a table row such as ``r"explosions? assessed as (?:an )?impacts?"`` covers the singular
and the plural.  Order matters where noted: longer phrases come first.
"""

from __future__ import annotations

from truce.domain.kinds import COMPASS_16

# -- numbers ---------------------------------------------------------------------------------

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen")  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

#: Number words: units, teens and tens; compounds ("twenty-three", "twenty three") are a tens
#: word plus a units word.  "a"/"an" count 1 and are handled with the article.
UNITS: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
TENS: dict[str, int] = {w: 20 + 10 * i for i, w in enumerate(_TENS)}
SCALE_WORDS: dict[str, int] = {"hundred": 100, "a hundred": 100, "one hundred": 100, "dozen": 12,
                               "a dozen": 12}
ARTICLES: frozenset[str] = frozenset({"a", "an", "one single", "a single"})

#: Words before a number that make the count uncertain (the number is kept, flagged).
UNCERTAIN_PREFIXES: tuple[str, ...] = (
    "at least", "more than", "over", "about", "approximately", "approx.", "around", "some",
    "roughly", "up to", "an estimated", "nearly", "almost", "close to",
)  # fmt: skip

#: Counts without a number: the record gets no ``count`` and ``count_uncertain: true``.
VAGUE_COUNTS: tuple[str, ...] = (
    "an undetermined number of", "an unknown number of", "a number of", "numerous", "several",
    "a few", "dozens of", "hundreds of", "multiple", "many",
)  # fmt: skip

#: "none", "no" as a count (summary bullets only).
ZERO_WORDS: frozenset[str] = frozenset({"no", "none", "zero"})

# -- direction and distance ------------------------------------------------------------------

_WORD = {"N": "north", "E": "east", "S": "south", "W": "west"}


def _compass_words() -> dict[str, str]:
    """'north-north-east', 'north north-east', 'northnortheast', 'north-northeast', ... -> code."""
    out: dict[str, str] = {}
    for code in COMPASS_16:
        parts = [_WORD[c] for c in code]
        if len(parts) == 1:
            forms = {parts[0]}
        elif len(parts) == 2:
            a, b = parts
            forms = {f"{a}-{b}", f"{a} {b}", f"{a}{b}"}
        else:
            a, b, c = parts
            forms = {f"{a}-{b}-{c}", f"{a} {b}-{c}", f"{a}-{b}{c}", f"{a}{b}{c}", f"{a} {b} {c}",
                     f"{a}-{b} {c}"}
        for f in forms:
            out[f] = code
    return out


#: Compass words (lower case) -> 16-point code.
COMPASS_WORDS: dict[str, str] = _compass_words()
#: Compass abbreviations, matched case-sensitively (upper case only: "NNE", "SW").
COMPASS_ABBREVIATIONS: dict[str, str] = {c: c for c in COMPASS_16}

#: Range separators in "3-5 km", "3–5 km", "3 to 5 km".
RANGE_SEPARATORS: tuple[str, ...] = ("–", "—", "-", " to ", " - ", " – ")
#: Words that make a single distance approximate (it stays a number).
DISTANCE_APPROX: tuple[str, ...] = ("about", "approximately", "approx.", "around", "some",
                                    "an estimated", "roughly", "at an estimated distance of",
                                    "at a distance of", "at about", "at approximately")
#: Phrases saying the distance is unknown.
DISTANCE_UNKNOWN: tuple[str, ...] = ("at an unknown distance", "at an undetermined distance",
                                     "at an unknown range")

# -- what was perceived ----------------------------------------------------------------------

#: Fire details: phrase -> detail.
FIRE_DETAILS: dict[str, str] = {
    r"small-arms": "small_arms", r"small arms": "small_arms", r"small-arm": "small_arms",
    r"heavy-machine-gun": "heavy_machine_gun", r"heavy machine-gun": "heavy_machine_gun",
    r"heavy machine gun": "heavy_machine_gun", r"hmg": "heavy_machine_gun",
}  # fmt: skip

#: Object phrases -> (kind, detail or None).  ``{fire}`` expands to each FIRE_DETAILS phrase with
#: its detail.  Longer phrases first: the combined pattern tries them in this order.
KIND_PHRASES: tuple[tuple[str, str, str | None], ...] = (
    (r"(?:undetermined|unidentified) explosions?", "explosion", "undetermined"),
    (r"explosions?,? (?:assessed|believed) as (?:an? )?(?:impacts?|incoming(?: fire| rounds?)?)(?: of [a-z0-9 -]+? rounds?)?", "explosion", "impact"),
    (r"explosions?,? (?:assessed|believed) as (?:an? )?outgoing(?: fire| rounds?| artillery fire| mortar fire)?", "explosion", "outgoing"),
    (r"explosions?,? (?:assessed|believed) as (?:an? )?air ?-?bursts?", "explosion", "airburst"),
    (r"explosions?,? (?:assessed|believed) as (?:an? )?(?:undetermined|unidentified)", "explosion", "undetermined"),
    (r"explosions? of outgoing(?: artillery| mortar)? fire", "explosion", "outgoing"),
    (r"outgoing (?:artillery |mortar )?(?:explosions?|rounds?)", "explosion", "outgoing"),
    (r"impacts?(?: of [a-z0-9 -]+? rounds?)?", "explosion", "impact"),
    (r"air ?-?bursts?", "explosion", "airburst"),
    (r"explosions?", "explosion", "undetermined"),
    (r"projectiles? in flight", "projectile", None),
    (r"(?:tracer )?projectiles?", "projectile", None),
    (r"(?:long |short )?bursts? (?:and shots? )?of {fire} fire", "burst", "{fire}"),
    (r"{fire} bursts?", "burst", "{fire}"),
    (r"bursts?", "burst", None),
    (r"(?:single )?shots? of {fire} fire", "shot", "{fire}"),
    (r"{fire} shots?", "shot", "{fire}"),
    (r"(?:single )?shots?", "shot", None),
    (r"(?:illumination|illuminating|signal) flares?", "flare", None),
    (r"flares?", "flare", None),
)

#: "from west to east" / "from W to E" after projectiles: the direction of flight.
TRAJECTORY_FROM_TO: tuple[str, str] = ("from", "to")

# -- who perceived it ------------------------------------------------------------------------

#: Verbs -> heard_only.  A verb not in the table does not open an event clause.
VERBS: dict[str, bool] = {
    "heard": True, "hear": True,
    "saw": False, "see": False, "observed": False, "spotted": False, "recorded": False,
    "registered": False, "filmed": False, "noted": False, "monitored": False, "detected": False,
    "heard and saw": False, "saw and heard": False,
}  # fmt: skip

#: Subject words -> source kind (searched in the words before the verb; first match wins).
SOURCE_WORDS: tuple[tuple[str, str], ...] = (
    (r"acoustic sensor", "acoustic"),
    (r"camera", "camera"),
    (r"unmanned aerial vehicle|\buav\b|drone", "uav"),
    (r"observation post", "post"),
)
#: Report headings ("Daily report — Observation post 85, ...") -> source kind.
HEADING_SOURCES: dict[str, str] = {
    "observation post": "post", "patrol team": "patrol", "patrol": "patrol", "camera": "camera",
    "acoustic sensor": "acoustic", "long-range uav flight": "uav", "uav flight": "uav",
}
#: Source kinds whose perceptions are sound only, whatever the verb.
HEARD_ONLY_SOURCES: frozenset[str] = frozenset({"acoustic"})
#: Source kind when neither the sentence nor the heading says.
DEFAULT_SOURCE = "patrol"

#: Control qualifiers before a place name, stripped before the gazetteer lookup.
CONTROL_QUALIFIERS: dict[str, str] = {
    "non-government-controlled": "non_government", "government-controlled": "government",
    "russian-occupied": "occupied", "occupied": "occupied", "russian-controlled": "occupied",
    "ukrainian-controlled": "government", "armed-formations-controlled": "non_government",
}  # fmt: skip

#: Where the observer was, relative to a named place: preposition -> kind of position.
POSITION_PREPOSITIONS: tuple[str, ...] = (
    "on the outskirts of", "on the edge of", "in the centre of", "in the center of", "in", "at",
    "near",
)
#: Location uncertainty (metres) of an event or weapon placed "near X" or "in X"/"N km DIR of X"
#: (the simulator's patrol and UAV figures).
LOCATION_SIGMA_M: dict[str, float] = {"near": 2000.0, "in": 250.0, "offset": 250.0}

# -- when ------------------------------------------------------------------------------------

MONTHS: dict[str, int] = {m: i + 1 for i, m in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"))}  # fmt: skip

#: Named windows: phrase -> (start hour, start day offset, end hour, end day offset), offsets
#: relative to the report date.  "overnight" / "during the night" are the OSCE SMM's: from the
#: evening before the report date (18:00) to its morning (06:00).  The simulator writes its vague
#: times from this same table (:func:`truce.sim.narrative.vague_windows`), so both sides agree;
#: pass other conventions to ``parse_report(time_words=...)``.
TIME_WORDS: dict[str, tuple[float, int, float, int]] = {
    "overnight": (18.0, -1, 6.0, 0),
    "during the night": (18.0, -1, 6.0, 0),
    "in the evening": (18.0, 0, 24.0, 0),
    "during the evening": (18.0, 0, 24.0, 0),
    "in the morning": (6.0, 0, 12.0, 0),
    "in the afternoon": (12.0, 0, 18.0, 0),
    "during the day": (6.0, 0, 18.0, 0),
}
#: When the OSCE reporting period closed each evening ("between the evenings of 8 and 9 December").
EVENING_CUTOFF_H = 19.5

# -- weapons ---------------------------------------------------------------------------------

#: Known systems: (regex alias, type as written in records, weapon class, calibre mm or None).
#: Matched case-insensitively, longest alias first.
WEAPON_SYSTEMS: tuple[tuple[str, str, str, int | None], ...] = (
    (r"2s1(?: gvozdika)?|gvozdika", "2S1 Gvozdika", "artillery_ge100", 122),
    (r"2s3(?: akatsiya)?|akatsiya", "2S3 Akatsiya", "artillery_ge100", 152),
    (r"2s19(?: msta-s)?|msta-s", "2S19 Msta-S", "artillery_ge100", 152),
    (r"2s7(?: pion)?|pion", "2S7 Pion", "artillery_ge100", 203),
    (r"2a65(?: msta-b)?|msta-b", "2A65 Msta-B", "artillery_ge100", 152),
    (r"2a36(?: giatsint-b)?|giatsint-b", "2A36 Giatsint-B", "artillery_ge100", 152),
    (r"d-30", "D-30", "artillery_ge100", 122),
    (r"d-20", "D-20", "artillery_ge100", 152),
    (r"bm-21(?: grad)?", "BM-21 Grad", "mlrs", 122),
    (r"9k51(?: grad)?", "9K51 Grad", "mlrs", 122),
    (r"grad", "BM-21 Grad", "mlrs", 122),
    (r"tornado-g", "Tornado-G", "mlrs", 122),
    (r"bm-27(?: uragan)?|uragan", "BM-27 Uragan", "mlrs_heavy", 220),
    (r"bm-30(?: smerch)?|smerch", "BM-30 Smerch", "mlrs_heavy", 300),
    (r"9k515(?: tornado-s)?|tornado-s", "9K515 Tornado-S", "mlrs_heavy", 300),
    (r"(?:otr-21 )?tochka(?:-u)?", "OTR-21 Tochka-U", "tactical_missile", None),
    (r"t-64(?:bv|b)?", "T-64", "tank", None),
    (r"t-72(?:b3|b)?", "T-72", "tank", None),
    (r"t-80(?:bv|u)?", "T-80", "tank", None),
    (r"t-90", "T-90", "tank", None),
    (r"2b11(?: sani)?|sani", "2B11 Sani", "mortar", 120),
    (r"pm-38", "PM-38", "mortar", 120),
    (r"2b14(?: podnos)?|podnos", "2B14 Podnos", "mortar", 82),
    (r"2b9(?: vasilek)?|vasilek", "2B9 Vasilek", "mortar", 82),
    (r"mt-12(?: rapira)?|rapira", "MT-12 Rapira", "artillery_lt100", 100),
    (r"zu-23(?:-2)?", "ZU-23-2", "artillery_lt100", 23),
)

#: Weapon nouns -> class when no known system is named; ``None``: decided by calibre
#: (``ARTILLERY_SPLIT_MM``).  Longest first.
WEAPON_NOUNS: tuple[tuple[str, str | None], ...] = (
    (r"self-propelled howitzers?", None),
    (r"towed howitzers?", None),
    (r"howitzers?", None),
    (r"(?:self-propelled |towed )?artillery pieces?", None),
    (r"(?:self-propelled |towed )?guns?", None),
    (r"multiple launch rocket systems?|multiple-launch rocket systems?|mlrs", "mlrs"),
    (r"tactical missile systems?", "tactical_missile"),
    (r"automatic mortars?", "mortar"),
    (r"mortars?", "mortar"),
    (r"(?:main battle )?tanks?", "tank"),
    (r"anti-tank guns?", "artillery_lt100"),
    (r"anti-aircraft guns?", "artillery_lt100"),
)
#: Artillery of this calibre or more is ``artillery_ge100``, below it ``artillery_lt100``.
ARTILLERY_SPLIT_MM = 100

# -- summary bullets -------------------------------------------------------------------------

#: Regions a summary bullet names (the oblasts along the line).
REGIONS: tuple[str, ...] = ("Donetsk", "Luhansk", "Kharkiv", "Zaporizhzhia", "Kherson",
                            "Dnipropetrovsk", "Mykolaiv", "Sumy", "Chernihiv")
#: Openings that make a summary sentence about the previous period.
PREVIOUS_MARKERS: tuple[str, ...] = ("in the previous reporting period", "in the previous 24 hours",
                                     "in the previous period", "during the previous reporting period")

#: Why a sentence gave no observation (the names the summary and --unparsed use).
REASONS: dict[str, str] = {
    "no_event": "no recognised kind of event (explosion, projectile, burst, shot, flare, weapon)",
    "no_count": "an event without a count",
    "unknown_place": "a place the gazetteer does not know",
    "no_position": "no observer position stated or carried over",
    "unknown_weapon": "a weapon that maps to no weapon class",
    "no_verb": "no perception verb (heard, saw, recorded, ...)",
    "no_totals": "speaks of ceasefire violations but states no region total",
    "bad_time": "a clock time that does not exist (25:99, 24:30); 24:00 is the end of the day",
    "implausible_distance": "a stated distance beyond the plausibility bounds below",
    "implausible_count": "a count above MAX_COUNT",
}

# -- plausibility bounds ---------------------------------------------------------------------
# A sentence stating a figure beyond these is unparsed (a typo or corrupted text), never used.
# They sit far above anything real.  Positions: the simulator states an observer's position at
# most 9 km from a settlement (``sim.places.MAX_OFFSET_KM``); the OSCE SMM reports in
# ``../shared/data/osce_dev`` at most 17 km.  Event distances: the simulator's estimates carry a
# lognormal error (sigma 0.3) and a range's upper end is rounded up from 1.2x the estimate, so it
# writes up to ~45 km (27–42 km once in 7,830 records) and rarely more; an explosion is not heard
# or seen from much beyond 50 km; the OSCE reports state at most 10 km.

#: "N km DIR of PLACE" (an observer's position, an event's location, an aside): at most this.
MAX_POSITION_OFFSET_KM = 50.0
#: An event's distance from the observer ("3-5 km north", the range's far end): at most this.
MAX_EVENT_DISTANCE_KM = 100.0
#: The count of one event ("1,200 explosions"): at most this (a whole OSCE day was < 10,000).
MAX_COUNT = 100_000
