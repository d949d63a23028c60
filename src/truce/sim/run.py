"""``simulate(scenario, agreement, gazetteer, rng)``: truth, monitoring network, observations and
narratives in one pure call (no I/O, no clock; every random draw from ``rng``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from truce.agreement.model import Agreement
from truce.geo.frame import AgreementFrame
from truce.sim.monitors import Network, build_network
from truce.sim.narrative import Narrative, render
from truce.sim.observations import ObservationTable
from truce.sim.places import Places
from truce.sim.scenario import Scenario
from truce.sim.sensors import false_reports, observe_fire
from truce.sim.sightings import observe_weapons
from truce.sim.truth import TruthTable, generate_truth

Progress = Callable[[str, float], None]


@dataclass(frozen=True, eq=False)
class SimResult:
    """Everything a run produced.  ``narrative`` is None when reports were not asked for."""

    scenario: Scenario
    agreement: Agreement
    frame: AgreementFrame
    places: Places
    network: Network
    truth: TruthTable
    observations: ObservationTable
    narrative: Narrative | None

    @property
    def regions(self) -> tuple[str, ...]:
        return self.places.regions


def simulate(scenario: Scenario, agreement: Agreement, gazetteer: object, rng: np.random.Generator,
             *, reports: bool = True, frame: AgreementFrame | None = None,
             progress: Progress | None = None) -> SimResult:
    """Run a scenario.

    Parameters
    ----------
    scenario
        What to simulate; its ``seed`` is recorded but the randomness comes from ``rng``.
    agreement
        The agreement whose contact line and parties the scenario plays out on.
    gazetteer
        Anything with array attributes ``names``, ``lats``, ``lons`` and ``admin1s`` (the starter
        gazetteer): the settlements narratives name and regions are taken from.
    rng
        The only source of randomness (use ``numpy.random.default_rng(scenario.seed)``).
    reports
        Render the narrative sentences and daily reports (the costly part at scale).
    frame
        A prebuilt :class:`AgreementFrame` for ``agreement`` (built if not given).
    progress
        Optional callback ``(stage, fraction_done)``.
    """
    step = progress or (lambda stage, done: None)
    step("geometry", 0.0)
    frame = frame or AgreementFrame.from_agreement(agreement)
    places = Places.from_gazetteer(gazetteer, frame)
    step("monitoring network", 0.1)
    network = build_network(scenario, frame, places, rng)
    step("ground truth", 0.2)
    truth = generate_truth(scenario, frame, places, rng)
    step("observations", 0.4)
    obs = ObservationTable.concat([
        observe_fire(scenario, frame, places, truth, network, rng),
        observe_weapons(scenario, frame, places, truth, network, rng),
        false_reports(scenario, network, rng),
    ])
    obs = obs.take(report_order(obs, network))
    narrative = None
    if reports:
        step("narratives", 0.7)
        narrative = render(obs, network, places, scenario.start, rng)
    step("done", 1.0)
    return SimResult(scenario=scenario, agreement=agreement, frame=frame, places=places,
                     network=network, truth=truth, observations=obs, narrative=narrative)


def report_order(obs: ObservationTable, network: Network) -> np.ndarray:
    """The order of the reports: day, source, stint (by its start), then time within the stint."""
    st = network.stints
    return np.lexsort((obs.error, obs.end, obs.episode, obs.count, obs.kind, obs.t_end, obs.t_start,
                       obs.stint, st.t0[obs.stint], obs.source, obs.day))
