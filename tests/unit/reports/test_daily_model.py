"""The daily report's model: every figure counted the OSCE way from the reviewed record."""

from __future__ import annotations

from datetime import timedelta

from truce.reports.daily.model import area_of, build_daily_model

from .conftest import DAY, PREV, incident

INTEGRITY = {"seq": 1, "head_hash": "0" * 64, "how_to_check": "run `truce verify`"}


def _region(model, name):
    (row,) = [r for r in model["regions"] if r["region"] == name]
    return row


def test_regions_sum_counts_of_fire_incidents_and_give_the_previous_day(model):
    assert model["date"] == DAY.isoformat() and model["previous_date"] == PREV
    assert [r["region"] for r in model["regions"]] == ["Donetsk", "Luhansk", "Zaporizhzhia"]
    assert _region(model, "Donetsk") == {
        "region": "Donetsk", "violations": 47, "explosions": 17, "incidents": 3,
        "previous_violations": 7, "previous_explosions": 7, "change": 40}
    assert _region(model, "Luhansk")["violations"] == 3
    assert _region(model, "Luhansk")["previous_violations"] == 1
    assert _region(model, "Zaporizhzhia")["previous_violations"] == 0
    assert model["totals"] == {"violations": 54, "explosions": 17, "incidents": 5,
                               "previous_violations": 8, "previous_explosions": 7,
                               "change": 46, "weapons": 2}


def test_rejected_incidents_are_left_out_and_counted(model):
    # incident 4 (100 explosions, rejected) appears in no figure
    assert model["totals"]["explosions"] == 17
    assert model["by_kind"]["explosion"] == 17
    assert all(p["id"] != "inc-0004" for p in model["incidents"])
    assert model["review"] == {"unreviewed": 5, "confirmed": 1, "rejected": 1,
                               "rejected_violations_excluded": 100, "reviews_applied": 3}
    assert "1 incident reviewed as rejected (100 ceasefire violations) is left out of these " \
           "figures." in model["summary"]


def test_tables_by_area_and_kind(model):
    rows = {(r["region"], r["area"]): r for r in model["by_area"]}
    assert set(rows) == {("Donetsk", "security_zone"), ("Donetsk", "rear"),
                         ("Luhansk", "security_zone"), ("Zaporizhzhia", "disengagement")}
    assert rows[("Donetsk", "security_zone")]["explosion"] == 12
    assert rows[("Donetsk", "security_zone")]["burst"] == 30
    assert rows[("Donetsk", "security_zone")]["total"] == 42
    assert rows[("Donetsk", "rear")]["total"] == 5
    assert rows[("Zaporizhzhia", "disengagement")]["flare"] == 4
    assert model["area_totals"] == {"security_zone": 45, "rear": 5, "disengagement": 4}
    assert sum(model["by_kind"].values()) == model["totals"]["violations"]


def test_weapons_disengagement_sides_alerts(model):
    (w,) = model["weapons"]  # one sighting, though it broke two rules
    assert (w["incident"], w["type"], w["class"], w["count"], w["side"], w["withdrawal_km"]) == (
        "inc-0006", "T-72", "tank", 2, "ru", 15.0)
    assert model["weapons_by_side"] == {"ua": 0, "ru": 2, "undetermined": 0}
    (znpp,) = model["disengagement_areas"]
    assert (znpp["id"], znpp["violations"], znpp["weapons"], znpp["presence_violations"]) == (
        "znpp", 4, 0, 1)
    assert model["sides"]["ru"] == {"violations": 12, "incidents": 1, "mean_confidence": 0.9}
    assert model["sides"]["ua"]["violations"] == 33
    assert model["sides"]["undetermined"]["violations"] == 9
    assert [a["region"] for a in model["alerts"]] == ["Donetsk"]  # only the report day's
    assert [a["message"] for a in model["recent_alerts"]] == ["an older alert"]
    assert model["violations_by_rule"]["ceasefire.fire"] == 5


def test_trend_covers_the_window_only(model):
    tr = model["trend"]
    assert len(tr["days"]) == 30 and tr["days"][-1] == DAY.isoformat()
    assert tr["days"][0] == "2024-11-21"
    don = tr["regions"][0]
    assert don["region"] == "Donetsk"
    assert don["violations"][-1] == 47 and don["violations"][-2] == 7
    assert don["violations"][tr["days"].index("2024-12-10")] == 50
    assert don["total"] == 104  # the 999 bursts of 2024-11-01 are outside the window
    assert (don["peak"], don["peak_date"]) == (50, "2024-12-10")
    assert don["explosions"][-1] == 17


def test_summary_sentence_in_the_smm_wording(model):
    assert ("In Donetsk region, the mission recorded 47 ceasefire violations, including 17 "
            "explosions; in the previous reporting period, 7 ceasefire violations.") in model["summary"]
    assert ("In Zaporizhzhia region, the mission recorded 4 ceasefire violations, none of them "
            "explosions; in the previous reporting period, none.") in model["summary"]


def test_unzoned_incidents_are_zoned_by_the_given_function(agreement):
    inc = [incident(1, DAY.isoformat(), "burst", 6, "Donetsk", zone=None)]
    m = build_daily_model(inc, [], day=DAY, agreement=agreement, integrity={},
                          zone_of=lambda recs: ["disengagement:znpp"] * len(recs))
    assert m["area_totals"]["disengagement"] == 6
    assert m["disengagement_areas"][0]["violations"] == 6
    assert area_of(None) == "rear" and area_of("security") == "security_zone"


def test_an_empty_day_reads_none(agreement):
    inc = [incident(1, PREV, "burst", 6, "Donetsk")]
    m = build_daily_model(inc, [], day=DAY, agreement=agreement, integrity={})
    assert m["totals"]["violations"] == 0 and m["totals"]["previous_violations"] == 6
    assert ("In Donetsk region, the mission recorded no ceasefire violations; in the previous "
            "reporting period, 6 ceasefire violations.") in m["summary"]


def test_side_columns_are_the_agreements_parties_and_a_sighting_is_listed_under_its_worst_rule(
        records):
    from dataclasses import replace

    from truce.agreement.loader import load_agreement
    from truce.reports.daily.model import build_daily_model

    inc, vio = records
    base = load_agreement("minsk-2015")  # its parties renamed: gov (was ua), sep (was ru)
    minsk = replace(base, parties=(replace(base.parties[0], id="gov"),
                                   replace(base.parties[1], id="sep")))
    vio = [{**v, "side": {"ua": "gov", "ru": "sep"}.get(v["side"], v["side"])} for v in vio]
    m = build_daily_model(inc, vio, day=DAY, agreement=minsk, integrity={})
    assert m["side_order"] == ["gov", "sep", "undetermined"]
    assert m["sides"]["sep"]["incidents"] == 1 and m["sides"]["gov"]["incidents"] == 2
    assert m["weapons_by_side"]["sep"] == 2
    # the tank broke both weapon rules: one row, under the withdrawal rule, whatever the ids
    rows = [w for w in m["weapons"] if w["incident"] == "inc-0006"]
    assert [w["rule"] for w in rows] == ["withdrawal.weapons"]
    flipped = [{**v, "id": "vio-zzz"} if v["rule"] == "withdrawal.weapons" else v for v in vio]
    m2 = build_daily_model(inc, flipped, day=DAY, agreement=minsk, integrity={})
    assert [w["rule"] for w in m2["weapons"] if w["incident"] == "inc-0006"] == [
        "withdrawal.weapons"]
    assert sum(m["weapons_by_side"].values()) == sum(w["count"] for w in m["weapons"])


def test_a_day_before_the_effective_date_has_fire_not_violations(agreement):
    # ukraine-2024-12-07 takes effect on 2024-12-08: the 7th's fire breaks no rule (adjudication
    # gives it no violation), so the headline must not call it ceasefire violations
    from truce.reports.daily.render import render_html, render_markdown

    eff = agreement.effective
    before = (eff - timedelta(days=1)).isoformat()
    inc = [incident(1, before, "explosion", 457, "Donetsk"),
           incident(2, before, "burst", 453, "Luhansk"),
           incident(3, (eff - timedelta(days=2)).isoformat(), "burst", 24, "Donetsk")]
    m = build_daily_model(inc, [], day=eff - timedelta(days=1), agreement=agreement,
                          integrity=INTEGRITY)
    assert m["in_force"] is False
    assert m["totals"]["violations"] == 0 and m["totals"]["explosions"] == 0
    assert m["totals"]["previous_violations"] == 0
    assert all(r["violations"] == 0 for r in m["regions"])
    assert m["fire"] == {"rounds": 910, "explosions": 457, "incidents": 2}
    assert sum(m["by_kind"].values()) == m["fire"]["rounds"]
    assert all(sum(r["violations"]) == 0 for r in m["trend"]["regions"])
    note = m["notes"][0]
    assert note.startswith(f"The agreement took effect on {eff.isoformat()}")
    assert "910 rounds of fire" in note and "reported as fire, not as ceasefire violations" in note
    assert m["summary"][0] == note
    assert not any("ceasefire violations, including" in s for s in m["summary"])
    assert ("In Donetsk region, the mission recorded 457 rounds of fire, including 457 "
            "explosions, before the agreement took effect.") in m["summary"]
    for text in (render_markdown(m), render_html(m, {"map": b"", "trend": b""})):
        assert f"The agreement took effect on {eff.isoformat()}" in text
        assert "910 ceasefire violations" not in text


def test_the_first_day_in_force_has_no_previous_violations(agreement):
    eff = agreement.effective
    inc = [incident(1, (eff - timedelta(days=1)).isoformat(), "explosion", 30, "Donetsk"),
           incident(2, eff.isoformat(), "explosion", 5, "Donetsk")]
    m = build_daily_model(inc, [], day=eff, agreement=agreement, integrity={})
    assert m["in_force"] is True
    assert m["totals"]["violations"] == 5 and m["totals"]["previous_violations"] == 0
    assert m["trend"]["regions"][0]["total"] == 5


def test_an_alert_test_that_did_not_run_is_said_so(agreement):
    from truce.reports.daily.render import render_html, render_markdown

    inc = [incident(1, DAY.isoformat(), "explosion", 9000, "Donetsk")]
    tests = {"escalation": {"run": False, "history_days": 2, "needed": 7,
                            "reason": "it needs 7 days of history; 2 available"},
             "buildup": {"run": True, "history_days": 5, "needed": 5}}
    m = build_daily_model(inc, [], day=DAY, agreement=agreement, integrity=INTEGRITY,
                          alert_tests=tests)
    msg = "The escalation test was not run: it needs 7 days of history; 2 available."
    assert m["alert_notes"] == [msg] and msg in m["summary"]
    assert m["alert_tests"]["escalation"]["run"] is False
    md = render_markdown(m)
    alerts = md.split("## Alerts\n", 1)[1].split("\n## ", 1)[0]
    assert f"No alerts for {DAY} from the tests that ran." in alerts and msg in alerts
    html = render_html(m, {"map": b"", "trend": b""})
    assert msg in html.split("<h2>Alerts</h2>", 1)[1].split("<h2>", 1)[0]
    m2 = build_daily_model(inc, [], day=DAY, agreement=agreement, integrity=INTEGRITY)
    assert m2["alert_notes"] == [] and f"No alerts for {DAY}." in render_markdown(m2)


def test_unprocessed_observations_and_days_without_data_are_noted(agreement):
    from truce.reports.daily.render import render_markdown

    inc = [incident(1, DAY.isoformat(), "explosion", 3, "Donetsk")]
    m = build_daily_model(inc, [], day=DAY, agreement=agreement, integrity=INTEGRITY, unprocessed=233)
    assert m["unprocessed_observations"] == 233
    assert ("233 observations ingested after the last processing are not included; run "
            "`truce process`.") in m["notes"]
    assert m["observed"] == {"day": True, "previous": False}
    assert any(n.startswith(f"No observations are recorded for the previous reporting period "
                            f"({PREV})") for n in m["notes"])
    md = render_markdown(m)
    assert all(n in md for n in m["notes"])
    empty = build_daily_model([incident(1, PREV, "shot", 1, "Donetsk")], [], day=DAY,
                              agreement=agreement, integrity={})
    assert empty["observed"] == {"day": False, "previous": True}
    assert empty["notes"][0].startswith(f"No observations are recorded for {DAY}")
