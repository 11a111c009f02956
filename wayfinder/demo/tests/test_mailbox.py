"""The demo mailbox (issue #14 item 5): every email and text the demo sent, newest
first, links clickable, in demo mode only; outside it the page does not exist and
nothing is copied."""

from __future__ import annotations

import re

import pytest

from wayfinder.demo.models import DemoMessage
from wayfinder.demo.personas import persona
from wayfinder.notifications.services import queue_sms

pytestmark = pytest.mark.django_db


def ask_for_a_password_reset(client, email: str) -> None:
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302 and response["Location"].endswith("/accounts/password/reset/done/")


def test_the_mailbox_shows_what_the_demo_sent_with_working_links(client, settings, personas):
    settings.DEMO_MODE = True
    ask_for_a_password_reset(client, persona("resident").email)
    queue_sms(to="+18595550123", body="Your referral was received.", kind="test")

    page = client.get("/demo/mailbox/")

    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert html.index("Text message") < html.index("Password Reset")  # newest first
    assert persona("resident").email in html and "+18595550123" in html
    [link] = re.findall(r'<a href="(https?://[^"]+/accounts/password/reset/key/[^"]+)"', html)
    form = client.get(re.sub(r"^https?://[^/]+", "", link))
    assert form.status_code in (200, 302)  # allauth moves the key into the session, then shows the form
    if form.status_code == 302:
        form = client.get(form["Location"])
    assert form.status_code == 200 and b"password1" in form.content


def test_outside_demo_mode_nothing_is_copied_and_the_page_does_not_exist(client, settings, personas):
    settings.DEMO_MODE = False
    ask_for_a_password_reset(client, persona("resident").email)

    assert DemoMessage.objects.count() == 0
    assert client.get("/demo/mailbox/").status_code == 404


def test_the_admin_outbox_lists_recipient_and_subject(client, personas):
    from wayfinder.notifications.models import OutboundMessage

    ask_for_a_password_reset(client, persona("resident").email)
    message = OutboundMessage.objects.get()
    client.force_login(personas["system_admin"])
    page = client.get("/admin/notifications/outboundmessage/").content.decode()
    assert message.to in page and message.subject in page
