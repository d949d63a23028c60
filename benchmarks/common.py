"""Helpers for benchmarks: locating ../shared/data, timing, printing one line per result."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TRUCE_SHARED_DATA", REPO.parent / "shared" / "data"))


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs (seconds) and the last result."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def report(name: str, n: int, seconds: float, unit: str, baseline_rate: float | None = None,
           baseline_label: str = "") -> str:
    rate = n / seconds
    line = f"{name}: {n:,} {unit} in {seconds:.2f} s = {rate:,.0f} {unit}/s"
    if baseline_rate:
        line += f"; baseline {baseline_label}: {baseline_rate:,.0f} {unit}/s; ratio {rate / baseline_rate:.1f}x"
    print(line, flush=True)
    return line
