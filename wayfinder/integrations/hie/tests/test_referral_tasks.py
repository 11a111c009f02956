"""A clinical system's referral over FHIR, through the real endpoint: ServiceRequest + Task
make a referral in the receiver's inbox; the receiver works and closes it; the client reads
completed with the Procedure; bad input changes nothing; a rest-hook subscriber is told."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from wayfinder.integrations.hie.tasks.models import ServiceRequestRecord, TaskRecord
from wayfinder.notifications import services
from wayfinder.notifications.models import OutboundMessage
from wayfinder.notifications.tests.test_webhook import Receiver
from wayfinder.referrals import actions, closing
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.residents.models import Resident

from .clients import bearer, make_client, token_for

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
SCOPES = (
    "system/ServiceRequest.cruds system/Task.cruds system/Procedure.rs system/Subscription.cruds"
    " system/HealthcareService.rs system/Organization.rs system/Location.rs"
)


@pytest.fixture
def setup(personas):
    client, key = make_client(SCOPES, organization=org("food_bank"), participant_name="Bluegrass Clinic EHR")
    resident = Resident.objects.get(user=personas["resident"])
    service = make_service(org("family_center"), "Free infant formula")
    return {"headers": bearer(token_for(client, key)), "resident": resident, "service": service, "client": client}


def post(path, body, headers):
    return Client().post(path, json.dumps(body), content_type="application/fhir+json", **headers)


def service_request(subject):
    return {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "category": [{"coding": [{"system": SDOHCC, "code": "food-insecurity"}]}],
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "467771000124109"}]},
        "subject": subject,
    }


def task(sr_id, service_id):
    return {
        "resourceType": "Task",
        "status": "requested",
        "intent": "order",
        "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
        "focus": {"reference": f"ServiceRequest/{sr_id}"},
        "owner": {"reference": f"HealthcareService/{service_id}"},
    }


def refer(setup):
    sr = post(
        "/fhir/ServiceRequest", service_request({"reference": f"Patient/{setup['resident'].pk}"}), setup["headers"]
    )
    assert sr.status_code == 201, sr.content
    made = post("/fhir/Task", task(sr.json()["id"], setup["service"].pk), setup["headers"])
    assert made.status_code == 201, made.content
    return made.json()


@pytest.mark.django_db
def test_task_makes_a_referral_worked_and_closed_in_the_inbox(setup, personas):
    made = refer(setup)
    assert made["status"] == "requested"
    referral = Referral.objects.get(fhir_task__id=made["id"])
    assert (referral.origin, referral.receiving_organization, referral.sending_organization) == (
        "fhir",
        org("family_center"),
        org("food_bank"),
    )
    staff = personas["family_center_staff"]
    moved = actions.change_status(
        actor=staff, referral=referral, to_status="in_progress", expected_version=referral.version
    )
    read = Client().get(f"/fhir/Task/{made['id']}", **setup["headers"]).json()
    assert read["status"] == "accepted"
    closing.close_referral(
        actor=staff, referral=moved, expected_version=moved.version, provided=True, experience="SECRET-EXPERIENCE"
    )
    read = Client().get(f"/fhir/Task/{made['id']}", **setup["headers"])
    body = read.json()
    assert body["status"] == "completed"
    procedure_ref = body["output"][0]["valueReference"]["reference"]
    procedure = Client().get(f"/fhir/{procedure_ref}", **setup["headers"]).json()
    assert procedure["status"] == "completed"
    assert procedure["basedOn"] == [{"reference": body["focus"]["reference"]}]
    assert "SECRET-EXPERIENCE" not in read.content.decode() + json.dumps(procedure)
    found = Client().get("/fhir/Task", {"status": "completed", "_include": "Task:focus"}, **setup["headers"]).json()
    types = [entry["resource"]["resourceType"] for entry in found["entry"]]
    assert types == ["Task", "ServiceRequest"]


@pytest.mark.django_db
def test_unknown_patient_is_422_and_stores_nothing(setup):
    answer = post(
        "/fhir/ServiceRequest",
        service_request({"identifier": {"system": "urn:x", "value": "nobody"}}),
        setup["headers"],
    )
    assert answer.status_code == 422
    assert answer.json()["resourceType"] == "OperationOutcome"
    assert "ServiceRequest.subject" in json.dumps(answer.json())
    assert not ServiceRequestRecord.objects.exists()


@pytest.mark.django_db
def test_requester_may_only_cancel(setup):
    made = refer(setup)
    refused = Client().put(
        f"/fhir/Task/{made['id']}",
        json.dumps({**made, "status": "completed"}),
        content_type="application/fhir+json",
        **setup["headers"],
    )
    assert refused.status_code == 422
    assert "requested to completed" in json.dumps(refused.json())
    cancelled = Client().put(
        f"/fhir/Task/{made['id']}",
        json.dumps({**made, "status": "cancelled", "statusReason": {"text": "Patient moved"}}),
        content_type="application/fhir+json",
        **setup["headers"],
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert Referral.objects.get(fhir_task__id=made["id"]).status == "closed"


@pytest.mark.django_db
def test_rest_hook_subscriber_receives_the_task_change(setup, personas):
    receiver = Receiver()
    try:
        sub = post(
            "/fhir/Subscription",
            {
                "resourceType": "Subscription",
                "status": "requested",
                "reason": "follow referrals",
                "criteria": "http://hl7.org/fhir/us/sdoh-clinicalcare/SubscriptionTopic/Task",
                "channel": {"type": "rest-hook", "endpoint": receiver.url, "payload": "application/fhir+json"},
            },
            setup["headers"],
        )
        assert sub.status_code == 201, sub.content
        made = refer(setup)
        for message in OutboundMessage.objects.filter(channel="webhook"):
            assert services.deliver(str(message.pk)) == "sent"
        bundle = json.loads(receiver.received[-1][1])
        assert bundle["type"] == "history"
        assert bundle["entry"][1]["fullUrl"].endswith(f"Task/{made['id']}")
        assert TaskRecord.objects.count() == 1
    finally:
        receiver.close()
