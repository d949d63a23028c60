"""``truce process``, ``truce export incidents`` and ``truce evaluate`` on a small simulated day."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import simulate_day
from truce.cli import pipeline

app = typer.Typer()
app.command("process")(pipeline.process_cmd)
app.add_typer(pipeline.export_app, name="export")
app.command("evaluate")(pipeline.evaluate_cmd)
runner = CliRunner()

AGREEMENT = "ukraine-2024-12-07"


@pytest.fixture(scope="module")
def sim_dir(tmp_path_factory):
    return simulate_day(tmp_path_factory.mktemp("sim"), seed=7, scale=0.3)


@pytest.fixture
def db(tmp_path, sim_dir):
    from truce.service.ingest import ingest_jsonl
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    path = tmp_path / "r.db"
    uow = SqlUnitOfWork(sqlite_url(path))
    try:
        r = ingest_jsonl(sim_dir / "observations.jsonl", uow, now=datetime.now(UTC))
    finally:
        uow.close()
    assert r.added > 20 and not r.rejected
    return path


def _current(db) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as c:
        return c.execute("select id, fusion_run from incidents where superseded_by is null "
                         "order by id").fetchall()


def _process(db, *extra: str):
    r = runner.invoke(app, ["process", "--db", str(db), *extra])
    return r


def test_process_stores_incidents_and_is_repeatable(db):
    r = _process(db)
    assert r.exit_code == 0, r.output
    first = _current(db)
    assert first, "no incidents stored"
    assert f"incidents {len(first)} (" in r.stdout
    with sqlite3.connect(db) as c:
        head = c.execute("select entry_hash from ledger order by seq desc limit 1").fetchone()[0]
        kinds = c.execute("select kind from ledger order by seq").fetchall()
        links = c.execute("select count(*) from incident_observations").fetchone()[0]
        agr = c.execute("select value from meta where key = 'agreement'").fetchone()[0]
    assert f"head {head}" in r.stdout
    assert [k for (k,) in kinds] == ["ingest", "fusion", "adjudication"]
    assert links >= len(first) and agr == AGREEMENT

    r = _process(db)  # again, nothing new: nothing is written, the record does not grow
    assert r.exit_code == 0, r.output
    assert "nothing written" in r.stdout and f"head {head}" in r.stdout
    assert _current(db) == first
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from ledger").fetchone()[0] == len(kinds)
        assert c.execute("select count(*) from incidents").fetchone()[0] == len(first)

    more = db.parent / "more.jsonl"  # one more observation: a new run supersedes the old rows
    more.write_text(json.dumps({
        "id": "late-1", "source": {"kind": "post", "id": "op-late"},
        "time": "2024-12-08T12:00:00+02:00", "observer": {"lat": 48.0, "lon": 37.8},
        "kind": "explosion", "detail": "undetermined", "count": 3, "direction": "E",
        "distance_km": [3, 5]}) + "\n")
    from truce.service.ingest import ingest_jsonl
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    uow = SqlUnitOfWork(sqlite_url(db))
    assert ingest_jsonl(more, uow, now=datetime(2024, 12, 9, tzinfo=UTC)).added == 1
    uow.close()
    r = _process(db)
    assert r.exit_code == 0, r.output
    again = _current(db)
    assert {i for i, _ in first} < {i for i, _ in again}
    assert {run for _, run in again} == {5}  # 2 fusion, 3 adjudication, 4 ingest, 5 fusion
    assert f"superseded {len(first)}" in r.stdout


def test_another_agreement_is_refused(db):
    assert _process(db).exit_code == 0
    r = _process(db, "--agreement", "minsk-2015")
    assert r.exit_code == 2
    assert "processed under agreement 'ukraine-2024-12-07'" in r.output
    assert _process(db, "--agreement", AGREEMENT).exit_code == 0


def test_process_needs_a_record(tmp_path):
    r = _process(tmp_path / "none.db")
    assert r.exit_code == 2 and "no record at" in r.output


def _export(db, fmt: str, *extra: str) -> str:
    r = runner.invoke(app, ["export", "incidents", "--format", fmt, "--db", str(db), *extra])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_export_formats_parse_back(db, tmp_path):
    assert _process(db).exit_code == 0
    ids = sorted(i for i, _ in _current(db))

    recs = [json.loads(line) for line in _export(db, "jsonl").splitlines() if line.strip()]
    assert sorted(r["id"] for r in recs) == ids
    for r in recs:
        assert {"id", "start", "end", "kind", "count", "location", "uncertainty_m",
                "observation_ids"} <= set(r)
        assert all("/" in k for k in r["observation_ids"])

    gj = json.loads(_export(db, "geojson"))
    assert gj["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in gj["features"]) == ids
    f0 = gj["features"][0]
    assert f0["geometry"]["type"] == "Point" and len(f0["geometry"]["coordinates"]) == 2

    rows = list(csv.DictReader(io.StringIO(_export(db, "csv"))))
    assert sorted(r["id"] for r in rows) == ids
    assert all(float(r["lat"]) and float(r["lon"]) for r in rows)

    out = tmp_path / "inc.csv"
    r = runner.invoke(app, ["export", "incidents", "--format", "csv", "--db", str(db),
                            "--out", str(out)])
    assert r.exit_code == 0, r.output
    with out.open(newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(ids)


def test_export_by_local_date(db):
    assert _process(db).exit_code == 0
    n = len(_current(db))
    day = [line for line in _export(db, "jsonl", "--date", "2024-12-08").splitlines() if line]
    assert len(day) == n  # a one-day run: every incident was first reported on 2024-12-08
    assert _export(db, "jsonl", "--date", "2024-12-10").strip() == ""
    r = runner.invoke(app, ["export", "incidents", "--db", str(db), "--date", "8/12"])
    assert r.exit_code == 2


def test_evaluate_prints_the_metrics(db, sim_dir):
    r = runner.invoke(app, ["evaluate", "--truth", str(sim_dir / "truth.jsonl"), "--db", str(db)])
    assert r.exit_code == 2 and "not been processed" in r.output
    assert _process(db).exit_code == 0
    r = runner.invoke(app, ["evaluate", "--truth", str(sim_dir / "truth.jsonl"),
                            "--links", str(sim_dir / "truth_links.jsonl"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "F1 " in r.stdout and "naive tally" in r.stdout


def test_evaluate_stored_equals_fresh_fusion(db, sim_dir):
    """Scoring the stored incidents gives what scoring the fusion result directly gives."""
    from truce.adjudicate.regions import gazetteer_regions
    from truce.agreement.loader import load_agreement
    from truce.evaluate.match import TruthArrays
    from truce.evaluate.metrics import evaluate
    from truce.fusion.pipeline import fuse
    from truce.geo.frame import AgreementFrame
    from truce.service.process import (
        evaluate_record,
        load_observations,
        read_jsonl,
    )
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    assert _process(db).exit_code == 0
    uow = SqlUnitOfWork(sqlite_url(db), write=False)
    try:
        ev = evaluate_record(uow, sim_dir / "truth.jsonl", sim_dir / "truth_links.jsonl")
        obs, _ = load_observations(uow)
    finally:
        uow.close()
    frame = AgreementFrame.from_agreement(load_agreement(AGREEMENT))
    res = fuse(obs, frame)
    truth = TruthArrays.from_records(read_jsonl(sim_dir / "truth.jsonl"), frame.projection)
    observed = {r["episode_id"] for r in read_jsonl(sim_dir / "truth_links.jsonl")
                if r["episode_id"]}
    q = evaluate(res.incidents, res.observations, truth, observed,
                 gazetteer_regions(frame))
    assert (ev.quality.n_matched, ev.quality.n_incidents) == (q.n_matched, q.n_incidents)
    assert ev.quality.f1 == pytest.approx(q.f1)
    assert ev.quality.region_days == q.region_days


def test_help_has_examples():
    for args in (["process", "--help"], ["export", "incidents", "--help"],
                 ["evaluate", "--help"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0 and "Example:" in r.stdout, args


def test_a_bad_date_names_the_option_once(db):
    r = runner.invoke(app, ["export", "incidents", "--db", str(db), "--date", "2024-99-01"])
    assert r.exit_code == 2
    assert r.stderr.strip() == "error: --date: must be YYYY-MM-DD, got '2024-99-01'"


def test_export_from_an_unreadable_record_writes_nothing(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not a database\n")
    out = tmp_path / "incidents.csv"
    r = runner.invoke(app, ["export", "incidents", "--format", "csv", "--db", str(junk),
                            "--out", str(out)])
    assert r.exit_code == 2  # a --db that is not a record is bad input
    assert "is not a SQLite database" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()
    r = runner.invoke(app, ["export", "incidents", "--format", "csv", "--db", str(junk)])
    assert r.exit_code == 2 and r.stdout == ""


def test_export_date_help_says_which_date_an_incident_has():
    """The help follows the incident's date rule: the first precise report's date, else (vague
    reports only) the date the window ends on - an overnight report of the 8th counts on the 8th."""
    r = runner.invoke(app, ["export", "incidents", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    text = " ".join(r.stdout.replace("│", " ").split())
    assert "first precise report's date" in text and "the date its window ends on, the 8th" in text
    assert "first observation's start" not in text


def _store_unchecked(db, *recs) -> None:
    """Store records as an older truce did, before the intake bounds (no ledger entry: process
    does not verify)."""
    from truce.service.intake import parse_line
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        with uow:
            rows = [parse_line(json.dumps(r).encode(), 1, strict=False) for r in recs]
            uow.observations.ensure_sources({r.source_id: k for r, k in rows})
            uow.observations.add_many([r for r, _ in rows])
            uow.commit()
    finally:
        uow.close()


OLD = {"source": {"kind": "post", "id": "old"}, "kind": "explosion",
       "observer": {"lat": 47.0, "lon": 37.0}}


def test_process_skips_stored_rows_out_of_the_bounds_and_names_them(db):
    """A year-1 time stored by an older intake crashed `process` for the whole record."""
    _store_unchecked(db, {**OLD, "id": "y1", "time": "0001-01-01T00:00:00+02:00"},
                     {**OLD, "id": "y9999", "time": "9999-12-31T23:00:00-12:00"},
                     {**OLD, "id": "huge", "time": "2024-12-08T01:00:00+02:00",
                      "count": 10**12})
    r = _process(db)
    assert r.exit_code == 0, r.output
    assert "(3 could not be fused)" in r.stdout
    assert "not fused: y1: time: '0001-01-01T00:00:00+02:00' is out of the supported" in r.stdout
    assert "not fused: y9999: time:" in r.stdout
    assert f"not fused: huge: count: {10**12} is more than 100,000" in r.stdout
    out = runner.invoke(app, ["export", "incidents", "--format", "jsonl", "--db", str(db)])
    assert out.exit_code == 0
    assert all(json.loads(line)["count"] >= 0 for line in out.stdout.splitlines())


def test_process_warns_of_weapon_classes_the_agreement_does_not_know(tmp_path):
    from truce.service.ingest import ingest_jsonl
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    f = tmp_path / "w.jsonl"
    base = {"source": {"kind": "uav", "id": "uav-y"}, "kind": "weapon",
            "time": "2024-12-08T10:00:00+02:00", "location": {"lat": 48.5, "lon": 37.9,
                                                              "sigma_m": 50}}
    recs = [{**base, "id": "v0", "weapon": {"class": "Tank"}}]
    recs += [{**base, "id": f"d{i}", "weapon": {"class": "death_star"},
              "location": {"lat": 48.5 + i / 10, "lon": 37.9, "sigma_m": 50}} for i in range(5)]
    f.write_text("".join(json.dumps(r) + "\n" for r in recs))
    db = tmp_path / "r.db"
    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        assert ingest_jsonl(f, uow, now=datetime.now(UTC)).added == 6
    finally:
        uow.close()
    r = _process(db)
    assert r.exit_code == 0, r.output
    assert ("warning: 5 weapon sighting(s) name a class the agreement does not know" in r.stderr)
    assert "'death_star': 5 (uav-y/d0, uav-y/d1, uav-y/d2, ... (2 more))" in r.stderr
    assert "tank" not in r.stderr.lower()  # "Tank" is the agreement's "tank"
    out = runner.invoke(app, ["export", "incidents", "--format", "jsonl", "--db", str(db)])
    tank = [json.loads(x) for x in out.stdout.splitlines()
            if json.loads(x)["observation_ids"] == ["uav-y/v0"]]
    assert tank and "withdrawal.weapons" in tank[0]["violations"]


def test_csv_export_carries_the_weapon_and_the_review():
    from truce.service.process import CSV_COLUMNS, write_incidents

    rec = {"id": "inc-1", "date": "2024-12-08", "start": "2024-12-08T10:00:00Z",
           "end": "2024-12-08T10:00:00Z", "kind": "weapon", "detail": None, "count": 3,
           "location": {"lat": 48.0, "lon": 37.8}, "uncertainty_m": 100.0,
           "observation_ids": ["uav-1/a"], "weapon": {"class": "tank", "type": "T-64",
                                                      "caliber_mm": 125},
           "review": {"status": "confirmed", "by": ["rev-2"], "merged_from": ["inc-a", "inc-b"]}}
    buf = io.StringIO()
    assert write_incidents([rec], "csv", buf) == 1
    (row,) = csv.DictReader(io.StringIO(buf.getvalue()))
    assert (row["weapon_class"], row["weapon_type"], row["weapon_caliber_mm"]) == (
        "tank", "T-64", "125")
    assert (row["review"], row["review_by"], row["review_from"]) == (
        "confirmed", "rev-2", "inc-a inc-b")
    # the columns of earlier exports keep their places; new ones are appended
    assert CSV_COLUMNS[:21] == (
        "id", "date", "start", "end", "kind", "detail", "count", "lat", "lon", "uncertainty_m",
        "region", "zone", "end_of_fire", "origin_lat", "origin_lon", "n_observations",
        "n_observers", "n_bearings", "observation_ids", "violations", "side_probability")


def test_export_applies_the_reviews_like_the_report(db):
    from truce.service import review
    from truce.storage.sql import SqlUnitOfWork, sqlite_url

    assert _process(db).exit_code == 0
    raw = [json.loads(ln) for ln in _export(db, "jsonl", "--raw").splitlines() if ln.strip()]
    fire = sorted((r for r in raw if r["kind"] == "explosion"), key=lambda r: r["start"])
    a, b = fire[0], fire[1]  # adjacent starts: within the 6 h a merge allows
    rejected = next(r for r in raw if r["id"] not in (a["id"], b["id"]))
    now = datetime(2024, 12, 9, tzinfo=UTC)
    uow = SqlUnitOfWork(sqlite_url(db))
    try:
        review.reject(uow, rejected["id"], analyst="kim", reason="echo", now=now)
        merged = review.merge(uow, [a["id"], b["id"]], analyst="kim", reason="one shelling",
                              now=now).incidents[0]["id"]
    finally:
        uow.close()

    recs = [json.loads(ln) for ln in _export(db, "jsonl").splitlines() if ln.strip()]
    ids = {r["id"] for r in recs}
    assert len(recs) == len(raw) - 2  # two merged into one, one rejected
    assert rejected["id"] not in ids and a["id"] not in ids and b["id"] not in ids
    (m,) = [r for r in recs if r["id"] == merged]
    assert m["review"]["status"] == "unreviewed"
    assert sorted(m["review"]["merged_from"]) == sorted([a["id"], b["id"]])
    assert all(r["review"]["status"] == "unreviewed" for r in recs)

    flagged = [json.loads(ln) for ln in _export(db, "jsonl", "--include-rejected").splitlines()
               if ln.strip()]
    (rj,) = [r for r in flagged if r["id"] == rejected["id"]]
    assert rj["review"]["status"] == "rejected" and len(flagged) == len(recs) + 1

    gj = json.loads(_export(db, "geojson"))
    assert {f["id"] for f in gj["features"]} == ids
    assert all("review" in f["properties"] for f in gj["features"])
    rows = list(csv.DictReader(io.StringIO(_export(db, "csv", "--include-rejected"))))
    assert {r["id"]: r["review"] for r in rows}[rejected["id"]] == "rejected"

    # --raw: the fusion output, no reviews
    again = [json.loads(ln) for ln in _export(db, "jsonl", "--raw").splitlines() if ln.strip()]
    assert again == raw and all("review" not in r for r in again)

