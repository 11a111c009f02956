"""Asking for consent: a one-time link (and, by text, a reply code) sent to a
contact detail on file, and what an opened link may still do."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wayfinder.audit.log import log_action
from wayfinder.audit.names import CONSENT_REQUESTED
from wayfinder.notifications.services import queue_email, queue_sms
from wayfinder.residents.models import Resident

from . import contacts, reply_codes
from .access import active_consents
from .base import DEFAULT_PURPOSE, LINK_VALID, ConsentError, hash_token
from .models import ConsentRequest, Scope


@transaction.atomic
def request_consent(
    *, resident: Resident, organization, actor, contact_id, base_url: str = "", scope=Scope.GENERAL
) -> ConsentRequest:
    """Send the resident a one-time link by email or text, to one of their contact
    details on file (``contacts.consent_destinations``): never to an address typed
    now. A Part 2 request goes only to contact details the resident or the state's
    record gave, never to one an organization entered."""
    part2 = scope == Scope.PART2
    destination = contacts.destination_for(resident, contact_id, part2=part2)
    if destination is None:
        if part2:
            raise ConsentError(
                _(
                    "A Part 2 consent request goes only to an email or phone from the state's record or entered "
                    "by the resident. Choose one of those, or the resident can sign in My Plan."
                )
            )
        raise ConsentError(_("Choose one of the resident's contact details on file."))
    return _send_request(
        resident=resident,
        organization=organization,
        actor=actor,
        destination=destination,
        scope=scope,
        kind=ConsentRequest.Kind.REQUEST,
        base_url=base_url,
    )


@transaction.atomic
def offer_pre_consent(*, resident: Resident, organization, actor, referral=None, base_url: str = "") -> ConsentRequest:
    """With a referral made by staff: ask the resident, through their own contact on
    file, whether the receiving organization may also see their record. Staff only
    offer; the resident answers (docs/product.md 4.4: pre-consent is the resident's step)."""
    destination = contacts.notice_destination(resident)
    if destination is None:
        raise ConsentError(
            _(
                "The resident has no contact on file that they confirmed, so the offer to share their record "
                "cannot reach them. Untick it, or add a contact and let the resident confirm it first."
            )
        )
    return _send_request(
        resident=resident,
        organization=organization,
        actor=actor,
        destination=destination,
        scope=Scope.GENERAL,
        kind=ConsentRequest.Kind.PRE_CONSENT,
        base_url=base_url,
        extra={"referral": referral},
    )


def _send_request(*, resident, organization, actor, destination, scope, kind, base_url, extra=None) -> ConsentRequest:
    token = secrets.token_urlsafe(32)
    consent_request = ConsentRequest(
        resident=resident,
        organization=organization,
        scope=scope,
        kind=kind,
        purpose=DEFAULT_PURPOSE,
        channel=destination.channel,
        sent_to=destination.value,
        contact=destination.contact,
        token_hash=hash_token(token),
        requested_by=actor,
        expires_at=timezone.now() + LINK_VALID,
    )
    # A general request by text also gets a reply code ("YES 4821"); Part 2 keeps
    # the link only (it needs the typed signature of the form).
    code = reply_codes.save_with_reply_code(consent_request)
    link = (base_url or settings.SITE_URL).rstrip("/") + reverse("consent:respond", args=[token])
    context = {
        "organization": organization,
        "link": link,
        "code": code,
        "resident": resident,
        "days": LINK_VALID.days,
        "requested_by": actor.get_full_name() if actor else "",
        **(extra or {}),
    }
    template = "pre_consent" if kind == ConsentRequest.Kind.PRE_CONSENT else "request"
    one_time = [link, code]
    # Written in the resident's preferred language, whatever language the staff member works in.
    with translation.override(resident.preferred_language or translation.get_language()):
        if destination.channel == ConsentRequest.Channel.EMAIL:
            subject = (
                _("You were referred to %(org)s: share your record too?")
                if kind == ConsentRequest.Kind.PRE_CONSENT
                else _("%(org)s asks to see your Wayfinder record")
            )
            queue_email(
                to=destination.value,
                subject=subject % {"org": organization.name},
                body=render_to_string(f"consent/email/{template}.txt", context),
                kind=f"consent_{template}",
                one_time=one_time,
            )
        else:
            queue_sms(
                to=destination.value,
                body=render_to_string(f"consent/sms/{template}.txt", context).strip(),
                kind=f"consent_{template}",
                one_time=one_time,
            )
    log_action(
        actor,
        CONSENT_REQUESTED,
        consent_request,
        resident=resident,
        purpose=DEFAULT_PURPOSE,
        data={
            "channel": destination.channel,
            "scope": scope,
            "kind": kind,
            "contact": destination.masked,
            "contact_source": destination.contact.source,
        },
        organization=organization,
    )
    return consent_request


class LinkState:
    OPEN = "open"
    ALREADY_GIVEN = "already_given"  # answered, or consent given through another request
    GONE = "gone"  # unknown, expired, declined or cancelled


def find_request(token: str) -> tuple[ConsentRequest | None, str]:
    """The request behind a link and what the link may still do (``LinkState``).
    An older link of an organization that got the consent through a newer one
    says so instead of asking again (issue #14)."""
    consent_request = (
        ConsentRequest.objects.select_related("organization", "resident", "requested_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if consent_request is None:
        return None, LinkState.GONE
    if consent_request.status in (ConsentRequest.Status.GRANTED, ConsentRequest.Status.SUPERSEDED):
        return consent_request, LinkState.ALREADY_GIVEN
    if consent_request.status != ConsentRequest.Status.PENDING or consent_request.expires_at <= timezone.now():
        return consent_request, LinkState.GONE
    active = active_consents(consent_request.resident, consent_request.organization)
    if consent_request.scope in active:
        return consent_request, LinkState.ALREADY_GIVEN
    return consent_request, LinkState.OPEN
