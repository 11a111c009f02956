"""The directory's own writes from its public pages (each atomic and audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from . import search_hooks
from .models import AvailabilityStatus, ProblemReport, Service, ServiceAvailability, Source


@transaction.atomic
def report_problem(
    *, service: Service, actor: Any, kind: str, details: str = "", contact: str = "", language: str = ""
) -> ProblemReport:
    """A visitor says a service's information is wrong; a reviewer checks it. The
    audit entry records the kind only: details and contact are the visitor's words."""
    report = ProblemReport.objects.create(
        service=service, kind=kind, details=details, contact=contact, language=language[:8]
    )
    log_action(
        actor if getattr(actor, "is_authenticated", False) else None,
        names.DIRECTORY_PROBLEM_REPORTED,
        report,
        actor_label="" if getattr(actor, "is_authenticated", False) else "anonymous",
        data={"service": str(service.pk), "kind": kind},
    )
    return report


MAX_WAIT_WEEKS = 104


@transaction.atomic
def set_availability(
    *, service: Service, actor: Any, status: str, wait_weeks: int | None = None, source: str = Source.PARTNER
) -> ServiceAvailability:
    """Say whether ``service`` takes referrals now (issue #21 item 2). Setting the same
    status again is the one-click "still correct": it moves the confirmation time.
    Who may call it (the service's partner admins, reviewers) is the caller's rule."""
    if status not in AvailabilityStatus.values:
        raise ValidationError(_("Choose whether the service is accepting referrals, has a waitlist or is full."))
    if status != AvailabilityStatus.WAITLIST:
        wait_weeks = None
    elif wait_weeks is not None and not 0 < wait_weeks <= MAX_WAIT_WEEKS:
        raise ValidationError(_("Give the wait in weeks, from 1 to 104, or leave it empty."))
    availability, _created = ServiceAvailability.objects.update_or_create(
        service=service,
        defaults={
            "status": status,
            "wait_weeks": wait_weeks,
            "confirmed_at": timezone.now(),
            "confirmed_by": actor if getattr(actor, "is_authenticated", False) else None,
            "source": source,
        },
    )
    log_action(
        actor if getattr(actor, "is_authenticated", False) else None,
        names.DIRECTORY_SERVICE_AVAILABILITY_SET,
        service,
        data={"status": status, "wait_weeks": wait_weeks, "source": source},
    )
    search_hooks.service_changed(service.pk)  # results show it from the index
    return availability
