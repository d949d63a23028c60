"""The real December 2024 geometry from ../shared/data/geo (skipped with a reason when absent)."""

from __future__ import annotations

import numpy as np
import pytest

from truce.agreement.loader import load_agreement
from truce.agreement.summary import summarize
from truce.geo import AgreementFrame, classify

CITIES = {  # name: (lat, lon, expected party)
    "Pokrovsk": (48.28, 37.18, "ua"),
    "Kupiansk": (49.71, 37.61, "ua"),
    "Zaporizhzhia": (47.84, 35.14, "ua"),
    "Horlivka": (48.30, 38.05, "ru"),
    "Donetsk": (48.00, 37.80, "ru"),
    "Melitopol": (46.85, 35.37, "ru"),
}


def _classify(agreement):
    lat = np.array([v[0] for v in CITIES.values()])
    lon = np.array([v[1] for v in CITIES.values()])
    return classify(AgreementFrame.from_agreement(agreement), lon, lat)


def test_six_cities_on_real_geometry(real_2024_agreement):
    c = _classify(real_2024_agreement)
    assert dict(zip(CITIES, c.party.tolist())) == {k: v[2] for k, v in CITIES.items()}
    # the data README: Pokrovsk 7.7 km and Kupiansk 4.7 km from the line (town coords ±1 km)
    assert c.distance_km[0] == pytest.approx(7.7, abs=1.0)
    assert c.distance_km[1] == pytest.approx(4.7, abs=1.0)


def test_bundled_illustrative_line_agrees_on_six_cities(real_2024_agreement):
    real = _classify(real_2024_agreement)
    bundled = _classify(load_agreement("ukraine-2024-12-07"))
    assert bundled.party.tolist() == real.party.tolist()


def test_real_line_length_and_occupied_share(real_2024_agreement):
    s = summarize(real_2024_agreement)
    assert s.line_parts == 3
    assert s.line_length_km == pytest.approx(1150.0, rel=0.01)
    ru = next(p for p in s.parties if p.id == "ru")
    assert ru.share_of_country == pytest.approx(0.182, rel=0.01)
    assert s.regions == 27
