"""Outbound SDoH (docs/exchange.md, "Outbound"): Patient and Condition through the real
HTTP interface with a real token; every emitted resource passes the structure and
SDOHCC invariant checks; Part 2 and a resident's "no" are honoured; reads are disclosures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from wayfinder.assessments.tests.conftest import org
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.fhir.structure import check_invariants, check_structure
from wayfinder.integrations.hie.models import SharingChoice
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

from .clients import bearer, make_client, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def amy(personas):
    resident = Resident.objects.get(user=personas["resident"])
    if not resident.individual_id:
        resident.individual_id = "KY0000123"
        resident.save(update_fields=["individual_id"])
    return resident


@pytest.fixture
def headers():
    client, key = make_client("system/Patient.read system/Condition.rs", organization=org("hospital"))
    return bearer(token_for(client, key))


def _need(resident, domain, codes, *, part2=False, status=SdohNeed.Status.OPEN):
    now = timezone.now() - dt.timedelta(days=2)
    need = SdohNeed.objects.create(
        resident=resident,
        domain=domain,
        sdohcc_codes=codes,
        source="assessment",
        observed_at=now,
        part2=part2,
        status=status,
    )
    NeedSource.objects.create(
        need=need, kind="assessment", detail="AHC HRSN", reference="QuestionnaireResponse/x", observed_at=now
    )
    return need


def _all_valid(resources):
    for resource in resources:
        check_structure(resource)
        assert check_invariants(resource) == [], resource


def test_patient_read_and_search_by_identifier(amy, headers):
    http = Client()
    patient = http.get(f"/fhir/Patient/{amy.pk}", **headers)
    assert patient.status_code == 200 and patient["ETag"].startswith('W/"')
    body = patient.json()
    assert body["birthDate"] == amy.date_of_birth.isoformat()
    assert {"system": settings.SMART_INDIVIDUAL_ID_SYSTEM, "value": amy.individual_id} in body["identifier"]
    found = http.get(f"/fhir/Patient?identifier={settings.SMART_INDIVIDUAL_ID_SYSTEM}|{amy.individual_id}", **headers)
    assert [e["resource"]["id"] for e in found.json()["entry"]] == [str(amy.pk)]
    assert http.get("/fhir/Patient", **headers).status_code == 400
    assert http.get("/fhir/Patient/not-a-uuid", **headers).status_code == 404
    _all_valid([body])
    assert AuditEvent.objects.filter(action="hie.disclosed", resident_id=str(amy.pk)).count() == 2


def test_conditions_of_needs_pass_structure_and_invariants(amy, headers):
    food = _need(amy, "food", ["food-insecurity"])
    _need(amy, "housing", ["housing-instability", "homelessness"], status=SdohNeed.Status.MET)
    _need(amy, "legal", [])
    _need(amy, "transportation", ["transportation-insecurity"], part2=True)
    http = Client()
    bundle = http.get(f"/fhir/Condition?patient=Patient/{amy.pk}", **headers).json()
    conditions = [e["resource"] for e in bundle["entry"]]
    assert len(conditions) == 3  # the Part 2 need is withheld: no Part 2 consent for the hospital
    _all_valid(conditions)
    first = http.get(f"/fhir/Condition/need-{food.pk}", **headers).json()
    assert first["code"]["coding"][1]["code"] == "Z59.41"
    assert first["evidence"] == [{"detail": [{"reference": "QuestionnaireResponse/x"}]}]
    by_category = http.get(f"/fhir/Condition?patient={amy.pk}&category=food-insecurity", **headers).json()
    assert [e["resource"]["id"] for e in by_category["entry"]] == [f"need-{food.pk}"]
    by_code = http.get(f"/fhir/Condition?patient={amy.pk}&code=http://hl7.org/fhir/sid/icd-10-cm|Z59.819", **headers)
    assert by_code.json()["total"] == 1
    assert http.get("/fhir/Condition", **headers).status_code == 400
    SharingChoice.objects.create(resident=amy, share=False)
    assert http.get(f"/fhir/Condition?patient={amy.pk}", **headers).json()["total"] == 0
    assert http.get(f"/fhir/Condition/need-{food.pk}", **headers).status_code == 404
    assert http.get(f"/fhir/Patient/{amy.pk}", **headers).status_code == 404


def test_metadata_lists_the_outbound_types():
    types = [r["type"] for r in Client().get("/fhir/metadata").json()["rest"][0]["resource"]]
    assert {"Patient", "Condition"} <= set(types)


def _submit(amy, personas, organization, *, part2_program=False, **answers):
    import uuid

    from wayfinder.assessments.actions import submit_assessment
    from wayfinder.assessments.loading import ensure_shipped
    from wayfinder.assessments.tests.conftest import ahc, give_consent

    give_consent(amy, organization)
    return submit_assessment(
        questionnaire=ensure_shipped("ahc-hrsn"),
        resident=amy,
        answers=ahc(**answers),
        actor=personas["hospital_user"],
        organization=organization,
        submission_key=uuid.uuid4(),
    )


def test_assessments_as_questionnaire_responses_and_observations(amy, personas, headers):
    completed = _submit(amy, personas, org("hospital"), q88122_7="LA28397-0", q93030_5="declined")
    assessment_id = completed.assessment.pk
    http = Client()
    response = http.get(f"/fhir/QuestionnaireResponse/{assessment_id}", **headers)
    assert response.status_code == 403  # the token has no QuestionnaireResponse scope
    client, key = make_client(
        "system/QuestionnaireResponse.rs system/Observation.rs system/Condition.rs", organization=org("hospital")
    )
    scoped = bearer(token_for(client, key))
    qr = http.get(f"/fhir/QuestionnaireResponse/{assessment_id}", **scoped).json()
    assert qr["resourceType"] == "QuestionnaireResponse" and qr["subject"] == {"reference": f"Patient/{amy.pk}"}
    bundle = http.get(f"/fhir/Observation?patient=Patient/{amy.pk}&_count=200", **scoped).json()
    observations = [e["resource"] for e in bundle["entry"]]
    assert observations and all(
        o["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{assessment_id}"}] for o in observations
    )
    food = next(o for o in observations if o["code"]["coding"][0]["code"] == "88122-7")
    assert food["valueCodeableConcept"]["coding"][0]["code"] == "LA28397-0"
    assert any(c["coding"][0]["code"] == "food-insecurity" for c in food["category"])
    assert food["interpretation"][0]["coding"][0]["code"] == "POS"
    declined = next(o for o in observations if o["code"]["coding"][0]["code"] == "93030-5")
    assert declined["dataAbsentReason"]["coding"][0]["code"] == "asked-declined"
    conditions = [e["resource"] for e in http.get(f"/fhir/Condition?patient={amy.pk}", **scoped).json()["entry"]]
    assert any(c["code"]["coding"][-1]["code"] == "Z59.41" for c in conditions)
    _all_valid([qr, *observations, *conditions])
    one = http.get(f"/fhir/Observation/{food['id']}", **scoped)
    assert one.status_code == 200 and one.json() == food
    only_food = http.get(f"/fhir/Observation?patient={amy.pk}&code=http://loinc.org|88122-7", **scoped).json()
    assert only_food["total"] == 1
