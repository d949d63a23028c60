"""The hash chain: the documented formula, recomputed here with nothing but hashlib and json."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from truce.ledger.chain import (
    EMPTY_DIGEST,
    GENESIS_HASH,
    canonical,
    fold_digest,
    make_entry,
    verify_chain,
)

T = "2024-12-09T00:00:00+00:00"


def _chain(n: int = 3):
    out, prev = [], None
    for i in range(n):
        prev = make_entry(prev, "ingest", {"file": f"f{i}.jsonl", "digest": fold_digest([str(i)])}, T)
        out.append(prev)
    return out


def test_canonical_is_sorted_compact_utf8():
    assert canonical({"b": 1, "a": {"d": [1, 2], "c": "Київ"}}) == '{"a":{"c":"Київ","d":[1,2]},"b":1}'


def test_entry_hash_follows_the_documented_formula():
    e = _chain(2)[1]
    payload_hash = hashlib.sha256(e.payload_json.encode()).hexdigest()
    body = json.dumps({"seq": e.seq, "kind": e.kind, "created_at": e.created_at,
                       "payload_hash": payload_hash}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    assert e.payload_hash == payload_hash
    assert e.entry_hash == hashlib.sha256((e.prev_hash + body).encode()).hexdigest()
    assert _chain(1)[0].prev_hash == GENESIS_HASH == "0" * 64


def test_fold_digest_formula_and_order():
    assert fold_digest(["ab", "cd"]) == hashlib.sha256(b"ab\ncd\n").hexdigest()
    assert fold_digest(["cd", "ab"]) != fold_digest(["ab", "cd"])
    assert fold_digest([]) == EMPTY_DIGEST


def test_verify_intact_chain_reports_head():
    es = _chain(3)
    r = verify_chain(es, {e.seq: e.payload["digest"] for e in es})
    assert r.ok and r.entries == 3 and r.head_hash == es[-1].entry_hash


def test_verify_names_first_bad_entry():
    es = _chain(4)
    es[1] = dataclasses.replace(es[1], payload_json=es[1].payload_json.replace("f1", "f9"))
    r = verify_chain(es)
    assert not r.ok and r.first_bad_seq == 2 and "payload" in r.reason

    es = _chain(4)
    es[2] = dataclasses.replace(es[2], created_at="2024-12-10T00:00:00+00:00")
    r = verify_chain(es)
    assert (r.ok, r.first_bad_seq) == (False, 3) and "entry_hash" in r.reason


def test_verify_detects_removed_entry_and_row_digest_mismatch():
    es = _chain(4)
    r = verify_chain([es[0], es[2], es[3]])
    assert (r.ok, r.first_bad_seq) == (False, 3)
    es = _chain(3)
    r = verify_chain(es, {1: es[0].payload["digest"], 2: fold_digest(["x"])})
    assert (r.ok, r.first_bad_seq) == (False, 2) and "digest" in r.reason
    # an entry whose rows have all gone is compared with the empty fold
    r = verify_chain(es, {1: es[0].payload["digest"], 2: es[1].payload["digest"]})
    assert (r.ok, r.first_bad_seq) == (False, 3)
    r = verify_chain(es, {e.seq: e.payload["digest"] for e in es} | {7: "x"})
    assert (r.ok, r.first_bad_seq) == (False, 7)
