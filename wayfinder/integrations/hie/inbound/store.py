"""Storing a received resource: once per source, re-sends update (docs/exchange.md,
"Inbound data").

A resource is the same one when the same client sends the same ``id``, or, for a
resource sent without an id (or with a new one), one of the same identifiers
(``system|value``). The row keeps the JSON as received and counts versions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from .models import ReceivedResource


def identifier_keys(resource: dict) -> list[str]:
    keys = []
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("value"):
            keys.append(f"{identifier.get('system') or ''}|{identifier['value']}"[:300])
    return keys


# The partial unique index (client, type, source_id) holds only rows with a source id;
# SQLite uses it only when the query repeats its condition (without it, one client's
# look-up scanned all of that client's rows: 2.5 s at 1,000,000 stored).
WITH_SOURCE_ID = ~Q(source_id="")


def existing(client: Any, resource_type: str, source_id: str, keys: list[str]) -> ReceivedResource | None:
    """The row this resource updates, locked for the update (None: a new one)."""
    rows = ReceivedResource.objects.select_for_update().filter(client=client, resource_type=resource_type)
    if source_id:
        row = rows.filter(WITH_SOURCE_ID, source_id=source_id).first()
        if row is not None:
            return row
    if keys:
        return rows.filter(identifier_key__in=keys).order_by("received_at").first()
    return None


class Known:
    """The rows a bundle's resources may update, read (and locked) with two queries per
    resource type instead of one look-up per entry; it answers ``existing`` exactly as
    the database would, for the ids and identifiers it read. Every row saved while the
    bundle runs is told to it (``saw``), so it stays what the database holds; a
    resource whose id or identifiers it did not read is looked up as before."""

    def __init__(self, client: Any, resources: list[dict]) -> None:
        self.client = client
        self.wanted: dict[str, tuple[set[str], set[str]]] = {}
        for resource in resources:
            kind = resource.get("resourceType") if isinstance(resource, dict) else None
            if not isinstance(kind, str):
                continue
            ids, keys = self.wanted.setdefault(kind, (set(), set()))
            if resource.get("id"):
                ids.add(str(resource["id"])[:64])
            keys.update(identifier_keys(resource))
        self.read: dict[str, tuple[set[str], set[str]]] = {}
        self.by_id: dict[tuple[str, str], ReceivedResource] = {}
        self.by_key: dict[tuple[str, str], list[ReceivedResource]] = {}

    def _read(self, kind: str) -> tuple[set[str], set[str]]:
        if kind not in self.read:
            ids, keys = self.wanted.get(kind, (set(), set()))
            rows = ReceivedResource.objects.select_for_update().filter(client=self.client, resource_type=kind)
            found = list(rows.filter(WITH_SOURCE_ID, source_id__in=sorted(ids))) if ids else []
            if keys:
                seen = {row.pk for row in found}
                found += [row for row in rows.filter(identifier_key__in=sorted(keys)) if row.pk not in seen]
            for row in found:
                self.saw(row)
            self.read[kind] = (ids, keys)
        return self.read[kind]

    def existing(self, kind: str, source_id: str, keys: list[str]) -> ReceivedResource | None:
        ids, read_keys = self._read(kind)
        if (source_id and source_id not in ids) or not set(keys) <= read_keys:
            return existing(self.client, kind, source_id, keys)
        if source_id and (kind, source_id) in self.by_id:
            return self.by_id[(kind, source_id)]
        candidates = [row for key in keys for row in self.by_key.get((kind, key), [])]
        return min(candidates, key=lambda row: row.received_at) if candidates else None

    def saw(self, row: ReceivedResource) -> None:
        """``row`` as it is now stored (created, updated, or read)."""
        if row.source_id:
            self.by_id[(row.resource_type, row.source_id)] = row
        if row.identifier_key:  # once set, a row's source id and first identifier never change
            rows = self.by_key.setdefault((row.resource_type, row.identifier_key), [])
            rows[:] = [other for other in rows if other.pk != row.pk] + [row]


def by_our_id(resource_type: str, value: str, client: Any = None) -> ReceivedResource | None:
    """A received resource by the id this server gave it (optionally only if ``client`` sent it)."""
    try:
        rows = ReceivedResource.objects.filter(resource_type=resource_type, pk=value)
        if client is not None:
            rows = rows.filter(client=client)
        return rows.first()
    except Exception:  # noqa: BLE001 - not a UUID: no such resource
        return None


def prepare_received(
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
    """The new row, or ``row`` updated, not saved yet (the caller files its needs on
    it first, then saves it once: ``row.save(force_insert=created)``); returns (row, created)."""
    now = timezone.now()
    if row is None:
        row = ReceivedResource(
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
