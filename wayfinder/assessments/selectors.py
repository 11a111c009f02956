"""Counts other features read (the incentive report of docs/product.md 7.3)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from .models import Assessment


def completed_by_organization(start: dt.datetime, end: dt.datetime) -> dict:
    """Completed assessments per organization with ``start <= completed_at < end``
    (one indexed range scan on ``(organization, completed_at)``). Assessments residents
    completed on their own belong to no organization and are not counted."""
    rows = (
        Assessment.objects.filter(organization__isnull=False, completed_at__gte=start, completed_at__lt=end)
        .values("organization_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["organization_id"]: row["count"] for row in rows}


def completed_in_month(year: int, month: int, tz: dt.tzinfo) -> dict:
    """The same for one calendar month in the deployment's time zone."""
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return completed_by_organization(start, end)
