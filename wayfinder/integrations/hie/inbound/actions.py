"""The match queue's verbs: link a received Patient to a resident (its resources'
needs are filed then) or discard it. Each is one transaction and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.residents.models import Resident

from .filing import file_needs
from .models import MatchQueueItem, ReceivedResource


class QueueError(ValueError):
    pass


def _decided(item_id: int) -> MatchQueueItem:
    item = MatchQueueItem.objects.select_for_update().select_related("patient").filter(pk=item_id).first()
    if item is None:
        raise QueueError(_("This patient is not in the match queue."))
    if item.status != MatchQueueItem.Status.WAITING:
        raise QueueError(_("Someone already decided about this patient."))
    return item


def link_patient(item_id: int, resident: Resident, *, actor: Any) -> MatchQueueItem:
    """Link the queued Patient to ``resident``: the Patient and every resource about
    it get the resident, and their needs are filed (source: the exchange)."""
    if resident.status != Resident.Status.ACTIVE:
        raise QueueError(_("This record is closed."))
    with transaction.atomic():
        item = _decided(item_id)
        now = timezone.now()
        patient = item.patient
        ReceivedResource.objects.filter(pk=patient.pk).update(resident=resident)
        rows = list(ReceivedResource.objects.filter(patient=patient).select_related("client", "resident"))
        needs: set[str] = set()
        for row in rows:
            row.resident = resident
            row.save(update_fields=["resident"])
            needs |= {need.domain for need in file_needs(row)}
        item.status, item.decided_at, item.decided_by, item.resident = (
            MatchQueueItem.Status.LINKED,
            now,
            actor,
            resident,
        )
        item.save(update_fields=["status", "decided_at", "decided_by", "resident"])
        log_action(
            actor,
            names.HIE_MATCH_LINKED,
            item,
            resident=resident,
            purpose="sdoh_needs",
            data={
                "patient": str(patient.pk),
                "client": patient.client.client_id,
                "resources": len(rows),
                "needs": sorted(needs),
            },
        )
    return item


def discard_patient(item_id: int, *, actor: Any) -> MatchQueueItem:
    """Discard the queued Patient: nobody here is this person. Its resources stay
    stored (nothing is dropped) but are filed on nobody."""
    with transaction.atomic():
        item = _decided(item_id)
        item.status, item.decided_at, item.decided_by = MatchQueueItem.Status.DISCARDED, timezone.now(), actor
        item.save(update_fields=["status", "decided_at", "decided_by"])
        log_action(
            actor,
            names.HIE_MATCH_DISCARDED,
            item,
            data={"patient": str(item.patient_id), "client": item.patient.client.client_id},
        )
    return item
