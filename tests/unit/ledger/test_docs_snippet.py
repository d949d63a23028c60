"""The stand-alone re-verification snippet in docs/record.md works on a real record, and fails
on a tampered one."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from truce.service.incidents import store_incidents
from truce.service.ingest import ingest_jsonl
from truce.service.violations import store_violations
from truce.storage.sql import SqlUnitOfWork, sqlite_url

from ..storage.conftest import NOW
from ..storage.synth import write
from ..storage.test_tamper import DAY0, DAY1, _incident
from ..storage.test_violations import _violation

DOC = Path(__file__).resolve().parents[3] / "docs" / "record.md"


def _snippet() -> str:
    text = DOC.read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    return next(b for b in blocks if "Re-verify" in text and "import hashlib" in b)


def test_docs_snippet_reverifies_a_record(tmp_path, capsys, monkeypatch):
    db = tmp_path / "truce.db"
    uow = SqlUnitOfWork(sqlite_url(db))
    ingest_jsonl(write(tmp_path / "a.jsonl", n=20, sources=3), uow, now=NOW)
    store_incidents(uow, [_incident(1, ["op-000/op-000-0000000"])], start=DAY0, end=DAY1, now=NOW)
    store_violations(uow, [_violation("inc-1")], start=DAY0, end=DAY1, now=NOW)
    with uow:
        head = uow.ledger.head().entry_hash
    uow.close()
    monkeypatch.chdir(tmp_path)
    exec(compile(_snippet(), str(DOC), "exec"), {})  # noqa: S102 - runs the documented snippet
    assert capsys.readouterr().out.strip() == f"head {head}"

    with sqlite3.connect(db) as c:
        c.execute("update observations set record_json = replace(record_json, 'Heard', 'heard') "
                  "where pk = 3")
    with pytest.raises(AssertionError):
        exec(compile(_snippet(), str(DOC), "exec"), {})  # noqa: S102 - runs the documented snippet
    assert os.path.exists(db)
