"""The record page by access level, the needs banner, notes."""

from __future__ import annotations

import pytest

from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.residents.models import Note

pytestmark = pytest.mark.django_db


def test_with_consent_the_full_record_shows(client, personas):
    client.force_login(personas["food_bank_staff"])
    page = client.get(f"/clients/{AMY_RESIDENT_ID}/").content.decode()
    for text in (
        "Household",
        "Noah",
        "SNAP",
        "5900000001",
        "(859) 555-0142",
        "due for a first needs assessment",
        "No referrals yet",
    ):
        assert text in page or (text == "No referrals yet" and "Referral activity" in page)


def test_without_consent_only_the_name_shows(client, personas):
    client.force_login(personas["family_center_staff"])
    page = client.get(f"/clients/{AMY_RESIDENT_ID}/").content.decode()
    assert "Amy Brand" in page and "Request consent" in page
    for hidden in ("Noah", "5900000001", "1988-04-12", "8595550142", "(859) 555-0142", "412 Chestnut"):
        assert hidden not in page


def test_notes_are_shared_with_organizations_holding_consent(client, personas):
    client.force_login(personas["food_bank_staff"])
    assert client.post(f"/clients/{AMY_RESIDENT_ID}/notes/", {"body": "Prefers morning calls."}).status_code == 302
    note = Note.objects.get()
    assert note.author == personas["food_bank_staff"] and note.organization.name == "Bluegrass Community Food Bank"
    client.force_login(personas["food_bank_admin"])
    assert "Prefers morning calls." in client.get(f"/clients/{AMY_RESIDENT_ID}/").content.decode()
    client.force_login(personas["family_center_staff"])
    assert "Prefers morning calls." not in client.get(f"/clients/{AMY_RESIDENT_ID}/").content.decode()
