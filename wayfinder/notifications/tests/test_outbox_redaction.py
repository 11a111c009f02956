"""Sent outbox rows keep no usable one-time link (issue #13 item 11): welcome
links, consent links and codes, revocation and contact-confirmation links, and
password resets are cut out once the message is delivered (or given up)."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from conftest import message_text
from wayfinder.notifications import services
from wayfinder.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db(transaction=True)

REDACTED = services.REDACTED


def test_a_delivered_message_keeps_no_one_time_link(smtp_server):
    link = "https://wayfinder.example/consent/r/s3cr3t-token/"
    with transaction.atomic():
        message = services.queue_email(
            to="resident@example.org",
            subject="Consent",
            body=f"Open {link} or reply YES 4821",
            html=f'<a href="{link}">Open</a>',
            kind="consent_request",
            one_time=[link, "4821"],
        )
        assert link in OutboundMessage.objects.get(pk=message.pk).body  # needed until it is sent
    [received] = smtp_server.wait_for(1)
    assert link in message_text(received) and "4821" in message_text(received)  # the resident gets it
    message.refresh_from_db()
    assert message.status == "sent" and message.redacted_at is not None
    assert link not in message.body and "4821" not in message.body and "s3cr3t" not in message.html
    assert message.body == f"Open {REDACTED} or reply YES {REDACTED}"
    assert message.redacted_body == "" and message.redacted_html == ""


def test_a_message_given_up_is_redacted_too(settings, smtp_server):
    settings.EMAIL_PORT = 1  # nothing listens there
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    message = services.queue_email(
        to="a@example.org", subject="x", body="go to https://x.test/once/", one_time=["https://x.test/once/"]
    )
    message.refresh_from_db()
    assert message.status == "failed" and "https://x.test/once/" not in message.body


def test_a_message_waiting_for_a_retry_keeps_its_link(settings, smtp_server):
    settings.EMAIL_PORT = 1
    message = services.queue_email(
        to="a@example.org", subject="x", body="go to https://x.test/once/", one_time=["https://x.test/once/"]
    )
    message.refresh_from_db()
    assert message.status == "queued" and "https://x.test/once/" in message.body


def test_password_reset_links_are_cut_after_delivery(smtp_server, personas, client):
    from wayfinder.demo.personas import persona

    client.post("/accounts/password/reset/", {"email": persona("resident").email})
    [received] = smtp_server.wait_for(1)
    reset_link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message_text(received)).group(0)
    row = OutboundMessage.objects.get(kind="password_reset_key")
    assert row.status == "sent" and reset_link not in row.body and REDACTED in row.body


def test_welcome_links_are_cut_after_delivery(smtp_server, personas, client):
    client.force_login(personas["food_bank_admin"])
    client.post(
        "/partners/workspace/staff/add/", {"full_name": "Ana Ruiz", "email": "ana@example.org", "role": "staff"}
    )
    [received] = smtp_server.wait_for(1)
    welcome = re.search(r"https?://\S+/partners/welcome/\S+/", message_text(received)).group(0)
    row = OutboundMessage.objects.get(kind="partner_welcome")
    assert row.status == "sent" and welcome not in row.body and REDACTED in row.body
    token = welcome.rstrip("/").rsplit("/", 1)[-1]
    assert token not in row.body


def test_consent_links_are_cut_after_delivery(smtp_server, personas, client):
    from wayfinder.consent.tests.conftest import consent_request_data
    from wayfinder.demo.residents import AMY_RESIDENT_ID
    from wayfinder.residents.models import Resident

    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    client.force_login(personas["family_center_staff"])
    client.post(f"/consent/request/{amy.pk}/", consent_request_data(amy, "email"))
    [received] = smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/consent/r/\S+/", message_text(received)).group(0)
    row = OutboundMessage.objects.get(kind="consent_request")
    assert row.status == "sent" and link not in row.body
    # The resident's link still works: only the stored copy lost it.
    client.logout()
    assert client.get(link).status_code == 200
