"""Organizations that take part in the referral network, beyond their directory entry.

The directory (``directory.Organization``) describes what an organization offers;
a ``Partner`` row says what kind of organization it is for the network (community
partner, state agency, hospital, provider office), its tax status (which decides
incentive eligibility, docs/product.md 7.3) and whether and when it finished onboarding
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
    # A federally assisted substance use disorder program (42 CFR Part 2): what its staff
    # record (assessments, needs) is shown only under a resident's Part 2 consent.
    part2_program = models.BooleanField(_("42 CFR Part 2 program"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Opt-in: a mobile number that gets a text for every new referral (docs/product.md 5.2).
    referral_sms_number = models.CharField(_("text new referrals to"), max_length=20, blank=True)

    class Meta:
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_kind_display()})"

    @property
    def onboarded_at(self):
        """When the organization finished onboarding: kept on the organization
        (``Organization.partner_since``) so the public directory can read it."""
        return self.organization.partner_since

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None


class SiteRequest(models.Model):
    """A request to join as a partner: either a claim of an organization already in
    the directory, or (``organization`` empty) the details of an organization the
    requester could not find, for a reviewer to add. Kept after the decision so a
    reviewer sees earlier claims of the same organization."""

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Claim of a listed organization")
        NEW_ORGANIZATION = "new_organization", _("Organization not yet listed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="site_requests"
    )
    # The requester.
    requester_name = models.CharField(_("your full name"), max_length=200)
    requester_title = models.CharField(_("your job title"), max_length=200)
    requester_email = models.EmailField(_("your work email"))
    requester_phone = models.CharField(_("your phone"), max_length=32)
    # The organization as the requester describes it.
    organization_name = models.CharField(_("organization name"), max_length=500)
    organization_description = models.TextField(_("what the organization does"), blank=True)
    organization_website = models.CharField(_("website"), max_length=500, blank=True)
    organization_phone = models.CharField(_("main phone"), max_length=32, blank=True)
    address_1 = models.CharField(_("street address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    state_province = models.CharField(_("state"), max_length=2, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    tax_status = models.CharField(_("tax status"), max_length=16, choices=Partner.TaxStatus.choices)
    ein = models.CharField(_("EIN"), max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organization_name} ({self.requester_email})"


class Invitation(models.Model):
    """A one-time link that makes its holder admin or staff of an organization.

    Only a SHA-256 of the token is stored: a database reader cannot use a link.
    ``kind`` decides which link was sent: people without an account create one,
    people with an account sign in and have the role added (no second account).
    """

    class Kind(models.TextChoices):
        NEW_ACCOUNT = "new_account", _("Create an account")
        ADD_ROLE = "add_role", _("Add the role to an existing account")

    token_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(max_length=16, choices=[("admin", _("Admin")), ("staff", _("Staff"))])
    site_request = models.ForeignKey(SiteRequest, null=True, blank=True, on_delete=models.PROTECT)
    invited_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "used_at"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.role} at {self.organization_id}"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class OnboardingProgress(models.Model):
    """Where a person who joined through an invitation is in final onboarding.

    The row exists from the moment an invitation is accepted; while ``completed_at``
    is empty every partner page sends the person to their next step. People given a
    membership by a system administrator directly (Django admin, demo data, agency
    single sign-on) have no row and are not held here: that administrator vouches
    for them (docs/decisions.md).
    """

    user = models.OneToOneField("accounts.User", on_delete=models.PROTECT, related_name="partner_onboarding")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"onboarding of {self.user_id}"


class AgreementAcceptance(models.Model):
    """The user agreement a person accepted: which version, when."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="agreement_acceptances")
    version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_acceptance_per_version")]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.version}"


class TrainingCompletion(models.Model):
    """One required training module, opened and acknowledged on a date."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="training_completions")
    module = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module", "version"], name="one_completion_per_module")]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.module}"


class RecordChange(models.Model):
    """A partner's edit of a directory record, field by field (before and after),
    so reviewers see what partners changed. The audit log has the same event; this
    table exists so the history is easy to list per organization."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=40)
    record_id = models.UUIDField()
    record_label = models.CharField(max_length=500)
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict)  # {field: [before, after]}

    class Meta:
        ordering = ["-changed_at"]
        indexes = [models.Index(fields=["organization", "changed_at"]), models.Index(fields=["changed_at"])]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} changed by {self.changed_by_id}"


class Favorite(models.Model):
    """A service on an organization's shared list of frequently used services."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE, related_name="favorites")
    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "service"], name="one_favorite_per_service")]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.organization_id}"
