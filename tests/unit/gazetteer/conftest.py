"""Fixtures for the gazetteer tests: the starter (built once, cached in a temporary directory)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from truce.gazetteer import Gazetteer, starter_gazetteer

DATA = Path(__file__).parent / "data"
#: The repository root holds pyproject.toml; shared/ is its sibling.
REPO = Path(__file__).resolve().parents[3]
SHARED_DATA = REPO / ".." / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the starter's cache (platformdirs' user cache directory) out of the user's home."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def starter(_isolated_cache: Path) -> Gazetteer:
    return starter_gazetteer(_isolated_cache / "truce-starter")
