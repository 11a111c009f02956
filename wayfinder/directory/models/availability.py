"""Whether a service takes referrals now (issue #21 item 2, docs/product.md 10.2).

Not an HSDS object: HSDS 3.1 ``service_capacity`` counts units (beds, slots) and
says nothing of a waitlist or of whether referrals are welcome. The HSDS export
carries this as the service's ``wait_time`` text and, once the 3.1 tables are in
(issue #16), as a ``service_capacity`` row (directory/availability.py says how).
Its own module so the HSDS models stay HSDS-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import Source


class AvailabilityStatus(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting referrals")
    WAITLIST = "waitlist", _("Waitlist")
    FULL = "full", _("Full: not taking referrals now")


class ServiceAvailability(models.Model):
    service = models.OneToOneField("directory.Service", on_delete=models.CASCADE, related_name="availability")
    status = models.CharField(max_length=16, choices=AvailabilityStatus.choices)
    # The estimated wait of a waitlist, in weeks (None: not known).
    wait_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    confirmed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PARTNER)

    class Meta:
        app_label = "directory"
        verbose_name_plural = "service availabilities"
        indexes = [models.Index(fields=["status", "confirmed_at"], name="directory_availability_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.service_id})"
