"""Review actions and the reviewed state: what each action changes, what it must never change."""

from __future__ import annotations

import hashlib
import json
import operator
import sqlite3

import pytest

from tests.unit.review.conftest import (
    HAND,
    JOINT,
    NORTH,
    NOW,
    SOUTH,
    ids_by_keys,
    obs,
    write_jsonl,
)
from truce.errors import ValidationError
from truce.fusion.params import FusionParams
from truce.service import review as rv
from truce.service.process import process_record
from truce.service.verify import verify_record

WHO = {"analyst": "kim", "reason": "checked", "now": NOW}


def _ids(uow) -> dict[tuple[str, ...], str]:
    return ids_by_keys(rv.reviewed_state(uow))


def _inc(uow, inc_id):
    inc = rv.reviewed_state(uow).incident(inc_id)
    assert inc is not None
    return inc


# ------------------------------------------------------------------------------ the plain state

def test_without_reviews_the_state_is_the_current_record(sim_sql):
    st = rv.reviewed_state(sim_sql)
    with sim_sql:
        rows = sim_sql.incidents.list()
        stored_v = [json.loads(v.record_json) for v in sim_sql.violations.list()]
    want = [json.loads(r.record_json) for r in rows]
    got = [{k: v for k, v in i.items() if k != "review"} for i in st.incidents]
    assert got == want  # the stored records, dates included
    assert all(i["review"] == {"status": "unreviewed", "by": []} for i in st.incidents)
    key = operator.itemgetter("id")
    assert sorted(st.violations, key=key) == sorted(stored_v, key=key)
    assert st.reviews == 0 and st.orphaned == []


def test_day_filter_keeps_only_that_local_date(sim_sql):
    from datetime import date

    all_ = rv.reviewed_state(sim_sql)
    day = rv.reviewed_state(sim_sql, date(2024, 12, 8))
    assert [i["id"] for i in day.incidents] == [i["id"] for i in all_.incidents
                                                if i["date"] == "2024-12-08"]
    assert day.incidents  # the simulated day is 2024-12-08
    assert rv.reviewed_state(sim_sql, date(2024, 12, 20)).incidents == []


# ------------------------------------------------------------------------------ confirm / reject

def test_confirm_and_reject_set_the_status_and_the_last_one_counts(hand):
    ids = _ids(hand)
    r1 = rv.confirm(hand, ids[JOINT], **WHO)
    r2 = rv.reject(hand, ids[NORTH], **WHO)
    st = rv.reviewed_state(hand)
    assert st.incident(ids[JOINT])["review"] == {"status": "confirmed", "by": [r1.review["id"]]}
    assert st.incident(ids[NORTH])["review"] == {"status": "rejected", "by": [r2.review["id"]]}
    assert st.incident(ids[SOUTH])["review"] == {"status": "unreviewed", "by": []}
    assert st.reviews == 2
    r3 = rv.confirm(hand, ids[NORTH], analyst="lee", reason="second look", now=NOW)
    st = rv.reviewed_state(hand)
    assert st.incident(ids[NORTH])["review"] == {
        "status": "confirmed", "by": [r2.review["id"], r3.review["id"]]}


def test_rejected_incidents_stay_listed_but_lose_their_violations(hand):
    ids = _ids(hand)
    before = rv.reviewed_state(hand)
    subjects = [v["subject"]["id"] for v in before.violations]
    assert ids[NORTH] in subjects and ids[SOUTH] in subjects  # fire in the rear is a violation
    rv.reject(hand, ids[NORTH], **WHO)
    after = rv.reviewed_state(hand)
    assert ids[NORTH] in [i["id"] for i in after.incidents]
    assert [v for v in before.violations if v["subject"]["id"] != ids[NORTH]] == after.violations


def test_confirming_twice_is_refused(hand):
    inc = _ids(hand)[JOINT]
    rv.confirm(hand, inc, **WHO)
    with pytest.raises(ValidationError, match="already confirmed"):
        rv.confirm(hand, inc, **WHO)


@pytest.mark.parametrize("who", [{"analyst": "", "reason": "x"}, {"analyst": "kim", "reason": " "},
                                 {"analyst": None, "reason": "x"}])
def test_analyst_and_reason_are_required(hand, who):
    with pytest.raises(ValidationError, match="required"):
        rv.confirm(hand, _ids(hand)[JOINT], now=NOW, **who)


def test_unknown_incident_is_refused(hand):
    with pytest.raises(ValidationError, match="unknown incident inc-0000000000000000"):
        rv.reject(hand, "inc-0000000000000000", **WHO)


# ------------------------------------------------------------------------------------- merge

def test_merge_makes_one_incident_of_the_union_without_double_counting(hand):
    ids = _ids(hand)
    north, south = _inc(hand, ids[NORTH]), _inc(hand, ids[SOUTH])
    res = rv.merge(hand, [ids[NORTH], ids[SOUTH]], **WHO)
    st = rv.reviewed_state(hand)
    keys = sorted(NORTH + SOUTH)
    new = "inc-" + hashlib.sha1("\n".join(keys).encode()).hexdigest()[:16]  # fusion's id rule
    assert [i["id"] for i in res.incidents] == [new]
    assert sorted(i["id"] for i in st.incidents) == sorted([ids[JOINT], new])
    merged = st.incident(new)
    assert merged["observation_ids"] == keys
    # two posts counting the same rounds: the larger count, not the sum (fusion's rule)
    assert merged["count"] == max(north["count"], south["count"]) == 13
    assert north["count"] + south["count"] == 24
    assert merged["review"] == {"status": "unreviewed", "by": [res.review["id"]],
                                "merged_from": [ids[NORTH], ids[SOUTH]]}
    assert merged["n_observers"] == 2
    # located between the two reports, and re-adjudicated
    assert south["location"]["lat"] < merged["location"]["lat"] < north["location"]["lat"]
    assert merged["zone"] == "rear" and merged["violations"] == ["ceasefire.fire"]
    assert merged["date"] == "2024-12-08"
    subjects = sorted(v["subject"]["id"] for v in st.violations)
    assert subjects == sorted([ids[JOINT], new])


def test_merge_validation(hand):
    ids = _ids(hand)
    with pytest.raises(ValidationError, match="at least two different"):
        rv.merge(hand, [ids[NORTH], ids[NORTH]], **WHO)
    with pytest.raises(ValidationError, match="unknown incident inc-ffff"):
        rv.merge(hand, [ids[NORTH], "inc-ffff"], **WHO)
    rv.reject(hand, ids[SOUTH], **WHO)
    with pytest.raises(ValidationError, match="was rejected"):
        rv.merge(hand, [ids[NORTH], ids[SOUTH]], **WHO)


def test_merge_refuses_what_cannot_be_one_episode(tmp_path):
    from tests.unit.review.conftest import HAND, build, obs, write_jsonl
    from truce.storage.memory import MemoryUnitOfWork

    late = obs("op-c", 1, "2024-12-08T20:00:00+02:00", 48.0, 37.60, "NE", [4, 5], 3)
    tank = {**obs("op-c", 2, "2024-12-08T11:00:00+02:00", 48.0, 37.60, "N", [1, 2], 2,
                  kind="weapon", detail=None),
            "weapon": {"class": "tank", "type": "T-72"}}
    uow = build(MemoryUnitOfWork(), write_jsonl(tmp_path / "h.jsonl", [*HAND, late, tank]))
    ids = {tuple(i["observation_ids"]): i["id"] for i in rv.reviewed_state(uow).incidents}
    north, late_id, tank_id = ids[tuple(NORTH)], ids[("op-c/op-c-1",)], ids[("op-c/op-c-2",)]
    with pytest.raises(ValidationError, match=r"start 9\.0 h apart"):
        rv.merge(uow, [north, late_id], **WHO)
    with pytest.raises(ValidationError, match="weapon sighting cannot be merged with fire"):
        rv.merge(uow, [north, tank_id], **WHO)
    with uow:
        assert uow.reviews.list() == []  # nothing recorded


def test_a_merged_incident_cannot_be_reviewed_by_its_old_id_but_by_its_new_one(hand):
    ids = _ids(hand)
    new = rv.merge(hand, [ids[NORTH], ids[SOUTH]], **WHO).incidents[0]["id"]
    with pytest.raises(ValidationError, match=f"merged into {new}"):
        rv.confirm(hand, ids[NORTH], **WHO)
    rv.confirm(hand, new, **WHO)
    assert _inc(hand, new)["review"]["status"] == "confirmed"


# ------------------------------------------------------------------------------------- split

def test_split_partitions_the_observations(hand):
    ids = _ids(hand)
    joint = _inc(hand, ids[JOINT])
    res = rv.split(hand, ids[JOINT], [["op-b/op-b-1"]], **WHO)
    st = rv.reviewed_state(hand)
    parts = {tuple(i["observation_ids"]): i for i in res.incidents}
    assert set(parts) == {("op-a/op-a-1",), ("op-b/op-b-1",)}
    assert ids[JOINT] not in [i["id"] for i in st.incidents]
    assert sorted(k for p in parts for k in p) == sorted(joint["observation_ids"])
    a, b = parts[("op-a/op-a-1",)], parts[("op-b/op-b-1",)]
    assert (a["count"], b["count"]) == (11, 13)  # each post's own count, scaled as fusion does
    assert a["location"] != b["location"]
    for p in (a, b):
        assert p["review"] == {"status": "unreviewed", "by": [res.review["id"]],
                               "split_from": ids[JOINT]}
        assert p["id"] in [v["subject"]["id"] for v in st.violations]
    assert ids[JOINT] not in [v["subject"]["id"] for v in st.violations]


@pytest.mark.parametrize("groups,msg", [
    ([["op-a/op-a-2"]], "op-a/op-a-2 is not in incident"),
    ([["op-a/op-a-1"], ["op-a/op-a-1"]], "named in two groups"),
    ([["op-a/op-a-1", "op-b/op-b-1"]], "needs at least two parts"),
    ([[" "]], "names no observation"),
])
def test_split_validation(hand, groups, msg):
    with pytest.raises(ValidationError, match=msg):
        rv.split(hand, _ids(hand)[JOINT], groups, **WHO)


def test_merge_then_split_back_gives_the_original_incidents_again(hand):
    ids = _ids(hand)
    new = rv.merge(hand, [ids[NORTH], ids[SOUTH]], **WHO).incidents[0]["id"]
    back = rv.split(hand, new, [list(NORTH)], **WHO)
    assert sorted(i["id"] for i in back.incidents) == sorted([ids[NORTH], ids[SOUTH]])


# ------------------------------------------------------------------------------- corrections

def test_correction_is_applied_at_the_next_process_and_the_record_stays(hand):
    ids = _ids(hand)
    with hand:
        original = hand.observations.get("op-b", "op-b-2").record_json
    res = rv.correct(hand, "op-b/op-b-2", {"count": 30}, **WHO)
    assert res.changes[0] == "observation op-b/op-b-2: count 12 -> 30"
    # fusion's count of one explosion episode: the largest report times the kind's scale
    scale = FusionParams().count_scale_by_kind["explosion"]
    # until the next process, the incident holding it is recomputed with the corrected value
    assert _inc(hand, ids[SOUTH])["count"] == round(30 * scale)
    with hand:
        stored = {r.id: r.count for r in hand.incidents.list()}
    assert stored[ids[SOUTH]] == round(12 * scale)  # the stored fusion result is untouched
    process_record(hand, now=NOW)
    with hand:
        assert hand.observations.get("op-b", "op-b-2").record_json == original
        stored = {r.id: r.count for r in hand.incidents.list()}
    assert stored[ids[SOUTH]] == round(30 * scale)  # fusion read the corrected count
    assert _inc(hand, ids[SOUTH])["count"] == round(30 * scale)


def test_direction_correction_moves_the_incident_after_process(hand):
    ids = _ids(hand)
    south = _inc(hand, ids[SOUTH])
    rv.correct(hand, "op-b/op-b-2", {"direction": "E"}, **WHO)
    process_record(hand, now=NOW)
    moved = _inc(hand, ids[SOUTH])
    assert south["location"]["lon"] == pytest.approx(37.70, abs=0.01)
    assert moved["location"]["lon"] > 37.75  # 5-6 km east of the post at 37.70


def test_a_direction_correction_clears_a_stated_bearing(hand, tmp_path):
    from tests.unit.review.conftest import build
    from truce.storage.memory import MemoryUnitOfWork

    rec = dict(HAND[2], id="op-a-9", bearing_deg=10.0)
    rec.pop("direction")
    u = build(MemoryUnitOfWork(), write_jsonl(tmp_path / "b.jsonl", [rec]))
    res = rv.correct(u, "op-a/op-a-9", {"direction": "S"}, **WHO)
    assert res.review["set"] == {"direction": "S", "bearing_deg": None}


@pytest.mark.parametrize("key,changes,msg", [
    ("op-x/op-x-1", {"count": 2}, "unknown observation op-x/op-x-1"),
    ("op-b-2", {"count": 2}, "SOURCE/ID"),
    ("op-b/op-b-2", {}, "nothing to correct"),
    ("op-b/op-b-2", {"id": "other"}, "id cannot be corrected"),
    ("op-b/op-b-2", {"count": 0}, "count: must be an integer >= 1"),
    ("op-b/op-b-2", {"direction": "NORTH"}, "16-point compass"),
    ("op-b/op-b-2", {"count": 12}, "already says that"),
])
def test_correction_validation(hand, key, changes, msg):
    with pytest.raises(ValidationError, match=msg):
        rv.correct(hand, key, changes, **WHO)


def test_later_corrections_win(hand):
    rv.correct(hand, "op-b/op-b-2", {"count": 30}, **WHO)
    rv.correct(hand, "op-b/op-b-2", {"count": 20, "detail": "outgoing"}, **WHO)
    with hand:
        assert rv.observation_corrections(hand) == {
            "op-b/op-b-2": {"count": 20, "detail": "outgoing"}}


# ----------------------------------------------------------------------- re-processing, orphans

def test_reviews_survive_reprocessing_when_fusion_gives_the_same_incident(hand):
    ids = _ids(hand)
    rv.reject(hand, ids[NORTH], **WHO)
    new = rv.merge(hand, [ids[JOINT], ids[SOUTH]], **WHO).incidents[0]["id"]
    before = rv.reviewed_state(hand)
    process_record(hand, now=NOW)  # same observations: the same incident ids again
    after = rv.reviewed_state(hand)
    assert after.incidents == before.incidents and after.orphaned == []
    assert after.incident(new)["review"]["merged_from"] == [ids[JOINT], ids[SOUTH]]


def test_a_review_of_an_incident_fusion_no_longer_makes_is_orphaned(hand, tmp_path):
    from truce.service.ingest import ingest_jsonl

    ids = _ids(hand)
    conf = rv.confirm(hand, ids[JOINT], **WHO)
    # a third post heard the 10:00 shelling: fusion now makes another incident of it
    extra = obs("op-c", 1, "2024-12-08T10:00:00+02:00", 48.06, 37.65, "S", [3, 4], 9)
    ingest_jsonl(write_jsonl(tmp_path / "c.jsonl", [extra]), hand, now=NOW)
    process_record(hand, now=NOW)
    st = rv.reviewed_state(hand)
    assert ids[JOINT] not in [i["id"] for i in st.incidents]
    assert st.orphaned == [{"review": conf.review["id"], "action": "confirm",
                            "target": ids[JOINT], "analyst": "kim",
                            "why": f"incident {ids[JOINT]} is not in the current record"}]
    assert st.reviews == 0
    with pytest.raises(ValidationError, match="superseded by the fusion run of ledger entry"):
        rv.confirm(hand, ids[JOINT], **WHO)


# ------------------------------------------------------------------------ ledger, originals, verify

def _all_actions(u):
    ids = _ids(u)
    rv.confirm(u, ids[JOINT], **WHO)
    rv.reject(u, ids[NORTH], **WHO)
    rv.correct(u, "op-a/op-a-1", {"count": 11}, **WHO)
    rv.split(u, ids[JOINT], [["op-a/op-a-1"]], **WHO)
    rv.merge(u, [ids[SOUTH], rv.reviewed_state(u).incidents[0]["id"]], **WHO)


def test_one_review_ledger_entry_per_action_and_verify_passes(hand):
    with hand:
        n0 = len(list(hand.ledger.iterate()))
    _all_actions(hand)
    with hand:
        entries = list(hand.ledger.iterate())[n0:]
        rows = hand.reviews.list()
        rep = verify_record(hand)
    assert [e.kind for e in entries] == ["review"] * 5
    assert [r.action for r in rows] == ["confirm", "reject", "correct", "split", "merge"]
    for e, r in zip(entries, rows, strict=True):
        assert r.ledger_seq == e.seq
        assert e.payload["review"] == f"rev-{e.seq}"
        assert e.payload["content_hash"] == r.content_hash == hashlib.sha256(
            r.record_json.encode()).hexdigest()
        assert json.loads(r.record_json)["id"] == f"rev-{e.seq}"
    assert rep.ok, rep.message()
    assert rv.reviewed_state(hand).reviews == 5


def test_reviews_never_change_the_stored_incidents_or_observations(hand_sql, tmp_path):
    db = hand_sql.url.removeprefix("sqlite:///")

    def snapshot():
        with sqlite3.connect(db) as c:
            return (c.execute("select * from incidents order by pk").fetchall(),
                    c.execute("select * from observations order by pk").fetchall(),
                    c.execute("select * from incident_observations order by 1, 2").fetchall(),
                    c.execute("select * from violations order by pk").fetchall())

    before = snapshot()
    _all_actions(hand_sql)
    assert snapshot() == before
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from reviews").fetchone()[0] == 5


def test_verify_names_a_tampered_review_row(hand_sql):
    _all_actions(hand_sql)
    db = hand_sql.url.removeprefix("sqlite:///")
    with hand_sql:
        target = hand_sql.reviews.list()[2]
    with sqlite3.connect(db) as c:
        c.execute("update reviews set record_json = replace(record_json, '11', '12') "
                  "where ledger_seq = ?", (target.ledger_seq,))
    with hand_sql:
        rep = verify_record(hand_sql)
    assert not rep.ok
    assert rep.first_bad_seq == target.ledger_seq
    assert rep.where == f"reviews rev-{target.ledger_seq}"
    assert "content_hash" in rep.reason


def test_verify_names_a_review_whose_parsed_column_was_changed(hand_sql):
    _all_actions(hand_sql)
    db = hand_sql.url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as c:
        seq = c.execute("select min(ledger_seq) from reviews").fetchone()[0]
        c.execute("update reviews set analyst = 'someone else' where ledger_seq = ?", (seq,))
    with hand_sql:
        assert verify_record(hand_sql, columns=False).ok
        rep = verify_record(hand_sql)
    assert (rep.ok, rep.first_bad_seq, rep.where) == (False, seq, f"reviews rev-{seq}")
    assert "analyst" in rep.reason


def test_memory_and_sqlite_give_the_same_reviewed_state(tmp_path):
    from tests.unit.review.conftest import build
    from truce.storage.memory import MemoryUnitOfWork
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    src = write_jsonl(tmp_path / "h.jsonl", HAND)
    mem = build(MemoryUnitOfWork(), src)
    sql = build(SqlUnitOfWork(sqlite_url(tmp_path / "h.db")), src)
    try:
        _all_actions(mem)
        _all_actions(sql)
        a, b = rv.reviewed_state(mem), rv.reviewed_state(sql)
    finally:
        sql.close()
    assert a == b
    assert [i["review"]["status"] for i in a.incidents].count("rejected") == 1


def test_the_stdlib_reverify_snippet_in_docs_covers_reviews(hand_sql, monkeypatch, capsys):
    import re
    from pathlib import Path

    _all_actions(hand_sql)
    with hand_sql:
        head = hand_sql.ledger.head().entry_hash
    db = Path(hand_sql.url.removeprefix("sqlite:///"))
    text = (Path(__file__).resolve().parents[3] / "docs" / "record.md").read_text("utf-8")
    snippet = next(b for b in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
                   if "import hashlib" in b)
    monkeypatch.chdir(db.parent)
    hand_sql.close()
    with sqlite3.connect(db) as src, sqlite3.connect(db.parent / "truce.db") as dst:
        src.backup(dst)  # the snippet reads ./truce.db
    exec(compile(snippet, "record.md", "exec"), {})  # noqa: S102 - runs the documented snippet
    assert capsys.readouterr().out.strip() == f"head {head}"
    with sqlite3.connect(db.parent / "truce.db") as c:
        c.execute("update reviews set record_json = record_json || ' ' "
                  "where ledger_seq = (select max(ledger_seq) from reviews)")
    with pytest.raises(AssertionError):
        exec(compile(snippet, "record.md", "exec"), {})  # noqa: S102 - runs the documented snippet
