"""The links a referral's email or text carries (issue #21, "recipient light").

One row per referral and recipient contact (an address of the receiving
organization's staff, the organization's address in the directory, its text
number). Only a hash of the link's secret is stored, so whoever reads the
database cannot act on a referral. Imported by ``models.py`` so Django finds it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReferralLink(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="links")
    # The organization the link was sent for: when the referral changes hands, the
    # link stops working (links.state_of).
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The organization's contact the link was sent to (a work address or number from
    # the directory or the organization's staff, not a resident's).
    contact = models.CharField(max_length=254)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # One use per state change: each is set once, by a conditional UPDATE, so a
    # replayed or doubled request cannot act twice.
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "referrals"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["referral", "last_used_at"], name="referral_link_used")]

    def __str__(self) -> str:
        return f"Link for {self.referral_id} ({self.channel})"
