"""Inbound SDoH through the real FHIR endpoint (POST /fhir/ bundles, PUT, read back):
the guide's examples, matching, the match queue, the bad-input list of issue 19."""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path

import pytest
from django.test import Client, override_settings

from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.inbound.actions import discard_patient, link_patient
from wayfinder.integrations.hie.inbound.models import MatchQueueItem, ReceivedResource
from wayfinder.integrations.hie.tests.clients import assertion, bearer, make_client, request_token, token_for
from wayfinder.residents.models import Resident, SdohNeed

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[5] / ".." / "shared" / "standards" / "fhir-sdohcc-examples"
SCOPES = " ".join(
    f"system/{kind}.write system/{kind}.read"
    for kind in (
        "Patient",
        "Observation",
        "Condition",
        "QuestionnaireResponse",
        "Consent",
        "Organization",
        "Practitioner",
    )
)
ACCEPTED = (
    "Patient-",
    "Observation-",
    "Condition-",
    "QuestionnaireResponse-",
    "Consent-",
    "Organization-",
    "Practitioner-SDOHCC",
)
IGNORED_FOR_MEANING = {"id", "meta", "text"}


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def accepted_examples() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.json") if p.name.startswith(ACCEPTED))


@pytest.fixture
def exchange():
    client, key = make_client(SCOPES)
    return client, bearer(token_for(client, key))


@pytest.fixture
def colin():
    return Resident.objects.create(
        first_name="Colin", last_name="Abbas", date_of_birth=datetime.date(1987, 2, 20), source="eligibility"
    )


def _colin_patient() -> dict:
    patient = example("Patient-pat-53234.json")
    patient["name"][1]["family"] = "ABBAS"  # the current name is the one on our record
    return patient


def bundle(*resources: dict, kind: str = "transaction") -> dict:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": r,
                "request": {"method": "POST", "url": r["resourceType"]},
            }
            for r in resources
        ],
    }


def post(headers, body, **extra):
    return Client().post("/fhir/", json.dumps(body), content_type="application/fhir+json", **headers, **extra)


def _typed(value):
    """References compared by the type they name (the bundle's are rewritten to our ids)."""
    if isinstance(value, dict):
        return {
            k: (v.split("/")[0] if k == "reference" and isinstance(v, str) else _typed(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return value


def _meaning(resource: dict) -> dict:
    return _typed({k: v for k, v in resource.items() if k not in IGNORED_FOR_MEANING})


def test_every_accepted_example_posted_and_read_back_equal_in_meaning(exchange, colin):
    _client, headers = exchange
    names_ = accepted_examples()
    resources = [example(n) for n in names_ if not n.startswith("Patient-")]
    answer = post(headers, bundle(_colin_patient(), *resources))
    assert answer.status_code == 200, answer.content
    entries = answer.json()["entry"]
    assert answer.json()["type"] == "transaction-response"
    assert all(e["response"]["status"] == "201 Created" for e in entries)
    for sent, entry in zip(resources, entries[1:], strict=True):
        location = entry["response"]["location"].rsplit("/_history/", 1)[0]
        read = Client().get(f"/fhir/{location}", **headers)
        assert read.status_code == 200, (location, read.content)
        got = read.json()
        assert read.headers["ETag"] == 'W/"1"'
        assert _meaning(got) == _meaning(sent), sent["id"]
    needs = {n.domain: n for n in SdohNeed.objects.filter(resident=colin)}
    assert {"food", "housing", "transportation", "income", "employment"} <= set(needs)
    assert needs["food"].source == "hie" and needs["food"].source_detail == "Kentucky Health Information Exchange"


def test_resend_is_idempotent(exchange, colin):
    _client, headers = exchange
    observation = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    assert post(headers, bundle(_colin_patient(), observation)).status_code == 200
    sources = SdohNeed.objects.get(resident=colin, domain="food").sources.count()
    again = post(headers, bundle(_colin_patient(), observation))
    assert again.status_code == 200
    assert [e["response"]["status"] for e in again.json()["entry"]] == ["200 OK", "200 OK"]
    assert again.json()["entry"][1]["response"]["etag"] == 'W/"2"'
    assert ReceivedResource.objects.filter(resource_type="Observation").count() == 1
    assert SdohNeed.objects.get(resident=colin, domain="food").sources.count() == sources


def test_unknown_patient_goes_to_the_queue_and_linking_files_the_needs(exchange, colin):
    _client, headers = exchange
    stranger = example("Patient-pat-53234.json")  # current family name BAXTER: nobody here
    observation = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    answer = post(headers, bundle(stranger, observation))
    assert answer.status_code == 200
    assert "match queue" in json.dumps(answer.json()["entry"][0]["response"]["outcome"])
    item = MatchQueueItem.objects.get()
    assert item.reason == "none" and not SdohNeed.objects.exists()
    assert ReceivedResource.objects.filter(resident__isnull=True).count() == 2
    link_patient(item.pk, colin, actor=None)
    assert SdohNeed.objects.get(resident=colin, domain="food").source == "hie"
    assert AuditEvent.objects.filter(action=names.HIE_MATCH_LINKED).exists()


def test_discard_keeps_the_resources(exchange):
    _client, headers = exchange
    post(headers, bundle(example("Patient-pat-53234.json")))
    item = discard_patient(MatchQueueItem.objects.get().pk, actor=None)
    assert item.status == "discarded" and ReceivedResource.objects.count() == 1


def test_transaction_with_one_bad_entry_changes_nothing(exchange, colin):
    _client, headers = exchange
    bad = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    bad["category"][2]["coding"][0]["code"] = "hunger"
    before = (ReceivedResource.objects.count(), SdohNeed.objects.count(), MatchQueueItem.objects.count())
    good = example("Condition-SDOHCC-ConditionFoodInsecurityExample.json")
    answer = post(headers, bundle(_colin_patient(), good, bad))
    assert answer.status_code == 422
    body = answer.json()
    assert body["resourceType"] == "OperationOutcome"
    first = body["issue"][0]
    assert first["code"] == "code-invalid" and first["diagnostics"].startswith("Bundle.entry[2]")
    assert first["expression"] == ["Bundle.entry[2].resource.Observation.category[2].coding[0].code"]
    assert (ReceivedResource.objects.count(), SdohNeed.objects.count(), MatchQueueItem.objects.count()) == before


def test_batch_answers_each_entry(exchange, colin):
    _client, headers = exchange
    wrong = {"resourceType": "Observation", "status": "final", "code": "not a concept"}
    answer = post(headers, bundle(_colin_patient(), wrong, kind="batch"))
    assert answer.status_code == 200
    statuses = [e["response"]["status"] for e in answer.json()["entry"]]
    assert statuses[0] == "201 Created" and statuses[1] == "400"
    assert "Bundle.entry[1]" in json.dumps(answer.json()["entry"][1]["response"]["outcome"])


def test_malformed_json_and_wrong_resource_type(exchange):
    _client, headers = exchange
    answer = Client().post("/fhir/", "{not json", content_type="application/fhir+json", **headers)
    assert answer.status_code == 400 and answer.json()["resourceType"] == "OperationOutcome"
    answer = post(headers, {"resourceType": "Patient"})
    assert answer.status_code == 400 and answer.json()["resourceType"] == "OperationOutcome"
    assert ReceivedResource.objects.count() == 0


def test_observation_about_a_patient_never_sent_is_refused(exchange):
    _client, headers = exchange
    observation = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    answer = post(headers, bundle(observation))
    assert answer.status_code == 422 and "never sent by this client" in answer.json()["issue"][0]["diagnostics"]


def test_claims_z_code_read_by_date_of_service(exchange, colin):
    client, headers = exchange
    claim = {
        "resourceType": "Condition",
        "id": "claim-1",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "encounter-diagnosis",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "Z5986"}]},
        "subject": {"reference": "Patient/pat-53234"},
        "onsetDateTime": "2026-01-15",
    }
    assert post(headers, bundle(_colin_patient(), claim)).status_code == 422
    claim["onsetDateTime"] = "2025-06-15"
    with override_settings(HIE_MEDICAID_CLAIMS_CLIENTS=[client.client_id]):
        answer = post(headers, bundle(_colin_patient(), claim))
    assert answer.status_code == 200, answer.content
    need = SdohNeed.objects.get(resident=colin, domain="income")
    assert need.source == "medicaid_claims" and need.observed_at.date() == datetime.date(2025, 6, 15)
    assert "no US Core 'sdoh' category" in json.dumps(answer.json()["entry"][1]["response"]["outcome"])


@override_settings(FHIR_MAX_BODY_BYTES=2000)
def test_bundle_over_the_size_limit(exchange, colin):
    _client, headers = exchange
    answer = post(headers, bundle(_colin_patient()))
    assert answer.status_code == 413 and answer.json()["resourceType"] == "OperationOutcome"
    assert ReceivedResource.objects.count() == 0


def test_replayed_token_assertion_refused(exchange):
    client, key = make_client(SCOPES)
    signed = assertion(client, key)
    assert request_token(Client(), signed, SCOPES).status_code == 200
    again = request_token(Client(), signed, SCOPES)
    assert again.status_code in (400, 401)


def test_put_with_the_clients_id_upserts(exchange, colin):
    _client, headers = exchange
    post(headers, bundle(_colin_patient()))
    observation = example("Observation-SDOHCC-ObservationResponseHungerVitalSignQuestion3Example.json")
    for expected in (201, 200):
        answer = Client().put(
            f"/fhir/Observation/{observation['id']}",
            json.dumps(observation),
            content_type="application/fhir+json",
            **headers,
        )
        assert answer.status_code in (expected, 200, 201), answer.content
    assert ReceivedResource.objects.filter(resource_type="Observation").count() == 1
