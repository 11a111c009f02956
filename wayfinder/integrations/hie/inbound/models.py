"""What the exchange sent us, kept as received, and the patients nobody could match.

``ReceivedResource`` is one resource from one client (docs/exchange.md, "Inbound
data"): the JSON as received (references inside a bundle rewritten to our ids,
as a FHIR transaction does), who sent it and when, its identifiers, and the
resident it is about once the patient is matched. Re-sending the same resource
(the same id, or the same identifier, from the same client) updates the row and
raises its version: it never makes a second one.

``MatchQueueItem`` is a received Patient that matched no resident, or several:
nothing is dropped; the resources about it wait with ``resident`` empty until a
system administrator links the patient (their needs are filed then) or discards it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReceivedResource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # our FHIR id
    client = models.ForeignKey("hie.ExchangeClient", on_delete=models.PROTECT, related_name="received")
    resource_type = models.CharField(max_length=40)
    source_id = models.CharField(max_length=64, blank=True)  # the id the client gave it
    identifier_key = models.CharField(max_length=300, blank=True)  # first identifier, "system|value"
    identifiers = models.JSONField(default=list, blank=True)
    resource = models.JSONField()
    version = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The received Patient this resource is about (for a Patient: itself is not set).
    patient = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="about")
    resident = models.ForeignKey(
        "residents.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="received_resources"
    )
    needs_filed_at = models.DateTimeField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "resource_type", "source_id"],
                condition=~models.Q(source_id=""),
                name="received_once_per_source_id",
            )
        ]
        indexes = [
            models.Index(fields=["client", "resource_type", "identifier_key"], name="received_identifier"),
            models.Index(fields=["resource_type", "updated_at"], name="received_type_updated"),
            models.Index(fields=["resident", "resource_type"], name="received_resident_type"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.id}"


class MatchQueueItem(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        LINKED = "linked", _("Linked")
        DISCARDED = "discarded", _("Discarded")

    class Reason(models.TextChoices):
        NONE = "none", _("No resident matched")
        SEVERAL = "several", _("Several residents matched")

    patient = models.OneToOneField(ReceivedResource, on_delete=models.PROTECT, related_name="queue_item")
    reason = models.CharField(max_length=8, choices=Reason.choices)
    rule = models.CharField(max_length=32, blank=True)  # the matching step that found several
    candidates = models.ManyToManyField("residents.Resident", blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "residents.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="match_queue_status")]

    def __str__(self) -> str:
        return f"match {self.patient_id} ({self.status})"
