"""Needs on the record: one open need per domain listing every source; met / no
longer a need, audited; Part 2 programs' assessments only under Part 2 consent."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from wayfinder.assessments import needs
from wayfinder.assessments.actions import submit_assessment
from wayfinder.assessments.loading import ensure_shipped
from wayfinder.audit.models import AuditEvent
from wayfinder.partners.models import Partner
from wayfinder.residents.models import NeedSource, SdohNeed

from .conftest import AMY, ahc, give_consent, org

pytestmark = pytest.mark.django_db


def complete_ahc(amy, user, organization, **answers):
    return submit_assessment(
        questionnaire=ensure_shipped("ahc-hrsn"),
        resident=amy,
        answers=ahc(**answers),
        actor=user,
        organization=organization,
        submission_key=uuid.uuid4(),
    )


def test_a_domain_open_from_another_source_keeps_one_need_with_both_sources(amy, personas, hospital_with_consent):
    hie = needs.record_need(
        amy,
        kind="hie",
        observed_at=timezone.now() - timezone.timedelta(days=30),
        sdohcc_codes=["food-insecurity"],
        detail="Bluegrass Clinic (KHIE)",
        reference="Condition/abc",
    )
    assert hie.opened and hie.need.domain == "food"
    completed = complete_ahc(amy, personas["hospital_user"], hospital_with_consent, q88122_7="LA28397-0")
    assert [r.opened for r in completed.needs] == [False]
    need = SdohNeed.objects.get(resident=amy, status="open")
    assert need.pk == hie.need.pk and need.source == "assessment"
    assert sorted(need.sources.values_list("kind", flat=True)) == ["assessment", "hie"]
    source = need.sources.get(kind="assessment")
    assert source.questionnaire_version == "1.0.0" and source.organization == hospital_with_consent
    assert source.recorded_by == personas["hospital_user"]
    assert source.evidence[0]["code"] == "88122-7" and source.evidence[0]["answers"][0]["code"] == "LA28397-0"


def test_record_need_refuses_unknown_codes_and_categories(amy):
    with pytest.raises(needs.NeedError):
        needs.record_need(amy, kind="hie", observed_at=timezone.now(), sdohcc_codes=["not-a-code"])
    with pytest.raises(needs.NeedError):
        needs.record_need(amy, kind="hie", observed_at=timezone.now(), domain="groceries")
    assert not SdohNeed.objects.exists() and not NeedSource.objects.exists()


def test_staff_with_consent_and_the_resident_mark_needs_met(client, personas, amy):
    food = needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="food").need
    housing = needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="housing").need
    client.force_login(personas["food_bank_staff"])
    response = client.post(f"/assessments/needs/{food.pk}/status/", {"status": "met"})
    assert response.status_code == 302 and response["Location"] == f"/clients/{AMY}/"
    food.refresh_from_db()
    assert food.status == "met" and food.status_changed_by == personas["food_bank_staff"]
    assert AuditEvent.objects.filter(action="need.status_changed", object_id=str(food.pk)).exists()
    again = client.post(f"/assessments/needs/{food.pk}/status/", {"status": "met"}, follow=True)
    assert "This need was already closed." in again.content.decode()
    client.force_login(personas["resident"])
    assert client.post(f"/assessments/needs/{housing.pk}/status/", {"status": "resolved"}).status_code == 302
    housing.refresh_from_db()
    assert housing.status == "resolved"
    # A new report of food opens a new need (the met one stays as history).
    needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="food")
    assert SdohNeed.objects.filter(resident=amy, domain="food").count() == 2


def test_a_bad_status_changes_nothing(client, personas, amy):
    need = needs.record_need(amy, kind="staff", observed_at=timezone.now(), domain="food").need
    client.force_login(personas["food_bank_staff"])
    client.post(f"/assessments/needs/{need.pk}/status/", {"status": "open"})
    need.refresh_from_db()
    assert need.status == "open"


def test_part2_program_assessments_are_shown_only_under_part2_consent(client, personas, amy):
    hospital = org("hospital")
    Partner.objects.filter(organization=hospital).update(part2_program=True)
    give_consent(amy, hospital)
    completed = complete_ahc(amy, personas["hospital_user"], org("hospital"), q93030_5="LA33-6")
    assert completed.assessment.part2 and completed.needs[0].need.part2
    client.force_login(personas["food_bank_staff"])  # general consent only
    record = client.get(f"/clients/{AMY}/").content.decode()
    assert "AHC HRSN" not in record and "Transportation" not in record
    assert client.get(f"/assessments/responses/{completed.assessment.pk}/").status_code == 404
    give_consent_part2_to_food_bank(amy)
    record = client.get(f"/clients/{AMY}/").content.decode()
    assert "AHC HRSN" in record and "42 CFR Part 2" in record
    assert "42 CFR part 2 prohibits unauthorized use or disclosure" in record
    assert client.get(f"/assessments/responses/{completed.assessment.pk}/").status_code == 200


def give_consent_part2_to_food_bank(amy):
    from wayfinder.consent.models import Consent, Method, Scope

    Consent.objects.create(
        resident=amy,
        organization=org("food_bank"),
        scope=Scope.PART2,
        purpose="care_coordination",
        method=Method.RESIDENT_ACCOUNT,
        recorded_by=amy.user,
        signature_name="Amy Brand",
    )


def test_the_incentive_report_counts_completed_assessments_per_organization_per_month(amy, personas):
    from wayfinder.assessments.selectors import completed_in_month

    give_consent(amy, org("hospital"))
    complete_ahc(amy, personas["hospital_user"], org("hospital"))
    complete_ahc(amy, personas["hospital_user"], org("hospital"))
    now = timezone.localtime()
    counts = completed_in_month(now.year, now.month, now.tzinfo)
    assert counts == {org("hospital").pk: 2}
    last_month = now.replace(day=1) - timezone.timedelta(days=1)
    assert completed_in_month(last_month.year, last_month.month, now.tzinfo) == {}
