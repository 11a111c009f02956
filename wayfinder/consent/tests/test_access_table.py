"""The permission table's extra cases: after revocation, and a general consent
facing Part 2 records (never shown without a Part 2 consent; the redisclosure
notice travels with every Part 2 disclosure)."""

from __future__ import annotations

import pytest

from wayfinder.consent import actions
from wayfinder.consent.access import REDISCLOSURE_NOTICE, record_access
from wayfinder.consent.models import Consent
from wayfinder.demo.residents import AMY_RESIDENT_ID, FOOD_BANK_ID
from wayfinder.residents.models import Note, Resident

pytestmark = pytest.mark.django_db

PART2_TEXT = "Attends outpatient opioid treatment at Bluegrass Recovery."


def _revoke(personas):
    consent = Consent.objects.get(resident_id=AMY_RESIDENT_ID, organization_id=FOOD_BANK_ID, revoked_at=None)
    actions.revoke_consent(consent, actor=personas["resident"])


def _part2_note(personas):
    from wayfinder.directory.models import Organization

    Note.objects.create(
        resident_id=AMY_RESIDENT_ID,
        organization=Organization.objects.get(pk=FOOD_BANK_ID),
        author=personas["food_bank_admin"],
        body=PART2_TEXT,
        part2=True,
    )


def _part2_consent(personas):
    from wayfinder.directory.models import Organization

    actions.grant_consent(
        resident=Resident.objects.get(pk=AMY_RESIDENT_ID),
        organization=Organization.objects.get(pk=FOOD_BANK_ID),
        actor=personas["resident"],
        scope="part2",
        signature_name="Amy Brand",
    )


SCENARIOS = {
    # name: (setup, persona, path suffix, method, expected status, must contain, must not contain)
    "revoked_detail": (_revoke, "food_bank_staff", "", "GET", 200, 'data-access="limited"', "Benefit cases"),
    "revoked_note": (_revoke, "food_bank_staff", "notes/", "POST", 404, "", ""),
    "revoked_admin": (_revoke, "food_bank_admin", "", "GET", 200, 'data-access="limited"', "Household"),
    "general_consent_part2_note": (_part2_note, "food_bank_staff", "", "GET", 200, "Notes", PART2_TEXT),
    "no_consent_part2_note": (_part2_note, "family_center_staff", "", "GET", 200, 'data-access="limited"', PART2_TEXT),
    "part2_consent": (
        lambda p: (_part2_note(p), _part2_consent(p)),
        "food_bank_staff",
        "",
        "GET",
        200,
        REDISCLOSURE_NOTICE,
        "",
    ),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_access_scenario(name, client, personas):
    setup, persona, suffix, method, status, present, absent = SCENARIOS[name]
    setup(personas)
    client.force_login(personas[persona])
    path = f"/clients/{AMY_RESIDENT_ID}/{suffix}"
    response = client.post(path, {"body": "x"}) if method == "POST" else client.get(path)
    assert response.status_code == status
    text = response.content.decode()
    if present:
        assert present in text
    if absent:
        assert absent not in text


def test_a_part2_consent_alone_never_opens_the_record(personas):
    _revoke(personas)
    _part2_consent(personas)
    access = record_access(personas["food_bank_staff"], Resident.objects.get(pk=AMY_RESIDENT_ID))
    assert access.level == "limited" and not access.part2


def test_part2_consent_records_the_required_elements(personas):
    _part2_consent(personas)
    consent = Consent.objects.get(resident_id=AMY_RESIDENT_ID, scope="part2", revoked_at=None)
    assert consent.part2_discloser and consent.part2_description and consent.part2_recipients
    assert consent.part2_expiry_event and consent.expires_at and consent.signature_name == "Amy Brand"
    assert consent.signed_at
