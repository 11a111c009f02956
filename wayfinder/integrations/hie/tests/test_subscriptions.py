"""Rest-hook Subscriptions through the real endpoint (docs/exchange.md, "Referrals as
Task"): read, search and delete a client's own (another client's is a 404), topic
filters in either criteria form choosing which Task changes notify, criteria we cannot
honour refused naming the parameter, and a deleted subscription's undelivered
notifications withdrawn from the outbox. Deliveries go to a real HTTP receiver."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.tasks.models import Subscription
from wayfinder.notifications import services
from wayfinder.notifications.models import OutboundMessage
from wayfinder.notifications.tests.test_webhook import Receiver
from wayfinder.referrals import actions, closing
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.residents.models import Resident

from .clients import bearer, make_client, token_for
from .test_referral_tasks import SCOPES, post, service_request, task

TOPIC = "http://hl7.org/fhir/us/sdoh-clinicalcare/SubscriptionTopic/Task"
FILTER = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria"

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def ehr(personas):
    client, key = make_client(SCOPES, organization=org("food_bank"), participant_name="Bluegrass Clinic EHR")
    other, other_key = make_client(SCOPES, participant_name="Another EHR")
    return {
        "headers": bearer(token_for(client, key)),
        "other": bearer(token_for(other, other_key)),
        "resident": Resident.objects.get(user=personas["resident"]),
        "service": make_service(org("family_center"), "Free infant formula"),
        "staff": personas["family_center_staff"],
    }


def subscribe(headers, endpoint, criteria=TOPIC, *, tag="", filters=()):
    body = {
        "resourceType": "Subscription",
        "status": "requested",
        "reason": "follow referrals",
        "criteria": criteria,
        "channel": {"type": "rest-hook", "endpoint": endpoint, "payload": "application/fhir+json"},
    }
    if tag:
        body["channel"]["header"] = [f"X-Subscriber: {tag}"]
    if filters:
        body["_criteria"] = {"extension": [{"url": FILTER, "valueString": f} for f in filters]}
    return post("/fhir/Subscription", body, headers)


def refer(ehr):
    sr = post("/fhir/ServiceRequest", service_request({"reference": f"Patient/{ehr['resident'].pk}"}), ehr["headers"])
    assert sr.status_code == 201, sr.content
    made = post("/fhir/Task", task(sr.json()["id"], ehr["service"].pk), ehr["headers"])
    assert made.status_code == 201, made.content
    return made.json()


def deliver_all() -> None:
    services.deliver_due()


def tags(receiver) -> list[str]:
    return [headers.get("X-Subscriber", "") for headers, _body in receiver.received]


def test_read_and_search_show_a_client_only_its_own(ehr, receiver):
    mine = subscribe(ehr["headers"], receiver.url)
    assert mine.status_code == 201, mine.content
    theirs = subscribe(ehr["other"], receiver.url).json()
    read = Client().get(f"/fhir/Subscription/{mine.json()['id']}", **ehr["headers"])
    assert read.status_code == 200
    body = read.json()
    assert (body["status"], body["criteria"], body["meta"]["versionId"]) == ("active", TOPIC, "1")
    assert read["ETag"] == 'W/"1"'
    assert Client().get(f"/fhir/Subscription/{theirs['id']}", **ehr["headers"]).status_code == 404
    found = Client().get("/fhir/Subscription", {"status": "active"}, **ehr["headers"]).json()
    assert found["type"] == "searchset" and found["total"] == 1
    assert [e["resource"]["id"] for e in found["entry"]] == [mine.json()["id"]]
    assert Client().get("/fhir/Subscription", {"status": "off"}, **ehr["headers"]).json()["total"] == 0
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    earlier = (timezone.now() - timedelta(minutes=1)).isoformat()
    assert Client().get("/fhir/Subscription", {"_lastUpdated": f"gt{later}"}, **ehr["headers"]).json()["total"] == 0
    assert Client().get("/fhir/Subscription", {"_lastUpdated": f"gt{earlier}"}, **ehr["headers"]).json()["total"] == 1
    unknown = Client().get("/fhir/Subscription", {"url": "x"}, **ehr["headers"])
    assert unknown.status_code == 400 and "url" in json.dumps(unknown.json())


def test_delete_removes_only_the_clients_own_and_is_audited(ehr, receiver):
    mine = subscribe(ehr["headers"], receiver.url).json()
    theirs = subscribe(ehr["other"], receiver.url).json()
    refused = Client().delete(f"/fhir/Subscription/{theirs['id']}", **ehr["headers"])
    assert refused.status_code == 404
    assert Subscription.objects.filter(pk=theirs["id"]).exists()
    gone = Client().delete(f"/fhir/Subscription/{mine['id']}", **ehr["headers"])
    assert gone.status_code == 204 and gone.content == b""
    assert Client().get(f"/fhir/Subscription/{mine['id']}", **ehr["headers"]).status_code == 404
    assert Client().delete(f"/fhir/Subscription/{mine['id']}", **ehr["headers"]).status_code == 404
    assert AuditEvent.objects.filter(action=names.HIE_SUBSCRIPTION_CREATED).count() == 2
    deleted = AuditEvent.objects.get(action=names.HIE_SUBSCRIPTION_DELETED)
    assert deleted.object_id == mine["id"]
    assert Client().delete("/fhir/Task/00000000-0000-0000-0000-000000000000", **ehr["headers"]).status_code == 405


def test_delete_needs_a_delete_scope(ehr, receiver):
    client, key = make_client("system/Subscription.cr system/Subscription.s")
    headers = bearer(token_for(client, key))
    made = subscribe(headers, receiver.url).json()
    answer = Client().delete(f"/fhir/Subscription/{made['id']}", **headers)
    assert answer.status_code == 403
    assert "delete" in answer.json()["issue"][0]["diagnostics"]
    assert Subscription.objects.filter(pk=made["id"]).exists()


def test_a_deleted_subscriptions_pending_notifications_are_not_sent(ehr, receiver):
    doomed = subscribe(ehr["headers"], receiver.url, tag="doomed").json()
    subscribe(ehr["headers"], receiver.url, tag="kept")
    receiver.status = 500
    made = refer(ehr)
    deliver_all()  # both fail once: queued again, waiting for the retry
    assert OutboundMessage.objects.filter(status="queued").count() == 2
    receiver.status = 200
    referral = Referral.objects.get(fhir_task__id=made["id"])
    actions.change_status(
        actor=ehr["staff"], referral=referral, to_status="in_progress", expected_version=referral.version
    )  # a second notification each, queued and due
    assert Client().delete(f"/fhir/Subscription/{doomed['id']}", **ehr["headers"]).status_code == 204
    OutboundMessage.objects.filter(status="queued").update(next_attempt_at=timezone.now())
    received_before = len(receiver.received)
    deliver_all()
    assert set(tags(receiver)[received_before:]) == {"kept"}
    assert len(receiver.received) - received_before == 2
    withdrawn = OutboundMessage.objects.filter(kind=f"fhir_subscription:{doomed['id']}")
    assert withdrawn.count() == 2 and set(withdrawn.values_list("status", flat=True)) == {"cancelled"}
    assert AuditEvent.objects.get(action=names.HIE_SUBSCRIPTION_DELETED).data["notifications_withdrawn"] == 2


def test_topic_filters_choose_which_task_changes_notify(ehr, receiver):
    service = ehr["service"]
    elsewhere = make_service(org("family_center"), "Diapers")
    for response in (
        subscribe(ehr["headers"], receiver.url, "Task", tag="all"),
        subscribe(ehr["headers"], receiver.url, "Task?status=completed", tag="completed"),
        subscribe(ehr["headers"], receiver.url, f"Task?owner=HealthcareService/{elsewhere.pk}", tag="elsewhere"),
        subscribe(ehr["headers"], receiver.url, tag="mine", filters=[f"Task?owner=HealthcareService/{service.pk}"]),
        subscribe(
            ehr["headers"],
            receiver.url,
            f"Task?owner=Organization/{org('family_center').pk}&status=requested,accepted",
            tag="open",
        ),
    ):
        assert response.status_code == 201, response.content
    made = refer(ehr)
    deliver_all()
    assert sorted(tags(receiver)) == ["all", "mine", "open"]
    by_id = subscribe(ehr["headers"], receiver.url, f"Task?_id={made['id']}", tag="by-id")
    assert by_id.status_code == 201
    referral = Referral.objects.get(fhir_task__id=made["id"])
    moved = actions.change_status(
        actor=ehr["staff"], referral=referral, to_status="in_progress", expected_version=referral.version
    )
    before = len(receiver.received)
    deliver_all()
    assert sorted(tags(receiver)[before:]) == ["all", "by-id", "mine", "open"]
    closing.close_referral(
        actor=ehr["staff"], referral=moved, expected_version=moved.version, provided=True, experience="Fine"
    )
    before = len(receiver.received)
    deliver_all()
    assert sorted(tags(receiver)[before:]) == ["all", "by-id", "completed", "mine"]
    last = json.loads(receiver.received[-1][1])
    assert last["entry"][1]["fullUrl"].endswith(f"Task/{made['id']}")


@pytest.mark.parametrize(
    ("criteria", "filters", "named"),
    [
        ("Task?colour=blue", (), "'colour'"),
        ("Task?status:not=draft", (), "'status:not'"),
        ("Task?status=bogus", (), "'bogus'"),
        ("Task?owner=", (), "'owner'"),
        ("Task?requester=Patient/1", (), "'requester'"),
        ("ServiceRequest?status=active", (), "ServiceRequest"),
        ("", (), "required"),
        (TOPIC, ("Task?_lastUpdated=gt2026-01-01",), "'_lastUpdated'"),
        (TOPIC, ("ServiceRequest?_id=1",), "ServiceRequest"),
    ],
)
def test_criteria_we_cannot_honour_are_refused_naming_the_parameter(ehr, receiver, criteria, filters, named):
    answer = subscribe(ehr["headers"], receiver.url, criteria, filters=filters)
    assert answer.status_code == 422, answer.content
    outcome = answer.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == ["Subscription.criteria"]
    assert named in outcome["issue"][0]["diagnostics"]
    assert not Subscription.objects.exists()


def test_the_capability_statement_states_the_subscription_interactions():
    statement = Client().get("/fhir/metadata").json()
    entry = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Subscription")
    assert [i["code"] for i in entry["interaction"]] == ["read", "search-type", "create", "delete"]
    assert {p["name"] for p in entry["searchParam"]} == {"_lastUpdated", "_id", "status"}
    assert entry["conditionalDelete"] == "not-supported"
    smart = Client().get("/fhir/.well-known/smart-configuration").json()
    assert "system/Subscription.cd" in smart["scopes_supported"]
