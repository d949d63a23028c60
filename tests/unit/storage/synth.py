"""Fast synthetic observation files for the record's tests (valid by construction)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def record(i: int, src: str = "op-001", **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": f"{src}-{i:07d}", "source": {"kind": "post", "id": src},
        "time": f"2024-12-08T{(i // 60) % 24:02d}:{i % 60:02d}:00+02:00", "kind": "explosion",
        "detail": "undetermined", "count": 1 + i % 7, "direction": "NE", "distance_km": [2, 5],
        "observer": {"lat": 47.5 + (i % 100) * 1e-3, "lon": 37.1}, "heard_only": True,
        "region": "Donetsk", "text": f"Heard {1 + i % 7} undetermined explosions 2-5 km north-east.",
    }
    rec.update(over)
    return rec


def write(path: Path, records: list[dict[str, Any]] | None = None, *, n: int = 0,
          sources: int = 50, extra_lines: list[str] = ()) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for rec in records or ():
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        for i in range(n):
            fh.write(json.dumps(record(i, f"op-{i % sources:03d}")) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")
    return path
