"""Classify 1,000,000 random points around the real December 2024 line (one core), beside a
straightforward per-point shapely loop measured in the same run on a sample.

Points: a uniform position along the line plus a uniform offset of up to ±150 km across it (the
band where withdrawal distances matter).  Needs ../shared/data/geo; falls back to the bundled
illustrative line when it is absent (and says so).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import SHARED_DATA, report, timed
from truce.agreement.loader import load_agreement
from truce.geo import AgreementFrame, classify


def _agreement():
    geo = SHARED_DATA / "geo"
    if not (geo / "contact_line_2024-12-07.geojson").exists():
        print("bench_classify: ../shared/data/geo absent; using the bundled ukraine-2024-12-07 line")
        return load_agreement("ukraine-2024-12-07")
    from truce.agreement.assemble import assemble_from_files, write_agreement

    a = assemble_from_files(
        line=geo / "contact_line_2024-12-07.geojson",
        area=("ru", geo / "occupied_2024-12-07.geojson"),
        boundary=geo / "ukraine_boundary.geojson",
        agreement_id="real-2024-12-07",
    )
    out = Path(tempfile.mkdtemp()) / "real"
    write_agreement(a, out)
    return load_agreement(out)


def naive_loop(frame: AgreementFrame, lon: np.ndarray, lat: np.ndarray, *, prepared: bool = False
               ) -> list[tuple[str, float]]:
    """The straightforward way: one shapely Point at a time, projected with pyproj one by one,
    tested against each party's polygon and measured to the line.  ``prepared=True`` gives the
    loop prepared polygons (a tuned loop, reported for transparency)."""
    line = shapely.MultiLineString([shapely.LineString(np.vstack([a, b])) for a, b in
                                    zip(frame.seg_a, frame.seg_b, strict=True)])
    areas = [shapely.from_wkb(shapely.to_wkb(a)) for a in frame.party_areas]  # unprepared copies
    if prepared:
        for a in areas:
            shapely.prepare(a)
    fwd = frame.projection._fwd
    out = []
    for lo, la in zip(lon, lat, strict=True):
        x, y = fwd.transform(lo, la)
        p = Point(x, y)
        party = next((frame.agreement.parties[i].id for i, ar in enumerate(areas) if ar.intersects(p)), "")
        out.append((party, line.distance(p) / 1000.0))
    return out


def main(n: int | None = None) -> None:
    n = n or int(os.environ.get("TRUCE_BENCH_POINTS", "1000000"))
    agreement = _agreement()
    frame = AgreementFrame.from_agreement(agreement)
    rng = np.random.default_rng(0)
    s = rng.uniform(0, frame.line_length_m, n)
    x0, y0, nx, ny = frame.locate_along(s)
    off = rng.uniform(-150e3, 150e3, n)
    lon, lat = frame.projection.to_lonlat(x0 + nx * off, y0 + ny * off)
    m = min(5_000, n)
    t_loop, loop = timed(lambda: naive_loop(frame, lon[:m], lat[:m]))
    t_prep, _ = timed(lambda: naive_loop(frame, lon[:m], lat[:m], prepared=True))
    t_vec, c = timed(lambda: classify(frame, lon, lat))
    # the two must agree, or the comparison means nothing
    assert [p for p, _ in loop] == c.party[:m].tolist()
    np.testing.assert_allclose([d for _, d in loop], np.abs(c.distance_km[:m]), rtol=1e-9, atol=1e-6)
    report("classify", n, t_vec, "points", m / t_loop, f"per-point shapely loop on {m:,}")
    print(f"  (the same loop with prepared polygons: {m / t_prep:,.0f} points/s; "
          f"ratio {n / t_vec / (m / t_prep):.1f}x)")


if __name__ == "__main__":
    main()
