"""My Plan: connecting an account by verification, settings, printing."""

from __future__ import annotations

import pytest

from wayfinder.accounts.models import User
from wayfinder.audit.models import AuditEvent
from wayfinder.demo.residents import AMY_INDIVIDUAL_ID, AMY_RESIDENT_ID, AMY_SNAP_CASE
from wayfinder.residents.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlinked(client, personas):
    Resident.objects.filter(pk=AMY_RESIDENT_ID).update(user=None, linked_at=None)
    user = personas["resident"]
    client.force_login(user)
    return client


def test_an_unlinked_resident_is_asked_to_connect(unlinked):
    assert "Connect my record" in unlinked.get("/my-plan/").content.decode()
    assert unlinked.get("/my-plan/consents/")["Location"] == "/my-plan/connect/"


def test_linking_needs_id_birth_date_and_case_digits_not_a_name(unlinked, personas):
    good = {"individual_id": AMY_INDIVIDUAL_ID.lower(), "date_of_birth": "1988-04-12", "case_last4": AMY_SNAP_CASE[-4:]}
    response = unlinked.post("/my-plan/connect/", {**good, "case_last4": "9999"})
    assert "do not match" in response.content.decode()
    assert Resident.objects.get(pk=AMY_RESIDENT_ID).user_id is None
    assert unlinked.post("/my-plan/connect/", good).status_code == 302
    assert Resident.objects.get(pk=AMY_RESIDENT_ID).user == personas["resident"]
    actions = list(AuditEvent.objects.filter(actor_id=personas["resident"].pk).values_list("action", flat=True))
    assert "resident.link_failed" in actions and "resident.account_linked" in actions


def test_linking_is_throttled(unlinked):
    bad = {"individual_id": AMY_INDIVIDUAL_ID, "date_of_birth": "1988-04-12", "case_last4": "0000"}
    for _attempt in range(5):
        unlinked.post("/my-plan/connect/", bad)
    good = {**bad, "case_last4": AMY_SNAP_CASE[-4:]}
    assert "Too many tries" in unlinked.post("/my-plan/connect/", good).content.decode()
    assert Resident.objects.get(pk=AMY_RESIDENT_ID).user_id is None


def test_privacy_settings_are_saved(client, personas):
    client.force_login(personas["resident"])
    assert client.post("/my-plan/privacy/", {"notification_channel": "sms", "language": "es"}).status_code == 302
    resident = Resident.objects.get(pk=AMY_RESIDENT_ID)
    assert (resident.notification_channel, resident.preferred_language) == ("sms", "es")
    assert User.objects.get(pk=personas["resident"].pk).preferred_language == "es"


def test_print_my_history_is_a_pdf(client, personas):
    client.force_login(personas["resident"])
    response = client.get("/my-plan/history.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_my_plan_lists_consents_and_the_first_assessment_state(client, personas):
    client.force_login(personas["resident"])
    page = client.get("/my-plan/").content.decode()
    assert "Bluegrass Community Food Bank" in page and "not taken a needs assessment" in page


def test_residents_grant_consent_from_my_plan(client, personas):
    from wayfinder.consent.models import Consent
    from wayfinder.demo.residents import ORGANIZATIONS

    family_center = next(o.id for o in ORGANIZATIONS if o.key == "family_center")
    client.force_login(personas["resident"])
    response = client.post("/my-plan/consents/grant/", {"organization": family_center, "scope": "general"})
    assert response.status_code == 302
    consent = Consent.objects.get(resident_id=AMY_RESIDENT_ID, organization_id=family_center)
    assert consent.method == "resident_account" and consent.recorded_by == personas["resident"]
    response = client.post("/my-plan/consents/grant/", {"organization": family_center, "scope": "part2"})
    assert response.status_code == 400 and "Type your full name" in response.content.decode()
