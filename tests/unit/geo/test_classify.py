"""The geometry core: party, signed distance, zone, withdrawal; accuracy against pyproj.Geod."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.geo.cases import AREA_B_HOLE, write_agreement_dir
from truce.agreement.loader import load_agreement
from truce.errors import CRSError
from truce.geo import AgreementFrame, classify
from truce.geo.crs import GEOD, MetricProjection, auto_crs


@pytest.fixture
def frame(tmp_path):
    return AgreementFrame.from_agreement(load_agreement(write_agreement_dir(tmp_path / "ag")))


def test_party_distance_zone_and_withdrawal(frame):
    # west of the line (a), east (b), on the line, inside the disengagement box, far east
    lon = np.array([30.9, 31.1, 31.0, 31.005, 31.8])
    lat = np.array([48.5, 48.5, 48.5, 48.0, 48.5])
    c = classify(frame, lon, lat)
    assert c.party.tolist() == ["a", "b", "a", "b", "b"]
    _, _, expected = GEOD.inv(lon, lat, np.full(5, 31.0), lat)
    # distances to a meridian line are along the parallel: compare with the geodesic
    np.testing.assert_allclose(np.abs(c.distance_km), expected / 1000, rtol=5e-3, atol=1e-3)
    assert np.sign(c.distance_km[[0, 1, 4]]).tolist() == [1.0, -1.0, -1.0]
    assert c.zone.tolist() == ["security", "security", "security", "disengagement:box", "none"]
    # 31.1E at 48.5N is 7.4 km from the line: inside the 15 km mortar distance, so not ok
    assert c.ok["mortar"].tolist() == [False, False, False, False, True]
    assert c.ok["artillery_ge100"].tolist() == [False, False, False, False, True]
    assert set(c.ok) == {"mortar", "artillery_ge100"}  # small arms have no withdrawal distance


def test_point_outside_both_areas_takes_side_it_faces(frame):
    c = classify(frame, np.array([29.5, 32.5]), np.array([48.5, 48.5]))
    assert c.party.tolist() == ["", ""]
    assert c.distance_km[0] > 0 > c.distance_km[1]


def test_hole_is_not_the_party_area(tmp_path):
    f = AgreementFrame.from_agreement(load_agreement(write_agreement_dir(tmp_path / "h", area_b=AREA_B_HOLE)))
    c = classify(f, np.array([31.6, 31.3]), np.array([48.0, 48.0]))
    assert c.party.tolist() == ["", "b"]


def test_ring_orientation_does_not_change_membership(tmp_path):
    lon = np.random.default_rng(1).uniform(30.0, 32.0, 500)
    lat = np.random.default_rng(2).uniform(46.0, 50.0, 500)
    f1 = AgreementFrame.from_agreement(load_agreement(write_agreement_dir(tmp_path / "ccw")))
    f2 = AgreementFrame.from_agreement(load_agreement(write_agreement_dir(tmp_path / "cw", reverse_rings=True)))
    c1, c2 = classify(f1, lon, lat), classify(f2, lon, lat)
    assert c1.party.tolist() == c2.party.tolist()
    np.testing.assert_array_equal(c1.distance_km, c2.distance_km)


def test_degrees_are_refused_as_metres():
    proj = MetricProjection.for_bounds((30.0, 46.0, 32.0, 50.0))
    with pytest.raises(CRSError, match="not lon/lat"):
        proj.to_xy(np.array([500000.0]), np.array([5300000.0]))
    with pytest.raises(CRSError):
        auto_crs((0.0, 0.0, 200.0, 10.0))


@pytest.mark.parametrize("name", ["ukraine-2024-12-07", "minsk-2015"])
def test_distances_agree_with_geodesic_across_extent(name):
    """Planar distances in the auto CRS agree with pyproj.Geod within 0.5% over the extent."""
    a = load_agreement(name)
    f = AgreementFrame.from_agreement(a)
    rng = np.random.default_rng(5)
    s = rng.uniform(0, f.line_length_m, 20_000)
    x0, y0, nx, ny = f.locate_along(s)
    off = rng.uniform(-150e3, 150e3, s.size)
    lon, lat = f.projection.to_lonlat(x0 + nx * off, y0 + ny * off)
    x, y = f.projection.to_xy(lon, lat)
    _, fx, fy, d = f.nearest_on_line(x, y)
    flon, flat = f.projection.to_lonlat(fx, fy)
    _, _, g = GEOD.inv(lon, lat, flon, flat)
    keep = g > 500  # relative error is meaningless for points on the line
    rel = np.abs(d[keep] - g[keep]) / g[keep]
    assert rel.max() < 0.005, f"max relative error {rel.max():.4%}"


def test_nearest_segment_matches_brute_force():
    a = load_agreement("minsk-2015")
    f = AgreementFrame.from_agreement(a)
    rng = np.random.default_rng(3)
    x = rng.uniform(-300e3, 300e3, 2000)
    y = rng.uniform(-300e3, 300e3, 2000)
    _, _, _, d = f.nearest_on_line(x, y)
    # brute force over all segments
    ab = f.seg_b - f.seg_a
    t = ((x[:, None] - f.seg_a[:, 0]) * ab[:, 0] + (y[:, None] - f.seg_a[:, 1]) * ab[:, 1]) / (ab**2).sum(1)
    t = np.clip(t, 0, 1)
    dx = x[:, None] - (f.seg_a[:, 0] + ab[:, 0] * t)
    dy = y[:, None] - (f.seg_a[:, 1] + ab[:, 1] * t)
    np.testing.assert_allclose(d, np.hypot(dx, dy).min(axis=1), rtol=0, atol=1e-6)


def test_classification_is_vectorised_over_any_length(frame):
    empty = classify(frame, np.array([]), np.array([]))
    assert len(empty) == 0 and empty.party.tolist() == []
