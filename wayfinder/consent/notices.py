"""Telling the resident that a consent was recorded, with a one-click revocation.

Every consent not given in the resident's own signed-in account (verbal, by link,
by text reply, pre-consent offered with a referral) is confirmed to the resident
through a contact they control (docs/product.md 4.4, docs/security.md, "Consent"). The confirmation says
which organization, what it covers, who recorded or requested it, and carries a
link that takes the consent back in one step.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wayfinder.lib.phones import us_e164
from wayfinder.notifications.services import queue_email, queue_sms

from . import contacts
from .base import hash_token
from .models import Consent, ConsentRequest


def _destinations(consent: Consent, request: ConsentRequest | None) -> list[tuple[str, str]]:
    """(channel, address): where the link was answered, and, when that contact was
    entered by an organization (or there was no link), a contact the resident or the
    state's record gave."""
    out: list[tuple[str, str]] = []
    organization_entered = True
    if request is not None:
        out.append((request.channel, request.sent_to))
        organization_entered = request.contact is not None and request.contact.source not in contacts.RESIDENT_SOURCES
    if organization_entered:
        own = contacts.notice_destination(consent.resident, avoid_organization_entered=True)
        if own is None and request is None:
            own = contacts.notice_destination(consent.resident)
        if own is not None:
            out.append((own.channel, own.value))
    unique: list[tuple[str, str]] = []
    for channel, address in out:
        if (channel, address.lower()) not in {(c, a.lower()) for c, a in unique}:
            unique.append((channel, address))
    return unique


def confirm_to_resident(consent: Consent, request: ConsentRequest | None = None) -> None:
    """Queue the confirmation (sent after commit) and keep only the hash of its
    revocation link."""
    destinations = _destinations(consent, request)
    if not destinations:
        return
    token = secrets.token_urlsafe(32)
    Consent.objects.filter(pk=consent.pk).update(revoke_token_hash=hash_token(token))
    consent.revoke_token_hash = hash_token(token)
    link = settings.SITE_URL.rstrip("/") + reverse("consent:revoke_link", args=[token])
    recorder = consent.recorded_by.get_full_name() if consent.recorded_by_id else ""
    requester = request.requested_by.get_full_name() if request is not None and request.requested_by_id else ""
    context = {
        "organization": consent.organization,
        "consent": consent,
        "link": link,
        "recorded_by": recorder,
        "requested_by": requester,
        "part2": consent.scope == "part2",
    }
    with translation.override(consent.resident.preferred_language or translation.get_language()):
        context["method"] = consent.get_method_display()
        for channel, address in destinations:
            if channel == ConsentRequest.Channel.EMAIL:
                queue_email(
                    to=address,
                    subject=_("%(org)s can now see your Wayfinder record") % {"org": consent.organization.name},
                    body=render_to_string("consent/email/confirmation.txt", context),
                    kind="consent_confirmation",
                    one_time=[link],
                )
            else:
                queue_sms(
                    to=us_e164(address) or address,
                    body=render_to_string("consent/sms/confirmation.txt", context).strip(),
                    kind="consent_confirmation",
                    one_time=[link],
                )
