"""Consent: which organization may see a resident's full record, and how it was given.

A ``Consent`` carries what docs/security.md, "Consent" lists (resident, receiving organization,
scope, purpose, method, given / expires / revoked, who recorded it) plus the extra
fields a 42 CFR Part 2 consent needs. At most one unrevoked consent exists per
resident, organization and scope (a new grant supersedes the old one), and every
change bumps ``version`` so a stale form is refused instead of overwriting.

A ``ConsentRequest`` is a link sent by email or text. Only the SHA-256 of its
token is stored, so a database reader cannot use pending links. A general request
sent by text also carries a short reply code ("YES 4821"); only a keyed hash of it
is stored (``text_replies.hash_reply_code``), scoped to the number it was sent to.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    GENERAL = "general", _("Full record (general consent)")
    PART2 = "part2", _("Substance use treatment records (42 CFR Part 2)")


class Method(models.TextChoices):
    EMAIL_LINK = "email_link", _("Email link")
    TEXT_LINK = "text_link", _("Text message link")
    TEXT_REPLY = "text_reply", _("Text message reply code")
    VERBAL = "verbal", _("Verbal, attested by staff")
    RESIDENT_ACCOUNT = "resident_account", _("Resident account")
    PRE_CONSENT = "pre_consent", _("Pre-consent at referral")


class Consent(models.Model):
    class RevokedReason(models.TextChoices):
        RESIDENT = "resident", _("Revoked by the resident")
        STAFF = "staff", _("Revoked by staff at the resident's request")
        SUPERSEDED = "superseded", _("Replaced by a newer consent")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="consents")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.GENERAL)
    purpose = models.CharField(max_length=200)
    method = models.CharField(max_length=20, choices=Method.choices)
    statements = models.JSONField(default=list, blank=True)  # acknowledged statement codes
    statements_version = models.CharField(max_length=16, blank=True)
    given_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey("ConsentRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.CharField(max_length=16, choices=RevokedReason.choices, blank=True)
    # 42 CFR 2.31 elements (Part 2 scope only).
    part2_discloser = models.CharField(max_length=200, blank=True)
    part2_description = models.TextField(blank=True)
    part2_recipients = models.CharField(max_length=300, blank=True)
    part2_expiry_event = models.CharField(max_length=200, blank=True)
    signature_name = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # The one-click revocation link sent to the resident with the confirmation of a
    # consent not given in their own account (only its SHA-256 is kept).
    revoke_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "organization", "scope"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_consent_per_scope",
            )
        ]
        indexes = [models.Index(fields=["organization", "resident"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} consent {self.id}"

    def is_active(self, at=None) -> bool:
        moment = at or timezone.now()
        return (
            self.revoked_at is None
            and self.given_at <= moment
            and (self.expires_at is None or self.expires_at > moment)
        )


class ConsentRequest(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        TEXT = "text", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the resident")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        SUPERSEDED = "superseded", _("Consent was given through another request")

    class Kind(models.TextChoices):
        REQUEST = "request", _("Consent request from staff")
        PRE_CONSENT = "pre_consent", _("Offer with a referral confirmation")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="consent_requests")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.GENERAL)
    purpose = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REQUEST)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    sent_to = models.CharField(max_length=254)
    # The contact point on file it went to (never an address typed at request time).
    contact = models.ForeignKey(
        "residents.ContactPoint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Reply code (general requests by text only; never Part 2, which needs the
    # signed form). ``reply_phone`` is the number it went to, as +1XXXXXXXXXX.
    reply_phone = models.CharField(max_length=16, blank=True)
    reply_code_hash = models.CharField(max_length=64, blank=True)
    # Set when too many wrong codes came from the number: the code stops working
    # (the link still works).
    reply_locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["resident", "organization", "status"]),
            models.Index(fields=["reply_phone", "status"]),
        ]
        constraints = [
            # An inbound "YES 4821" must name exactly one open request of that number.
            models.UniqueConstraint(
                fields=["reply_phone", "reply_code_hash"],
                condition=Q(status="pending") & ~Q(reply_code_hash=""),
                name="one_pending_reply_code_per_phone",
            )
        ]

    def __str__(self) -> str:
        return f"Consent request {self.id} ({self.status})"


class ContactVerification(models.Model):
    """A contact detail an organization entered, waiting for the resident to confirm
    it is theirs (a link sent to it). Until confirmed it never receives a consent
    request; even confirmed it never carries a Part 2 request (docs/product.md 4.4)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the resident")
        CONFIRMED = "confirmed", _("Confirmed by the resident")
        REJECTED = "rejected", _("The resident said it is not theirs")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey("residents.ContactPoint", on_delete=models.PROTECT, related_name="verifications")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contact", "status"])]

    def __str__(self) -> str:
        return f"Contact verification {self.id} ({self.status})"


class TextReplyFailure(models.Model):
    """A text reply that matched no open request (wrong, used or expired code, or not
    a reply at all). Counted per number to stop guessing; the number is kept only as
    a keyed hash."""

    phone_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["phone_hash", "received_at"])]

    def __str__(self) -> str:
        return f"Text reply refused ({self.reason}) at {self.received_at:%Y-%m-%d %H:%M}"
