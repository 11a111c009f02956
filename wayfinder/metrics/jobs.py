"""The recurring jobs of metrics, registered with the scheduler (apps.py)."""

from __future__ import annotations

from datetime import time, timedelta


def recurring_jobs() -> list[dict]:
    from .incentives.store import monthly_job
    from .public import run_public_snapshot
    from .refresh import refresh

    return [
        # Dashboards read tallies this keeps up to date (idempotent, watermark: docs/metrics.md).
        {"name": "metrics_refresh", "target": refresh, "every": timedelta(minutes=1)},
        {"name": "metrics_public", "target": run_public_snapshot, "every": timedelta(hours=1)},
        # The previous month's incentive report, once (a second run returns the stored one).
        {"name": "incentive_report", "target": monthly_job, "daily_at": time(6, 30), "monthly_on_day": 1},
    ]
