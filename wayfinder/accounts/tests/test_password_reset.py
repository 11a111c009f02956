"""Password reset: the email arrives at a real SMTP server and its link works."""

import re

import pytest

from conftest import message_text
from wayfinder.demo.personas import persona
from wayfinder.lib.http_testing import HttpClient

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_emails_a_working_reset_link(live_server, personas, smtp_server):
    email = persona("resident").email
    client = HttpClient(live_server.url)

    response = client.post_form("/accounts/password/reset/", {"email": email})
    assert response.url.endswith("/accounts/password/reset/done/")

    [message] = smtp_server.wait_for(1)
    assert message["To"] == email
    assert "Password Reset" in message["Subject"]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message_text(message)).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)

    form_page = client.get(link)
    assert form_page.status == 200
    changed = client.post_form(
        form_page.url,
        {"password1": "a new long passphrase 42", "password2": "a new long passphrase 42"},
        page=form_page,
    )
    assert changed.url.endswith("/accounts/password/reset/key/done/")

    fresh = HttpClient(live_server.url)
    signed_in = fresh.post_form("/accounts/login/", {"login": email, "password": "a new long passphrase 42"})
    assert signed_in.url.endswith("/my-plan/")

    reused = HttpClient(live_server.url).get(link)
    assert "Bad Token" in reused.text or "invalid" in reused.text.lower()


def test_it_does_not_reveal_unknown_addresses(live_server, personas, smtp_server):
    client = HttpClient(live_server.url)
    response = client.post_form("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.url.endswith("/accounts/password/reset/done/")
