"""Rest-hook Subscriptions to the SDOHCC Task topic (the R4 Subscriptions backport).

Every change to a client's Task (through FHIR or in the receiving organization's
inbox) queues one notification Bundle (type history, a SubscriptionStatus
Parameters first) per active subscription of that client in the outbox, which
delivers it after commit and retries it with back-off (notifications.queue_webhook).
"""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wayfinder.notifications.services import queue_webhook
from wayfinder.referrals.models import ReferralEvent

from ..fhir.context import FhirContext
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler
from .models import Subscription, TaskRecord
from .resources import task_resource
from .search import as_uuid, iso

TASK_TOPIC = "http://hl7.org/fhir/us/sdoh-clinicalcare/SubscriptionTopic/Task"
BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition"
PAYLOAD_EXTENSION = f"{BACKPORT}/backport-payload-content"


def _payload(resource: dict) -> str:
    for ext in ((resource.get("channel") or {}).get("_payload") or {}).get("extension") or []:
        if ext.get("url") == PAYLOAD_EXTENSION:
            return str(ext.get("valueCode") or "")
    return "id-only"


@transaction.atomic
def create_subscription(ctx: FhirContext, resource: dict) -> dict:
    if resource.get("resourceType") != "Subscription":
        raise FhirError(400, "invalid", "Expected a Subscription", expression=["resourceType"])
    if resource.get("criteria") != TASK_TOPIC:
        raise FhirError(
            422,
            "not-supported",
            f"Subscription.criteria: only the topic {TASK_TOPIC}",
            expression=["Subscription.criteria"],
        )
    channel = resource.get("channel") or {}
    if channel.get("type") != "rest-hook":
        raise FhirError(
            422, "not-supported", "Subscription.channel.type: only rest-hook", expression=["Subscription.channel.type"]
        )
    endpoint = str(channel.get("endpoint") or "")
    if not endpoint.startswith(("https://", "http://")) or len(endpoint) > 254:
        raise FhirError(
            400,
            "value",
            "Subscription.channel.endpoint: an http(s) URL of at most 254 characters",
            expression=["Subscription.channel.endpoint"],
        )
    payload = _payload(resource)
    if payload not in Subscription.Payload.values:
        raise FhirError(
            422, "code-invalid", f"backport-payload-content {payload!r}", expression=["Subscription.channel.payload"]
        )
    headers = {}
    for line in channel.get("header") or []:
        name, _sep, value = str(line).partition(":")
        if name.strip():
            headers[name.strip()] = value.strip()
    stored = {k: v for k, v in resource.items() if k not in ("id", "meta", "text")}
    stored["status"] = "active"
    row = Subscription.objects.create(
        client=ctx.grant.client, endpoint=endpoint, payload=payload, headers=headers, resource=stored
    )
    return subscription_resource(row)


def subscription_resource(row: Subscription) -> dict:
    return {
        **row.resource,
        "resourceType": "Subscription",
        "id": str(row.id),
        "status": "active" if row.active else "off",
    }


def read_subscription(ctx: FhirContext, resource_id: str) -> dict:
    parsed = as_uuid(resource_id, "id")
    row = Subscription.objects.filter(client=ctx.grant.client, pk=parsed).first() if parsed else None
    if row is None:
        raise FhirError(404, "not-found", f"No Subscription/{resource_id} on this server.")
    return subscription_resource(row)


def notification_bundle(row: Subscription, record: TaskRecord, base_url: str, event_number: int) -> dict:
    task_url = f"{base_url}/Task/{record.id}"
    status = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "subscription", "valueReference": {"reference": f"{base_url}/Subscription/{row.id}"}},
            {"name": "topic", "valueCanonical": TASK_TOPIC},
            {"name": "status", "valueCode": "active"},
            {"name": "type", "valueCode": "event-notification"},
            {"name": "events-since-subscription-start", "valueString": str(event_number)},
            {
                "name": "notification-event",
                "part": [
                    {"name": "event-number", "valueString": str(event_number)},
                    {"name": "timestamp", "valueInstant": iso(timezone.now())},
                    {"name": "focus", "valueReference": {"reference": task_url}},
                ],
            },
        ],
    }
    entries: list[dict] = [
        {
            "fullUrl": f"urn:uuid:{row.id}-{event_number}",
            "resource": status,
            "request": {"method": "GET", "url": f"Subscription/{row.id}/$status"},
            "response": {"status": "200"},
        }
    ]
    if row.payload == Subscription.Payload.FULL:
        entries.append(
            {
                "fullUrl": task_url,
                "resource": task_resource(record),
                "request": {"method": "PUT", "url": f"Task/{record.id}"},
                "response": {"status": "200"},
            }
        )
    elif row.payload == Subscription.Payload.ID_ONLY:
        entries.append(
            {
                "fullUrl": task_url,
                "request": {"method": "PUT", "url": f"Task/{record.id}"},
                "response": {"status": "200"},
            }
        )
    return {"resourceType": "Bundle", "type": "history", "timestamp": iso(timezone.now()), "entry": entries}


def task_changed(record: TaskRecord, base_url: str = "") -> None:
    """Queue a notification for each active subscription of the Task's client."""
    from django.conf import settings

    base = base_url or getattr(settings, "FHIR_BASE_URL", "") or "http://localhost:8000/fhir"
    for row in Subscription.objects.filter(client_id=record.client_id, active=True):
        Subscription.objects.filter(pk=row.pk).update(events_since_start=F("events_since_start") + 1)
        row.refresh_from_db()
        body = json.dumps(notification_bundle(row, record, base, row.events_since_start))
        queue_webhook(
            url=row.endpoint,
            body=body,
            headers={**row.headers, "Content-Type": "application/fhir+json"},
            kind="fhir_subscription",
        )


def referral_changed(event: ReferralEvent) -> None:
    """Any change to a FHIR-made referral (inbox, specialist, link) is a Task change."""
    record = TaskRecord.objects.filter(referral_id=event.referral_id).first()
    if record is not None:
        from .handlers import touch

        touch(record)


def handlers() -> list[ResourceHandler]:
    return [
        ResourceHandler(
            type="Subscription",
            read=read_subscription,
            create=create_subscription,
            documentation=f"rest-hook Subscriptions to {TASK_TOPIC} (R4 backport), id-only or full-resource payloads.",
        )
    ]
