"""The rules the referrals app carries into other apps' pages (referrals/apps.py
registers them; wayfinder.lib.extension_points links them). Each is tested through
the page a person opens, so removing or renaming a provider fails here too."""

from __future__ import annotations

import datetime

import pytest

from wayfinder.referrals import actions
from wayfinder.residents import actions as resident_actions

from .conftest import make_service, org

pytestmark = pytest.mark.django_db


def _client_of_food_bank(personas):
    return resident_actions.create_client(
        organization=org("food_bank"),
        actor=personas["food_bank_staff"],
        first_name="Dolores",
        last_name="Quill",
        date_of_birth=datetime.date(1961, 2, 3),
        phone="859-555-0199",
    )


def test_it_shows_a_client_referred_by_organization_a_to_organization_b_limited(client, world, personas):
    """docs/product.md 4.3: a client created by A and referred to B is visible to B (limited,
    no consent needed) and stays invisible to an organization with no link."""
    resident = _client_of_food_bank(personas)
    path = f"/clients/{resident.pk}/"
    client.force_login(personas["family_center_staff"])
    assert client.get(path).status_code == 404  # B knows nothing of A's client yet

    actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=resident,
        service=world.formula,
        sending_organization=org("food_bank"),
        note="Two children under one",
    )
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-access="limited"' in html and "Dolores" in html
    assert "859-555-0199" not in html  # the contact A entered is A's, not B's

    client.force_login(personas["hospital_user"])
    assert client.get(path).status_code == 404  # no referral links the hospital


def test_the_read_of_a_referred_client_is_logged_with_the_referral_as_its_basis(client, world, personas):
    from wayfinder.audit.models import AuditEvent

    resident = _client_of_food_bank(personas)
    actions.create_referral(
        actor=personas["food_bank_staff"],
        resident=resident,
        service=world.formula,
        sending_organization=org("food_bank"),
    )
    client.force_login(personas["family_center_staff"])
    client.get(f"/clients/{resident.pk}/")
    event = AuditEvent.objects.filter(action="resident.viewed", resident_id=str(resident.pk)).last()
    assert event.legal_basis == "referral"


def test_the_resident_record_lists_the_referrals(client, referral, personas):
    client.force_login(personas["food_bank_staff"])
    html = client.get(f"/clients/{referral.resident_id}/").content.decode()
    assert "Free infant formula" in html and "No referrals yet" not in html


def test_my_plan_lists_the_residents_referrals(client, referral, personas):
    client.force_login(personas["resident"])
    html = client.get("/my-plan/").content.decode()
    assert "Free infant formula" in html and "No referrals yet" not in html


def test_the_service_page_shows_services_frequently_referred_together(client, world, personas):
    for service in (world.formula, world.child_care):
        actions.create_referral(
            actor=personas["food_bank_staff"],
            resident=world.resident,
            service=service,
            sending_organization=org("food_bank"),
        )
    html = client.get(f"/services/{world.formula.pk}/").content.decode()
    assert "Frequently paired together" in html
    assert f'href="/services/{world.child_care.pk}/"' in html
    lonely = make_service(org("family_center"), "Parenting classes")
    assert "Frequently paired together" not in client.get(f"/services/{lonely.pk}/").content.decode()
