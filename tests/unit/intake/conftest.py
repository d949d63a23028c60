"""Fixtures for the narrative intake tests: the starter gazetteer behind a shared resolver."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def gazetteer():
    from truce.gazetteer.sources import starter_gazetteer

    return starter_gazetteer()


@pytest.fixture(scope="session")
def resolver(gazetteer):
    from truce.intake.narrative import PlaceResolver

    return PlaceResolver(gazetteer)
