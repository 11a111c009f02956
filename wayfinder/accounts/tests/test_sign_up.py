"""Residents sign up; the email address is verified through a link sent by SMTP."""

import re

import pytest

from conftest import message_text
from wayfinder.accounts.models import User
from wayfinder.lib.http_testing import HttpClient

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_signs_up_and_verifies_their_email(live_server, smtp_server):
    client = HttpClient(live_server.url)
    response = client.post_form(
        "/accounts/signup/",
        {
            "email": "new.resident@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.url.endswith("/accounts/confirm-email/")
    user = User.objects.get(email="new.resident@example.org")
    assert not user.memberships.exists()  # a resident: no staff role

    [message] = smtp_server.wait_for(1)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message_text(message)).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)
    confirm_page = client.get(link)
    assert confirm_page.status == 200
    client.post_form(link, {}, page=confirm_page)

    signed_in = HttpClient(live_server.url).post_form(
        "/accounts/login/", {"login": "new.resident@example.org", "password": "a long and unusual passphrase"}
    )
    assert signed_in.url.endswith("/my-plan/")


def test_weak_and_mismatched_passwords_are_refused(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "x@example.org", "password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": "a long passphrase 1", "password2": "another one 2"},
    )
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()
