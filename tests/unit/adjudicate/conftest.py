"""The small test agreement with every kind of rule and two regions (North, South)."""

from __future__ import annotations

import json

import pytest
import shapely

from tests.unit.geo.cases import write_agreement_dir
from truce.agreement.loader import load_agreement
from truce.geo import AgreementFrame

RULES = (
    "  - {id: withdrawal.weapons, kinds: [weapon], where: inside_withdrawal, version: 2}\n"
    "  - {id: security_zone.weapons, kinds: [weapon], where: security_zone}\n"
    "  - {id: disengagement.presence, kinds: [weapon, explosion, burst], where: disengagement_area}\n"
    "  - {id: access.restriction, kinds: [restriction], where: anywhere}\n"
    "regions: {file: regions.geojson, name_property: name}\n"
)


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    root = write_agreement_dir(tmp_path_factory.mktemp("ag") / "ag", yaml_overrides=RULES)
    north = shapely.box(30.0, 48.0, 32.0, 50.0)
    south = shapely.box(30.0, 46.0, 32.0, 48.0)
    feats = [{"type": "Feature", "properties": {"name": n},
              "geometry": json.loads(shapely.to_geojson(g))} for n, g in (("North", north),
                                                                          ("South", south))]
    (root / "regions.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                      "features": feats}))
    return AgreementFrame.from_agreement(load_agreement(root))
