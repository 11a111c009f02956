"""Recurring jobs of apps the scheduler may not import (wayfinder.lib.extension_points).

Metrics sits beside scheduling in the layers (neither imports the other), so the
point is declared here, below both: metrics registers its jobs in its
``AppConfig.ready()``, the scheduler reads them. A provider returns job
specifications, dicts of ``scheduling.jobs.Job``'s fields (name, target, every /
daily_at / monthly_on_day)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wayfinder.lib.extension_points import ExtensionPoint

RECURRING_JOBS: ExtensionPoint[Callable[[], Iterable[dict[str, Any]]]] = ExtensionPoint(
    "scheduling.recurring_jobs",
    "Recurring jobs of apps above or beside the scheduler.",
    required={"metrics": "docs/product.md 7: the dashboards' tallies and the incentive report on the 1st"},
)
