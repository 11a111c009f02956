# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""The anonymous share form is not a spam or SMS-pumping relay (issue #13 item 9):
the review's 30 posts from fresh sessions queued 30 emails and 30 texts carrying a
phishing link in the note."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wayfinder.notifications.models import OutboundMessage

from .directory_fixture import sid
from .search_fixtures import directory, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db

PANTRY = str(sid("pantry-lex"))
PHISHING = "Your benefits are suspended, log in at https://kynect-verify.example/login"


def fresh_post(data: dict, ip: str = "203.0.113.7"):
    """A new browser session each time, as the review's script did."""
    return Client(REMOTE_ADDR=ip).post(reverse("directory:share"), {"s": PANTRY, **data})


def test_anonymous_shares_carry_no_free_text(directory):
    page = Client().get(f"/shared/?s={PANTRY}").content.decode()
    assert 'name="note"' not in page
    assert fresh_post({"email": "victim@example.org", "note": PHISHING}).status_code == 302
    [message] = OutboundMessage.objects.all()
    assert "kynect-verify" not in message.body and "kynect-verify" not in message.html
    assert "suspended" not in message.subject


def test_signed_in_staff_may_add_a_note(directory, client, personas):
    client.force_login(personas["food_bank_staff"])
    assert 'name="note"' in client.get(f"/shared/?s={PANTRY}").content.decode()
    client.post(reverse("directory:share"), {"s": PANTRY, "email": "client@example.org", "note": "Call them Monday"})
    assert "Call them Monday" in OutboundMessage.objects.get().body


def test_thirty_fresh_sessions_from_one_address_queue_few_messages(directory):
    statuses = [
        fresh_post({"email": f"victim{n}@example.org", "phone": f"859555{n:04d}", "note": PHISHING}).status_code
        for n in range(30)
    ]
    assert statuses.count(302) == 20 and statuses[20:] == [429] * 10  # the per-address hourly limit
    assert OutboundMessage.objects.count() == 40  # 20 shares, an email and a text each
    assert not OutboundMessage.objects.filter(body__contains="kynect-verify").exists()


def test_one_destination_is_limited_whichever_address_posts(directory):
    emails = [fresh_post({"email": "victim@example.org"}, ip=f"198.51.100.{n}").status_code for n in range(8)]
    assert emails == [302] * 5 + [429] * 3
    texts = [fresh_post({"phone": "859-555-0199"}, ip=f"192.0.2.{n}").status_code for n in range(6)]
    assert texts == [302] * 3 + [429] * 3  # at most 3 texts a day to one number
    assert OutboundMessage.objects.filter(channel="sms", to="+18595550199").count() == 3
    # Other people's destinations are not affected.
    assert fresh_post({"phone": "859-555-0200"}, ip="192.0.2.99").status_code == 302


def test_a_refused_share_does_not_count(directory):
    for n in range(3):
        fresh_post({"phone": "859-555-0199"}, ip=f"192.0.2.{n}")
    assert fresh_post({"email": "friend@example.org", "phone": "859-555-0199"}).status_code == 429
    # The refused share sent nothing and did not use the email's allowance.
    assert [fresh_post({"email": "friend@example.org"}, ip=f"203.0.113.{100 + n}").status_code for n in range(5)] == [
        302
    ] * 5
