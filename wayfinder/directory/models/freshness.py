"""Who confirmed a service's information, and when (issue #21 item 3, docs/product.md 10.3).

``Record.last_verified`` says when; this says by whom: the 2-1-1 feed (the
importer's date), the partner ("still correct" in its workspace or from the
reminder email) or a reviewer. One row per confirmation, never edited. Also the
public's "this did not work" (a short list of reasons), counted per service for
reviewers. Its own module so the HSDS models stay HSDS-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Source


class ServiceVerification(models.Model):
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="verifications")
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=16, choices=Source.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        app_label = "directory"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["service", "-at"], name="directory_verified_idx")]

    def __str__(self) -> str:
        return f"{self.service_id} verified {self.at:%Y-%m-%d} ({self.source})"


class DidNotWork(models.Model):
    """ "This did not work": a resident or visitor says a service did not help."""

    class Reason(models.TextChoices):
        NO_ANSWER = "no_answer", _("Nobody answered or called back")
        CLOSED = "closed", _("It was closed or no longer exists")
        NOT_ELIGIBLE = "not_eligible", _("I did not qualify")
        FULL = "full", _("They had no room or a long wait")
        WRONG_INFO = "wrong_info", _("The information here was wrong")
        OTHER = "other", _("Something else")

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="did_not_work")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    # "service_page" or "referral": where it was said (a referral's id is not kept here).
    where = models.CharField(max_length=16, default="service_page")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "directory"
        indexes = [models.Index(fields=["service", "created_at"], name="directory_did_not_work_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.service_id})"
