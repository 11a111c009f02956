"""Organizations that take part in the referral network, beyond their directory entry.

The directory (``directory.Organization``) describes what an organization offers;
a ``Partner`` row says what kind of organization it is for the network (community
partner, state agency, hospital, provider office), its tax status (which decides
incentive eligibility, product 7.3) and whether and when it finished onboarding
(which shows the "Partner" badge and opens the referral inbox).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY_PARTNER = "community_partner", _("Community partner")
        STATE_AGENCY = "state_agency", _("State agency")
        HOSPITAL = "hospital", _("Hospital")
        PROVIDER_OFFICE = "provider_office", _("Provider office")
        KYNECTOR = "kynector", _("Enrollment assister (kynector)")
        UNITED_WAY = "united_way", _("United Way")

    class TaxStatus(models.TextChoices):
        NONPROFIT = "nonprofit", _("Not-for-profit")
        FOR_PROFIT = "for_profit", _("For-profit")
        GOVERNMENT = "government", _("Government")

    organization = models.OneToOneField(
        "directory.Organization", on_delete=models.PROTECT, primary_key=True, related_name="partner"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.COMMUNITY_PARTNER)
    tax_status = models.CharField(max_length=16, choices=TaxStatus.choices, default=TaxStatus.NONPROFIT)
    ein = models.CharField(_("EIN"), max_length=10, blank=True)
    serves_state = models.BooleanField(default=True, help_text="Actively serving residents in the deployment's state")
    onboarded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_kind_display()})"

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None
