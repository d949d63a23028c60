"""Alerts over the adjudicated record: escalation (a region's daily count far above its trailing
baseline) and build-up (heavy weapons inside withdrawal distances on several days).  Pure
functions over arrays and violation records; see docs/adjudication.md."""

from truce.alerts.buildup import BuildupParams, buildup_alerts
from truce.alerts.counts import DailyCounts, daily_counts, day_range
from truce.alerts.escalation import (
    EscalationParams,
    EscalationTest,
    escalation_alerts,
    escalation_test,
)

__all__ = ["BuildupParams", "DailyCounts", "EscalationParams", "EscalationTest",
           "buildup_alerts", "daily_counts", "day_range", "escalation_alerts", "escalation_test"]
