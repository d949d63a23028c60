"""Scenario: validation, the local offset, and the scenario.yaml round trip."""

from __future__ import annotations

from datetime import date

import pytest

from truce.errors import ValidationError
from truce.sim.scenario import BuildupSpec, Curve, Scenario, SensorParams

from .conftest import AGREEMENT, START


def test_yaml_round_trip_keeps_every_parameter():
    sc = Scenario(agreement=AGREEMENT, start=START, days=3, seed=9,
                  intensity_by_day=("quiet", "escalation", "typical"), scale=2.5,
                  buildup=BuildupSpec(party="ru", start_day=1, center_km=300.0),
                  sensors=SensorParams(acoustic=Curve(0.8, 11.0, 2.0)))
    back = Scenario.from_yaml(sc.to_yaml())
    assert back.to_dict() == sc.to_dict()
    assert back.sensors.acoustic == Curve(0.8, 11.0, 2.0)
    assert back.buildup == sc.buildup
    assert back.intensity_by_day == ("quiet", "escalation", "typical")


def test_yaml_round_trip_ignores_the_run_section_and_rejects_unknown_fields():
    d = Scenario.uniform(AGREEMENT, START, 1, seed=1).to_dict()
    assert Scenario.from_dict({**d, "run": {"generator": "x"}}).seed == 1
    with pytest.raises(ValidationError, match="unknown field 'colour'"):
        Scenario.from_dict({**d, "colour": "blue"})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"days": 0, "intensity_by_day": ()}, "days must be at least 1"),
        ({"days": 2, "intensity_by_day": ("typical",)}, "1 entries for 2 days"),
        ({"days": 1, "intensity_by_day": ("furious",)}, "unknown intensity 'furious'"),
        ({"days": 1, "intensity_by_day": ("typical",), "scale": 0.0}, "scale must be positive"),
        ({"days": 1, "intensity_by_day": ("typical",), "buildup": BuildupSpec(start_day=3)}, "start_day"),
    ],
)
def test_invalid_scenarios_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Scenario(agreement=AGREEMENT, start=START, seed=1, **kwargs)


def test_local_offset_follows_ukrainian_summer_time():
    assert Scenario.uniform(AGREEMENT, date(2024, 12, 8), 1, seed=1).offset_minutes == 120
    assert Scenario.uniform(AGREEMENT, date(2024, 7, 1), 1, seed=1).offset_minutes == 180
    assert Scenario.uniform(AGREEMENT, date(2024, 3, 31), 1, seed=1).offset_minutes == 180  # last Sunday
    assert Scenario.uniform(AGREEMENT, date(2024, 3, 30), 1, seed=1).offset_minutes == 120
    assert Scenario.uniform(AGREEMENT, date(2024, 7, 1), 1, seed=1,
                            utc_offset_minutes=120).offset_minutes == 120
