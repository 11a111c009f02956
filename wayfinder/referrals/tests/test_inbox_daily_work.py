"""The inbox as staff use it every day (issue #14, item 8): the dashboard shows the
newest referrals, client-name search forgives typos and nicknames like client
search does, and only people who finished onboarding can be given a referral."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wayfinder.accounts.models import Membership, User
from wayfinder.partners.models import OnboardingProgress
from wayfinder.referrals import actions
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import org
from wayfinder.residents.models import Resident, Source

pytestmark = pytest.mark.django_db


def resident(first: str, last: str) -> Resident:
    return Resident.objects.create(
        first_name=first, last_name=last, date_of_birth=datetime.date(1980, 1, 2), source=Source.ELIGIBILITY
    )


def refer(personas, world, person) -> Referral:
    return actions.create_referral(
        actor=personas["food_bank_staff"], resident=person, service=world.formula, sending_organization=org("food_bank")
    )


@pytest.fixture
def inbox(personas, world):
    """Three referrals received by the family center."""
    return {
        name: refer(personas, world, resident(*name.split())) for name in ("William Johnson", "Maria Pena", "Amy Brand")
    }


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("johnson", ["William Johnson"]),
        ("Jonson", ["William Johnson"]),  # sounds alike
        ("Bill Johnson", ["William Johnson"]),  # nickname
        ("Peña", ["Maria Pena"]),  # accents
        ("Bradn", ["Amy Brand"]),  # a typo the sound-alike key misses
        ("bra", ["Amy Brand"]),  # part of a name
        ("Xavier", []),
    ],
)
def test_client_name_search_is_forgiving(client, personas, inbox, typed, found):
    client.force_login(personas["family_center_staff"])
    page = client.get("/referrals/inbox/", {"client": typed}).content.decode()
    shown = [name for name in inbox if name in page]
    assert shown == found, (typed, shown)


def test_the_list_comes_before_collapsed_filters(client, personas, inbox):
    client.force_login(personas["family_center_staff"])
    html = client.get("/referrals/inbox/").content.decode()
    assert '<details class="filters card">' in html  # closed: one line above the list
    assert "William Johnson" in html
    filtered = client.get("/referrals/inbox/", {"status": "new", "client": "amy"}).content.decode()
    assert "(2 in use)" in filtered
    wrong = client.get("/referrals/inbox/", {"created_from": "not a date"}).content.decode()
    assert '<details class="filters card" open>' in wrong


def test_people_still_in_onboarding_cannot_be_assigned(client, personas, referral):
    newcomer = User.objects.create_user("new.staff@lexfamilycenter.example", "a long passphrase 1", full_name="Nia New")
    Membership.objects.create(user=newcomer, organization=org("family_center"), role="staff")
    OnboardingProgress.objects.create(user=newcomer)
    receiver = personas["family_center_staff"]
    client.force_login(receiver)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Rosa Delgado" in page and "Nia New" not in page
    assert "Nia New" not in client.get("/referrals/inbox/").content.decode()
    response = client.post(f"/referrals/{referral.pk}/assign/", {"assignee": str(newcomer.pk), "version": 1})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.assigned_to is None
    with pytest.raises(ValidationError, match="has not finished onboarding"):
        actions.assign(actor=receiver, referral=referral, assignee=newcomer, expected_version=1)

    OnboardingProgress.objects.filter(user=newcomer).update(completed_at=timezone.now())
    assert "Nia New" in client.get(f"/referrals/{referral.pk}/").content.decode()


def test_the_dashboard_shows_the_newest_referrals_received(client, personas, inbox):
    client.force_login(personas["family_center_staff"])
    html = client.get("/partners/workspace/").content.decode()
    newest = html[html.index("Newest in your inbox") :]
    assert all(f">{name}</a>" in newest for name in ("Amy Brand", "Maria Pena", "William Johnson"))
    assert newest.index("Amy Brand") < newest.index("William Johnson")  # newest first
    assert "Open the referral inbox" in html


def test_an_organization_not_onboarded_is_told_who_works_its_referrals(client, personas):
    client.force_login(personas["shelter_staff"])
    html = client.get("/partners/workspace/").content.decode()
    assert "handled by United Way referral specialists" in html
    assert "/referrals/inbox/" not in html  # its staff cannot open an inbox: no link to one
