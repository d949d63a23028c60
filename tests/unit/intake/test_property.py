"""Mangled, truncated, non-English text never raises, and every sentence is accounted for."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truce.intake.narrative import parse_report

BASE = ("Daily report — Patrol team 3, Donetsk region, 8 December 2024\n\n"
        "Positioned 2 km south-west of Avdiivka, the team heard 12 undetermined explosions 3–5 km "
        "north-east between 21:43 and 21:54. It also saw two T-72 tanks near Horlivka at 10:05. "
        "The SMM recorded 5 ceasefire violations in Donetsk region and none in Luhansk region.\n")

pieces = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Позиціонуючись в Авдіївці, команда чула вибухи.", "12", "km", "—", "(",
                     ")", ".", " north-east of ", "between 23:59 and", "• ", "\n\n", "heard",
                     "Positioned in", " at 99:99", "twenty-", "ceasefire violations in"]),
)


def _accounted(r):
    return r.parsed_sentences + len(r.unparsed) + len(r.totals.sentences)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(pieces, max_size=12), cut=st.integers(0, len(BASE)))
def test_never_raises_and_accounts_for_every_sentence(resolver, parts, cut):
    text = BASE[:cut] + "".join(parts)
    r = parse_report(text, report_date=date(2024, 12, 8), gazetteer=resolver)
    assert _accounted(r) == r.sentences
    assert all(o["sentence"] >= 1 and o["text"] for o in r.observations)
