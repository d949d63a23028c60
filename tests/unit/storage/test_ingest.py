"""Ingest: idempotent, atomic, conflicts and bad lines rejected with line numbers, on every back end."""

from __future__ import annotations

import json

import pytest

from truce.errors import StorageError
from truce.ledger.chain import fold_digest
from truce.service.ingest import ingest_jsonl
from truce.service.verify import verify_record

from .conftest import NOW
from .synth import record, write


def test_same_file_twice_adds_nothing_the_second_time(uow, tmp_path):
    f = write(tmp_path / "obs.jsonl", n=120)
    r1 = ingest_jsonl(f, uow, now=NOW)
    assert (r1.added, r1.duplicates, r1.rejected) == (120, 0, [])
    assert r1.ledger_entry is not None and r1.ledger_entry.seq == 1
    r2 = ingest_jsonl(f, uow, now=NOW)
    assert (r2.added, r2.duplicates, r2.rejected, r2.nothing_new) == (0, 120, [], True)
    assert r2.ledger_entry is None  # nothing written, nothing to record
    with uow:
        assert uow.observations.count() == 120
        assert [e.seq for e in uow.ledger.iterate()] == [1]


def test_ledger_entry_payload_names_file_and_rows(uow, tmp_path):
    import hashlib

    f = write(tmp_path / "obs.jsonl", n=30)
    r = ingest_jsonl(f, uow, now=NOW, batch_size=7)
    p = r.ledger_entry.payload
    assert p["file"] == "obs.jsonl" and p["added"] == 30 and p["table"] == "observations"
    assert p["file_sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    with uow:
        hashes = [h.content_hash for h in uow.observations.hashed_rows()]
    assert p["digest"] == fold_digest(hashes)
    assert r.ledger_entry.created_at == NOW.isoformat()


def test_record_is_stored_verbatim_and_hash_is_sha256_of_line(uow, tmp_path):
    import hashlib

    line = '{"source": {"id": "op-1", "kind": "post"},  "id": "x1", "kind": "shot", ' \
           '"time": "2024-12-08T01:00:00+02:00", "observer": {"lat": 47.1, "lon": 37.2}}'
    f = tmp_path / "o.jsonl"
    f.write_text(line + "\r\n", "utf-8")
    ingest_jsonl(f, uow, now=NOW)
    with uow:
        o = uow.observations.get("op-1", "x1")
    assert o.record_json == line
    assert o.content_hash == hashlib.sha256(line.encode()).hexdigest()
    assert (o.kind, o.t_start, o.observer_lat, o.count) == ("shot", 1733612400.0, 47.1, None)


def test_reformatted_copy_is_a_duplicate_changed_copy_a_conflict(uow, tmp_path):
    recs = [record(i) for i in range(5)]
    ingest_jsonl(write(tmp_path / "a.jsonl", recs), uow, now=NOW)
    # same content, other key order and spacing: a duplicate, not a conflict
    reformatted = tmp_path / "b.jsonl"
    reformatted.write_text("".join(json.dumps(dict(reversed(list(r.items()))), indent=None,
                                              separators=(", ", ": ")) + "\n" for r in recs))
    r = ingest_jsonl(reformatted, uow, now=NOW)
    assert (r.added, r.duplicates, r.conflicts) == (0, 5, 0)
    changed = [record(1, count=99), record(7)]
    r = ingest_jsonl(write(tmp_path / "c.jsonl", changed), uow, now=NOW)
    assert (r.added, r.duplicates, r.conflicts) == (1, 0, 1)
    assert r.rejected[0].line == 1 and "conflict" in r.rejected[0].reason
    assert "op-001/op-001-0000001" in r.rejected[0].reason
    with uow:  # the stored record was not overwritten
        assert json.loads(uow.observations.get("op-001", "op-001-0000001").record_json)["count"] == 2


def test_repeats_within_one_file(uow, tmp_path):
    f = write(tmp_path / "a.jsonl", [record(1), record(2), record(1), record(2, count=5)])
    r = ingest_jsonl(f, uow, now=NOW, batch_size=2)  # the repeats fall in a later batch
    assert (r.added, r.duplicates, r.conflicts) == (2, 1, 1)
    assert [x.line for x in r.rejected] == [4]
    r = ingest_jsonl(f, uow, now=NOW, batch_size=100)  # and within one batch
    assert (r.added, r.duplicates, r.conflicts) == (0, 3, 1)


BAD = [
    ("{not json", "malformed JSON"),
    ('["a list"]', "a record must be a JSON object"),
    (json.dumps(record(900, kind="artillery")), "kind: must be one of"),
    (json.dumps({k: v for k, v in record(901).items() if k != "time"}), "time: must be an ISO"),
    (json.dumps(record(902, time="2024-12-08T01:00:00")), "has no UTC offset"),
    (json.dumps(record(903, observer={"lat": 95, "lon": 37})), "out of range"),
    (json.dumps(record(904, count=0)), "count: must be an integer >= 1"),
    (json.dumps({k: v for k, v in record(905).items() if k != "id"}), "id: required"),
    (json.dumps(record(906, source={"id": "x", "kind": "satellite"})), "source.kind"),
    ('{"id": "n", "count": NaN}', "NaN is not valid JSON"),
]


def test_bad_lines_are_rejected_with_line_numbers_and_the_rest_goes_in(uow, tmp_path):
    f = tmp_path / "mixed.jsonl"
    lines = [json.dumps(record(0))]
    for bad, _ in BAD:
        lines += [bad, json.dumps(record(len(lines)))]
    lines.insert(3, "")  # blank lines are skipped, and still counted
    f.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe\n")
    r = ingest_jsonl(f, uow, now=NOW)
    assert r.added == len(BAD) + 1
    got = {x.line: x.reason for x in r.rejected}
    expect_lines = [2, 5, 7, 9, 11, 13, 15, 17, 19, 21, len(lines) + 1]
    assert sorted(got) == expect_lines
    for line, (_, why) in zip(expect_lines, BAD):
        assert why in got[line], (line, got[line])
    assert "not UTF-8" in got[len(lines) + 1]


def test_a_failure_mid_file_writes_nothing(uow, tmp_path, monkeypatch):
    f = write(tmp_path / "a.jsonl", n=50)
    calls = []

    def boom(lines, added):
        calls.append(lines)
        if len(calls) == 3:
            raise StorageError("disk full")

    with pytest.raises(StorageError):
        ingest_jsonl(f, uow, now=NOW, batch_size=10, progress=boom)
    with uow:
        assert uow.observations.count() == 0 and uow.ledger.head() is None
    r = ingest_jsonl(f, uow, now=NOW, batch_size=10)
    assert r.added == 50


def test_source_kind_cannot_change(uow, tmp_path):
    ingest_jsonl(write(tmp_path / "a.jsonl", [record(1)]), uow, now=NOW)
    r = ingest_jsonl(write(tmp_path / "b.jsonl", [
        record(2, source={"id": "op-001", "kind": "uav"})]), uow, now=NOW)
    assert r.added == 0 and "recorded as 'post'" in r.rejected[0].reason


def test_naive_now_is_refused(uow, tmp_path):
    from datetime import datetime

    from truce.errors import ValidationError
    with pytest.raises(ValidationError, match="timezone-aware"):
        ingest_jsonl(write(tmp_path / "a.jsonl", n=1), uow, now=datetime(2024, 12, 9))


def test_verify_after_ingests(uow, tmp_path):
    ingest_jsonl(write(tmp_path / "a.jsonl", n=40), uow, now=NOW)
    ingest_jsonl(write(tmp_path / "b.jsonl", [record(5000)]), uow, now=NOW)
    with uow:
        rep = verify_record(uow)
        head = uow.ledger.head()
    assert rep.ok, rep.message()
    assert (rep.entries, rep.rows, rep.head_hash) == (2, 41, head.entry_hash)


def test_nul_characters_are_rejected_on_every_back_end(uow, tmp_path):
    """PostgreSQL's text cannot hold U+0000: such a line is rejected (the rest goes in) on every
    back end alike, instead of failing the whole file on one of them."""
    f = write(tmp_path / "a.jsonl", [record(1, id="bad\x00id"), record(2),
                                     record(3, region="Don\x00etsk")])
    r = ingest_jsonl(f, uow, now=NOW)
    assert r.added == 1 and [x.line for x in r.rejected] == [1, 3]
    assert all("NUL character" in x.reason for x in r.rejected)
