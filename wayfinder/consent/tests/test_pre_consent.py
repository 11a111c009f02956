"""Pre-consent is the resident's own step (issue #13 item 1a): staff making a
referral only offer it, through the resident's contact on file; a resident
referring themselves may give it."""

from __future__ import annotations

import re

import pytest

from wayfinder.consent.models import Consent, ConsentRequest
from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.residents.models import Resident

pytestmark = pytest.mark.django_db


def _create_path(resident, service) -> str:
    return f"/referrals/new/{resident.pk}/?org={service.organization_id}&service={service.pk}"


def _send(client, resident, service, data: dict):
    """The staff referral form as a person sends it: opened, then sent with its token."""
    page = client.get(_create_path(resident, service)).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    return client.post(_create_path(resident, service), {"form_token": token, **data})


def test_staff_pre_consent_is_an_offer_the_resident_answers(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    formula = make_service(org("family_center"), "Free infant formula")
    client.force_login(personas["food_bank_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, amy, formula, {"note": "", "pre_consent": "on"})
    assert response.status_code == 302 and Referral.objects.filter(resident=amy, service=formula).exists()
    # Nothing is recorded by the staff member: the access stays limited.
    assert not Consent.objects.filter(resident=amy, organization=org("family_center")).exists()
    offer = ConsentRequest.objects.get(resident=amy, organization=org("family_center"))
    assert offer.kind == "pre_consent" and offer.contact.source == "eligibility"
    [email] = [m for m in mailoutbox if "share your record too?" in m.subject]
    assert email.to == [amy.contacts.get(kind="email").value] and "Marcus Hill referred you" in email.body
    link = re.search(r"https?://\S+/consent/r/\S+/", email.body).group(0)

    client.logout()
    page = client.get(link).content.decode()
    assert "Offered with your referral by Marcus Hill" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"decision": "grant"})
    consent = Consent.objects.get(resident=amy, organization=org("family_center"), revoked_at=None)
    assert consent.method == "pre_consent" and consent.recorded_by is None and consent.request_id == offer.pk
    assert any("/consent/x/" in m.body for m in mailoutbox)  # confirmed, with the revocation link


def test_no_offer_without_a_contact_the_resident_confirmed(client, personas):
    client.force_login(personas["food_bank_staff"])
    created = client.post(
        "/clients/new/",
        {"first_name": "Walk", "last_name": "In", "date_of_birth": "1990-01-01", "phone": "859-555-0188"},
    )
    walk_in = Resident.objects.get(first_name="Walk")
    assert created.status_code == 302
    formula = make_service(org("family_center"), "Free infant formula")
    response = _send(client, walk_in, formula, {"note": "", "pre_consent": "on"})
    assert response.status_code == 400
    assert "no contact on file that they confirmed" in response.content.decode()
    assert not Referral.objects.filter(resident=walk_in).exists()  # nothing half-done
    assert _send(client, walk_in, formula, {"note": ""}).status_code == 302


def test_a_resident_referring_themselves_may_share_their_record(client, personas):
    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    formula = make_service(org("family_center"), "Free infant formula")
    client.force_login(personas["resident"])
    page = client.get(f"/services/{formula.pk}/").content.decode()
    assert 'name="share_record"' in page
    # The service page's tick is carried to the confirmation step, still hers to untick.
    confirmation = client.post(f"/referrals/self/{formula.pk}/", {"share_record": "on"}).content.decode()
    assert re.search(r'<input type="checkbox" name="share_record"[^>]*checked', confirmation)
    assert not Consent.objects.filter(resident=amy, organization=org("family_center")).exists()  # nothing yet
    token = re.search(r'name="form_token" value="([^"]+)"', confirmation).group(1)
    client.post(f"/referrals/self/{formula.pk}/", {"step": "send", "form_token": token, "share_record": "on"})
    consent = Consent.objects.get(resident=amy, organization=org("family_center"), revoked_at=None)
    assert consent.method == "pre_consent" and consent.recorded_by == personas["resident"]


def test_a_self_referral_shares_nothing_unless_the_resident_ticks_it(client, personas):
    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    formula = make_service(org("family_center"), "Free infant formula")
    client.force_login(personas["resident"])
    confirmation = client.post(f"/referrals/self/{formula.pk}/", {"share_record": "on"}).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', confirmation).group(1)
    # Unticked on the confirmation step: the referral goes, the record stays hers.
    client.post(f"/referrals/self/{formula.pk}/", {"step": "send", "form_token": token})
    assert Referral.objects.filter(resident=amy, service=formula).count() == 1
    assert not Consent.objects.filter(resident=amy, organization=org("family_center")).exists()
