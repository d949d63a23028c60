"""Narratives: one sentence per observation, verbatim; positions recoverable from the text."""

from __future__ import annotations

import re

import numpy as np

from truce.domain.kinds import COMPASS_16
from truce.sim.io import observation_records
from truce.sim.narrative import DIRECTION_WORDS, NUMBER_WORDS, km
from truce.sim.places import destination

SENTENCE_BREAK = re.compile(r"(?<=\.) (?=[A-Z])")
HEADING = re.compile(r"^Daily report — (Observation post|Patrol team|Camera|Acoustic sensor|"
                     r"Long-range UAV flight) \d+, ([A-Z][a-z]+) region, \d{1,2} [A-Z][a-z]+ \d{4}$")
POSITION = re.compile(r"(?:\bin|(\d+(?:\.5)?) km ([a-z-]+) of) ([A-Z][^,]*?)(?:,| recorded| registered| heard| saw)")


def _reports(result):
    return dict(result.narrative.files)


def test_each_sentence_is_exactly_one_observation_with_identical_text(mixed):
    records = list(observation_records(mixed))
    by_report: dict[str, list[dict]] = {}
    for r in records:
        by_report.setdefault(r["report"], []).append(r)
    files = _reports(mixed)
    assert set(files) == set(by_report)
    n_sentences = 0
    for path, text in files.items():
        heading, blank, *body = text.split("\n")
        assert HEADING.match(heading), heading
        assert blank == "" and text.endswith("\n")
        sentences = [s for para in "\n".join(body).split("\n\n") if para.strip()
                     for s in SENTENCE_BREAK.split(para.strip())]
        recs = sorted(by_report[path], key=lambda r: r["sentence"])
        assert [r["sentence"] for r in recs] == list(range(1, len(recs) + 1))
        assert sentences == [r["text"] for r in recs], path
        n_sentences += len(sentences)
    assert n_sentences == len(records)


def test_positions_stated_in_the_text_give_the_observer_exactly(typical):
    places = typical.places
    records = {(r["report"], r["sentence"]): r for r in observation_records(typical)}
    checked = 0
    for path, text in _reports(typical).items():
        if "/uav-" in path:
            continue
        region = HEADING.match(text.split("\n", 1)[0]).group(2)
        sentence_no = 0
        for para in text.split("\n\n")[1:]:
            sentences = SENTENCE_BREAK.split(para.strip())
            m = POSITION.search(sentences[0])
            assert m, sentences[0]
            dist, direction, name = m.groups()
            idx = np.flatnonzero((places.names == name)
                                 & (np.asarray(places.regions, dtype=object)[places.region] == region))
            assert len(idx) == 1, (name, region)
            c = DIRECTION_WORDS.index(direction) if direction else 0
            lon, lat = destination(places.lon[idx], places.lat[idx], np.array([c]),
                                   np.array([float(dist) if dist else 0.0]))
            rec = records[(path, sentence_no + 1)]
            assert abs(rec["observer"]["lat"] - lat[0]) < 1e-5 and abs(rec["observer"]["lon"] - lon[0]) < 1e-5
            sentence_no += len(sentences)
            checked += 1
    assert checked > 100


def test_wording_varies_like_a_monitors_report(mixed):
    texts = mixed.narrative.text.tolist()
    joined = "\n".join(texts)
    for phrase in ("Positioned ", "It also ", "The team then ", "heard ", "saw ", "undetermined explosion",
                   "assessed as impacts", "outgoing fire", "bursts of small-arms fire", "illumination flare",
                   "projectiles in flight", " km north-east", "about ", "at an unknown distance",
                   "between ", " at ", "Between ", "observation post", "The camera ", "acoustic sensor",
                   "A long-range UAV spotted", "twenty", "overnight", "in the evening", "an undetermined number"):
        assert phrase in joined, phrase
    assert re.search(r"\b(two|three|four|five|six|seven|eight|nine)\b", joined)
    assert re.search(r"\b\d\d? (undetermined explosions|bursts|shots|impacts)", joined)
    assert re.search(r"\(2S1 Gvozdika, 122 mm\)|\(BM-21 Grad, 122 mm\)|\(T-\d\d\)|\(2B11 Sani, 120 mm\)", joined)
    assert len({t.split(" ", 1)[0] for t in texts}) >= 8  # several ways to open a sentence


def test_number_words_and_distances():
    assert NUMBER_WORDS[1] == "one" and NUMBER_WORDS[20] == "twenty" and NUMBER_WORDS[23] == "twenty-three"
    assert NUMBER_WORDS[99] == "ninety-nine"
    assert [km(v) for v in (0.5, 1.0, 1.5, 12.0)] == ["0.5", "1", "1.5", "12"]
    assert len(DIRECTION_WORDS) == len(COMPASS_16) == 16
    assert DIRECTION_WORDS[1] == "north-north-east"



def test_every_time_phrase_resolves_alone_and_overnight_is_the_osce_window(mixed):
    """A report dated D covers the calendar day D; a time on another day carries its date
    ("at 00:04 on 9 December"), so each sentence's time resolves with no rollover guess; the
    vague words use the parser's table ("overnight": 18:00 of D-1 to 06:00 of D)."""
    from datetime import date

    from truce.intake.narrative.times import parse_tz, resolve

    tz = parse_tz(f"+{mixed.scenario.offset_minutes // 60:02d}:00")
    off_day = night = 0
    for r in observation_records(mixed):
        day = date.fromisoformat(r["report"].split("/")[1])
        assert resolve(r["text"], day, tz).record() == r["time"], r["text"]
        t = r["time"]
        ends = [t] if isinstance(t, str) else [t["start"], t["end"]]
        if any(e[:10] != day.isoformat() for e in ends):
            off_day += 1
            if "overnight" in r["text"].lower():
                night += 1
                assert ends[0][11:16] == "18:00" and ends[1][11:16] == "06:00"
            elif "in the evening" not in r["text"].lower():  # 18:00-24:00
                assert re.search(r"\d\d:\d\d on \d{1,2} [A-Z][a-z]+\b", r["text"]), r["text"]
    assert off_day > night > 0
