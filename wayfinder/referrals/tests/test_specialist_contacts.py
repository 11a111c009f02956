"""The specialists' queue can be worked (issue #14, item 4): each item shows the
partner's public contacts and the outreach so far; the resident's contact on file
opens only on a "confirm with the resident" follow-up, and that read is audited
and shown to the resident."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wayfinder.audit.models import AuditEvent
from wayfinder.audit.names import RESIDENT_CONTACT_VIEWED as CONTACT_VIEWED
from wayfinder.referrals import actions, closing, followups
from wayfinder.referrals.models import FollowUp
from wayfinder.referrals.tests.conftest import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialist(client, personas):
    client.force_login(personas["specialist"])
    return client


@pytest.fixture
def stale(personas, world):
    referral = actions.create_referral(
        actor=personas["food_bank_staff"], resident=world.resident, service=world.formula,
        sending_organization=org("food_bank"), now=timezone.now() - timedelta(days=9),
    )  # fmt: skip
    followups.run_followups()
    return FollowUp.objects.get(referral=referral, kind=FollowUp.Kind.STALE_OPEN)


@pytest.fixture
def confirm(personas, world):
    referral = actions.create_referral(
        actor=personas["food_bank_staff"], resident=world.resident, service=world.child_care,
        sending_organization=org("food_bank"),
    )  # fmt: skip
    closing.close_referral(
        actor=personas["family_center_staff"], referral=referral, expected_version=1, provided=True, experience="ok",
        now=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    followups.run_followups()
    return FollowUp.objects.get(referral=referral, kind=FollowUp.Kind.CONFIRM_WITH_RESIDENT)


def test_the_queue_shows_the_partners_contacts_and_the_outreach_so_far(specialist, personas, stale):
    followups.record_outreach(
        specialist=personas["specialist"], follow_up=stale, method="phone", result="left_message",
        notes="Voicemail at the front desk",
    )  # fmt: skip
    html = specialist.get("/referrals/follow-ups/").content.decode()
    item = html[html.index(f'data-follow-up="{stale.pk}"') :]
    assert "(859) 555-0142" in item[:3000]  # the service's public phone, as people write it
    assert "Left a message" in item[:3000] and "Voicemail at the front desk" in item[:3000]
    assert "Luis Ortega" in item[:3000]
    assert "8595550142" not in html  # no resident phone in the queue itself


def test_an_item_page_keeps_the_history_and_records_more(specialist, stale):
    url = f"/referrals/follow-ups/{stale.pk}/"
    response = specialist.post(
        f"{url}outreach/", {"method": "email", "result": "reached", "notes": "Partner will call her", "from": "item"}
    )
    assert response.status_code == 302 and response["Location"] == url
    html = specialist.get(url).content.decode()
    assert "Reached" in html and "Partner will call her" in html
    assert "data-resident-contacts" not in html  # outreach to the partner: no resident contacts
    assert not AuditEvent.objects.filter(action=CONTACT_VIEWED).exists()


def test_a_confirm_follow_up_shows_the_residents_contact_and_audits_the_read(specialist, personas, world, confirm):
    html = specialist.get(f"/referrals/follow-ups/{confirm.pk}/").content.decode()
    assert "data-resident-contacts" in html
    assert "(859) 555-0142" in html and "amy.brand@demo.wayfinder.test" in html
    event = AuditEvent.objects.get(action=CONTACT_VIEWED)
    assert event.actor_id == personas["specialist"].pk and event.resident_id == str(world.resident.pk)
    assert (event.legal_basis, event.purpose) == ("referral_followup", "confirm_need_met")

    # Amy sees that read in "Who viewed my record".
    specialist.force_login(personas["resident"])
    page = specialist.get("/my-plan/who-viewed/").content.decode()
    assert "Luis Ortega" in page and "A follow-up call about your referral" in page
    assert "United Way referral specialists" in page and "Your contact details" in page


def test_an_item_page_names_the_resident_so_its_view_is_a_read_of_her_referral(specialist, personas, stale):
    specialist.get(f"/referrals/follow-ups/{stale.pk}/")
    read = AuditEvent.objects.get(action="referral.viewed")
    assert read.actor_id == personas["specialist"].pk and read.resident_id == str(stale.referral.resident_id)
    assert read.legal_basis == "referral_specialist"
    assert AuditEvent.objects.filter(action="referral.listed").count() == 0  # the queue was not opened

    specialist.get("/referrals/follow-ups/")
    listed = AuditEvent.objects.get(action="referral.listed")
    assert listed.data["box"] == "specialist_queue" and str(stale.referral_id) in listed.data["referrals"]


def test_contacts_entered_by_unrelated_organizations_stay_hidden(specialist, world, confirm):
    from wayfinder.residents.models import ContactPoint, Source

    ContactPoint.objects.create(
        resident=world.resident, kind="phone", value="+15025550199", source=Source.ORGANIZATION,
        organization=org("dcbs"),
    )  # fmt: skip
    html = specialist.get(f"/referrals/follow-ups/{confirm.pk}/").content.decode()
    assert "(502) 555-0199" not in html


def test_the_referral_page_shows_a_specialist_the_partners_contacts_and_its_follow_ups(specialist, stale):
    html = specialist.get(f"/referrals/{stale.referral_id}/").content.decode()
    assert "(859) 555-0142" in html and f"/referrals/follow-ups/{stale.pk}/" in html


def test_only_specialists_open_an_item(client, personas, stale):
    for key in ("food_bank_staff", "family_center_staff", "reviewer", "resident"):
        client.force_login(personas[key])
        assert client.get(f"/referrals/follow-ups/{stale.pk}/").status_code == 403, key
