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


def test_the_weapon_legend_gives_the_reports_figure_beside_the_sightings(model):
    """The map draws every weapon sighting; its legend says how many weapons are in violation
    (the figure the report's text gives), so 53 sightings do not read as 53 violations."""
    from truce.reports.daily.charts import legend_label

    weapons = model["totals"]["weapons"]
    assert legend_label(model, "weapon", weapons + 5) == (
        f"weapon sighting ({weapons + 5:,} weapons; {weapons:,} in violation)")
    assert legend_label(model, "explosion", 17) == "explosion (17 events)"


def test_region_labels_at_neighbouring_points_do_not_cover_each_other():
    """Two regions whose incidents lie close (Dnipropetrovsk beside Zaporizhzhia in the demo)
    used to get labels drawn on top of each other."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from truce.reports.daily.charts import separate_labels

    fig, ax = plt.subplots(figsize=(6, 5))
    ax.set_xlim(-250, 250)
    ax.set_ylim(-250, 250)
    ax.set_aspect("equal")
    kw = {"xytext": (0, 14), "textcoords": "offset points", "ha": "center", "fontsize": 9,
          "fontweight": "bold"}
    labels = [ax.annotate("Dnipropetrovsk", (-60.0, -85.0), **kw),
              ax.annotate("Zaporizhzhia", (-20.0, -82.0), **kw),
              ax.annotate("Kharkiv", (180.0, 190.0), **kw)]
    r = fig.canvas.get_renderer()
    assert labels[0].get_window_extent(r).overlaps(labels[1].get_window_extent(r))  # the bug
    separate_labels(fig, labels)
    boxes = [a.get_window_extent(r) for a in labels]
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(3) for j in range(i + 1, 3))
    assert labels[0].get_position() == (0, 14) and labels[2].get_position() == (0, 14)
    plt.close(fig)


def test_the_trend_panels_name_the_window_they_sum(model, monkeypatch):
    """`--trend-days 10` used to give panels titled "30-day total" over a 10-day sum."""
    from truce.reports.daily import charts

    titles: list[str] = []
    real = charts._png

    def keep(fig, dpi):
        titles.extend(ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left"))
        return real(fig, dpi)

    monkeypatch.setattr(charts, "_png", keep)
    days = model["trend"]["days"][-10:]
    short = {**model, "trend": {"days": days, "regions": [
        {**r, "violations": r["violations"][-10:], "explosions": r["explosions"][-10:]}
        for r in model["trend"]["regions"]]}}
    trend_png(short)
    assert titles and all("(10-day total " in t for t in titles), titles
