"""Adjudication: incidents judged against the agreement's rules, with a calibrated side
assessment (docs/adjudication.md)."""

from truce.adjudicate.core import Adjudication, adjudicate, end_classes, violation_id
from truce.adjudicate.side import (
    ClassParams,
    SideModel,
    fit_side_model,
    origin_probability,
    reliability,
    side_share,
)

__all__ = ["Adjudication", "ClassParams", "SideModel", "adjudicate", "end_classes",
           "fit_side_model", "origin_probability", "reliability", "side_share",
           "violation_id"]
