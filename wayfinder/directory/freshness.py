"""How fresh a service's information is (issue #21 item 3, docs/product.md 10.3).

Why a year: 2-1-1 agencies re-verify each record yearly (AIRS standards); a record
nobody confirmed for longer is likely to have a wrong phone or hours, so it is
flagged for reviewers and ranked lower in search (docs/search.md, "Freshness").
A service never verified counts from the day it entered the directory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DidNotWork, Service, ServiceStatus, ServiceVerification, Source

STALE_AFTER = dt.timedelta(days=365)
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Verified:
    on: dt.date
    source: str

    @property
    def by(self) -> str:
        """Who, as the service page says it."""
        return {
            Source.TWO11: _("the 2-1-1 feed"),
            Source.PARTNER: _("the organization"),
            Source.REVIEWER: _("a United Way reviewer"),
        }.get(self.source, _("the 2-1-1 feed"))


def last_verified(service: Service) -> Verified | None:
    """The newest confirmation: a partner's or reviewer's (``ServiceVerification``),
    else the record's own date (from the 2-1-1 feed unless someone else wrote it)."""
    row = ServiceVerification.objects.filter(service_id=service.pk).order_by("-at", "-id").first()
    own = service.last_verified or service.organization.last_verified
    if row is not None and (own is None or timezone.localdate(row.at) >= own):
        return Verified(timezone.localdate(row.at), row.source)
    if own is None:
        return None
    return Verified(own, service.source if service.last_verified else service.organization.source)


def freshness_day(last_verified_on: dt.date | None, created: dt.date | None) -> int:
    """The day (since 1970) a service's information counts from: what the search index
    stores, so that "older than a year" is decided when searching, not when indexing."""
    day = last_verified_on or created or EPOCH
    return (day - EPOCH).days


def stale_before(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - STALE_AFTER


def is_stale(day: int | None, today: dt.date | None = None) -> bool:
    return day is not None and EPOCH + dt.timedelta(days=day) < stale_before(today)


def stale_services(today: dt.date | None = None) -> QuerySet[Service]:
    """Active services not verified for a year (never verified: added more than a year ago)."""
    cutoff = stale_before(today)
    start = dt.datetime.combine(cutoff, dt.time.min, tzinfo=timezone.get_current_timezone())
    return (
        Service.objects.filter(status=ServiceStatus.ACTIVE)
        .filter(Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True, created_at__lt=start))
        .select_related("organization")
        .order_by("last_verified", "created_at", "id")
    )


def did_not_work_counts(limit: int = 50) -> list[dict[str, Any]]:
    """Services with the most "this did not work" reports, with a count per reason."""
    rows = (
        DidNotWork.objects.values("service_id", "service__name", "service__organization__name", "reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_service: dict = {}
    for row in rows:
        entry = by_service.setdefault(
            row["service_id"],
            {
                "service_id": row["service_id"],
                "name": row["service__name"],
                "organization": row["service__organization__name"],
                "total": 0,
                "reasons": {},
            },
        )
        entry["total"] += row["n"]
        entry["reasons"][str(DidNotWork.Reason(row["reason"]).label)] = row["n"]
    return sorted(by_service.values(), key=lambda e: (-e["total"], e["name"]))[:limit]
