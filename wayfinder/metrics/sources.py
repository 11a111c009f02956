"""Everything metrics reads from other apps, in one module (metrics only reads).

Referrals are read through their history (``ReferralEvent``): the job asks which
referrals changed since its watermark and reads those referrals whole. Completed
assessments are read through ``completed_assessments``, the one connection point
to the assessments app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from wayfinder.assessments.models import Assessment
from wayfinder.directory.models import Service
from wayfinder.partners.models import Partner
from wayfinder.referrals.models import Referral, ReferralEvent, Status
from wayfinder.residents.models import Resident


def changed_referrals(after_event_id: int, recent_since: datetime, limit: int) -> tuple[set, int]:
    """Referral ids with an event after ``after_event_id`` (at most ``limit``
    events, oldest first) or an event at or after ``recent_since``; and the
    highest event id read.

    The second condition catches a transaction that took its event id before
    another one but committed after it (PostgreSQL): its row appears below the
    watermark, but is recent. Re-reading a referral is harmless (see refresh).
    """
    rows = list(
        ReferralEvent.objects.filter(id__gt=after_event_id).order_by("id").values_list("id", "referral_id")[:limit]
    )
    ids = {referral_id for _, referral_id in rows}
    top = rows[-1][0] if rows else after_event_id
    ids.update(ReferralEvent.objects.filter(at__gte=recent_since, id__lte=top).values_list("referral_id", flat=True))
    return ids, top


def latest_event_id() -> int:
    return ReferralEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def all_referral_ids_chunked(size: int) -> Iterable[list]:
    """Every referral id, in chunks (for a rebuild from the records)."""
    last = None
    while True:
        queryset = Referral.objects.order_by("id")
        if last is not None:
            queryset = queryset.filter(id__gt=last)
        chunk = list(queryset.values_list("id", flat=True)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


@dataclass(frozen=True)
class ReferralRecord:
    """One referral with what its fact needs from other tables."""

    id: object
    resident_id: object
    receiving_org_id: object
    sending_org_id: object | None
    created_at: datetime
    status: str
    closed_at: datetime | None
    closed_by_id: int | None
    provided: bool | None
    reason: str
    service_categories: list
    county: str
    language: str
    first_in_progress_at: datetime | None
    close_by_specialist: bool
    close_actor_org_id: object | None
    close_via: str
    close_withdrawn: bool
    status_moves: int
    notes: int


def referral_records(ids: Iterable) -> list[ReferralRecord]:
    """The referrals ``ids`` with their history summarised: four queries per chunk."""
    ids = list(ids)
    rows = list(
        Referral.objects.filter(id__in=ids).values_list(
            "id", "resident_id", "receiving_organization_id", "sending_organization_id", "created_at", "status",
            "closed_at", "closed_by_id", "resource_provided", "not_provided_reason", "service_id",
        )
    )  # fmt: skip
    service_ids = {row[10] for row in rows}
    categories = dict(Service.objects.filter(id__in=service_ids).values_list("id", "categories"))
    resident_ids = {row[1] for row in rows}
    residents = {
        pk: (county, language)
        for pk, county, language in Resident.objects.filter(id__in=resident_ids).values_list(
            "id", "county", "preferred_language"
        )
    }
    history: dict = {}
    events = ReferralEvent.objects.filter(referral_id__in=ids).order_by("at", "id")
    for referral_id, kind, to_status, org_id, at, data in events.values_list(
        "referral_id", "kind", "to_status", "actor_organization_id", "at", "data"
    ):
        entry = history.setdefault(
            referral_id,
            {"first": None, "specialist": False, "org": None, "via": "", "withdrawn": False, "moves": 0, "notes": 0},
        )
        if kind == ReferralEvent.Kind.STATUS_CHANGED:
            entry["moves"] += 1
            if to_status == Status.IN_PROGRESS and entry["first"] is None:
                entry["first"] = at
        elif kind in (ReferralEvent.Kind.NOTE_ADDED, ReferralEvent.Kind.OUTREACH):
            entry["notes"] += 1
        elif kind == ReferralEvent.Kind.CLOSED:
            data = data or {}
            entry["specialist"] = bool(data.get("by_specialist"))
            entry["org"] = org_id
            entry["via"] = str(data.get("via", ""))
            entry["withdrawn"] = bool(data.get("withdrawn"))
    records = []
    for row in rows:
        county, language = residents.get(row[1], ("", ""))
        entry = history.get(row[0], {})
        records.append(
            ReferralRecord(
                id=row[0], resident_id=row[1], receiving_org_id=row[2], sending_org_id=row[3], created_at=row[4],
                status=row[5], closed_at=row[6] if row[5] == Status.CLOSED else None, closed_by_id=row[7],
                provided=row[8], reason=row[9] or "", service_categories=categories.get(row[10]) or [],
                county=county or "", language=language or "", first_in_progress_at=entry.get("first"),
                close_by_specialist=entry.get("specialist", False), close_actor_org_id=entry.get("org"),
                close_via=entry.get("via", ""), close_withdrawn=entry.get("withdrawn", False),
                status_moves=entry.get("moves", 0), notes=entry.get("notes", 0),
            )
        )  # fmt: skip
    return records


def organization_kinds() -> dict[str, str]:
    """{organization id: partner kind} for every partner organization."""
    return {str(pk): kind for pk, kind in Partner.objects.values_list("organization_id", "kind")}


@dataclass(frozen=True)
class CompletedAssessment:
    id: object
    resident_id: object
    organization_id: object | None
    completed_at: datetime
    positive_categories: tuple[str, ...]


def completed_assessments(
    since: datetime | None, until: datetime, limit: int | None = None
) -> list[CompletedAssessment]:
    """Assessments completed in [since, until) (``since`` None: from the start),
    oldest first, at most ``limit``.

    THE connection point to the assessments app: a completed assessment
    records its organization (None when a resident assessed themselves),
    resident, completion time and scored domains (``results["domains"]``:
    ``{"category", "status"}``; the positive domains are counted). The range
    is one scan of the ``(completed_at)`` order; each row is read once.
    """
    queryset = Assessment.objects.filter(completed_at__lt=until)
    if since is not None:
        queryset = queryset.filter(completed_at__gte=since)
    rows = queryset.order_by("completed_at", "id").values_list(
        "id", "resident_id", "organization_id", "completed_at", "results"
    )
    out = []
    for pk, resident_id, organization_id, completed_at, results in rows[:limit] if limit else rows:
        domains = (results or {}).get("domains", []) if isinstance(results, dict) else []
        positive = sorted(
            {str(d.get("category")) for d in domains if isinstance(d, dict) and d.get("status") == "positive"}
        )
        out.append(CompletedAssessment(pk, resident_id, organization_id, completed_at, tuple(positive)))
    return out
