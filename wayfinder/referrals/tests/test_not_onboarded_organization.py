"""Staff of an organization that has not finished onboarding cannot work referrals
sent to it (issue #13 item 10): they get the Access Denied page with the way to
finish onboarding, nothing changes, and referral specialists work those referrals."""

from __future__ import annotations

import pytest

from wayfinder.audit.models import AuditEvent
from wayfinder.referrals import actions
from wayfinder.referrals.models import FollowUp, Referral, Status

from .conftest import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def to_shelter(world, personas):
    return actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=world.resident,
        service=world.shelter_beds,
        sending_organization=org("food_bank"),
        note="Needs a bed tonight",
    )


def _assert_access_denied(response):
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access Denied" in html
    assert 'href="/partners/join/"' in html and "Join as a Community Partner" in html
    assert 'href="/"' in html  # the directory stays open to them
    assert "Needs a bed tonight" not in html and "Amy" not in html


def test_staff_of_a_not_onboarded_organization_get_access_denied(client, to_shelter, personas):
    client.force_login(personas["shelter_staff"])
    base = f"/referrals/{to_shelter.pk}/"
    before = AuditEvent.objects.filter(action="access.denied").count()

    _assert_access_denied(client.get(base))
    _assert_access_denied(client.post(f"{base}notes/", {"body": "We have a bed"}))
    _assert_access_denied(client.post(f"{base}status/", {"status": Status.IN_PROGRESS, "version": 1}))
    _assert_access_denied(client.get(f"{base}close/"))
    _assert_access_denied(
        client.post(f"{base}close/", {"provided": "yes", "version": to_shelter.version, "experience": ""})
    )
    _assert_access_denied(client.get("/referrals/inbox/"))

    referral = Referral.objects.get(pk=to_shelter.pk)
    assert referral.status == Status.NEW and not referral.notes.exists()
    denials = AuditEvent.objects.filter(action="access.denied").order_by("seq")[before:]
    assert [d.data["reason"] for d in denials] == ["not_onboarded"] * 6


def test_a_referral_specialist_works_the_referral_instead(client, to_shelter, personas):
    assert FollowUp.objects.filter(referral=to_shelter, kind=FollowUp.Kind.NON_ONBOARDED).exists()
    client.force_login(personas["specialist"])
    assert client.get(f"/referrals/{to_shelter.pk}/").status_code == 200
    assert client.get(f"/referrals/{to_shelter.pk}/specialist-close/").status_code == 200


def test_the_access_denied_page_is_in_spanish(client, to_shelter, personas):
    client.force_login(personas["shelter_staff"])
    client.cookies["django_language"] = "es"
    html = client.get(f"/referrals/{to_shelter.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Acceso denegado" in html
