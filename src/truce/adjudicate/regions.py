"""The region (oblast) of points: the agreement's admin-1 regions when it has them, otherwise the
region of the nearest settlement of the starter gazetteer (the simulator's truth uses that rule).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from truce.geo.frame import AgreementFrame

RegionOf = Callable[[np.ndarray, np.ndarray], np.ndarray]

_CACHE: weakref.WeakKeyDictionary[AgreementFrame, RegionOf] = weakref.WeakKeyDictionary()


def agreement_regions(frame: AgreementFrame) -> RegionOf:
    """``region_of(x, y)`` from the agreement's regions (None outside every region)."""
    names = np.array([r.name for r in frame.agreement.regions] + [None], dtype=object)

    def region_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return names[frame.region_index(np.asarray(x, float), np.asarray(y, float))]

    return region_of


def gazetteer_regions(frame: AgreementFrame) -> RegionOf:
    """``region_of(x, y)``: the region of the nearest starter-gazetteer settlement."""
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim.places import Places

    places = Places.from_gazetteer(starter_gazetteer(), frame)
    names = np.asarray(places.regions, dtype=object)

    def region_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x = np.asarray(x, float)
        if not len(x):
            return np.zeros(0, dtype=object)
        return names[places.region[places.nearest(x, np.asarray(y, float))]]

    return region_of


def default_region_of(frame: AgreementFrame) -> RegionOf:
    """The agreement's regions if it has any, else the gazetteer rule (built once per frame)."""
    got = _CACHE.get(frame)
    if got is None:
        got = agreement_regions(frame) if frame.agreement.regions else gazetteer_regions(frame)
        _CACHE[frame] = got
    return got
