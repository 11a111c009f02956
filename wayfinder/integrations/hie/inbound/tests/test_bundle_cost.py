"""What a transaction bundle costs the database grows by a few statements per entry,
whatever the bundle's size (issue 19's benchmark: a 100-entry bundle p95 under 1 s):
the rows the entries may update, the patient, the open need and the audit chain's
head are looked up once per bundle, not once per entry; the answers stay those of
one look-up per entry (re-sends update, by id or identifier, also within the
bundle), and the audit rows are appended together and still verify."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.verify import verify_chain
from wayfinder.integrations.hie.inbound.models import ReceivedResource
from wayfinder.integrations.hie.models import ExchangeClient
from wayfinder.integrations.hie.tests.clients import bearer, make_client, token_for
from wayfinder.residents.models import Resident, SdohNeed

pytestmark = pytest.mark.django_db
HUNGER = {
    "resourceType": "Observation",
    "status": "final",
    "category": [
        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]},
        {"coding": [{"system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-category", "code": "sdoh"}]},
    ],
    "code": {"coding": [{"system": "http://loinc.org", "code": "88124-3"}]},
    "effectiveDateTime": "2026-01-10T10:00:00Z",
    "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA19952-3"}]},
}


def _bundle(individual_id: str, observations: int) -> dict:
    patient_url = f"urn:uuid:{uuid.uuid4()}"
    patient = {
        "resourceType": "Patient",
        "id": f"p-{individual_id}",
        "identifier": [{"system": "urn:wayfinder:ky:iees:individual-id", "value": individual_id}],
        "name": [{"family": "Cost", "given": ["Bundle"]}],
        "birthDate": "1980-01-01",
    }
    entries = [{"fullUrl": patient_url, "resource": patient, "request": {"method": "POST"}}]
    for number in range(observations):
        observation = {**HUNGER, "id": f"o-{individual_id}-{number}", "subject": {"reference": patient_url}}
        entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": observation, "request": {"method": "POST"}})
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def _poster() -> tuple[ExchangeClient, dict]:
    """A client that may post patients and observations, and its bearer headers."""
    client, key = make_client("system/Patient.write system/Observation.write")
    return client, bearer(token_for(client, key))


def _eligible(individual_id: str) -> Resident:
    """A resident the eligibility feed knows by ``individual_id`` (the bundle's patient)."""
    return Resident.objects.create(
        first_name="Bundle", last_name="Cost", date_of_birth=datetime.date(1980, 1, 1),
        individual_id=individual_id, source="eligibility",
    )  # fmt: skip


def _post(headers: dict, observations: int) -> tuple[int, Resident, dict]:
    individual_id = f"C{uuid.uuid4().hex[:10].upper()}"
    resident = _eligible(individual_id)
    body = json.dumps(_bundle(individual_id, observations))
    with CaptureQueriesContext(connection) as queries:
        answer = Client().post("/fhir/", body, content_type="application/fhir+json", **headers)
    assert answer.status_code == 200, answer.content[:300]
    return len(queries), resident, answer.json()


def test_each_more_entry_costs_a_few_statements_and_everything_is_kept():
    client, headers = _poster()
    audit_before = AuditEvent.objects.count()
    small, _resident, _answer = _post(headers, 10)
    large, resident, answer = _post(headers, 40)
    # Per Observation: its row and its need source. Nothing per entry for the row it
    # might update (read for the whole bundle), the patient, the need's lock, a
    # savepoint or the audit chain.
    assert (large - small) / 30 <= 2, (small, large)
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * 41
    stored = ReceivedResource.objects.filter(client=client, resident=resident, resource_type="Observation")
    assert stored.count() == 40 and not stored.filter(needs_filed_at__isnull=True).exists()
    need = SdohNeed.objects.get(resident=resident, domain="food")
    assert need.sources.count() == 40 and need.source == "hie"
    received = AuditEvent.objects.filter(action=names.HIE_RESOURCE_RECEIVED, resident_id=str(resident.pk))
    assert received.count() == 41
    assert AuditEvent.objects.count() == audit_before + 11 + 1 + 41 + 1  # each entry and each bundle
    report = verify_chain(require_checkpoint=False)
    assert report.ok, report.message()


def test_a_resent_bundle_updates_every_entry_once():
    client, headers = _poster()
    individual_id = "CRESEND0001"
    _eligible(individual_id)
    body = json.dumps(_bundle(individual_id, 5))
    first = Client().post("/fhir/", body, content_type="application/fhir+json", **headers)
    again = Client().post("/fhir/", body, content_type="application/fhir+json", **headers)
    assert first.status_code == again.status_code == 200
    assert [e["response"]["status"] for e in again.json()["entry"]] == ["200 OK"] * 6
    assert ReceivedResource.objects.filter(client=client).count() == 6
    assert SdohNeed.objects.get(resident__individual_id=individual_id).sources.count() == 5


def test_the_same_resource_twice_in_one_bundle_is_one_row_in_its_second_version():
    client, headers = _poster()
    individual_id = "CTWICE00001"
    _eligible(individual_id)
    body = _bundle(individual_id, 2)
    body["entry"][2]["resource"]["id"] = body["entry"][1]["resource"]["id"]
    answer = Client().post("/fhir/", json.dumps(body), content_type="application/fhir+json", **headers)
    assert answer.status_code == 200, answer.content[:300]
    assert [e["response"]["status"] for e in answer.json()["entry"]] == ["201 Created", "201 Created", "200 OK"]
    row = ReceivedResource.objects.get(client=client, resource_type="Observation")
    assert row.version == 2


def test_a_resource_resent_under_a_new_id_is_found_by_its_identifier():
    client, headers = _poster()
    individual_id = "CIDENT00001"
    _eligible(individual_id)
    body = _bundle(individual_id, 1)
    body["entry"][1]["resource"]["identifier"] = [{"system": "urn:exchange:obs", "value": "42"}]
    first = Client().post("/fhir/", json.dumps(body), content_type="application/fhir+json", **headers)
    body["entry"][1]["resource"]["id"] = "a-new-id"
    again = Client().post("/fhir/", json.dumps(body), content_type="application/fhir+json", **headers)
    assert first.status_code == again.status_code == 200
    assert again.json()["entry"][1]["response"]["status"] == "200 OK"
    assert (
        first.json()["entry"][1]["response"]["location"].split("/_history")[0]
        == (again.json()["entry"][1]["response"]["location"].split("/_history")[0])
    )
    assert ReceivedResource.objects.filter(client=client, resource_type="Observation").count() == 1
