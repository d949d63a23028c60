"""Run every benchmark (``make bench``): each prints throughput beside a baseline from the same run.

Set TRUCE_BENCH_QUICK=1 for a quick pass on smaller inputs.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BENCHMARKS = ["bench_classify", "bench_simulate", "bench_parse", "bench_fusion", "bench_ingest",
              "bench_plan"]


def main() -> int:
    quick = os.environ.get("TRUCE_BENCH_QUICK") == "1"
    failed = 0
    for name in BENCHMARKS:
        try:
            mod = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            print(f"{name}: not available ({exc})")
            continue
        t0 = time.perf_counter()
        try:
            mod.main(100_000) if quick else mod.main()
        except Exception as exc:  # noqa: BLE001 - a benchmark failing must not hide the others
            failed += 1
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}")
        print(f"  ({name} took {time.perf_counter() - t0:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
