"""Localization and fusion: observations -> incidents (see docs/fusion.md).

    ObservationArrays.from_records(records) -> (observations, rejected)   (the edge)
    fuse(observations, frame, params) -> FusionResult                    (pure)
    fuse_incremental(new, previous, frame) -> FusionResult               (== batch)
    incident_records(result) / write_jsonl / write_geojson               (export)

Stages, one module each: :mod:`.localize`, :mod:`.gating`, :mod:`.scoring`, :mod:`.association`,
:mod:`.triangulate`, :mod:`.lifecycle`, :mod:`.placement`, :mod:`.counting`, :mod:`.pipeline`.
"""

from __future__ import annotations

from truce.fusion.export import incident_records, write_geojson, write_jsonl
from truce.fusion.observations import ObservationArrays, Rejected
from truce.fusion.params import FusionParams
from truce.fusion.pipeline import FusionResult, IncidentArrays, fuse, fuse_incremental

__all__ = ["FusionParams", "FusionResult", "IncidentArrays", "ObservationArrays", "Rejected", "fuse",
           "fuse_incremental", "incident_records", "write_geojson", "write_jsonl"]
