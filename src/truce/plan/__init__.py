"""Mission planning: how many observation posts and people a contact line needs, and who covers
which sector (docs/plan.md)."""

from truce.plan.geometry import LineGeometry
from truce.plan.params import PRESETS, PlanParams, parse_nations
from truce.plan.personnel import Personnel, Sector, staff
from truce.plan.planner import MissionPlan, plan_agreement, plan_line

__all__ = ["PRESETS", "LineGeometry", "MissionPlan", "Personnel", "PlanParams", "Sector",
           "parse_nations", "plan_agreement", "plan_line", "staff"]
