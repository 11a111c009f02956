"""The verbs of consent. Each one is atomic, writes its audit entry, and queues any
message through the outbox (sent after commit)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wayfinder.audit.log import log_action
from wayfinder.audit.names import CONSENT_DECLINED, CONSENT_GRANTED, CONSENT_REQUESTED, CONSENT_REVOKED
from wayfinder.notifications.services import queue_email, queue_sms
from wayfinder.residents.models import ContactPoint, Resident, Source

from . import reply_codes
from .models import Consent, ConsentRequest, Method, Scope
from .statements import STATEMENTS_VERSION, VERBAL_STATEMENTS

DEFAULT_PURPOSE = "care_coordination"
LINK_VALID = timedelta(days=7)


class ConsentError(Exception):
    """A consent action that cannot go ahead; the message is safe to show."""


class ConsentChanged(ConsentError):
    """The consent changed since the form was shown (optimistic concurrency)."""


def consent_valid_for() -> timedelta:
    return timedelta(days=getattr(settings, "CONSENT_VALID_DAYS", 365))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def request_consent(
    *, resident: Resident, organization, actor, channel: str, destination: str, base_url: str, scope=Scope.GENERAL
) -> ConsentRequest:
    """Send the resident a one-time link by email or text. A new destination typed by
    staff is kept as a contact point *of that organization* (it may see what it entered)."""
    destination = destination.strip()
    if not destination:
        raise ConsentError(_("There is no contact on file for this channel; enter one."))
    kind = ContactPoint.Kind.EMAIL if channel == ConsentRequest.Channel.EMAIL else ContactPoint.Kind.PHONE
    if not resident.contacts.filter(kind=kind, value__iexact=destination, retired_at__isnull=True).exists():
        ContactPoint.objects.create(
            resident=resident,
            kind=kind,
            value=destination,
            source=Source.ORGANIZATION,
            organization=organization,
            entered_by=actor,
        )
    token = secrets.token_urlsafe(32)
    consent_request = ConsentRequest(
        resident=resident,
        organization=organization,
        scope=scope,
        purpose=DEFAULT_PURPOSE,
        channel=channel,
        sent_to=destination,
        token_hash=hash_token(token),
        requested_by=actor,
        expires_at=timezone.now() + LINK_VALID,
    )
    # A general request by text also gets a reply code ("YES 4821"); Part 2 keeps
    # the link only (it needs the typed signature of the form).
    code = reply_codes.save_with_reply_code(consent_request)
    link = base_url.rstrip("/") + reverse("consent:respond", args=[token])
    context = {"organization": organization, "link": link, "code": code, "resident": resident, "days": LINK_VALID.days}
    # Written in the resident's preferred language, whatever language the staff member works in.
    with translation.override(resident.preferred_language or translation.get_language()):
        if channel == ConsentRequest.Channel.EMAIL:
            queue_email(
                to=destination,
                subject=_("%(org)s asks to see your Wayfinder record") % {"org": organization.name},
                body=render_to_string("consent/email/request.txt", context),
                kind="consent_request",
            )
        else:
            queue_sms(
                to=destination,
                body=render_to_string("consent/sms/request.txt", context).strip(),
                kind="consent_request",
            )
    log_action(
        actor,
        CONSENT_REQUESTED,
        consent_request,
        resident=resident,
        purpose=DEFAULT_PURPOSE,
        data={"channel": channel, "scope": scope},
        organization=organization,
    )
    return consent_request


def find_request(token: str) -> ConsentRequest | None:
    """The pending, unexpired request for this link, or None (used, expired or unknown)."""
    consent_request = (
        ConsentRequest.objects.select_related("organization", "resident").filter(token_hash=hash_token(token)).first()
    )
    if consent_request is None:
        return None
    if consent_request.status != ConsentRequest.Status.PENDING or consent_request.expires_at <= timezone.now():
        return None
    return consent_request


@transaction.atomic
def respond_to_request(token: str, *, grant: bool, signature_name: str = "") -> Consent | None:
    """The resident's one action on the link."""
    consent_request = find_request(token)
    if consent_request is None:
        raise ConsentError(_("This link has expired or has already been used."))
    method = Method.EMAIL_LINK if consent_request.channel == ConsentRequest.Channel.EMAIL else Method.TEXT_LINK
    return _answer(
        consent_request,
        grant=grant,
        method=method,
        actor_label="resident (via link)",
        signature_name=signature_name,
        used_message=_("This link has expired or has already been used."),
    )


@transaction.atomic
def respond_by_text_reply(consent_request: ConsentRequest, *, grant: bool) -> Consent | None:
    """The resident texted "YES 4821" / "NO 4821" (matched by
    ``text_replies.handle_text_reply``): the same answer as the link, recorded as a
    text reply. A Part 2 request is never answered this way: it needs the typed
    signature of the form."""
    if consent_request.scope != Scope.GENERAL:
        raise ConsentError(_("This request needs the signed form: open the link."))
    return _answer(
        consent_request,
        grant=grant,
        method=Method.TEXT_REPLY,
        actor_label="resident (via text reply)",
        used_message=_("This code has expired or has already been used."),
    )


def _answer(
    consent_request: ConsentRequest, *, grant: bool, method: str, actor_label: str, used_message: str, signature_name=""
) -> Consent | None:
    """Record the resident's answer. The conditional UPDATE makes a request single-use
    even when two answers race (two clicks, or a click and a text): the loser matches
    no row."""
    now = timezone.now()
    status = ConsentRequest.Status.GRANTED if grant else ConsentRequest.Status.DECLINED
    claimed = ConsentRequest.objects.filter(
        pk=consent_request.pk,
        status=ConsentRequest.Status.PENDING,
        version=consent_request.version,
        expires_at__gt=now,
    ).update(status=status, responded_at=now, version=consent_request.version + 1)
    if not claimed:
        raise ConsentError(used_message)
    resident = consent_request.resident
    if not grant:
        log_action(
            None,
            CONSENT_DECLINED,
            consent_request,
            resident=resident,
            purpose=consent_request.purpose,
            actor_label=actor_label,
            data={"method": method},
        )
        return None
    extra = {}
    if consent_request.scope == Scope.PART2:
        if not signature_name.strip():
            raise ConsentError(_("Type your full name to sign."))
        extra = _part2_fields(consent_request.organization, signature_name, now)
    return _grant(
        resident=resident,
        organization=consent_request.organization,
        scope=consent_request.scope,
        method=method,
        actor=None,
        request=consent_request,
        actor_label=actor_label,
        **extra,
    )


@transaction.atomic
def record_verbal_consent(*, resident: Resident, organization, actor, acknowledged: list[str]) -> Consent:
    """Staff attest they read every statement and the resident agreed to each."""
    required = [code for code, _text in VERBAL_STATEMENTS]
    if sorted(set(acknowledged)) != sorted(required):
        raise ConsentError(_("Read each statement to the resident and tick it before submitting."))
    return _grant(
        resident=resident,
        organization=organization,
        scope=Scope.GENERAL,
        method=Method.VERBAL,
        actor=actor,
        statements=required,
        statements_version=STATEMENTS_VERSION,
    )


@transaction.atomic
def grant_consent(*, resident: Resident, organization, actor, scope=Scope.GENERAL, signature_name: str = "") -> Consent:
    """A signed-in resident grants consent from My Plan."""
    extra = {}
    if scope == Scope.PART2:
        if not signature_name.strip():
            raise ConsentError(_("Type your full name to sign."))
        extra = _part2_fields(organization, signature_name, timezone.now())
    return _grant(
        resident=resident, organization=organization, scope=scope, method=Method.RESIDENT_ACCOUNT, actor=actor, **extra
    )


@transaction.atomic
def grant_pre_consent(resident: Resident, organization, actor) -> Consent:
    """For the referral feature: the resident agreed, while a referral was created,
    that the receiving organization may see their record."""
    return _grant(
        resident=resident, organization=organization, scope=Scope.GENERAL, method=Method.PRE_CONSENT, actor=actor
    )


@transaction.atomic
def revoke_consent(consent: Consent, *, actor, expected_version: int | None = None, reason=None) -> Consent:
    """Revoke now; the next request of the organization's staff sees the limited
    record (access is computed from the database on every request)."""
    version = consent.version if expected_version is None else expected_version
    now = timezone.now()
    reason = reason or (Consent.RevokedReason.RESIDENT if _is_resident(actor, consent) else Consent.RevokedReason.STAFF)
    updated = Consent.objects.filter(pk=consent.pk, version=version, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor, revoked_reason=reason, version=version + 1, updated_at=now
    )
    if not updated:
        raise ConsentChanged(_("This consent changed since you opened the page. Please look again."))
    consent.refresh_from_db()
    log_action(
        actor,
        CONSENT_REVOKED,
        consent,
        resident=consent.resident_id,
        legal_basis=f"consent:{consent.pk}",
        data={"scope": consent.scope, "reason": reason},
        purpose="resident_request",
    )
    return consent


def _is_resident(actor, consent: Consent) -> bool:
    return actor is not None and Resident.objects.filter(pk=consent.resident_id, user_id=actor.pk).exists()


def _part2_fields(organization, signature_name: str, now) -> dict:
    return {
        "part2_discloser": "Any Wayfinder partner holding the records (Part 2 programs included)",
        "part2_description": "Substance use disorder treatment information recorded in Wayfinder",
        "part2_recipients": organization.name,
        "part2_expiry_event": "One year after signing, or earlier revocation",
        "signature_name": signature_name.strip()[:200],
        "signed_at": now,
    }


def _grant(*, resident, organization, scope, method, actor, request=None, actor_label="", **fields) -> Consent:
    """Supersede any open consent of the same scope, then create the new one. The
    partial unique constraint turns a concurrent double grant into an error, never
    two open consents."""
    now = timezone.now()
    for previous in Consent.objects.filter(resident=resident, organization=organization, scope=scope, revoked_at=None):
        Consent.objects.filter(pk=previous.pk, version=previous.version).update(
            revoked_at=now,
            revoked_reason=Consent.RevokedReason.SUPERSEDED,
            version=previous.version + 1,
            updated_at=now,
        )
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                resident=resident,
                organization=organization,
                scope=scope,
                purpose=DEFAULT_PURPOSE,
                method=method,
                given_at=now,
                expires_at=now + consent_valid_for(),
                recorded_by=actor,
                request=request,
                **fields,
            )
    except IntegrityError as error:
        raise ConsentChanged(_("Consent was recorded by someone else at the same moment.")) from error
    log_action(
        actor,
        CONSENT_GRANTED,
        consent,
        resident=resident,
        legal_basis=f"consent:{consent.pk}",
        purpose=DEFAULT_PURPOSE,
        data={"scope": scope, "method": method, "organization": str(organization.pk)},
        actor_label=actor_label,
    )
    return consent
