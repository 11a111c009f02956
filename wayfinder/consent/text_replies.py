"""Answering a consent request by text: "YES 4821" grants, "NO 4821" declines.

Called by the inbound SMS view once the provider's signature has been checked.
A reply is matched only against open requests texted to the number it comes from.
Anything that matches none (a wrong, used or expired code, or not a reply at all)
changes nothing, is counted against the number, and the person is told by text that
the code did not work. ``MAX_FAILURES`` refusals within ``FAILURE_WINDOW`` turn off
the codes of every open request of that number for good (the links keep working)
and silence the number for the rest of the window: four digits are then one chance
in 2,000 per request, not a matter of patience.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.names import CONSENT_REPLY_CODE_LOCKED, CONSENT_REPLY_REFUSED
from wayfinder.notifications.inbound import normalize_phone
from wayfinder.notifications.services import queue_sms
from wayfinder.residents.selectors import mask_phone

from . import actions
from .models import ConsentRequest, Scope, TextReplyFailure
from .reply_codes import CARRIER_KEYWORDS, Reply, fold, hash_phone, hash_reply_code, parse_reply

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Outcome:
    result: str  # "granted", "declined", "refused" or "ignored"
    reason: str = ""


def handle_text_reply(sender: str, body: str) -> Outcome:
    phone = normalize_phone(sender)
    if not phone:
        # Short codes and foreign numbers never got a code; answering them risks
        # a loop with another automated sender.
        return Outcome("ignored", "unsupported_sender")
    folded = fold(body)
    if not folded:
        return Outcome("ignored", "empty")
    if folded in CARRIER_KEYWORDS:
        return Outcome("ignored", "carrier_keyword")
    try:
        return _handle(phone, parse_reply(body))
    except actions.ConsentError:
        # The link (or a second text) answered the request a moment earlier.
        return Outcome("refused", "already_used")


@transaction.atomic
def _handle(phone: str, reply: Reply | None) -> Outcome:
    # Lock the number's open requests: two texts from one number are then handled
    # one after the other, so neither can slip past the failure count (PostgreSQL;
    # SQLite's IMMEDIATE transactions already serialise writers).
    open_requests = list(
        ConsentRequest.objects.select_for_update(of=("self",))
        .select_related("resident", "organization")
        .filter(reply_phone=phone, status=ConsentRequest.Status.PENDING)
        .exclude(reply_code_hash="")
        .order_by("created_at")
    )
    if _recent_failures(phone) >= MAX_FAILURES:
        return Outcome("refused", "locked")  # silent: the lock was announced once
    if reply is None:
        return _refuse(phone, "not_understood", open_requests, None, _language(None, None, open_requests))
    code_hash = hash_reply_code(phone, reply.code)
    match = next((r for r in open_requests if r.reply_code_hash == code_hash), None)
    if match is None:
        answered = (
            ConsentRequest.objects.select_related("resident")
            .filter(reply_phone=phone, reply_code_hash=code_hash)
            .exclude(status=ConsentRequest.Status.PENDING)
            .order_by("-created_at")
            .first()
        )
        reason = "already_used" if answered else ("wrong_code" if open_requests else "no_open_request")
        return _refuse(phone, reason, open_requests, answered, _language(reply, answered, open_requests))
    language = _language(reply, match, open_requests)
    if match.expires_at <= timezone.now():
        return _refuse(phone, "expired", open_requests, match, language)
    if match.reply_locked_at is not None:
        return _refuse(phone, "code_turned_off", open_requests, match, language)
    if match.scope != Scope.GENERAL:  # never issued; refused all the same
        return _refuse(phone, "needs_signed_form", open_requests, match, language)
    actions.respond_by_text_reply(match, grant=reply.grant)
    if not reply.grant:
        # A grant is answered by the consent confirmation (with its revocation
        # link, ``notices.confirm_to_resident``); a "no" gets this.
        with translation.override(language):
            text = _("Wayfinder: you said no. %(org)s will not see your record. Nothing else changes.") % {
                "org": match.organization.name
            }
        queue_sms(to=phone, body=text, kind="consent_reply_declined")
    return Outcome("granted" if reply.grant else "declined")


def _recent_failures(phone: str) -> int:
    since = timezone.now() - FAILURE_WINDOW
    return TextReplyFailure.objects.filter(phone_hash=hash_phone(phone), received_at__gt=since).count()


def _refuse(phone, reason, open_requests, consent_request, language) -> Outcome:
    """Nothing changes for the resident; the attempt is counted and audited, and the
    person hears back that the code did not work."""
    TextReplyFailure.objects.create(phone_hash=hash_phone(phone), reason=reason)
    log_action(
        None,
        CONSENT_REPLY_REFUSED,
        consent_request,
        resident=consent_request.resident_id if consent_request else None,
        outcome=AuditEvent.Outcome.DENIED,
        actor_label="text reply",
        data={"reason": reason, "phone": mask_phone(phone)},
    )
    failures = _recent_failures(phone)
    if failures >= MAX_FAILURES:
        _lock(open_requests, failures)
        with translation.override(language):
            text = _(
                "Wayfinder: too many codes from this number did not work, so the codes we sent to it are turned "
                "off. Nothing was shared. Call 2-1-1 or ask the organization to send you a new request."
            )
        queue_sms(to=phone, body=text, kind="consent_reply_locked")
    else:
        with translation.override(language):
            text = _(
                "Wayfinder: that code did not work, so nothing was shared. Call 2-1-1 or ask the organization "
                "to send you a new request."
            )
        queue_sms(to=phone, body=text, kind="consent_reply_failed")
    return Outcome("refused", reason)


def _lock(open_requests: list[ConsentRequest], failures: int) -> None:
    """Turn off the codes (not the links) of every open request of the number. The
    version is left alone: a resident answering by link is not "stale"."""
    now = timezone.now()
    to_lock = [r for r in open_requests if r.reply_locked_at is None]
    ConsentRequest.objects.filter(pk__in=[r.pk for r in to_lock]).update(reply_locked_at=now)
    for consent_request in to_lock:
        log_action(
            None,
            CONSENT_REPLY_CODE_LOCKED,
            consent_request,
            resident=consent_request.resident_id,
            outcome=AuditEvent.Outcome.DENIED,
            actor_label="text reply",
            data={"failures": failures, "window_minutes": int(FAILURE_WINDOW.total_seconds() // 60)},
        )


def _language(reply: Reply | None, consent_request, open_requests) -> str:
    """Spanish when the person wrote "SI", else the resident's preferred language."""
    if reply is not None and reply.spanish:
        return "es"
    resident = consent_request.resident if consent_request else (open_requests[0].resident if open_requests else None)
    return (resident.preferred_language if resident else "") or settings.LANGUAGE_CODE
