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
from .models import (
    AvailabilityStatus,
    DidNotWork,
    ProblemReport,
    Service,
    ServiceAvailability,
    ServiceVerification,
    Source,
)


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
    # The HSDS record changes with it (its wait_time and capacities): harvesters asking for
    # ``modified_after`` must see it, as they see a partner's edit (``Service.save``).
    Service.objects.filter(pk=service.pk).update(last_modified=availability.confirmed_at)
    log_action(
        actor if getattr(actor, "is_authenticated", False) else None,
        names.DIRECTORY_SERVICE_AVAILABILITY_SET,
        service,
        data={"status": status, "wait_weeks": wait_weeks, "source": source},
    )
    search_hooks.service_changed(service.pk)  # results show it from the index
    return availability


@transaction.atomic
def verify_service(*, service: Service, actor: Any, source: str, via: str = "") -> ServiceVerification:
    """ "Still correct": the partner (from its workspace or the reminder email) or a
    reviewer confirms the service's information as it is. It moves the record's
    last-verified date, not its last-modified one (nothing changed). ``via`` names a
    way in other than a signed-in page (the reminder email's link), for the audit."""
    if source not in (Source.PARTNER, Source.REVIEWER):
        raise ValidationError(_("Only the organization or a reviewer confirms a service."))
    user = actor if getattr(actor, "is_authenticated", False) else None
    row = ServiceVerification.objects.create(service=service, source=source, by=user)
    Service.objects.filter(pk=service.pk).update(last_verified=timezone.localdate(row.at))
    log_action(
        user, names.DIRECTORY_SERVICE_VERIFIED, service, data={"source": source, **({"via": via} if via else {})}
    )
    search_hooks.service_changed(service.pk)  # freshness ranks results
    return row


MAX_REPLY = 2000


@transaction.atomic
def update_problem_report(*, report: ProblemReport, actor: Any, status: str, reply: str = "") -> ProblemReport:
    """Move a problem report to ``status`` (new, being fixed, fixed, rejected) and, with
    ``reply``, answer the reporter at the contact they left (email or US phone), in
    their language. Who may (the service's organization, reviewers) is the caller's rule."""
    from django.utils import translation

    from wayfinder.lib.phones import us_e164
    from wayfinder.notifications.services import queue_email, queue_sms

    if status not in ProblemReport.Status.values:
        raise ValidationError(_("Choose the report's new state."))
    reply = reply.strip()
    if len(reply) > MAX_REPLY:
        raise ValidationError(_("Replies are limited to 2,000 characters."))
    contact = report.contact.strip()
    email = contact if "@" in contact else ""
    phone = "" if email else us_e164(contact) or ""
    if reply and not (email or phone):
        raise ValidationError(_("The reporter left no email or phone to reply to."))
    now = timezone.now()
    report.status, report.updated_at = status, now
    fields = ["status", "updated_at"]
    if reply:
        report.reply, report.replied_at = reply, now
        fields += ["reply", "replied_at"]
    report.save(update_fields=fields)
    if reply:
        with translation.override(report.language or None):
            subject = _("Your report about %(service)s") % {"service": report.service.name}
            state = ProblemReport.Status(status).label
            body = _("Thank you for your report. Its state: %(state)s.") % {"state": state} + "\n\n" + reply
            if email:
                queue_email(to=email, subject=subject, body=body, kind="problem_report_reply")
            else:
                queue_sms(to=phone, body=f"Wayfinder: {subject}. {body}"[:600], kind="problem_report_reply")
    log_action(
        actor if getattr(actor, "is_authenticated", False) else None,
        names.DIRECTORY_PROBLEM_REPORT_UPDATED,
        report,
        data={"service": str(report.service_id), "status": status, "replied": bool(reply)},
    )
    return report


@transaction.atomic
def record_did_not_work(*, service: Service, actor: Any, reason: str, where: str = "service_page") -> DidNotWork:
    """ "This did not work": counted per service for reviewers; nothing else is kept
    of who said it (the audit entry has the signed-in person, if any)."""
    if reason not in DidNotWork.Reason.values:
        raise ValidationError(_("Choose what did not work."))
    row = DidNotWork.objects.create(service=service, reason=reason, where=where[:16])
    log_action(
        actor if getattr(actor, "is_authenticated", False) else None,
        names.DIRECTORY_DID_NOT_WORK,
        service,
        actor_label="" if getattr(actor, "is_authenticated", False) else "anonymous",
        data={"reason": reason, "where": where[:16]},
    )
    return row
