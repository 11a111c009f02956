"""Consent requested by text: the link arrives, opens without an account, grants in
one action, works once; staff then see the full record."""

from __future__ import annotations

import re

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.consent.models import Consent, ConsentRequest
from wayfinder.consent.tests.conftest import consent_request_data

pytestmark = pytest.mark.django_db


def _link(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def test_it_grants_consent_through_a_text_link(
    staff_client, jolene, sms_outbox, client, django_capture_on_commit_callbacks
):
    staff = staff_client("family_center_staff")
    page = staff.get(f"/clients/{jolene.pk}/")
    assert 'data-access="limited"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "text"))
    assert response.status_code == 302
    assert len(sms_outbox) == 1 and sms_outbox[0].to == "6065550101"
    assert "Lexington Family Resource Center" in sms_outbox[0].body
    link = _link(sms_outbox[0].body)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    stored = ConsentRequest.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only the hash is kept

    client.logout()
    landing = client.get(link)
    assert landing.status_code == 200 and landing["Referrer-Policy"] == "same-origin"
    assert "Lexington Family Resource Center asks to see your record" in landing.content.decode()
    assert "Jolene" not in landing.content.decode()  # the page shows nothing of the record
    done = client.post(link, {"decision": "grant"})
    assert done.status_code == 200 and "Consent given" in done.content.decode()
    consent = Consent.objects.get(resident=jolene)
    assert (consent.method, consent.scope, consent.request_id) == ("text_link", "general", stored.pk)
    assert AuditEvent.objects.filter(action="consent.granted", legal_basis=f"consent:{consent.pk}").exists()

    again = client.get(link)  # used once: it now says so, and asks nothing
    assert again.status_code == 200 and "Consent already given" in again.content.decode()
    assert "Yes, I agree" not in again.content.decode()
    staff = staff_client("family_center_staff")
    assert 'data-access="full"' in staff.get(f"/clients/{jolene.pk}/").content.decode()


def test_an_expired_link_grants_nothing(staff_client, jolene, sms_outbox, client, django_capture_on_commit_callbacks):
    staff = staff_client()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "text"))
    link = _link(sms_outbox[0].body)
    ConsentRequest.objects.update(expires_at="2000-01-01T00:00:00Z")
    client.logout()
    assert client.get(link).status_code == 404
    assert client.post(link, {"decision": "grant"}).status_code == 404
    assert not Consent.objects.filter(resident=jolene).exists()


def test_declining_records_the_answer_and_grants_nothing(
    staff_client, jolene, sms_outbox, client, django_capture_on_commit_callbacks
):
    staff = staff_client()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "text"))
    client.logout()
    response = client.post(_link(sms_outbox[0].body), {"decision": "decline"})
    assert "You declined" in response.content.decode()
    assert ConsentRequest.objects.get().status == "declined"
    assert not Consent.objects.filter(resident=jolene).exists()
    assert AuditEvent.objects.filter(action="consent.declined").exists()


def test_a_part2_request_needs_a_typed_signature(
    staff_client, jolene, sms_outbox, client, django_capture_on_commit_callbacks
):
    staff = staff_client()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "text", "part2"))
    link = _link(sms_outbox[0].body)
    client.logout()
    assert "42 CFR Part 2" in client.get(link).content.decode()
    unsigned = client.post(link, {"decision": "grant"})
    assert unsigned.status_code == 400 and "Type your full name" in unsigned.content.decode()
    assert not Consent.objects.filter(resident=jolene).exists()
    client.post(link, {"decision": "grant", "signature_name": "Jolene Caudill"})
    consent = Consent.objects.get(resident=jolene)
    assert consent.scope == "part2" and consent.signature_name == "Jolene Caudill" and consent.part2_description
