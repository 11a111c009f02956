"""Problem reports from the public ("report a problem" on a service page), kept for reviewers.

Its own module so the HSDS models stay HSDS-only; it is
imported by ``models/__init__.py``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProblemReport(models.Model):
    class Kind(models.TextChoices):
        CLOSED = "closed", "Service closed"
        PHONE = "phone", "Wrong phone"
        ADDRESS = "address", "Wrong address"
        HOURS = "hours", "Wrong hours"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        # Issue #21 item 3: the organization and the reviewers move a report through
        # these; the reporter gets a reply when they left a contact.
        NEW = "new", _("New")
        BEING_FIXED = "being_fixed", _("Being fixed")
        FIXED = "fixed", _("Fixed")
        REJECTED = "rejected", _("Rejected: the information was right")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="problem_reports")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    details = models.TextField(blank=True)
    contact = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    # The last reply sent to the reporter (by email or text, to ``contact``).
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "directory"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.service_id}"
