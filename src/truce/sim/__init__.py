"""The simulator: synthetic cease-fire scenarios with ground truth (see docs/simulator.md).

    simulate(scenario, agreement, gazetteer, rng) -> SimResult      (pure: sim.run)
    write_outputs(result, out_dir)                                   (the edge: sim.io)
    compute_stats(result)                                            (the figures: sim.stats)

Modules, one concept each: :mod:`.scenario` (parameters), :mod:`.places` (settlements and stated
positions), :mod:`.lineside` (placing points relative to the line), :mod:`.systems` (weapon
catalogue), :mod:`.truth` (episodes and weapon groups), :mod:`.monitors` (the monitoring
network), :mod:`.sensors` (detection and description of fire), :mod:`.sightings` (weapon
sightings), :mod:`.observations` (the observation table), :mod:`.narrative` (report text),
:mod:`.run`, :mod:`.io`, :mod:`.stats`.
"""

from __future__ import annotations

from truce.sim.run import SimResult, simulate
from truce.sim.scenario import BuildupSpec, Scenario

__all__ = ["BuildupSpec", "Scenario", "SimResult", "simulate"]
