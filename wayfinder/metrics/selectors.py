"""Reads behind the incentive pages (the views' decorators decide who may call them)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from wayfinder.accounts.access import NotVisible

from .models import HeldItem, IncentiveReport


def reports() -> QuerySet[IncentiveReport]:
    """Every report version, newest month first."""
    return IncentiveReport.objects.order_by("-month", "-version")


def report_for(user: Any, report_id: int) -> IncentiveReport:
    """One report version (United Way reviewers and system administrators see all
    of them: ``incentives_required``), or 404."""
    report = IncentiveReport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotVisible("incentive report", report_id)
    return report


def newer_version(report: IncentiveReport) -> IncentiveReport | None:
    """The next correction of the same month, if there is one."""
    return IncentiveReport.objects.filter(month=report.month, version__gt=report.version).order_by("version").first()


def held_count() -> int:
    return HeldItem.objects.filter(status=HeldItem.Status.HELD).count()


def held_items(status: str) -> QuerySet[HeldItem]:
    return HeldItem.objects.filter(status=status).order_by("month", "organization_id", "activity_at")


def organization_names(organization_ids: set[Any]) -> dict[Any, str]:
    from wayfinder.directory.models import Organization

    return dict(Organization.objects.filter(id__in=organization_ids).values_list("id", "name"))
