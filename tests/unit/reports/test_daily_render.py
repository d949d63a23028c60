"""The Markdown and HTML renderings show exactly the figures of the JSON, and nothing external."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from truce.reports.daily.render import render_html, render_json, render_markdown

SENTENCE = re.compile(
    r"In (?P<region>[A-Z][\w' -]*?) region, the mission recorded (?P<v>no|[\d,]+) ceasefire "
    r"violations?(?:, including (?P<e>[\d,]+) explosions?|, none of them explosions)?; in the "
    r"previous reporting period, (?P<p>none|[\d,]+)")
PNG = b"\x89PNG\r\n\x1a\nfake"


def _n(text: str | None) -> int:
    if text in (None, "no", "none", ""):
        return 0
    return int(text.replace(",", "").replace("−", "-").replace("+", ""))


def _sentences(text: str) -> dict[str, tuple[int, int, int]]:
    return {m["region"]: (_n(m["v"]), _n(m["e"]), _n(m["p"])) for m in SENTENCE.finditer(text)}


def _json_regions(model: dict) -> dict[str, tuple[int, int, int]]:
    return {r["region"]: (r["violations"], r["explosions"], r["previous_violations"])
            for r in model["regions"]}


def _md_table(md: str, heading: str) -> list[list[str]]:
    section = md.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in section.splitlines() if ln.startswith("|")]
    return [[c.strip().strip("*") for c in r.strip("|").split("|")] for r in rows[2:]]


class _Tables(HTMLParser):
    """Cells of every <table id=...>, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.refs: list[str] = []
        self._t: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a:
                self.refs.append(a[k] or "")
        if tag == "table":
            self._t = a.get("id")
            self.tables[self._t] = []
        elif tag == "tr" and self._t:
            self.tables[self._t].append([])
        elif tag in ("td", "th") and self._t:
            self._cell = []

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._t][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._t = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._cell is not None:
            self._cell.append(data)


def _html(model: dict) -> tuple[str, _Tables]:
    html = render_html(model, {"map": PNG, "trend": PNG})
    p = _Tables()
    p.feed(html)
    return html, p


def test_markdown_summary_and_tables_equal_the_json(model):
    model = json.loads(render_json(model))  # what a reader of the JSON gets
    md = render_markdown(model)
    want = _json_regions(model)
    assert _sentences(md) == want and len(want) == 3
    rows = _md_table(md, "Ceasefire violations by region")
    got = {r[0]: (_n(r[1]), _n(r[2]), _n(r[4])) for r in rows if r[0] != "all regions"}
    assert got == want
    (total,) = [r for r in rows if r[0] == "all regions"]
    t = model["totals"]
    assert [_n(c) for c in total[1:6]] == [t["violations"], t["explosions"], t["incidents"],
                                            t["previous_violations"], t["change"]]
    assert {r[0]: _n(r[5]) for r in rows if r[0] != "all regions"} == {
        r["region"]: r["change"] for r in model["regions"]}
    area = {(r[0], r[1]): [_n(c) for c in r[2:]] for r in _md_table(md, "By area and kind")}
    for r in model["by_area"]:
        label = {"security_zone": "security zone", "rear": "beyond the security zone",
                 "disengagement": "disengagement areas"}[r["area"]]
        assert area[(r["region"], label)] == [r[k] for k in (
            "explosion", "projectile", "burst", "shot", "flare", "total")]
    trend = {r[0]: _n(r[1]) for r in _md_table(md, "Trend")}
    assert trend == {r["region"]: r["total"] for r in model["trend"]["regions"]}
    (w,) = _md_table(md, "Weapons in violation of withdrawal lines")[:1]
    assert (w[2], _n(w[4]), w[7]) == ("T-72", 2, "ru")
    assert model["integrity"]["head_hash"] in md


def test_html_summary_and_tables_equal_the_json(model):
    model = json.loads(render_json(model))
    html, p = _html(model)
    assert _sentences(re.sub(r"<[^>]+>", "", html)) == _json_regions(model)
    got = {r[0]: (_n(r[1]), _n(r[2]), _n(r[4])) for r in p.tables["regions"][1:]
           if r[0] != "all regions"}
    assert got == _json_regions(model)
    total = next(r for r in p.tables["regions"] if r[0] == "all regions")
    assert _n(total[1]) == model["totals"]["violations"]
    by_area = [[_n(c) for c in r[2:]] for r in p.tables["by-area"][1:-1]]
    assert by_area == [[r[k] for k in ("explosion", "projectile", "burst", "shot", "flare", "total")]
                       for r in model["by_area"]]
    sides = {r[0]: (_n(r[1]), _n(r[2])) for r in p.tables["sides"][1:]}
    assert sides == {s: (v["violations"], v["incidents"]) for s, v in model["sides"].items()}
    trend = {r[0]: _n(r[1]) for r in p.tables["trend"][1:]}
    assert trend == {r["region"]: r["total"] for r in model["trend"]["regions"]}
    assert re.search(r'id="kpi-violations">([\d,]+)<', html)[1] == f"{model['totals']['violations']:,}"
    assert _n(re.search(r'id="kpi-weapons">([\d,]+)<', html)[1]) == model["totals"]["weapons"]
    assert re.search(r'id="head-hash">(\w+)<', html)[1] == model["integrity"]["head_hash"]


def test_html_is_self_contained(model):
    html, p = _html(model)
    assert p.refs and all(r.startswith("data:image/png;base64,") for r in p.refs)
    assert not re.search(r"https?://", html)
    assert "@import" not in html and "<script" not in html and "<link" not in html


def test_same_model_same_bytes(model):
    again = json.loads(render_json(model))
    assert render_json(model) == render_json(again)
    assert render_markdown(model) == render_markdown(again)
    assert render_html(model, {"map": PNG}) == render_html(again, {"map": PNG})
    text = render_json(model)
    assert text.endswith("}\n") and json.loads(text) == json.loads(json.dumps(model))
    assert list(json.loads(text)) == sorted(json.loads(text))  # canonical: sorted keys


def test_html_escapes_text(model):
    model = dict(model, summary=["<script>alert(1)</script>"])
    html, _ = _html(model)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_the_html_stacks_its_two_column_blocks_on_a_narrow_screen(model):
    """On a phone or a half-width window the region table and the side assessment used to sit
    side by side and run off the page; below 760 px they stack."""
    html = render_html(model, {"map": PNG, "trend": PNG})
    css = html[html.index("<style>"):html.index("</style>")]
    m = re.search(r"@media \(max-width: (\d+)px\) \{ \.grid2 \{ grid-template-columns: 1fr; \}",
                  css)
    assert m and 600 <= int(m.group(1)) <= 900
    assert ".grid2 > div { min-width: 0; }" in css


def test_the_review_status_says_its_count_includes_weapon_sightings(model):
    """The review line counts every incident of the day, weapon sightings too, while the region
    table counts ceasefire-violation incidents only: it says so, so 7 beside 5 does not read as
    a mismatch."""
    d = model["date"]
    r = model["review"]
    line = (f"Incidents of {d}, weapon sightings included: {r['unreviewed']} unreviewed, "
            f"{r['confirmed']} confirmed, {r['rejected']} rejected")
    assert line in render_markdown(model)
    assert line in render_html(model, {"map": PNG, "trend": PNG})
