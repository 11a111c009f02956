"""Who is told what when a referral is made or closed (docs/product.md 5.2).

Messages go through the outbox in the same transaction as the referral, so they
are sent after commit, retried, and never lost. Each is written in its reader's
language (the resident's or the staff member's preferred language), not in the
language of whoever made the referral.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wayfinder.accounts.models import Membership
from wayfinder.notifications.services import queue_email, queue_sms

from .models import Referral


def _receiving_staff_emails(referral: Referral) -> list[tuple[str, str]]:
    """(email, preferred language) of every active staff member of the receiving organization."""
    return sorted(
        Membership.objects.filter(
            organization_id=referral.receiving_organization_id, is_active=True, user__is_active=True
        )
        .values_list("user__email", "user__preferred_language")
        .distinct()
    )


def _language(preferred: str) -> str:
    """The reader's language, or the current one when they have not chosen."""
    return preferred or translation.get_language() or settings.LANGUAGE_CODE


def _organization_contact(referral: Referral) -> dict[str, str]:
    """How the resident reaches the receiving organization: phone, address, website."""
    service = referral.service
    phone = service.phones.first() or referral.receiving_organization.phones.first()
    address = None
    if referral.location_id:
        address = referral.location.addresses.first()
    return {
        "phone": getattr(phone, "number", "") or "",
        "address": ", ".join(
            part
            for part in [
                getattr(address, "address_1", ""),
                getattr(address, "city", ""),
                getattr(address, "postal_code", ""),
            ]
            if part
        ),
        "website": service.url or referral.receiving_organization.website or "",
    }


def referral_created(referral: Referral) -> None:
    context = {"referral": referral, "site_url": settings.SITE_URL, "contact": _organization_contact(referral)}
    if not referral.to_non_onboarded:
        context["inbox_url"] = settings.SITE_URL + reverse("referrals:detail", args=[referral.pk])
        for address, preferred in _receiving_staff_emails(referral):
            with translation.override(_language(preferred)):
                queue_email(
                    to=address,
                    subject=_("New referral: %(service)s") % {"service": referral.service.name},
                    body=render_to_string("referrals/email/new_referral.txt", context),
                    kind="referral_new",
                )
        partner = getattr(referral.receiving_organization, "partner", None)
        sms_number = getattr(partner, "referral_sms_number", "") if partner else ""
        if sms_number:
            # The organization's number has no language of its own: the site's default.
            with translation.override(settings.LANGUAGE_CODE):
                text = _("Wayfinder: new referral for %(service)s. Sign in to view it.")
                queue_sms(to=sms_number, body=text % {"service": referral.service.name})
    with translation.override(_language(referral.resident.preferred_language)):
        _tell_resident(
            referral,
            "referrals/email/resident_referred.txt",
            _("You were referred to %(organization)s") % {"organization": referral.receiving_organization.name},
            context,
        )


def referral_closed(referral: Referral) -> None:
    """The sender sees the outcome in its outbox; no message is needed. The
    resident sees it in My Plan."""


def _resident_contact(resident, kind: str) -> str:
    """The newest current email or phone on the record, whoever entered it."""
    contact = resident.contacts.filter(kind=kind, retired_at__isnull=True).order_by("-created_at").first()
    return contact.value if contact else ""


def _tell_resident(referral: Referral, template: str, subject: str, context: dict) -> None:
    """By text or email, as the resident prefers (falling back to what is on file)."""
    resident = referral.resident
    email = _resident_contact(resident, "email")
    phone = _resident_contact(resident, "phone")
    contact = context["contact"]
    names = {"organization": referral.receiving_organization.name, "service": referral.service.name}
    text = _("Wayfinder: you were referred to %(organization)s (%(service)s).") % names
    if contact["phone"]:
        text += " " + _("Call %(phone)s.") % {"phone": contact["phone"]}
    if resident.notification_channel == "sms" and phone:
        queue_sms(to=phone, body=text, kind="referral_resident")
    elif email:
        queue_email(to=email, subject=subject, body=render_to_string(template, context), kind="referral_resident")
    elif phone:
        queue_sms(to=phone, body=text, kind="referral_resident")
