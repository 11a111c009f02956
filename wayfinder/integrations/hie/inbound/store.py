"""Storing a received resource: once per source, re-sends update (docs/exchange.md,
"Inbound data").

A resource is the same one when the same client sends the same ``id``, or, for a
resource sent without an id (or with a new one), one of the same identifiers
(``system|value``). The row keeps the JSON as received and counts versions.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import ReceivedResource


def identifier_keys(resource: dict) -> list[str]:
    keys = []
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("value"):
            keys.append(f"{identifier.get('system') or ''}|{identifier['value']}"[:300])
    return keys


def existing(client: Any, resource_type: str, source_id: str, keys: list[str]) -> ReceivedResource | None:
    """The row this resource updates, locked for the update (None: a new one)."""
    rows = ReceivedResource.objects.select_for_update().filter(client=client, resource_type=resource_type)
    if source_id:
        row = rows.filter(source_id=source_id).first()
        if row is not None:
            return row
    if keys:
        return rows.filter(identifier_key__in=keys).order_by("received_at").first()
    return None


def by_our_id(resource_type: str, value: str, client: Any = None) -> ReceivedResource | None:
    """A received resource by the id this server gave it (optionally only if ``client`` sent it)."""
    try:
        rows = ReceivedResource.objects.filter(resource_type=resource_type, pk=value)
        if client is not None:
            rows = rows.filter(client=client)
        return rows.first()
    except Exception:  # noqa: BLE001 - not a UUID: no such resource
        return None


def save_received(
    client: Any,
    resource: dict,
    *,
    row: ReceivedResource | None,
    source_id: str,
    keys: list[str],
    patient: ReceivedResource | None,
    resident: Any,
    warnings: list[dict],
) -> tuple[ReceivedResource, bool]:
    """Create or update the row; returns (row, created)."""
    now = timezone.now()
    if row is None:
        row = ReceivedResource.objects.create(
            client=client,
            resource_type=resource["resourceType"],
            source_id=source_id[:64],
            identifier_key=keys[0] if keys else "",
            identifiers=keys,
            resource=resource,
            received_at=now,
            updated_at=now,
            patient=patient,
            resident=resident,
            warnings=warnings,
        )
        return row, True
    row.resource = resource
    row.version += 1
    row.updated_at = now
    if source_id and not row.source_id:
        row.source_id = source_id[:64]
    row.identifiers = sorted(set(row.identifiers) | set(keys))
    if not row.identifier_key and keys:
        row.identifier_key = keys[0]
    row.patient = patient if patient is not None else row.patient
    row.resident = resident if resident is not None else row.resident
    row.warnings = warnings
    row.save()
    return row, False


def as_fhir(row: ReceivedResource) -> dict:
    """The stored resource as this server answers it: our id, version and time."""
    resource = dict(row.resource)
    meta = dict(resource.get("meta") or {})
    meta["versionId"] = str(row.version)
    meta["lastUpdated"] = row.updated_at.isoformat().replace("+00:00", "Z")
    resource["id"] = str(row.id)
    resource["meta"] = meta
    return resource
