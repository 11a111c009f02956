"""'Frequently paired together' comes from real referral history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wayfinder.directory.service_page import paired_services
from wayfinder.referrals import actions
from wayfinder.referrals.hooks import paired_history
from wayfinder.referrals.tests.conftest import org

pytestmark = pytest.mark.django_db


def test_services_referred_together_are_paired_most_often_first(personas, world):
    staff, food_bank = personas["food_bank_staff"], org("food_bank")
    now = timezone.now()
    for service in (world.formula, world.child_care, world.pantry):
        actions.create_referral(
            actor=staff, resident=world.resident, service=service, sending_organization=food_bank, now=now
        )
    # Long after: not "together".
    actions.create_referral(
        actor=staff, resident=world.resident, service=world.shelter_beds, sending_organization=food_bank,
        now=now + timedelta(days=90),
    )  # fmt: skip

    paired = paired_services(world.formula, history=paired_history(world.formula.pk))
    assert {service.name for service in paired} == {"Child care referrals", "Weekly food pantry"}
    assert paired_services(world.shelter_beds, history=paired_history(world.shelter_beds.pk)) == []


def test_no_history_means_no_pairs(world):
    assert paired_services(world.formula, history=paired_history(world.formula.pk)) == []


def test_the_service_page_shows_services_referred_together(client, personas, world):
    staff, food_bank = personas["food_bank_staff"], org("food_bank")
    for service in (world.formula, world.child_care):
        actions.create_referral(actor=staff, resident=world.resident, service=service, sending_organization=food_bank)
    page = client.get(f"/services/{world.formula.pk}/").content.decode()
    assert "Frequently paired together" in page
    assert "Child care referrals" in page


def test_a_signed_in_resident_sees_refer_myself(client, personas, world):
    client.force_login(personas["resident"])
    assert "Refer myself to this service" in client.get(f"/services/{world.pantry.pk}/").content.decode()
    client.force_login(personas["food_bank_staff"])
    page = client.get(f"/services/{world.pantry.pk}/").content.decode()
    assert "Refer myself" not in page and "Add to favorites" in page
