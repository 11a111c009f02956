"""Queue and deliver email and text messages."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape

from .models import OutboundMessage
from .sms import SmsMessage, get_sms_backend

logger = logging.getLogger("wayfinder.notifications")

# A claimed message whose sender died is retried after this long.
_STALE_CLAIM = timedelta(minutes=10)


REDACTED = "[removed after delivery]"


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    html: str | None = None,
    kind: str = "",
    one_time: Sequence[str] = (),
) -> OutboundMessage:
    """Write an email to the outbox; it is sent once the surrounding transaction
    commits. ``one_time``: links or codes that work once (they are cut out of the
    stored message once it is delivered)."""
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.EMAIL,
        to=to,
        subject=subject[:300],
        body=body,
        html=html or "",
        kind=kind,
        **_redaction(one_time, body, html or ""),
    )
    _schedule(message)
    return message


def queue_sms(*, to: str, body: str, kind: str = "", one_time: Sequence[str] = ()) -> OutboundMessage:
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.SMS, to=to, body=body, kind=kind, **_redaction(one_time, body, "")
    )
    _schedule(message)
    return message


def queue_webhook(*, url: str, body: str, headers: dict[str, str] | None = None, kind: str = "") -> OutboundMessage:
    """Write an HTTP POST to the outbox: delivered after commit, retried with back-off
    like any message (a subscriber's server being down loses nothing)."""
    if len(url) > 254:
        raise ValueError("webhook URLs are limited to 254 characters")
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.WEBHOOK, to=url, body=body, headers=headers or {}, kind=kind
    )
    _schedule(message)
    return message


def cancel_pending(*, kind: str) -> int:
    """Withdraw the messages of ``kind`` not sent yet (queued, waiting for a retry, or
    claimed by a worker): none is claimed again, so none is sent or retried afterwards
    (only a POST already on the wire when this runs can still arrive). Used when what
    they notify about is gone (a deleted FHIR Subscription). Returns how many."""
    return OutboundMessage.objects.filter(
        kind=kind, status__in=[OutboundMessage.Status.QUEUED, OutboundMessage.Status.SENDING]
    ).update(status=OutboundMessage.Status.CANCELLED, last_error="cancelled before delivery")


def _redaction(one_time: Sequence[str], body: str, html: str) -> dict:
    """The copy of the message without its one-time secrets (longest first, so a
    link is cut whole even when its token also appears alone)."""
    secrets = sorted({value for value in one_time if value}, key=len, reverse=True)
    if not secrets:
        return {}
    redacted_body, redacted_html = body, html
    for value in secrets:
        redacted_body = redacted_body.replace(value, REDACTED)
        redacted_html = redacted_html.replace(value, REDACTED).replace(escape(value), REDACTED)
    return {"redacted_body": redacted_body, "redacted_html": redacted_html, "redact_on_delivery": True}


def _finished(message: OutboundMessage) -> dict:
    """Fields to write when a message will not be sent again."""
    if not message.redact_on_delivery or message.redacted_at is not None:
        return {}
    return {
        "body": message.redacted_body,
        "html": message.redacted_html,
        "redacted_body": "",
        "redacted_html": "",
        "redacted_at": timezone.now(),
    }


def _schedule(message: OutboundMessage) -> None:
    from .tasks import deliver_message

    message_id = str(message.id)
    transaction.on_commit(lambda: deliver_message.enqueue(message_id))


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most 6 hours, between attempts."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def claim(message_id: str) -> OutboundMessage | None:
    """Take a message for sending with a conditional UPDATE, so two workers never
    send the same message: the one whose UPDATE matched no row lost the race."""
    now = timezone.now()
    claimable = Q(status=OutboundMessage.Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=OutboundMessage.Status.SENDING, claimed_at__lt=now - _STALE_CLAIM
    )
    updated = OutboundMessage.objects.filter(claimable, pk=message_id).update(
        status=OutboundMessage.Status.SENDING, claimed_at=now
    )
    return OutboundMessage.objects.get(pk=message_id) if updated else None


def deliver(message_id: str) -> str:
    """Send one message if it is due; record success or schedule the retry."""
    message = claim(message_id)
    if message is None:
        return "not due or already taken"
    try:
        _send(message)
    except Exception as error:  # noqa: BLE001 - any transport failure is retried
        attempts = message.attempts + 1
        gave_up = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        # Only while still ours: a message cancelled during the attempt stays cancelled.
        OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.SENDING).update(
            attempts=attempts,
            status=OutboundMessage.Status.FAILED if gave_up else OutboundMessage.Status.QUEUED,
            next_attempt_at=timezone.now() + retry_delay(attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
            **(_finished(message) if gave_up else {}),
        )
        logger.warning("delivery failed", extra={"message_id": str(message.pk), "attempts": attempts})
        return "failed"
    OutboundMessage.objects.filter(pk=message.pk).update(
        attempts=message.attempts + 1,
        status=OutboundMessage.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        **_finished(message),
    )
    return "sent"


def deliver_due(limit: int = 500) -> dict[str, int]:
    """Send every message whose time has come (the periodic sweep behind the tasks)."""
    now = timezone.now()
    due = OutboundMessage.objects.filter(
        Q(status=OutboundMessage.Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=OutboundMessage.Status.SENDING, claimed_at__lt=now - _STALE_CLAIM)
    ).values_list("pk", flat=True)[:limit]
    counts: dict[str, int] = {}
    for message_id in list(due):
        result = deliver(str(message_id))
        counts[result] = counts.get(result, 0) + 1
    return counts


def _send(message: OutboundMessage) -> None:
    if message.channel == OutboundMessage.Channel.EMAIL:
        email = EmailMultiAlternatives(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
        if message.html:
            email.attach_alternative(message.html, "text/html")
        email.send(fail_silently=False)
    elif message.channel == OutboundMessage.Channel.WEBHOOK:
        _post(message)
    else:
        get_sms_backend().send(SmsMessage(to=message.to, body=message.body))


def _post(message: OutboundMessage) -> None:
    """POST the body; any answer but 2xx (or no answer in time) is a failure to retry."""
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - the URL is a registered subscriber's https/http endpoint
        message.to, data=message.body.encode(), headers=dict(message.headers or {}), method="POST"
    )
    with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")
