"""The organization type decides who is offered the AHC HRSN, and the Part 2 flag marks
what its staff record: both set by a United Way reviewer on the real pages, audited;
a bad type is refused and changes nothing."""

from __future__ import annotations

import uuid

import pytest

from wayfinder.assessments.actions import submit_assessment
from wayfinder.assessments.loading import ensure_shipped
from wayfinder.audit.models import AuditEvent
from wayfinder.partners.models import Partner

from .conftest import AMY, ahc, org

pytestmark = pytest.mark.django_db


def set_type(client, organization, **data):
    return client.post(f"/partners/review/organizations/{organization.pk}/", data)


def test_a_reviewer_makes_the_food_bank_a_provider_office_and_its_staff_are_offered_the_ahc(client, personas, amy):
    food_bank = org("food_bank")
    client.force_login(personas["food_bank_staff"])
    assert client.get(f"/assessments/clients/{AMY}/ahc-hrsn/").status_code == 403
    client.force_login(personas["reviewer"])
    assert set_type(client, food_bank, kind="provider_office").status_code == 302
    event = AuditEvent.objects.get(action="partner.type_changed")
    assert event.data["after"] == {"kind": "provider_office", "part2_program": False}
    assert event.actor_id == personas["reviewer"].pk
    client.force_login(personas["food_bank_staff"])
    assert client.get(f"/assessments/clients/{AMY}/ahc-hrsn/").status_code == 200
    assert "Start AHC HRSN screening" in client.get(f"/clients/{AMY}/").content.decode()


def test_the_part2_flag_marks_what_the_programs_staff_complete(client, personas, amy):
    food_bank = org("food_bank")
    client.force_login(personas["reviewer"])
    assert set_type(client, food_bank, kind="provider_office", part2_program="on").status_code == 302
    assert Partner.objects.get(organization=food_bank).part2_program
    done = submit_assessment(
        questionnaire=ensure_shipped("ahc-hrsn"),
        resident=amy,
        answers=ahc(q93030_5="LA33-6"),
        actor=personas["food_bank_staff"],
        organization=food_bank,
        submission_key=uuid.uuid4(),
    )
    assert done.assessment.part2 and done.needs[0].need.part2 and done.needs[0].source.part2


def test_a_bad_type_is_refused_and_changes_nothing(client, personas):
    food_bank = org("food_bank")
    before = Partner.objects.filter(organization=food_bank).values("kind", "part2_program").get()
    client.force_login(personas["reviewer"])
    response = set_type(client, food_bank, kind="casino")
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert Partner.objects.filter(organization=food_bank).values("kind", "part2_program").get() == before
    assert not AuditEvent.objects.filter(action="partner.type_changed").exists()
    client.force_login(personas["food_bank_staff"])
    assert set_type(client, food_bank, kind="hospital").status_code == 403
    assert Partner.objects.filter(organization=food_bank).values("kind", "part2_program").get() == before
