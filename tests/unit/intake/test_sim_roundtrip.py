"""The simulator's narratives parse back into its observation records (>= 99%, 0 silent drops)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from truce.intake.narrative import parse_report, score_records


@pytest.fixture(scope="module")
def sim(gazetteer):
    from truce.agreement.loader import load_agreement
    from truce.sim.io import observation_records
    from truce.sim.run import simulate
    from truce.sim.scenario import Scenario

    sc = Scenario(agreement="ukraine-2024-12-07", start=date(2024, 12, 8), days=2, seed=11,
                  intensity_by_day=("typical", "escalation"), scale=0.3)
    res = simulate(sc, load_agreement(sc.agreement), gazetteer, np.random.default_rng(sc.seed))
    offset = f"+{sc.offset_minutes // 60:02d}:00"
    return res, list(observation_records(res)), offset


def test_recovery_at_least_99_percent_and_nothing_dropped(sim, resolver):
    res, refs, offset = sim
    parsed, sentences, accounted = [], 0, 0
    for path, text in res.narrative.files:
        r = parse_report(text, tz=offset, gazetteer=resolver,
                         source_id=path.rsplit("/", 1)[1][:-4], report=path)
        parsed += r.observations
        sentences += r.sentences
        accounted += r.parsed_sentences + len(r.unparsed) + len(r.totals.sentences)
    score = score_records(refs, parsed)
    assert sentences == len(refs) > 100
    assert accounted == sentences  # every sentence parsed or listed with a reason
    assert score.rate >= 0.99, score.mismatches[:5]
