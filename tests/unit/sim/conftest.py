"""Shared fixtures for the simulator tests: the bundled agreement, the starter gazetteer and a few
small seeded runs (session-scoped: each run takes a fraction of a second)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from truce.sim.run import SimResult, simulate
from truce.sim.scenario import BuildupSpec, Scenario

AGREEMENT = "ukraine-2024-12-07"
START = date(2024, 12, 8)


@pytest.fixture(scope="session")
def agreement():
    from truce.agreement.loader import load_agreement

    return load_agreement(AGREEMENT)


@pytest.fixture(scope="session")
def frame(agreement):
    from truce.geo.frame import AgreementFrame

    return AgreementFrame.from_agreement(agreement)


@pytest.fixture(scope="session")
def gazetteer():
    from truce.gazetteer.sources import starter_gazetteer

    return starter_gazetteer(use_cache=False)


@pytest.fixture(scope="session")
def run(agreement, frame, gazetteer):
    """``run(scenario, reports=True) -> SimResult``, memoised per scenario."""
    cache: dict[tuple[str, bool], SimResult] = {}

    def _run(scenario: Scenario, reports: bool = True) -> SimResult:
        key = (scenario.to_yaml(), reports)
        if key not in cache:
            cache[key] = simulate(scenario, agreement, gazetteer, np.random.default_rng(scenario.seed),
                                  reports=reports, frame=frame)
        return cache[key]

    return _run


@pytest.fixture(scope="session")
def typical(run) -> SimResult:
    """Two typical days."""
    return run(Scenario.uniform(AGREEMENT, START, 2, seed=1, intensity="typical"))


@pytest.fixture(scope="session")
def mixed(run) -> SimResult:
    """Quiet, typical and escalation days with a build-up from the second day."""
    return run(Scenario(agreement=AGREEMENT, start=START, days=4, seed=5,
                        intensity_by_day=("quiet", "typical", "escalation", "typical"),
                        buildup=BuildupSpec(party="ru", start_day=1, groups_per_day=6.0)))
