"""A contact detail staff enter is confirmed by the resident before it may carry a
consent request (docs/product.md 4.4, issue #13).

Staff type the new email or number; a link goes *to it*; whoever reads it there
says "yes, this is mine" or "no". Only then does it join the destinations of
``contacts.consent_destinations`` (general consent only; Part 2 never goes to a
contact an organization entered). The link cannot be answered from a signed-in
staff session. The message and page never show the resident's name: the address
may belong to someone else.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wayfinder.audit.log import log_action
from wayfinder.audit.names import CONSENT_CONTACT_CONFIRMED, CONSENT_CONTACT_REJECTED, CONSENT_CONTACT_VERIFICATION_SENT
from wayfinder.lib.phones import us_e164
from wayfinder.notifications.services import queue_email, queue_sms
from wayfinder.residents.models import ContactPoint, Resident, Source
from wayfinder.residents.selectors import mask_email, mask_phone

from .base import ConsentError, hash_token
from .contacts import RESIDENT_SOURCES
from .models import ContactVerification

VERIFY_VALID = timedelta(days=7)
# New contacts one organization may send confirmation links for, per resident and day.
MAX_PER_DAY = 3


def _normalized(kind: str, value: str) -> str:
    value = value.strip()
    if kind == ContactPoint.Kind.EMAIL:
        return value.lower()
    number = us_e164(value)
    return number[2:] if number else ""


@transaction.atomic
def add_contact_for_confirmation(*, resident: Resident, organization, actor, kind: str, value: str):
    """Keep the new contact (visible to this organization, docs/product.md 4.3) and send it
    the confirmation link. Returns the ``ContactVerification``."""
    value = _normalized(kind, value)
    if not value:
        raise ConsentError(_("Enter a 10-digit US mobile number."))
    now = timezone.now()
    sent_today = ContactVerification.objects.filter(
        contact__resident=resident, organization=organization, created_at__gt=now - timedelta(days=1)
    ).count()
    if sent_today >= MAX_PER_DAY:
        raise ConsentError(_("Too many new contacts were sent a confirmation for this resident today. Try tomorrow."))
    contact = resident.contacts.filter(kind=kind, value__iexact=value, retired_at__isnull=True).first()
    if contact is not None and (
        contact.source in RESIDENT_SOURCES
        or contact.verifications.filter(status=ContactVerification.Status.CONFIRMED).exists()
    ):
        raise ConsentError(_("This contact is already on file and confirmed: choose it to send the request."))
    if contact is None:
        contact = ContactPoint.objects.create(
            resident=resident,
            kind=kind,
            value=value,
            source=Source.ORGANIZATION,
            organization=organization,
            entered_by=actor,
        )
    token = secrets.token_urlsafe(32)
    verification = ContactVerification.objects.create(
        contact=contact,
        organization=organization,
        requested_by=actor,
        token_hash=hash_token(token),
        expires_at=now + VERIFY_VALID,
    )
    link = settings.SITE_URL.rstrip("/") + reverse("consent:verify_contact", args=[token])
    context = {"organization": organization, "link": link, "days": VERIFY_VALID.days}
    with translation.override(resident.preferred_language or translation.get_language()):
        if kind == ContactPoint.Kind.EMAIL:
            queue_email(
                to=value,
                subject=_("Is this your email? %(org)s added it to Wayfinder") % {"org": organization.name},
                body=render_to_string("consent/email/verify_contact.txt", context),
                kind="contact_verification",
                one_time=[link],
            )
        else:
            queue_sms(
                to=value,
                body=render_to_string("consent/sms/verify_contact.txt", context).strip(),
                kind="contact_verification",
                one_time=[link],
            )
    log_action(
        actor,
        CONSENT_CONTACT_VERIFICATION_SENT,
        verification,
        resident=resident,
        organization=organization,
        purpose="consent_request",
        data={"kind": kind, "contact": masked(contact)},
    )
    return verification


def masked(contact: ContactPoint) -> str:
    return mask_email(contact.value) if contact.kind == ContactPoint.Kind.EMAIL else mask_phone(contact.value)


def find_verification(token: str) -> ContactVerification | None:
    verification = (
        ContactVerification.objects.select_related("contact", "organization")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if verification is None or verification.status != ContactVerification.Status.PENDING:
        return None
    if verification.expires_at <= timezone.now() or verification.contact.retired_at is not None:
        return None
    return verification


@transaction.atomic
def answer_verification(token: str, *, mine: bool, user=None) -> ContactVerification:
    """ "Yes, this is mine" confirms the contact; "No" retires it (the organization
    then sees that it was refused). Single use: a conditional UPDATE."""
    from .actions import refuse_staff_answer

    refuse_staff_answer(user)
    verification = find_verification(token)
    if verification is None:
        raise ConsentError(_("This link has expired or has already been used."))
    now = timezone.now()
    status = ContactVerification.Status.CONFIRMED if mine else ContactVerification.Status.REJECTED
    claimed = ContactVerification.objects.filter(pk=verification.pk, status=ContactVerification.Status.PENDING).update(
        status=status, answered_at=now
    )
    if not claimed:
        raise ConsentError(_("This link has expired or has already been used."))
    contact = verification.contact
    if not mine:
        ContactPoint.objects.filter(pk=contact.pk, retired_at__isnull=True).update(retired_at=now)
    log_action(
        None,
        CONSENT_CONTACT_CONFIRMED if mine else CONSENT_CONTACT_REJECTED,
        verification,
        resident=contact.resident_id,
        actor_label="contact holder (via link)",
        data={"kind": contact.kind, "contact": masked(contact)},
    )
    verification.status = status
    return verification
