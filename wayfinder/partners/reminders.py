"""The monthly "is this still correct?" email to partner admins (issue #21 item 3).

Each onboarded organization whose services were not verified for six months gets
one email a month listing them, each with its signed one-click "still correct"
link (``still_correct``: bound to the service and to that admin, expiring) and the
workspace page where they can also be confirmed or edited. Six months, half the
year after which a service is flagged and ranked lower (directory.freshness.STALE_AFTER),
so partners hear in time.
Idempotent: an organization already reminded this month is skipped.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wayfinder.accounts.models import Membership
from wayfinder.directory.models import Organization, Service, ServiceStatus
from wayfinder.notifications.models import OutboundMessage
from wayfinder.notifications.services import queue_email

from . import still_correct

REMIND_AFTER = dt.timedelta(days=182)
KIND = "verify_reminder"


def send_verification_reminders(now: dt.datetime | None = None) -> int:
    """Queue this month's reminders; returns how many emails were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = today - REMIND_AFTER
    month_start = timezone.make_aware(dt.datetime(today.year, today.month, 1))
    due = Service.objects.filter(status=ServiceStatus.ACTIVE, organization__partner_since__isnull=False).filter(
        Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True)
    )
    queued = 0
    link = settings.SITE_URL + reverse("partners:organization")
    for organization in Organization.objects.filter(pk__in=due.values("organization_id")).order_by("name"):
        services = list(due.filter(organization=organization).order_by("name")[:50])
        admins = Membership.objects.filter(
            organization=organization, role=Membership.Role.ADMIN, is_active=True, user__is_active=True
        ).values_list("user__email", "user__preferred_language")
        for address, language in admins:
            already = OutboundMessage.objects.filter(kind=KIND, to=address, created_at__gte=month_start)
            if already.exists():
                continue
            with translation.override(language or settings.LANGUAGE_CODE):
                queue_email(
                    to=address,
                    subject=_("Is %(organization)s's information still correct?") % {"organization": organization.name},
                    body=render_to_string(
                        "partners/email/verify_reminder.txt",
                        {
                            "organization": organization,
                            "services": [(s, still_correct.link_url(s.pk, address)) for s in services],
                            "link": link,
                        },
                    ),
                    kind=KIND,
                )
            queued += 1
    return queued
