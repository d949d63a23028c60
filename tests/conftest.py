"""Shared fixtures: paths to ../shared/data (skip with a reason when absent), temp homes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Timing deadlines make property tests flaky on a loaded 2-core CI machine; speed is measured by
# benchmarks, never by tests.
settings.register_profile("truce", deadline=None)
settings.load_profile("truce")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TRUCE_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test with a clear reason."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent: real reference data lives in ../shared/data beside the "
                    "clone (present in CI, not in a user's clone)")
    return p


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real truce home from tests."""
    monkeypatch.setenv("TRUCE_HOME", str(tmp_path_factory.mktemp("truce_home")))


@pytest.fixture(scope="session")
def real_2024_agreement(tmp_path_factory: pytest.TempPathFactory):
    """The agreement assembled from the real December 2024 geometry in ../shared/data/geo."""
    from truce.agreement.assemble import assemble_from_files, write_agreement
    from truce.agreement.loader import load_agreement

    geo = shared_path("geo")
    out = tmp_path_factory.mktemp("real2024") / "real-2024-12-07"
    a = assemble_from_files(
        line=geo / "contact_line_2024-12-07.geojson",
        area=("ru", geo / "occupied_2024-12-07.geojson"),
        boundary=geo / "ukraine_boundary.geojson",
        regions=geo / "ukraine_oblasts.geojson",
        agreement_id="real-2024-12-07",
    )
    write_agreement(a, out)
    return load_agreement(out)
