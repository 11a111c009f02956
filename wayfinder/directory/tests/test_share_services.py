# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Sharing: My list in the session, email over real SMTP, text, link, print, PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wayfinder.notifications.sms import MemorySmsBackend

from .directory_fixture import sid
from .search_fixtures import directory, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db

PANTRY, DIAPERS = str(sid("pantry-lex")), str(sid("diapers-lou"))


def add(client, service_id: str):
    return client.post(reverse("directory:list_add"), {"service": service_id, "next": "/my-list/"})


def test_my_list_is_kept_in_the_session_without_sign_in(client, directory):
    assert add(client, PANTRY).status_code == 302
    add(client, DIAPERS)
    add(client, PANTRY)  # twice is once
    html = client.get("/my-list/").content.decode()
    assert html.count('<h2 class="result-name">') == 2
    client.post(reverse("directory:list_remove"), {"service": PANTRY})
    html = client.get("/my-list/").content.decode()
    assert "Community Food Pantry" not in html and "Diaper Bank" in html


def test_next_must_stay_on_this_site(client, directory):
    response = client.post(reverse("directory:list_add"), {"service": PANTRY, "next": "https://evil.example/"})
    assert response["Location"] == "/my-list/"


def test_share_my_list_by_email_over_smtp(client, directory, smtp_server, django_capture_on_commit_callbacks):
    add(client, PANTRY)
    add(client, DIAPERS)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:share"),
            {"s": f"{PANTRY},{DIAPERS}", "mine": "1", "email": "friend@example.org"},
        )
    assert response.status_code == 302
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "friend@example.org"
    assert "2 services shared with you" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Community Food Pantry" in body and "Diaper Bank" in body
    assert f"/shared/?s={PANTRY},{DIAPERS}" in body
    assert message.get_body(preferencelist=("html",)) is not None


def test_share_one_service_by_text(client, directory, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "wayfinder.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("directory:share"), {"s": PANTRY, "phone": "(859) 555-0199"})
    assert response.status_code == 302 and response["Location"] == f"/shared/?s={PANTRY}"
    (sms,) = MemorySmsBackend.outbox
    assert sms.to == "+18595550199"
    assert "Community Food Pantry" in sms.body and "859-555-0101" in sms.body and f"/shared/?s={PANTRY}" in sms.body


def test_share_needs_a_recipient_and_valid_numbers(client, directory):
    response = client.post(reverse("directory:share"), {"s": PANTRY})
    assert response.status_code == 400 and "Enter an email address or a phone number" in response.content.decode()
    response = client.post(reverse("directory:share"), {"s": PANTRY, "phone": "12345"})
    assert response.status_code == 400 and "10-digit" in response.content.decode()
    assert client.post(reverse("directory:share"), {"s": "not-an-id", "email": "a@example.org"}).status_code == 400


def test_the_copyable_link_opens_the_same_services(client, directory):
    add(client, PANTRY)
    add(client, DIAPERS)
    html = client.get("/my-list/").content.decode()
    assert f"/shared/?s={PANTRY},{DIAPERS}" in html and "data-copy-source" in html
    shared = client.get(f"/shared/?s={PANTRY},{DIAPERS}").content.decode()
    assert "Community Food Pantry" in shared and "Diaper Bank" in shared and "Shared services" in shared


def test_printable_page_is_clean(client, directory):
    html = client.get(f"/print/?s={PANTRY}").content.decode()
    assert "Community Food Pantry" in html and "859-555-0101" in html and "site-header" not in html


def test_pdf_is_rendered_from_the_same_template(client, directory):
    from io import BytesIO

    response = client.get(f"/print.pdf?s={PANTRY},{DIAPERS}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(BytesIO(data))
    assert "Community Food Pantry" in text and "Diaper Bank" in text


def pdf_text(stream) -> str:
    """Text of the PDF through poppler's pdftotext (scripts/ensure-system-packages.sh installs poppler-utils)."""
    import subprocess

    return subprocess.run(
        ["pdftotext", "-", "-"], input=stream.getvalue(), capture_output=True, check=True
    ).stdout.decode()
