"""The verbs of consent. Each one is atomic, writes its audit entry, and queues any
message through the outbox (sent after commit). Sending requests lives in
``requests`` (imported here, so ``actions`` names every verb)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.accounts import roles
from wayfinder.audit.log import log_action
from wayfinder.audit.names import CONSENT_DECLINED, CONSENT_GRANTED, CONSENT_REVOKED
from wayfinder.residents.models import Resident

from . import contacts, notices
from .base import DEFAULT_PURPOSE, LINK_VALID, ConsentChanged, ConsentError, consent_valid_for, hash_token
from .models import Consent, ConsentRequest, Method, Scope
from .requests import LinkState, find_request, offer_pre_consent, request_consent
from .signatures import signature_matches
from .statements import STATEMENTS_VERSION, VERBAL_STATEMENTS

__all__ = [
    "LINK_VALID",
    "ConsentChanged",
    "ConsentError",
    "LinkState",
    "find_request",
    "offer_pre_consent",
    "request_consent",
]


def refuse_staff_answer(user) -> None:
    """A consent or contact link is the resident's: a signed-in staff session may
    not answer it (a staff member who sent a request to themselves could otherwise
    click through it at their desk)."""
    if user is not None and roles.requires_mfa(user):
        raise ConsentError(
            _("This link is for the resident. You are signed in as staff: sign out, or let the resident open it.")
        )


@transaction.atomic
def respond_to_request(token: str, *, grant: bool, signature_name: str = "", user=None) -> Consent | None:
    """The resident's one action on the link."""
    refuse_staff_answer(user)
    consent_request, state = find_request(token)
    if state != LinkState.OPEN or consent_request is None:
        raise ConsentError(_("This link has expired or has already been used."))
    method = Method.EMAIL_LINK if consent_request.channel == ConsentRequest.Channel.EMAIL else Method.TEXT_LINK
    if consent_request.kind == ConsentRequest.Kind.PRE_CONSENT:
        method = Method.PRE_CONSENT
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
    resident = consent_request.resident
    extra = {}
    if grant and consent_request.scope == Scope.PART2:
        extra = _part2_fields(consent_request.organization, resident, signature_name, timezone.now())
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
    """Staff attest they read every statement and the resident agreed to each. Only
    general consent (Part 2 is never verbal), and only when the resident can be told
    through a contact they control: the confirmation carries the one-click
    revocation (docs/product.md 4.4)."""
    required = [code for code, _text in VERBAL_STATEMENTS]
    if sorted(set(acknowledged)) != sorted(required):
        raise ConsentError(_("Read each statement to the resident and tick it before submitting."))
    if contacts.notice_destination(resident) is None:
        raise ConsentError(
            _(
                "Verbal consent is confirmed to the resident by email or text, and this record has no contact the "
                "resident confirmed. Add one and let the resident confirm it, or send a consent request."
            )
        )
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
    if not _is_resident(actor, resident):
        raise ConsentError(_("Only the resident can give consent."))
    extra = {}
    if scope == Scope.PART2:
        extra = _part2_fields(organization, resident, signature_name, timezone.now())
    return _grant(
        resident=resident, organization=organization, scope=scope, method=Method.RESIDENT_ACCOUNT, actor=actor, **extra
    )


@transaction.atomic
def grant_pre_consent(resident: Resident, organization, actor) -> Consent:
    """The resident, referring themselves, also lets the receiving organization see
    their record. Only the resident's own account may do this: staff making a
    referral offer it instead (``offer_pre_consent``)."""
    if not _is_resident(actor, resident):
        raise ConsentError(_("Only the resident can pre-consent. Offer it to them with the referral instead."))
    return _grant(
        resident=resident, organization=organization, scope=Scope.GENERAL, method=Method.PRE_CONSENT, actor=actor
    )


@transaction.atomic
def revoke_consent(
    consent: Consent, *, actor, expected_version: int | None = None, reason=None, actor_label=""
) -> Consent:
    """Revoke now; the next request of the organization's staff sees the limited
    record (access is computed from the database on every request).

    Revoking the general consent also ends the organization's Part 2 consent: a Part
    2 consent only adds to a general one (``access.record_access``), and a resident
    who says the organization "can no longer see my record" means all of it.
    Revoking the Part 2 consent alone leaves the general consent in place."""
    version = consent.version if expected_version is None else expected_version
    now = timezone.now()
    if reason is None:
        reason = (
            Consent.RevokedReason.RESIDENT if _is_resident(actor, consent.resident) else Consent.RevokedReason.STAFF
        )
    revoked_by = actor if getattr(actor, "pk", None) else None
    updated = Consent.objects.filter(pk=consent.pk, version=version, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=revoked_by, revoked_reason=reason, version=version + 1, updated_at=now
    )
    if not updated:
        raise ConsentChanged(_("This consent changed since you opened the page. Please look again."))
    consent.refresh_from_db()
    _log_revoked(consent, revoked_by, reason, actor_label)
    if consent.scope == Scope.GENERAL:
        for part2 in Consent.objects.filter(
            resident_id=consent.resident_id, organization_id=consent.organization_id, scope=Scope.PART2, revoked_at=None
        ):
            Consent.objects.filter(pk=part2.pk, version=part2.version).update(
                revoked_at=now, revoked_by=revoked_by, revoked_reason=reason, version=part2.version + 1, updated_at=now
            )
            part2.refresh_from_db()
            _log_revoked(part2, revoked_by, reason, actor_label, cascade_of=consent)
    return consent


def revoked_message(consent: Consent) -> str:
    """What the resident is told after revoking: true for the scope revoked (a
    general revocation ends the Part 2 consent too, see ``revoke_consent``)."""
    names = {"org": consent.organization.name}
    if consent.scope == Scope.PART2:
        return (
            _(
                "%(org)s can no longer see your substance use treatment records. Your general consent stays: it can "
                "still see the rest of your record until you take that back too."
            )
            % names
        )
    return (
        _(
            "%(org)s can no longer see your record, including substance use treatment records. It keeps only what "
            "it needs for your referrals: your name and the contact details it entered."
        )
        % names
    )


def _log_revoked(consent: Consent, actor, reason, actor_label: str, cascade_of: Consent | None = None) -> None:
    data = {"scope": consent.scope, "reason": reason}
    if cascade_of is not None:
        data["with_general_consent"] = str(cascade_of.pk)
    log_action(
        actor,
        CONSENT_REVOKED,
        consent,
        resident=consent.resident_id,
        legal_basis=f"consent:{consent.pk}",
        data=data,
        purpose="resident_request",
        actor_label=actor_label,
    )


def find_consent_by_revoke_token(token: str) -> Consent | None:
    if not token:
        return None
    return (
        Consent.objects.select_related("organization", "recorded_by")
        .filter(revoke_token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )


@transaction.atomic
def revoke_by_link(token: str, *, user=None) -> Consent:
    """The one-click revocation link of a consent confirmation."""
    refuse_staff_answer(user)
    consent = find_consent_by_revoke_token(token)
    if consent is None:
        raise ConsentError(_("This consent was already taken back or has ended."))
    return revoke_consent(
        consent, actor=None, reason=Consent.RevokedReason.RESIDENT, actor_label="resident (via revocation link)"
    )


def _is_resident(actor, resident: Resident) -> bool:
    return bool(getattr(actor, "pk", None)) and resident.user_id is not None and resident.user_id == actor.pk


def _part2_fields(organization, resident: Resident, signature_name: str, now) -> dict:
    """The 42 CFR 2.31 elements. The typed signature must be the resident's name as
    on file (issue #14): any other name is refused."""
    if not signature_name.strip():
        raise ConsentError(_("Type your full name to sign."))
    if not signature_matches(signature_name, resident):
        raise ConsentError(
            _("The name you typed does not match the name on your record. Type your first and last name to sign.")
        )
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
    # Older links of this organization for the same scope stop asking: they say
    # the consent is already given (issue #14).
    ConsentRequest.objects.filter(
        resident=resident, organization=organization, scope=scope, status=ConsentRequest.Status.PENDING
    ).update(status=ConsentRequest.Status.SUPERSEDED, responded_at=now)
    if not _is_resident(actor, resident):
        # Not given in the resident's own account: the resident is told, with a
        # one-click revocation (docs/product.md 4.4).
        notices.confirm_to_resident(consent, request)
    return consent
