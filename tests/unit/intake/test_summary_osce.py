"""Summary bullets: the report totals of the seven real OSCE summaries match index.csv."""

from __future__ import annotations

import csv

import pytest

from tests.conftest import shared_path
from truce.intake.narrative import parse_report
from truce.intake.narrative.summary import totals


def _rows():
    d = shared_path("osce_dev")
    with (d / "index.csv").open(encoding="utf-8") as fh:
        return d, list(csv.DictReader(fh))


def test_all_seven_reports_match_index(resolver):
    d, rows = _rows()
    assert len(rows) == 7
    for row in rows:
        r = parse_report((d / row["file"]).read_text(encoding="utf-8"), gazetteer=resolver)
        got = r.totals.to_dict()
        assert {k: v["violations"] for k, v in got["current"].items()} == {
            "Donetsk": int(row["donetsk_violations"]), "Luhansk": int(row["luhansk_violations"])}
        assert {k: v["violations"] for k, v in got["previous"].items()} == {
            "Donetsk": int(row["prev_donetsk_violations"]),
            "Luhansk": int(row["prev_luhansk_violations"])}, row["file"]
        assert r.observations == ()  # totals are never observations
        assert r.report_date.isoformat() == row["date"]


def test_weekend_periods_kept_apart():
    d, _ = _rows()
    r = parse_report((d / "smm_daily_2020-219_2020-09-14_summary.txt").read_text(encoding="utf-8"),
                     gazetteer=None)
    assert [(p, {k: v.violations for k, v in t.items()}) for p, t in r.totals.periods] == [
        ("Between the evenings of 11 and 12 September", {"Donetsk": 0, "Luhansk": 12}),
        ("Between the evenings of 12 and 13 September", {"Donetsk": 0, "Luhansk": 7})]


@pytest.mark.parametrize(("text", "current", "previous"), [
    (("In Donetsk region, the SMM recorded 179 ceasefire violations, including 115 explosions. "
      "In the previous reporting period, it recorded 77 ceasefire violations in the region."),
     {"Donetsk": (179, 115)}, {"Donetsk": (77, None)}),
    ("The SMM recorded no ceasefire violations in either Donetsk or Luhansk region.",
     {"Donetsk": (0, None), "Luhansk": (0, None)}, {}),
])
def test_bullet_forms(text, current, previous):
    from truce.intake.narrative.sentences import split_sentences

    t = totals(list(enumerate(split_sentences(text), 1)))
    assert {k: (v.violations, v.explosions) for k, v in t.current.items()} == current
    assert {k: (v.violations, v.explosions) for k, v in t.previous.items()} == previous
