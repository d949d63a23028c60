"""The daily report's model: every figure counted the OSCE way from the reviewed record."""

from __future__ import annotations

from truce.reports.daily.model import area_of, build_daily_model

from .conftest import DAY, PREV, incident


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
    assert don["violations"][tr["days"].index("2024-12-01")] == 50
    assert don["total"] == 104  # the 999 bursts of 2024-11-01 are outside the window
    assert (don["peak"], don["peak_date"]) == (50, "2024-12-01")
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
