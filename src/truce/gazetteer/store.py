"""The gazetteer: places in arrays, an index from folded names to places, and spatial queries.

A :class:`Gazetteer` is immutable.  Names are looked up through three dictionaries from a folded
key to place indices (display names, alternate names, loose keys); positions through a k-d tree
on unit-sphere coordinates.  Every per-place computation runs on numpy arrays of the matching
places, never in a Python loop over the whole gazetteer.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from truce.errors import PlaceNotFound, ValidationError
from truce.gazetteer.admin1 import admin1_key
from truce.gazetteer.model import Candidate, MatchKind, Place
from truce.gazetteer.normalize import fold, loosen
from truce.geo.crs import geodesic_distance_m

#: Mean Earth radius (IUGG), for the k-d tree's chord distances only; reported distances are
#: geodesic on WGS84.
EARTH_RADIUS_KM = 6371.0088

#: Two places with one folded name closer than this are one place when gazetteers merge.
DUPLICATE_KM = 2.0

_TIER = {MatchKind.NAME: 0, MatchKind.ALT: 1, MatchKind.LOOSE: 2}
_EMPTY: tuple[int, ...] = ()

# (display-name key, alternate-name keys not equal to it) of one place.
_Keys = tuple[str, tuple[str, ...]]


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def _chord(radius_km: float) -> float:
    # Unit-sphere chord of a great-circle distance, padded 1% so the sphere never cuts off a
    # point the ellipsoid puts inside; the exact geodesic filter follows.
    angle = min(radius_km * 1.01 / EARTH_RADIUS_KM, math.pi)
    return 2.0 * math.sin(angle / 2.0)


def _check_point(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        raise ValidationError(f"({lat}, {lon}) is not a (lat, lon) point in degrees")


class Gazetteer:
    """An immutable set of places with name and position lookups.

    Parameters
    ----------
    places
        The places, in the order :attr:`places` gives them back.

    Examples
    --------
    >>> g = Gazetteer([Place("Avdiivka", 48.14, 37.75, "Donetsk", ("Avdeevka",)),
    ...                Place("Avdiivka", 51.48, 31.67, "Chernihiv")])
    >>> [c.place.admin1 for c in g.lookup("Avdiyivka", near=(48.0, 37.8))]
    ['Donetsk', 'Chernihiv']
    >>> g.resolve("Авдеевка").admin1, g.resolve("Avdiivka", admin1="Chernihiv Oblast").lat
    ('Donetsk', 51.48)
    """

    def __init__(self, places: Iterable[Place] = ()) -> None:
        places = tuple(places)
        memo: dict[str, str] = {}

        def key(text: str) -> str:
            k = memo.get(text)
            if k is None:
                k = memo[text] = fold(text)
            return k

        keys: list[_Keys] = []
        for p in places:
            nk = key(p.name)
            alts = tuple(dict.fromkeys(k for k in map(key, p.alt_names) if k and k != nk))
            keys.append((nk, alts))
        self._build(places, keys)

    @classmethod
    def _from_parts(cls, places: Sequence[Place], keys: Sequence[_Keys]) -> Gazetteer:
        g = cls.__new__(cls)
        g._build(tuple(places), list(keys))
        return g

    def _build(self, places: tuple[Place, ...], keys: list[_Keys]) -> None:
        n = len(places)
        self._places = places
        self._keys = keys
        self._lat = np.fromiter((p.lat for p in places), dtype=float, count=n)
        self._lon = np.fromiter((p.lon for p in places), dtype=float, count=n)
        self._population = np.fromiter((p.population for p in places), dtype=np.int64, count=n)
        self._names = np.array([p.name for p in places], dtype=object)
        self._admin1 = np.array([p.admin1 for p in places], dtype=object)
        a1 = {a: admin1_key(a) for a in dict.fromkeys(p.admin1 for p in places)}
        self._admin1_key = np.array([a1[p.admin1] for p in places], dtype=object)
        name_idx: dict[str, list[int]] = {}
        alt_idx: dict[str, list[int]] = {}
        loose_idx: dict[str, list[int]] = {}
        loose_memo: dict[str, str] = {}
        for i, (nk, alts) in enumerate(keys):
            name_idx.setdefault(nk, []).append(i)
            for k in alts:
                alt_idx.setdefault(k, []).append(i)
            seen: set[str] = set()
            for k in (nk, *alts):
                lk = loose_memo.get(k)
                if lk is None:
                    lk = loose_memo[k] = loosen(k)
                if lk not in seen:
                    seen.add(lk)
                    loose_idx.setdefault(lk, []).append(i)
        self._name_idx = {k: tuple(v) for k, v in name_idx.items()}
        self._alt_idx = {k: tuple(v) for k, v in alt_idx.items()}
        self._loose_idx = {k: tuple(v) for k, v in loose_idx.items()}
        self._trees: dict[str | None, tuple[cKDTree, np.ndarray]] = {}

    # -- pickling: the k-d trees are rebuilt on demand ---------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_trees"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- containers and arrays ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

    def __repr__(self) -> str:
        return f"<Gazetteer: {len(self):,} places>"

    @property
    def places(self) -> tuple[Place, ...]:
        """All places, in order."""
        return self._places

    @property
    def lats(self) -> np.ndarray:
        """Latitudes in degrees (read-only view)."""
        return self._readonly(self._lat)

    @property
    def lons(self) -> np.ndarray:
        """Longitudes in degrees (read-only view)."""
        return self._readonly(self._lon)

    @property
    def names(self) -> np.ndarray:
        """Display names (object array, read-only view)."""
        return self._readonly(self._names)

    @property
    def admin1s(self) -> np.ndarray:
        """First-level divisions (object array, read-only view)."""
        return self._readonly(self._admin1)

    @staticmethod
    def _readonly(a: np.ndarray) -> np.ndarray:
        v = a.view()
        v.flags.writeable = False
        return v

    def places_in(self, admin1: str) -> tuple[Place, ...]:
        """The places of one first-level division, any spelling of it (``Donetsk region``)."""
        idx = np.flatnonzero(self._admin1_key == admin1_key(admin1))
        return tuple(self._places[i] for i in idx)

    def admin1_counts(self) -> dict[str, int]:
        """Places per first-level division, largest first."""
        values, counts = np.unique(self._admin1.astype(str), return_counts=True)
        order = np.argsort(-counts, kind="stable")
        return {str(values[i]): int(counts[i]) for i in order}

    # -- by name -----------------------------------------------------------------------------

    def lookup(
        self,
        name: str,
        *,
        admin1: str | None = None,
        near: tuple[float, float] | None = None,
        limit: int | None = 10,
    ) -> list[Candidate]:
        """Places whose name or alternate name folds like ``name``, best first.

        Parameters
        ----------
        name
            A place name in any spelling or script.
        admin1
            Keep only places in this first-level division, in any spelling (``Donetsk``,
            ``Donetsk Oblast``, ``Donetsk region``, ``Донецька область``).
        near
            A ``(lat, lon)`` reference point: within each match kind the nearest place comes
            first, and each candidate carries its geodesic ``distance_km``.
        limit
            At most this many candidates (``None``: all).

        Returns
        -------
        list of Candidate
            Display-name matches, then alternate-name matches; loose-key matches only when
            neither finds anything.  Within a kind: nearest to ``near``, else most populous,
            else gazetteer order.
        """
        key = fold(name)
        a1 = admin1_key(admin1) if admin1 is not None else None
        idx, kind = self._strict(key, a1)
        if not len(idx):
            idx = self._filter(
                np.asarray(self._loose_idx.get(loosen(key), _EMPTY), dtype=np.intp), a1
            )
            kind = np.full(len(idx), _TIER[MatchKind.LOOSE], dtype=np.int8)
        return self._rank(idx, kind, near, limit)

    def _strict(self, key: str, a1: str | None) -> tuple[np.ndarray, np.ndarray]:
        by_name = np.asarray(self._name_idx.get(key, _EMPTY), dtype=np.intp)
        by_alt = np.asarray(self._alt_idx.get(key, _EMPTY), dtype=np.intp)
        idx = np.concatenate((by_name, by_alt))
        kind = np.repeat(np.array([0, 1], dtype=np.int8), (len(by_name), len(by_alt)))
        if a1 is not None:
            keep = self._admin1_key[idx] == a1
            idx, kind = idx[keep], kind[keep]
        return idx, kind

    def _filter(self, idx: np.ndarray, a1: str | None) -> np.ndarray:
        return idx if a1 is None else idx[self._admin1_key[idx] == a1]

    def _rank(
        self, idx: np.ndarray, kind: np.ndarray, near: tuple[float, float] | None, limit: int | None
    ) -> list[Candidate]:
        if near is not None:
            lat0, lon0 = float(near[0]), float(near[1])
            _check_point(lat0, lon0)
            dist = (
                geodesic_distance_m(
                    np.full(len(idx), lon0), np.full(len(idx), lat0), self._lon[idx], self._lat[idx]
                )
                / 1000.0
            )
            order = np.lexsort((idx, dist, kind))
        else:
            dist = None
            order = np.lexsort((idx, -self._population[idx], kind))
        kinds = (MatchKind.NAME, MatchKind.ALT, MatchKind.LOOSE)
        return [
            Candidate(
                self._places[idx[o]],
                kinds[kind[o]],
                None if dist is None else float(dist[o]),
            )
            for o in order[:limit]
        ]

    def resolve(
        self,
        name: str,
        *,
        admin1: str | None = None,
        near: tuple[float, float] | None = None,
    ) -> Place:
        """The best place for ``name`` (see :meth:`lookup`), or raise :class:`PlaceNotFound`.

        The error names the divisions that do have the name when ``admin1`` filtered them all
        out, and otherwise suggests close spellings.
        """
        if not name.strip():
            raise ValidationError("empty place name", field="name")
        found = self.lookup(name, admin1=admin1, near=near, limit=1)
        if found:
            return found[0].place
        raise self.not_found(name, admin1=admin1)

    def not_found(self, name: str, *, admin1: str | None = None) -> PlaceNotFound:
        """The error for a name :meth:`lookup` cannot find, with a message that helps."""
        return PlaceNotFound(self._not_found_message(name, admin1), name=name)

    def _not_found_message(self, name: str, admin1: str | None) -> str:
        if admin1 is not None:
            elsewhere = self.lookup(name, limit=None)
            if elsewhere:
                where: dict[str, int] = {}
                for c in elsewhere:
                    where[c.place.admin1 or "?"] = where.get(c.place.admin1 or "?", 0) + 1
                listed = ", ".join(f"{a} ({n})" for a, n in sorted(where.items()))
                return f"no place named {name!r} in {admin1!r}; found in: {listed}"
        close = self.suggest(name)
        hint = f"; did you mean: {', '.join(close)}?" if close else "; no close spelling either"
        scope = f" in {admin1!r}" if admin1 is not None else ""
        return f"no place named {name!r}{scope} among {len(self):,} places{hint}"

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Close spellings of ``name``: display names with their divisions, most populous first.

        Examples
        --------
        >>> g = Gazetteer([Place("Horlivka", 48.3, 38.05, "Donetsk", population=250_000)])
        >>> g.suggest("Horlivkaa")
        ['Horlivka (Donetsk)']
        """
        key = fold(name)
        pool = list(self._name_idx) + list(self._alt_idx)
        out: list[str] = []
        for k in difflib.get_close_matches(key, pool, n=3 * n, cutoff=0.75):
            idx = np.asarray(self._name_idx.get(k) or self._alt_idx[k], dtype=np.intp)
            idx = idx[np.argsort(-self._population[idx], kind="stable")]
            where = list(dict.fromkeys(a for a in self._admin1[idx] if a))
            shown = ", ".join(where[:3]) + (", ..." if len(where) > 3 else "")
            p = self._places[idx[0]]
            label = f"{p.name} ({shown})" if shown else p.name
            if label not in out:
                out.append(label)
        return out[:n]

    # -- by position -------------------------------------------------------------------------

    def _tree(self, admin1: str | None) -> tuple[cKDTree, np.ndarray]:
        a1 = admin1_key(admin1) if admin1 is not None else None
        hit = self._trees.get(a1)
        if hit is None:
            idx = np.arange(len(self)) if a1 is None else np.flatnonzero(self._admin1_key == a1)
            hit = self._trees[a1] = (cKDTree(_xyz(self._lat[idx], self._lon[idx])), idx)
        return hit

    def _at(self, lat: float, lon: float, idx: np.ndarray) -> list[Candidate]:
        d = (
            geodesic_distance_m(
                np.full(len(idx), lon), np.full(len(idx), lat), self._lon[idx], self._lat[idx]
            )
            / 1000.0
        )
        order = np.lexsort((idx, d))
        return [Candidate(self._places[idx[o]], MatchKind.POINT, float(d[o])) for o in order]

    def nearest(
        self, lat: float, lon: float, k: int = 1, admin1: str | None = None
    ) -> list[Candidate]:
        """The ``k`` places nearest to a point, nearest first, with geodesic distances.

        Examples
        --------
        >>> g = Gazetteer([Place("A", 48.0, 37.0), Place("B", 48.1, 37.0), Place("C", 49.0, 37.0)])
        >>> [(c.place.name, round(c.distance_km, 1)) for c in g.nearest(48.02, 37.0, k=2)]
        [('A', 2.2), ('B', 8.9)]
        """
        _check_point(lat, lon)
        if k < 1:
            raise ValidationError(f"k must be at least 1, got {k}", field="k")
        tree, idx = self._tree(admin1)
        if not len(idx):
            return []
        _, j = tree.query(_xyz(np.array([lat]), np.array([lon]))[0], k=min(k, len(idx)))
        return self._at(lat, lon, idx[np.atleast_1d(j)])

    def within(
        self, lat: float, lon: float, radius_km: float, admin1: str | None = None
    ) -> list[Candidate]:
        """Places within ``radius_km`` (geodesic) of a point, nearest first."""
        _check_point(lat, lon)
        if not (math.isfinite(radius_km) and radius_km >= 0):
            raise ValidationError(f"radius_km must be >= 0, got {radius_km}", field="radius_km")
        tree, idx = self._tree(admin1)
        if not len(idx):
            return []
        j = tree.query_ball_point(_xyz(np.array([lat]), np.array([lon]))[0], r=_chord(radius_km))
        found = self._at(lat, lon, idx[np.asarray(j, dtype=np.intp)])
        return [c for c in found if c.distance_km is not None and c.distance_km <= radius_km]

    # -- combining ---------------------------------------------------------------------------

    def merge(self, other: Gazetteer) -> Gazetteer:
        """This gazetteer plus ``other``; ``other`` wins where both hold one place.

        Two places are one when they are within :data:`DUPLICATE_KM` and the display name of
        one folds like a name (display or alternate) of the other.  The kept place gains the
        dropped one's names as alternates, and its population when it has none.
        """
        if not len(self):
            return other
        if not len(other):
            return self
        chord = _chord(DUPLICATE_KM)
        pairs = cKDTree(_xyz(self._lat, self._lon)).sparse_distance_matrix(
            cKDTree(_xyz(other._lat, other._lon)), chord, output_type="ndarray"
        )
        dup: dict[int, list[int]] = {}  # other index -> self indices it replaces
        for i, j in zip(pairs["i"].tolist(), pairs["j"].tolist(), strict=True):
            (ni, ai), (nj, aj) = self._keys[i], other._keys[j]
            if ni == nj or ni in aj or nj in ai:
                dup.setdefault(j, []).append(i)
        dropped = {i for v in dup.values() for i in v}
        keep = [i for i in range(len(self)) if i not in dropped]
        places = [self._places[i] for i in keep]
        keys = [self._keys[i] for i in keep]
        for j, (p, (nk, alts)) in enumerate(zip(other._places, other._keys, strict=True)):
            for i in dup.get(j, ()):
                p, nk, alts = _absorb(p, nk, alts, self._places[i], self._keys[i])
            places.append(p)
            keys.append((nk, alts))
        return Gazetteer._from_parts(places, keys)


def _absorb(
    p: Place, nk: str, alts: tuple[str, ...], q: Place, q_keys: _Keys
) -> tuple[Place, str, tuple[str, ...]]:
    """``p`` with ``q``'s names added as alternates and its population if ``p`` has none."""
    names = tuple(
        dict.fromkeys((*p.alt_names, *(n for n in (q.name, *q.alt_names) if n != p.name)))
    )
    qn, qa = q_keys
    new_alts = tuple(dict.fromkeys(k for k in (*alts, qn, *qa) if k != nk))
    merged = Place(
        p.name, p.lat, p.lon, p.admin1 or q.admin1, names, p.source, p.population or q.population
    )
    return merged, nk, new_alts
