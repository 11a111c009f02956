"""Revocation applies to the very next request, and a stale form cannot undo it."""

from __future__ import annotations

import pytest

from wayfinder.consent import actions
from wayfinder.consent.models import Consent
from wayfinder.consent.statements import VERBAL_STATEMENTS
from wayfinder.demo.residents import AMY_RESIDENT_ID, FOOD_BANK_ID

pytestmark = pytest.mark.django_db


def test_the_next_page_view_after_revocation_is_limited(client, personas):
    staff = personas["food_bank_staff"]
    client.force_login(staff)
    assert 'data-access="full"' in client.get(f"/clients/{AMY_RESIDENT_ID}/").content.decode()

    client.force_login(personas["resident"])
    consent = Consent.objects.get(resident_id=AMY_RESIDENT_ID, organization_id=FOOD_BANK_ID, revoked_at=None)
    page = client.get("/my-plan/consents/").content.decode()
    assert "Bluegrass Community Food Bank" in page
    response = client.post(f"/my-plan/consents/{consent.pk}/revoke/", {"version": consent.version})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at and consent.revoked_by == personas["resident"] and consent.revoked_reason == "resident"

    client.force_login(staff)
    page = client.get(f"/clients/{AMY_RESIDENT_ID}/").content.decode()
    assert 'data-access="limited"' in page and "SNAP" not in page


def test_a_stale_version_is_refused(personas):
    consent = Consent.objects.get(resident_id=AMY_RESIDENT_ID, revoked_at=None)
    with pytest.raises(actions.ConsentChanged):
        actions.revoke_consent(consent, actor=personas["resident"], expected_version=consent.version + 5)
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_a_resident_cannot_revoke_someone_elses_consent(client, personas, jolene):
    from wayfinder.directory.models import Organization

    other = actions.record_verbal_consent(
        resident=jolene,
        organization=Organization.objects.get(pk=FOOD_BANK_ID),
        actor=personas["food_bank_staff"],
        acknowledged=[code for code, _text in VERBAL_STATEMENTS],
    )
    client.force_login(personas["resident"])
    assert client.post(f"/my-plan/consents/{other.pk}/revoke/", {"version": other.version}).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None and other.method == "verbal"
