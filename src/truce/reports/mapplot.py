"""A map of an agreement (parties, contact line, security zone, disengagement areas) with optional
point layers, drawn with matplotlib in the agreement's metric frame."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from truce.geo.frame import AgreementFrame

PARTY_COLOURS = ("#cfe3f7", "#f7d6cf", "#e6e6e6")


@dataclass(frozen=True)
class PointLayer:
    """Points to draw: lon/lat arrays, a label, a colour, and sizes (scalar or per point)."""

    lon: np.ndarray
    lat: np.ndarray
    label: str
    colour: str = "#d62728"
    size: float | np.ndarray = 6.0
    marker: str = "o"
    alpha: float = 0.7
    extra: dict[str, object] = field(default_factory=dict)


def _plot_geom(ax, geom, **kw) -> None:  # type: ignore[no-untyped-def]
    if geom.is_empty:
        return
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    for p in polys:
        if p.geom_type != "Polygon":
            continue
        x, y = p.exterior.xy
        ax.fill(x, y, **kw)
        kw.pop("label", None)  # one legend entry per geometry, not per part
        for hole in p.interiors:
            hx, hy = hole.xy
            ax.fill(hx, hy, color="white", lw=0)


def render_agreement_map(
    frame: AgreementFrame,
    out: Path,
    *,
    layers: Sequence[PointLayer] = (),
    title: str | None = None,
    extent: tuple[float, float, float, float] | None = None,
    dpi: int = 130,
) -> Path:
    """Draw the agreement and point layers to a PNG; returns the path.

    ``extent`` is ``(minx, miny, maxx, maxy)`` in metres of the frame; the default is the contact
    line plus the security zone and a margin.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a = frame.agreement
    fig, ax = plt.subplots(figsize=(11, 8))
    zone = draw_agreement(ax, frame)
    for layer in layers:
        x, y = frame.projection.to_xy(layer.lon, layer.lat)
        ax.scatter(x, y, s=layer.size, c=layer.colour, marker=layer.marker, alpha=layer.alpha,
                   label=layer.label, linewidths=0)
    if extent is None:
        extent = default_extent(zone)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    km_axes(ax, frame)
    ax.set_title(title or a.title, fontsize=11)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    ax.grid(alpha=0.2)
    fig.tight_layout()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def default_extent(zone) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """The contact line plus the security zone and a margin, in metres of the frame."""
    minx, miny, maxx, maxy = zone.bounds
    pad = 0.04 * max(maxx - minx, maxy - miny)
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def km_axes(ax, frame: AgreementFrame) -> None:  # type: ignore[no-untyped-def]
    """Label the axes in km of the agreement's metric frame."""
    import matplotlib.ticker

    km = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / 1000:.0f}")
    ax.xaxis.set_major_formatter(km)
    ax.yaxis.set_major_formatter(km)
    ax.set_xlabel(f"km east ({frame.projection.crs.coordinate_operation.method_name})")
    ax.set_ylabel("km north")


def draw_agreement(ax, frame: AgreementFrame, *, line_width: float = 1.4):  # type: ignore[no-untyped-def]
    """Draw the parties' areas, the security zone, the disengagement areas and the contact line
    on ``ax`` (metres of the frame); returns the security zone polygon."""
    a = frame.agreement
    for i, area in enumerate(frame.party_areas):
        _plot_geom(ax, area, color=PARTY_COLOURS[i % 3], lw=0, label=f"{a.parties[i].name} ({a.parties[i].id})")
    line = shapely.MultiLineString([np.vstack([p, q]) for p, q in zip(frame.seg_a, frame.seg_b, strict=True)])
    zone = shapely.buffer(line, a.security_zone_km * 1000.0)
    _plot_geom(ax, zone, color="#ffd84d", alpha=0.25, lw=0, label=f"security zone (±{a.security_zone_km:g} km)")
    for d in frame.disengagement:
        _plot_geom(ax, d, color="#8e44ad", alpha=0.6, lw=0)
    if frame.disengagement:
        ax.plot([], [], "s", color="#8e44ad", label="disengagement area")
    xs = np.c_[frame.seg_a[:, 0], frame.seg_b[:, 0], np.full(len(frame.seg_a), np.nan)].ravel()
    ys = np.c_[frame.seg_a[:, 1], frame.seg_b[:, 1], np.full(len(frame.seg_a), np.nan)].ravel()
    ax.plot(xs, ys, color="#222222", lw=line_width, label="contact line")
    return zone
