"""Rest-hook Subscriptions to the SDOHCC Task topic (the R4 Subscriptions backport).

Every change to a client's Task (through FHIR or in the receiving organization's
inbox) queues one notification Bundle (type history, a SubscriptionStatus
Parameters first) per active subscription of that client whose criteria the Task
matches (criteria.py) in the outbox, which delivers it after commit and retries it
with back-off (notifications.queue_webhook). A client reads, searches and deletes
only its own subscriptions (another's is a 404, as if it did not exist); deleting
one withdraws its notifications not yet delivered (notifications.cancel_pending), so
a subscriber that said stop hears nothing more. Creating and deleting are audited.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.notifications.services import cancel_pending, queue_webhook
from wayfinder.referrals.models import ReferralEvent

from ..fhir.context import FhirContext, SearchPage, SearchQuery
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler, SearchParam
from . import criteria
from .criteria import TASK_TOPIC
from .models import Subscription, TaskRecord
from .resources import task_resource
from .search import apply_last_updated, as_uuid, ids_filter, iso, or_values

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
    filters = criteria.parse(resource)
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
        client=ctx.grant.client, endpoint=endpoint, payload=payload, headers=headers, filters=filters, resource=stored
    )
    log_action(
        None,
        names.HIE_SUBSCRIPTION_CREATED,
        row,
        actor_label=f"exchange client {ctx.grant.client.client_id}",
        data={"endpoint": endpoint, "payload": payload, "filters": filters},
    )
    return subscription_resource(row)


def subscription_resource(row: Subscription) -> dict:
    """The stored Subscription with our id, its status and meta (it never changes after
    creation, so its version is 1 and lastUpdated its creation)."""
    return {
        **row.resource,
        "resourceType": "Subscription",
        "id": str(row.id),
        "meta": {"versionId": "1", "lastUpdated": iso(row.created_at)},
        "status": "active" if row.active else "off",
    }


def message_kind(subscription_id: object) -> str:
    """The outbox ``kind`` of a subscription's notifications (how delete finds them)."""
    return f"fhir_subscription:{subscription_id}"


def _own(ctx: FhirContext, resource_id: str) -> Subscription:
    """The client's own subscription ``resource_id``; anyone else's is a 404 too."""
    parsed = as_uuid(resource_id, "id")
    row = Subscription.objects.filter(client=ctx.grant.client, pk=parsed).first() if parsed else None
    if row is None:
        raise FhirError(404, "not-found", f"No Subscription/{resource_id} on this server.")
    return row


def read_subscription(ctx: FhirContext, resource_id: str) -> dict:
    return subscription_resource(_own(ctx, resource_id))


def search_subscriptions(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    """The client's own subscriptions, by ``_id``, ``status`` (active, off) and
    ``_lastUpdated`` (their creation)."""
    qs = Subscription.objects.filter(client=ctx.grant.client)
    for name, raws in query.params.items():
        for raw in raws:
            values = or_values(raw)
            if name == "_id":
                qs = qs.filter(ids_filter(values, "pk", name))
            elif name == "status":
                wanted = {value == "active" for value in values if value in ("active", "off")}
                qs = qs.filter(active__in=wanted)
    qs = apply_last_updated(qs, "created_at", query.last_updated)
    rows = list(qs.order_by("created_at", "pk")[query.offset : query.offset + query.count])
    return SearchPage(resources=[subscription_resource(r) for r in rows], total=qs.count())


@transaction.atomic
def delete_subscription(ctx: FhirContext, resource_id: str) -> None:
    """Delete the client's own subscription and withdraw its undelivered notifications."""
    row = _own(ctx, resource_id)
    withdrawn = cancel_pending(kind=message_kind(row.pk))
    log_action(
        None,
        names.HIE_SUBSCRIPTION_DELETED,
        row,
        actor_label=f"exchange client {ctx.grant.client.client_id}",
        data={"endpoint": row.endpoint, "notifications_withdrawn": withdrawn},
    )
    row.delete()


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
    """Queue a notification for each active subscription of the Task's client whose
    criteria the Task (as it is now) matches."""
    from django.conf import settings

    base = base_url or getattr(settings, "FHIR_BASE_URL", "") or "http://localhost:8000/fhir"
    for row in Subscription.objects.filter(client_id=record.client_id, active=True):
        if not criteria.matches(row.filters, record):
            continue
        Subscription.objects.filter(pk=row.pk).update(events_since_start=F("events_since_start") + 1)
        row.refresh_from_db()
        body = json.dumps(notification_bundle(row, record, base, row.events_since_start))
        queue_webhook(
            url=row.endpoint,
            body=body,
            headers={**row.headers, "Content-Type": "application/fhir+json"},
            kind=message_kind(row.pk),
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
            search=search_subscriptions,
            create=create_subscription,
            delete=delete_subscription,
            search_params=[
                SearchParam("_id", "token"),
                SearchParam("status", "token", "active or off"),
            ],
            documentation=(
                f"rest-hook Subscriptions to {TASK_TOPIC} (R4 backport), id-only or full-resource payloads. "
                "criteria: a Task search (Task?owner=...&status=...) or the topic with backport-filter-criteria; "
                f"filters {', '.join(criteria.SUPPORTED)}. A client sees and deletes only its own."
            ),
        )
    ]
