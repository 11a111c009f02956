"""One row per launch from an exchange: what was asked, how it ended.

A launch parameter works once per exchange (``unique (issuer, launch_hash)``): the
same launch link opened again, by the same person or by anyone it was forwarded
to, is refused. Only a SHA-256 of the opaque launch value is kept.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Launch(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", "Started"
        AUTHORIZED = "authorized", "Authorized by the exchange"
        COMPLETED = "completed", "Landed"
        REFUSED = "refused", "Refused"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exchange = models.CharField(max_length=200)
    issuer = models.CharField(max_length=500)
    launch_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.STARTED)
    refused_reason = models.CharField(max_length=32, blank=True)
    landing = models.CharField(max_length=32, blank=True)
    patient_ref = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "residents.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "launch_hash"], name="launch_works_once")]

    def __str__(self) -> str:
        return f"launch from {self.exchange} ({self.status})"
