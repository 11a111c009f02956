"""What the exchange's referral resources need stored beyond the referral itself.

A Task is a view of one ``referrals.Referral`` (its status is read from the
referral, status.py); the rows here keep what only FHIR knows: the resources as
the client sent them, which client sent them, a version that moves on every change
(ETag, ``_lastUpdated``), and the client's rest-hook Subscriptions.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class ServiceRequestRecord(models.Model):
    """A ServiceRequest a clinical system created, stored as received (plus our id)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("hie.ExchangeClient", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="+")
    resource = models.JSONField()
    # Search keys: "system|code" of category and code, the SR's status.
    categories = models.JSONField(default=list, blank=True)
    codes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["resident", "updated_at"], name="hie_sr_resident")]

    def __str__(self) -> str:
        return f"ServiceRequest/{self.id}"


class TaskRecord(models.Model):
    """A referral Task: the client's Task as received, tied to the referral it made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("hie.ExchangeClient", on_delete=models.PROTECT, related_name="+")
    service_request = models.ForeignKey(ServiceRequestRecord, on_delete=models.PROTECT, related_name="tasks")
    referral = models.OneToOneField("referrals.Referral", on_delete=models.PROTECT, related_name="fhir_task")
    resource = models.JSONField()
    # The status the requester set through FHIR (cancelled, entered-in-error), with its reason.
    withdrawn = models.CharField(max_length=20, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    # The Task status (status.task_state), kept in step on every referral change so
    # that ``Task?status=`` is a filter and a subscriber's notification says it.
    status = models.CharField(max_length=20, default="requested")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated_at", "id"]
        indexes = [
            models.Index(fields=["client", "updated_at"], name="hie_task_client"),
            models.Index(fields=["client", "status"], name="hie_task_status"),
            models.Index(fields=["updated_at"], name="hie_task_updated"),
        ]

    def __str__(self) -> str:
        return f"Task/{self.id}"


class Subscription(models.Model):
    """A client's rest-hook Subscription to the SDOHCC Task topic (R4 backport)."""

    class Payload(models.TextChoices):
        EMPTY = "empty"
        ID_ONLY = "id-only"
        FULL = "full-resource"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey("hie.ExchangeClient", on_delete=models.PROTECT, related_name="+")
    endpoint = models.URLField(max_length=254)
    payload = models.CharField(max_length=16, choices=Payload.choices, default=Payload.ID_ONLY)
    # The subscriber's own headers ("Authorization: Bearer ..."), sent with each notification.
    headers = models.JSONField(default=dict, blank=True)
    # The topic's filters the client chose (owner, requester, status, code), "name=value" strings.
    filters = models.JSONField(default=list, blank=True)
    resource = models.JSONField()
    events_since_start = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Subscription/{self.id} → {self.endpoint}"
