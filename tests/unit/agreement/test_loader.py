"""Loading agreements: every bad file gets an error naming the file, the field and the reason."""

from __future__ import annotations

import json

import pytest

from tests.unit.geo.cases import write_agreement_dir
from truce.agreement.assemble import write_agreement
from truce.agreement.loader import bundled_agreements, load_agreement
from truce.errors import AgreementError, AgreementNotFound


def test_bundled_agreements_are_listed():
    assert bundled_agreements() == ["minsk-2015", "ukraine-2024-12-07"]


def test_minsk_terms():
    a = load_agreement("minsk-2015")
    w = {c.id: c.withdrawal_km for c in a.weapon_classes}
    assert (w["mortar"], w["tank"], w["artillery_lt100"]) == (15, 15, 15)
    assert (w["artillery_ge100"], w["mlrs"], w["mlrs_heavy"], w["tactical_missile"]) == (50, 70, 140, 140)
    assert sorted(d.id for d in a.disengagement_areas) == ["petrivske", "stanytsia-luhanska", "zolote"]


def test_round_trip_through_writer(tmp_path):
    a = load_agreement(write_agreement_dir(tmp_path / "src"))
    b = load_agreement(write_agreement(a, tmp_path / "copy"))
    assert (b.id, b.parties[0].id, b.security_zone_km, b.rules) == (a.id, "a", 10, a.rules)
    assert b.contact_line.equals_exact(a.contact_line, 1e-6)
    assert a.timezone is None and b.timezone is None
    assert b.parties[1].area.equals_exact(a.parties[1].area, 1e-6)


@pytest.mark.parametrize(
    ("mutate", "where", "match"),
    [
        (lambda d: (d / "agreement.yaml").write_text("id: [unclosed\n"), "agreement.yaml:", "not valid YAML"),
        (lambda d: (d / "agreement.yaml").write_text((d / "agreement.yaml").read_text().replace(
            "security_zone_km: 10", "security_zone_km: -3")), "agreement.yaml", "security_zone_km"),
        (lambda d: (d / "agreement.yaml").write_text((d / "agreement.yaml").read_text().replace(
            "title: Test agreement\n", "")), "agreement.yaml", "title: Field required"),
        (lambda d: (d / "agreement.yaml").write_text((d / "agreement.yaml").read_text().replace(
            "[explosion, burst]", "[explosion, teleport]")), "agreement.yaml", "rules.0.kinds.1"),
        (lambda d: (d / "line.geojson").unlink(), "line.geojson", "file not found"),
        (lambda d: (d / "b.geojson").write_text("{not json"), "b.geojson", "not valid JSON"),
        (lambda d: (d / "line.geojson").write_text(json.dumps(
            {"type": "Point", "coordinates": [31, 48]})), "line.geojson", "expected LineString"),
        (lambda d: (d / "a.geojson").write_text(json.dumps(
            {"type": "Polygon", "coordinates": [[[300000, 5e6], [310000, 5e6], [310000, 5.1e6], [300000, 5e6]]]})),
         "a.geojson", "lon/lat"),
        (lambda d: (d / "a.geojson").write_text((d / "b.geojson").read_text()), "agreement.yaml", "overlap"),
        (lambda d: (d / "agreement.yaml").write_text((d / "agreement.yaml").read_text().replace(
            "security_zone_km: 10", "security_zone_km: 10\ntimezone: Europe/Atlantis")),
         "agreement.yaml", "unknown time zone 'Europe/Atlantis'"),
    ],
    ids=["yaml", "negative", "missing", "kind", "nofile", "json", "type", "projected", "overlap", "zone"],
)
def test_broken_agreements_name_file_field_and_reason(tmp_path, mutate, where, match):
    d = write_agreement_dir(tmp_path / "ag")
    mutate(d)
    with pytest.raises(AgreementError) as info:
        load_agreement(d)
    msg = str(info.value)
    assert where in msg and match in msg, msg
    assert "\n" not in msg


def test_bundled_agreements_report_in_kyiv_time():
    from datetime import datetime

    for name in ("ukraine-2024-12-07", "minsk-2015"):
        a = load_agreement(name)
        assert a.timezone == "Europe/Kyiv"
        assert a.zone.utcoffset(datetime(2024, 12, 8)).total_seconds() == 7200  # winter: +02:00
        assert a.zone.utcoffset(datetime(2025, 7, 1)).total_seconds() == 10800  # summer: +03:00


def test_timezone_survives_the_writer(tmp_path):
    from dataclasses import replace

    a = replace(load_agreement(write_agreement_dir(tmp_path / "src")), timezone="Europe/Kyiv")
    assert load_agreement(write_agreement(a, tmp_path / "copy")).timezone == "Europe/Kyiv"


def test_unknown_name():
    with pytest.raises(AgreementNotFound, match="minsk-2015, ukraine-2024-12-07"):
        load_agreement("no-such-agreement")
