"""The planner on the bundled agreements and the real December 2024 line (../shared/data)."""

from __future__ import annotations

import numpy as np
import pytest

from truce.agreement.loader import load_agreement
from truce.geo.frame import AgreementFrame
from truce.plan import PRESETS, plan_agreement
from truce.plan.coverage import cover_counts


def _check(plan, frame):
    k = plan.params.min_cover
    assert plan.line_cover.at_least(k) == pytest.approx(1.0)
    assert plan.short_share == 0.0
    assert plan.posts < plan.uniform_posts
    # every post stands on a party's ground, within the security zone, off the line
    idx = frame.party_index(plan.posts_xy[:, 0], plan.posts_xy[:, 1])
    assert np.all(idx >= 0)
    _, _, _, d = frame.nearest_on_line(plan.posts_xy[:, 0], plan.posts_xy[:, 1])
    assert d.min() >= 0.5 * plan.params.setback_m - 1 and d.max() <= plan.zone_km * 1000 + 1
    # re-check coverage on a line densified to 50 m, independently of the planner's samples
    x, y, _, _ = frame.locate_along(np.arange(0, frame.line_length_m, 50.0))
    counts = cover_counts(np.column_stack([x, y]), plan.posts_xy, plan.params.range_m)
    assert np.mean(counts >= k) > 0.999
    lonlat = plan.posts_lonlat
    assert lonlat is not None and lonlat.shape == (plan.posts, 2)


def test_minsk_osce_assumptions_land_near_the_smm():
    frame = AgreementFrame.from_agreement(load_agreement("minsk-2015"))
    plan = plan_agreement(frame, PRESETS["osce"])
    _check(plan, frame)
    scaled = plan.totals.monitors * 420.0 / plan.line_length_km  # the real line was ~420 km
    assert 0.7 < scaled / 700 < 1.3


def test_bundled_2024_line():
    frame = AgreementFrame.from_agreement(load_agreement("ukraine-2024-12-07"))
    plan = plan_agreement(frame, PRESETS["european"])
    _check(plan, frame)


@pytest.mark.shared_data
def test_real_december_2024_line(real_2024_agreement):
    frame = AgreementFrame.from_agreement(real_2024_agreement)
    plan = plan_agreement(frame, PRESETS["european"].with_overrides(
        nations=(("France", 30.0), ("United Kingdom", 25.0), ("Germany", 20.0))))
    _check(plan, frame)
    assert plan.line_parts == 3
    assert plan.line_length_km == pytest.approx(1149.9, abs=2.0)
    assert {s.nation for s in plan.sectors} == {"France", "United Kingdom", "Germany"}
    assert sum(s.personnel.posts for s in plan.sectors) == plan.posts
    gj = plan.to_geojson()
    kinds = [f["properties"]["kind"] for f in gj["features"]]
    assert kinds.count("post") == plan.posts and kinds.count("sector") == 3
