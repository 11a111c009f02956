"""Email and text messages go through the outbox: sent after commit, retried, never lost."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from wayfinder.notifications import services
from wayfinder.notifications.models import OutboundMessage
from wayfinder.notifications.sms import MemorySmsBackend

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_email_is_sent_over_smtp_after_commit(smtp_server):
    with transaction.atomic():
        message = services.queue_email(to="resident@example.org", subject="Your referral", body="Hello")
        assert smtp_server.messages == []
    [received] = smtp_server.wait_for(1)
    assert received["Subject"] == "Your referral"
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.attempts == 1


def test_nothing_is_sent_when_the_cause_rolls_back(smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.queue_email(to="resident@example.org", subject="Never", body="Hello")
        raise RuntimeError("the action failed")
    assert OutboundMessage.objects.count() == 0
    assert smtp_server.messages == []


def test_a_failed_delivery_is_kept_and_retried(settings, smtp_server):
    settings.EMAIL_PORT = 1  # nothing listens there
    message = services.queue_email(to="resident@example.org", subject="Retry me", body="Hello")
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > timezone.now()

    settings.EMAIL_PORT = smtp_server.port
    assert services.deliver_due() == {}  # not due yet
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert services.deliver_due() == {"sent": 1}
    smtp_server.wait_for(1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 2)


def test_it_gives_up_after_the_last_attempt_but_keeps_the_message(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    message = services.queue_email(to="resident@example.org", subject="Doomed", body="Hello")
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    services.deliver(str(message.pk))
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert message.attempts == 2


def test_two_workers_never_send_the_same_message(settings):
    settings.SMS_BACKEND = "wayfinder.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    message = services.queue_sms(to="+15025550100", body="Your code is 1234")
    first = services.claim(str(message.pk))
    second = services.claim(str(message.pk))
    assert first is not None and second is None


def test_text_messages_use_the_configured_backend(settings):
    settings.SMS_BACKEND = "wayfinder.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    services.queue_sms(to="+15025550100", body="Wayfinder: you were referred to Hope Street Shelter")
    assert [(m.to, m.body) for m in MemorySmsBackend.outbox] == [
        ("+15025550100", "Wayfinder: you were referred to Hope Street Shelter")
    ]
