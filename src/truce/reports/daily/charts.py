"""The daily report's figures, drawn from its model only: the map of the day and the trend.

Both return PNG bytes.  matplotlib's Agg output is deterministic for the same input and version;
the PNG carries no timestamp or software tag.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from truce.geo.frame import AgreementFrame
from truce.reports.daily.model import FIRE_KINDS

KIND_COLOURS: dict[str, str] = {
    "explosion": "#c0392b", "projectile": "#8e2c1c", "burst": "#e67e22", "shot": "#b7950b",
    "flare": "#7d3c98", "weapon": "#1f5fa8"}
PNG_METADATA = {"Software": None}


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9,
                         "svg.hashsalt": "truce", "path.simplify": True})
    return plt


def _png(fig: Any, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata=PNG_METADATA)
    return buf.getvalue()


def marker_area(count: np.ndarray) -> np.ndarray:
    """Marker area (points²) of an incident of ``count`` events: grows with the square root."""
    return np.clip(8.0 + 10.0 * np.sqrt(np.asarray(count, float)), 8.0, 400.0)


#: Vertical offsets (points) tried in turn for a region label that would cover another.
LABEL_OFFSETS = (14, -20, 30, -36, 46, -52)


def separate_labels(fig: Any, labels: Sequence[Any]) -> None:
    """Move region labels that would overlap an earlier one (neighbouring regions whose
    incidents lie close, such as Dnipropetrovsk and Zaporizhzhia) to the next free offset
    above or below their point; a label keeps its first offset when none is free."""
    if len(labels) < 2:
        return
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:  # an equal-aspect axes settles its box only when drawn: settle it now
        ax.apply_aspect()
    placed: list[Any] = []
    for ann in labels:
        for dy in LABEL_OFFSETS:
            ann.set_position((0, dy))
            box = ann.get_window_extent(renderer).expanded(1.05, 1.15)
            if not any(box.overlaps(other) for other in placed):
                break
        else:
            ann.set_position((0, LABEL_OFFSETS[0]))
            box = ann.get_window_extent(renderer).expanded(1.05, 1.15)
        placed.append(box)


def legend_label(model: Mapping[str, Any], kind: str, n: int) -> str:
    """The map legend's entry for ``n`` events of ``kind``.  Weapon sightings say how many of
    their weapons are in violation: the report's figure, which counts only those."""
    if kind != "weapon":
        return f"{kind} ({n:,} events)"
    bad = int((model.get("totals") or {}).get("weapons") or 0)
    return f"weapon sighting ({n:,} weapons; {bad:,} in violation)"


def map_png(model: Mapping[str, Any], frame: AgreementFrame, *, dpi: int = 110) -> bytes:
    """The day's incidents on the agreement: contact line, security zone, disengagement areas;
    incidents coloured by kind and sized by count, with their uncertainty radius (90%)."""
    from matplotlib.collections import EllipseCollection

    from truce.reports.mapplot import default_extent, draw_agreement, km_axes

    plt = _plt()
    fig, ax = plt.subplots(figsize=(9.6, 8.4))
    zone = draw_agreement(ax, frame, line_width=1.2)
    pts = [p for p in model["incidents"] if p.get("lat") is not None]
    labels: list[Any] = []
    if pts:
        lon = np.array([p["lon"] for p in pts], float)
        lat = np.array([p["lat"] for p in pts], float)
        x, y = frame.projection.to_xy(lon, lat)
        x, y = np.asarray(x, float), np.asarray(y, float)
        kind = np.array([p["kind"] for p in pts], object)
        count = np.array([p["count"] for p in pts], float)
        unc = np.array([p.get("uncertainty_m") or 0.0 for p in pts], float)
        d = 2.0 * unc
        ax.add_collection(EllipseCollection(
            d, d, np.zeros(len(d)), units="xy", offsets=np.c_[x, y],
            offset_transform=ax.transData, facecolors="none", edgecolors="#555555",
            linewidths=0.4, alpha=0.6))
        ax.plot([], [], "o", mfc="none", mec="#555555", label="uncertainty (90% radius)")
        for k in (*FIRE_KINDS, "weapon"):
            m = kind == k
            if not m.any():
                continue
            n = int(count[m].sum())
            w = k == "weapon"
            label = legend_label(model, k, n)
            ax.scatter(x[m], y[m], s=marker_area(count[m]) * (1.6 if w else 1.0),
                       c=KIND_COLOURS[k], marker="s" if w else "o", alpha=0.8 if w else 0.65,
                       linewidths=0.6 if w else 0.3, edgecolors="#0b2545" if w else "white",
                       label=label, zorder=3)
        regions = np.array([p.get("region") for p in pts], object)
        for name in sorted({r for r in regions.tolist() if r and r != "unattributed"}):
            m = regions == name
            labels.append(ax.annotate(
                name, (float(np.median(x[m])), float(np.median(y[m]))),
                xytext=(0, LABEL_OFFSETS[0]), textcoords="offset points", ha="center", fontsize=9,
                fontweight="bold", color="#222222", zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7}))
    ext = default_extent(zone)
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    ax.set_aspect("equal")
    km_axes(ax, frame)
    ax.set_title(f"Incidents of {model['date']}: coloured by kind, sized by count", fontsize=11)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.92)
    ax.grid(alpha=0.2)
    fig.tight_layout()
    separate_labels(fig, labels)
    data = _png(fig, dpi)
    plt.close(fig)
    return data


def trend_png(model: Mapping[str, Any], *, dpi: int = 110) -> bytes:
    """Ceasefire violations per day over the trend window, one small panel per region (explosions
    darker), the report's day marked."""
    plt = _plt()
    tr = model["trend"]
    days = tr["days"]
    rows = tr["regions"] or [{"region": "all regions", "violations": [0] * len(days),
                              "explosions": [0] * len(days)}]
    n = len(rows)
    ncol = 2 if n > 1 else 1
    nrow = (n + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(10.5, 1.9 * nrow + 0.6), squeeze=False,
                             sharex=True)
    x = np.arange(len(days))
    alert_regions = {a.get("region") for a in model.get("alerts", ())}
    for i, r in enumerate(rows):
        ax = axes[i // ncol][i % ncol]
        v = np.asarray(r["violations"], float)
        e = np.asarray(r["explosions"], float)
        ax.bar(x, v, width=0.85, color="#f0b27a", label="ceasefire violations")
        ax.bar(x, e, width=0.85, color="#c0392b", label="of which explosions")
        ax.bar(x[-1:], v[-1:], width=0.85, color="none", edgecolor="#111111", linewidth=1.0)
        flag = "  - ALERT" if r["region"] in alert_regions else ""
        ax.set_title(f"{r['region']}: {int(v[-1]):,} on {days[-1]} "
                     f"({len(days)}-day total {int(v.sum()):,}){flag}", fontsize=9, loc="left",
                     color="#a93226" if flag else "#222222")
        ax.grid(axis="y", alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(0, max(1.0, float(v.max()) * 1.15))
    for j in range(n, nrow * ncol):
        axes[j // ncol][j % ncol].set_visible(False)
    ticks = x[:: max(1, len(days) // 6)]
    for ax in axes[-1]:
        ax.set_xticks(ticks, [days[t][5:] for t in ticks])
    if nrow > 1 and n % ncol:
        axes[-2][-1].xaxis.set_tick_params(labelbottom=True)
        axes[-2][-1].set_xticks(ticks, [days[t][5:] for t in ticks])
    axes[0][0].legend(loc="upper left", fontsize=7, frameon=False)
    fig.suptitle(f"Ceasefire violations per day, {days[0]} to {days[-1]}", fontsize=11, x=0.01,
                 ha="left")
    fig.tight_layout()
    data = _png(fig, dpi)
    plt.close(fig)
    return data
