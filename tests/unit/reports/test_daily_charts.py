"""The report's map and trend chart: PNGs drawn from the model alone, the same bytes each time."""

from __future__ import annotations

import numpy as np

from truce.geo.frame import AgreementFrame
from truce.reports.daily.charts import map_png, marker_area, trend_png

PNG = b"\x89PNG\r\n\x1a\n"


def test_trend_and_map_are_deterministic_pngs(model, agreement):
    t1, t2 = trend_png(model), trend_png(model)
    assert t1[:8] == PNG and t1 == t2
    frame = AgreementFrame.from_agreement(agreement)
    m1 = map_png(model, frame)
    assert m1[:8] == PNG and m1 == map_png(model, frame)
    assert b"Software" not in m1[:200]  # no tool tag or timestamp in the header chunks


def test_the_trend_changes_with_the_figures(model):
    other = {**model, "trend": {**model["trend"], "regions": [
        {**model["trend"]["regions"][0],
         "violations": [0] * 29 + [999]}, *model["trend"]["regions"][1:]]}}
    assert trend_png(other) != trend_png(model)


def test_markers_grow_with_the_count():
    a = marker_area(np.array([1, 4, 100, 10_000]))
    assert np.all(np.diff(a) >= 0) and a[1] > a[0] and a[-1] == 400.0
