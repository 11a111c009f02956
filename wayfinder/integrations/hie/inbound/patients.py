"""Received Patients: matched to a resident by the one matching rule
(``residents.matching``), never creating one (docs/exchange.md, "Patient matching").

No match, or several, puts the Patient in the match queue: the resources about it
are kept with no resident until a system administrator links or discards it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q

from wayfinder.residents.matching import Match, PatientIdentity, match_patient

from .models import MatchQueueItem, ReceivedResource


def identity_of(resource: dict) -> PatientIdentity:
    """Identifiers (by the systems the launch uses), official name and birth date."""
    identity = PatientIdentity()
    for identifier in resource.get("identifier") or []:
        if not isinstance(identifier, dict):
            continue
        value = str(identifier.get("value") or "").strip().upper()[:32]
        if not value:
            continue
        if identifier.get("system") == settings.SMART_INDIVIDUAL_ID_SYSTEM:
            identity.individual_ids.append(value)
        elif identifier.get("system") == settings.SMART_MEDICAID_ID_SYSTEM:
            identity.medicaid_ids.append(value)
    names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
    current = [n for n in names if not (n.get("period") or {}).get("end")]
    official = next((n for n in names if n.get("use") == "official"), (current or names or [{}])[0])
    identity.first_name = str((official.get("given") or [""])[0])[:100]
    identity.last_name = str(official.get("family") or "")[:100]
    try:
        identity.birth_date = datetime.date.fromisoformat(str(resource.get("birthDate", "")))
    except ValueError:
        identity.birth_date = None
    return identity


def match(resource: dict) -> Match:
    return match_patient(identity_of(resource))


def queue(row: ReceivedResource, found: Match) -> MatchQueueItem:
    """Put (or keep) the Patient in the match queue with the candidates found."""
    item, _created = MatchQueueItem.objects.get_or_create(
        patient=row,
        defaults={"reason": MatchQueueItem.Reason.SEVERAL if found.residents else MatchQueueItem.Reason.NONE},
    )
    if item.status == MatchQueueItem.Status.WAITING:
        item.reason = MatchQueueItem.Reason.SEVERAL if found.residents else MatchQueueItem.Reason.NONE
        item.rule = found.rule
        item.save(update_fields=["reason", "rule"])
        item.candidates.set(found.residents)
    return item


def patient_for(client: Any, reference: str) -> ReceivedResource | None:
    """The received Patient a reference names: ``Patient/<our id>`` or ``Patient/<the
    client's own id>`` (bundle references are rewritten to ours before this)."""
    kind, _slash, value = reference.rpartition("/")
    if not value or not kind.endswith("Patient"):
        return None
    rows = ReceivedResource.objects.filter(client=client, resource_type="Patient")
    try:
        row = rows.filter(pk=value).first()
    except Exception:  # noqa: BLE001 - not a UUID
        row = None
    return row or rows.filter(~Q(source_id=""), source_id=value).first()  # the partial index's condition
