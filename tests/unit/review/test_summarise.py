"""``truce.fusion.summarise``: an incident recomputed from its own observations is fusion's."""

from __future__ import annotations

import numpy as np

from tests.unit.review.conftest import AGREEMENT, HAND
from truce.fusion.export import incident_records
from truce.fusion.observations import ObservationArrays


def _frame():
    from truce.agreement.loader import load_agreement
    from truce.geo.frame import AgreementFrame

    return AgreementFrame.from_agreement(load_agreement(AGREEMENT))


def test_summarise_reproduces_every_fused_incident(sim_dir):
    import json

    from truce.fusion.pipeline import fuse
    from truce.fusion.summarise import summarise

    frame = _frame()
    recs = [json.loads(line) for line in (sim_dir / "observations.jsonl").read_text().splitlines()]
    obs, _ = ObservationArrays.from_records(recs)
    res = fuse(obs, frame)
    fused = list(incident_records(res))
    assert len(fused) > 20
    inc = res.incidents
    for k, want in enumerate(fused):
        m = inc.members[inc.indptr[k]:inc.indptr[k + 1]]
        # the members in reverse order: the input order must not matter
        got = list(incident_records(summarise(res.observations.take(m[::-1]), frame)))
        assert got == [want]


def test_summarise_joins_what_fusion_keeps_apart_as_one_incident():
    from truce.fusion.pipeline import fuse
    from truce.fusion.summarise import summarise

    frame = _frame()
    obs, _ = ObservationArrays.from_records(HAND[2:])  # two far-apart reports at 11:00
    assert len(fuse(obs, frame).incidents) == 2
    one = summarise(obs, frame)
    assert len(one.incidents) == 1
    assert one.incidents.n_observations.tolist() == [2]
    assert one.incidents.count.tolist() == [13]  # max over observers x 1.06, not the sum
    lat = one.incidents.lat[0]
    assert 47.95 < lat < 48.05  # between the two reports (least squares over both)


def test_summarise_keeps_an_outgoing_report_as_the_origin_end():
    from truce.fusion.summarise import summarise

    frame = _frame()
    recs = [dict(HAND[2]), dict(HAND[3], detail="outgoing")]
    obs, _ = ObservationArrays.from_records(recs)
    one = summarise(obs, frame)
    assert one.incidents.end.tolist() == ["both"]
    assert np.isfinite(one.incidents.origin_lat[0])
    assert one.incidents.lat[0] > 48.0 > one.incidents.origin_lat[0]  # impact north, origin south
