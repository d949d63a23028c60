"""Benchmark: narrative parsing throughput (MB/s of report text, one core), beside two baselines
measured in the same run.

    python benchmarks/bench_parse.py [N]        # about N bytes of narratives, default 5,000,000
    TRUCE_BENCH_PARSE_DIR=out/sim python benchmarks/bench_parse.py   # reuse a simulate --out dir

The text is simulator output (``reports/**/*.txt``); when it is shorter than N the reports are
parsed again in turn until N bytes.  The place cache is warmed on one pass first (a real intake
run resolves the same few hundred places all day).  Baselines: the same grammar done naively (for
each sentence, every kind phrase and weapon system tried as its own regex, on a sample), and
reading + sentence splitting alone (the floor).
"""

from __future__ import annotations

import os
import re
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_BYTES = 5_000_000
SAMPLE_BYTES = 100_000


def _texts(n: int) -> list[tuple[str, str]]:
    reuse = os.environ.get("TRUCE_BENCH_PARSE_DIR")
    if reuse:
        return [(p.stem, p.read_text(encoding="utf-8"))
                for p in sorted(Path(reuse).glob("reports/**/*.txt"))]
    from truce.agreement.loader import load_agreement
    from truce.gazetteer.sources import starter_gazetteer
    from truce.sim.run import simulate
    from truce.sim.scenario import Scenario

    scale = min(max(n / 1_000_000, 0.1), 3.0)  # about 1 MB of text per unit of scale (2 days)
    sc = Scenario.uniform("ukraine-2024-12-07", date(2024, 12, 8), 2, seed=1,
                          intensity="escalation", scale=scale)
    res = simulate(sc, load_agreement(sc.agreement), starter_gazetteer(),
                   np.random.default_rng(sc.seed))
    return [(p.rsplit("/", 1)[1][:-4], t) for p, t in res.narrative.files]


def _cycle(texts: list[tuple[str, str]], n: int) -> list[tuple[str, str]]:
    out, size, i = [], 0, 0
    while size < n and texts:
        out.append(texts[i % len(texts)])
        size += len(texts[i % len(texts)][1].encode())
        i += 1
    return out


def naive_grammar(sentences: list[str]) -> int:
    """Every kind phrase and weapon system as its own pattern, tried on every sentence."""
    from truce.intake.narrative import grammar
    from truce.intake.narrative import lexicon as lx

    pats = [re.compile(rf"{grammar.COUNT}\s+(?:{p})", re.IGNORECASE) for p, _, _ in grammar.KIND_ROWS]
    pats += [re.compile(p, re.IGNORECASE) for p, _, _, _ in lx.WEAPON_SYSTEMS]
    pats += [re.compile(grammar.POSITION), re.compile(grammar.DIRECTION)]
    found = 0
    for s in sentences:
        for p in pats:
            found += sum(1 for _ in p.finditer(s))
    return found


def main(n: int | None = None) -> None:
    from truce.gazetteer.sources import starter_gazetteer
    from truce.intake.narrative import PlaceResolver, parse_report
    from truce.intake.narrative.sentences import split

    n = int(n or os.environ.get("TRUCE_BENCH_PARSE_BYTES", DEFAULT_BYTES))
    base = _texts(n)
    texts = _cycle(base, n)
    size = sum(len(t.encode()) for _, t in texts)
    resolver = PlaceResolver(starter_gazetteer())
    for sid, t in base:  # warm the place cache
        parse_report(t, gazetteer=resolver, source_id=sid, report_date=date(2024, 12, 8))
    t0 = time.perf_counter()
    n_obs = 0
    for sid, t in texts:
        n_obs += len(parse_report(t, gazetteer=resolver, source_id=sid,
                                  report_date=date(2024, 12, 8)).observations)
    dt = time.perf_counter() - t0
    rate = size / dt / 1e6
    # baseline 1: the naive per-phrase grammar on a sample
    sample = _cycle(base, min(SAMPLE_BYTES, size))
    s_size = sum(len(t.encode()) for _, t in sample)
    sents = [s.text for _, t in sample for s in split(t).sentences]
    t1 = time.perf_counter()
    naive_grammar(sents)
    naive = s_size / (time.perf_counter() - t1) / 1e6
    # baseline 2: sentence splitting only (the floor of any parser)
    t2 = time.perf_counter()
    for _, t in texts:
        split(t)
    floor = size / (time.perf_counter() - t2) / 1e6
    print(f"parse: {size / 1e6:.1f} MB of narratives ({n_obs:,} observations) in {dt:.2f} s = "
          f"{rate:.2f} MB/s (baseline: naive per-phrase regex loop: {naive:.2f} MB/s, ratio "
          f"{rate / naive:.1f}x; sentence split only: {floor:.1f} MB/s, ratio {rate / floor:.2f}x)",
          flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
