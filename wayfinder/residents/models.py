"""The resident record: identity, contact points, household, eligibility cases,
social needs and notes (docs/product.md 4.1).

Every piece keeps where it came from (``source``) and when it changed, because
what an organization may see depends on who entered it (docs/product.md 4.3: without
consent, only the contact details *it* entered), and because later features
(assessments, FHIR inbound data, referrals) add rows from their own sources.
Rows are closed, never deleted, so the history stays attributable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .names import name_key, phonetic_key


class Source(models.TextChoices):
    ELIGIBILITY = "eligibility", _("State eligibility system")
    ORGANIZATION = "organization", _("Entered by an organization")
    RESIDENT = "resident", _("Entered by the resident")


class Resident(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class ClosedReason(models.TextChoices):
        NOT_IN_FEED = "not_in_feed", _("No longer in the eligibility feed")
        INACTIVE_IN_FEED = "inactive_in_feed", _("Marked inactive by the eligibility system")
        DUPLICATE = "duplicate", _("Duplicate record")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    individual_id = models.CharField(_("eligibility individual id"), max_length=32, null=True, blank=True, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    suffix = models.CharField(max_length=16, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(max_length=16, blank=True)
    preferred_language = models.CharField(max_length=8, blank=True, default="en")
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    county = models.CharField(max_length=100, blank=True)
    household_id = models.CharField(max_length=32, blank=True)
    # Search keys, kept in step with the names by ``refresh_keys``.
    first_key = models.CharField(max_length=100, editable=False, default="")
    last_key = models.CharField(max_length=100, editable=False, default="")
    last_phonetic = models.CharField(max_length=8, editable=False, default="")

    source = models.CharField(max_length=16, choices=Source.choices)
    created_by_organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="resident"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    notification_channel = models.CharField(
        max_length=8, choices=[("email", _("Email")), ("sms", _("Text message"))], default="email"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=32, choices=ClosedReason.choices, blank=True)
    last_assessment_at = models.DateTimeField(null=True, blank=True)
    last_assessment_source = models.CharField(max_length=100, blank=True)
    feed_hash = models.CharField(max_length=64, blank=True, editable=False)
    feed_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Client search: the date of birth narrows a million rows to a few dozen.
            models.Index(fields=["date_of_birth", "last_key"], name="resident_dob_last"),
            models.Index(fields=["date_of_birth", "last_phonetic"], name="resident_dob_phonetic"),
            models.Index(fields=["created_by_organization", "date_of_birth"], name="resident_org_dob"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        """Keys in step with the names; and when the name changed (the eligibility
        feed renames people), the copies other apps keep of it (the referral inbox's
        search key) follow in the same transaction, whoever saved the record."""
        self.refresh_keys()
        update_fields = kwargs.get("update_fields")
        renamed = (
            not self._state.adding
            and (update_fields is None or bool({"first_name", "last_name"} & set(update_fields)))
            and getattr(self, "_stored_search_name", None) != self.search_name
        )
        if renamed:
            from .extension_points import name_changed

            with transaction.atomic(using=kwargs.get("using") or self._state.db):
                super().save(*args, **kwargs)
                name_changed(self)
        else:
            super().save(*args, **kwargs)
        if update_fields is None or renamed:
            self._stored_search_name = self.search_name

    @classmethod
    def from_db(cls, db, field_names, values):
        resident = super().from_db(db, field_names, values)
        # The name as stored, to notice a rename when the record is saved again.
        deferred = resident.get_deferred_fields()
        resident._stored_search_name = None if {"first_name", "last_name"} & deferred else resident.search_name
        return resident

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name, self.suffix) if part)

    @property
    def search_name(self) -> str:
        """The whole name as one search key ("Amy Brand" -> "amy brand"): what copies of
        the name kept elsewhere (``Referral.resident_search``) hold."""
        return name_key(f"{self.first_name} {self.last_name}")[:200]

    def refresh_keys(self) -> None:
        self.first_key = name_key(self.first_name)
        self.last_key = name_key(self.last_name)
        self.last_phonetic = phonetic_key(self.last_name)


class ContactPoint(models.Model):
    """An email address or phone number, with who entered it."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=254)
    source = models.CharField(max_length=16, choices=Source.choices)
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "created_at"]
        indexes = [models.Index(fields=["resident", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class HouseholdMember(models.Model):
    """A person in the resident's household, as the eligibility system reports them."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="household")
    member_key = models.CharField(max_length=64)  # their individual id, else name + birth date
    individual_id = models.CharField(max_length=32, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=16, blank=True)
    relationship = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ELIGIBILITY)
    added_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date_of_birth"]
        constraints = [models.UniqueConstraint(fields=["resident", "member_key"], name="household_member_once")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class EligibilityCase(models.Model):
    class Program(models.TextChoices):
        MEDICAID = "MEDICAID", _("Medicaid")
        KCHIP = "KCHIP", _("KCHIP (children's health insurance)")
        SNAP = "SNAP", _("SNAP (food benefits)")
        KTAP = "KTAP", _("K-TAP (cash assistance)")
        CCAP = "CCAP", _("Child Care Assistance")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        APPROVED = "approved", _("Approved")
        CLOSED = "closed", _("Closed")

    class ClosedReason(models.TextChoices):
        NOT_IN_FEED = "not_in_feed", _("No longer reported by the eligibility system")
        RESIDENT_CLOSED = "resident_closed", _("Resident record closed")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="cases")
    program = models.CharField(max_length=16, choices=Program.choices)
    case_number = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    approved_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ELIGIBILITY)
    first_seen_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=32, choices=ClosedReason.choices, blank=True)

    class Meta:
        ordering = ["program", "case_number"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "program", "case_number"], name="case_once_per_resident")
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.case_number}"


class SdohNeed(models.Model):
    """One social need (an SDoH domain) of a resident, with every source that reported it.

    At most one *open* need per domain (a partial unique constraint): a food need
    found by an assessment and again by a Medicaid claim is one need listing two
    sources, so nobody refers the resident twice for the same thing. ``domain`` is a
    Wayfinder category slug (directory categories: food, housing, ...);
    ``sdohcc_codes`` the SDOH Clinical Care category codes its sources gave.
    Written only by ``wayfinder.assessments.needs`` (``record_need``, ``mark_need``).

    ``source``/``source_detail``/``observed_at`` summarise the latest source;
    ``part2`` is true while every source came from a 42 CFR Part 2 program (one
    source outside Part 2 makes the need itself ordinary; the Part 2 sources stay
    hidden without Part 2 consent).
    """

    class SourceKind(models.TextChoices):
        ASSESSMENT = "assessment", _("Needs assessment")
        HIE = "hie", _("Health information exchange")
        MEDICAID_CLAIMS = "medicaid_claims", _("Medicaid claims")
        STAFF = "staff", _("Staff")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        RESOLVED = "resolved", _("No longer a need")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(max_length=64)  # Wayfinder category slug (directory categories)
    sdohcc_codes = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=32, choices=SourceKind.choices)
    source_detail = models.CharField(max_length=200, blank=True)
    observed_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    part2 = models.BooleanField(default=False, help_text="Came from a 42 CFR Part 2 program")

    class Meta:
        ordering = ["-observed_at"]
        indexes = [models.Index(fields=["resident", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "domain"], condition=models.Q(status="open"), name="one_open_need_per_domain"
            )
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.source})"


class NeedSource(models.Model):
    """One report of a need: an assessment, an HIE participant's data, a Medicaid
    claim or a staff member. Append-only: a need keeps the history of who said so."""

    need = models.ForeignKey(SdohNeed, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=32, choices=SdohNeed.SourceKind.choices)
    # What reported it, in words: "AHC HRSN screening 1.0.0", or an HIE participant's name.
    detail = models.CharField(max_length=200, blank=True)
    # A resource reference, e.g. "QuestionnaireResponse/<uuid>" or "Observation/<id>".
    reference = models.CharField(max_length=200, blank=True)
    questionnaire_url = models.CharField(max_length=500, blank=True)
    questionnaire_version = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observed_at = models.DateTimeField()  # the clinical date: when the need was observed
    recorded_at = models.DateTimeField(default=timezone.now)
    sdohcc_codes = models.JSONField(default=list, blank=True)
    # The coded evidence: question and answer codes, scores (kept for the FHIR/C-CDA publication).
    evidence = models.JSONField(default=list, blank=True)
    part2 = models.BooleanField(default=False)

    class Meta:
        ordering = ["-observed_at", "-id"]
        indexes = [models.Index(fields=["need", "observed_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class Note(models.Model):
    """A note on the record, shared with every organization that holds consent."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="notes")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=4000)
    part2 = models.BooleanField(default=False, help_text="Contains information from a 42 CFR Part 2 program")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resident", "created_at"])]

    def __str__(self) -> str:
        return f"Note by {self.author_id} on {self.resident_id}"
