"""Closed-loop referrals: a resident referred to a service of another organization.

A referral moves New → In Progress → Closed. Only the receiving organization
moves it; the sender watches it in its outbox. Every change is an event row
(who, when, from, to), and the referral carries a ``version`` so two people
editing at once never overwrite each other silently (docs/security.md, "Concurrency").
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class NotProvidedReason(models.TextChoices):
    """Why a resource was not provided (docs/product.md 5.4); coded so metrics can count them."""

    UNABLE_TO_REACH = "unable_to_reach", _("Unable to reach the resident")
    HELPED_ELSEWHERE = "helped_elsewhere", _("Got help from another organization")
    OUTSIDE_SERVICE_AREA = "outside_service_area", _("Outside our service area")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NO_CAPACITY = "no_capacity", _("No capacity")
    DECLINED = "declined", _("Resident declined")
    OTHER = "other", _("Other")


# The same reasons as the resident reads them about herself (issue #14: "Unable to
# reach the resident" was shown to the resident). Staff pages keep the coded labels.
RESIDENT_REASON_WORDS = {
    NotProvidedReason.UNABLE_TO_REACH: _("They could not reach you"),
    NotProvidedReason.HELPED_ELSEWHERE: _("You got help from another organization"),
    NotProvidedReason.OUTSIDE_SERVICE_AREA: _("You live outside the area they serve"),
    NotProvidedReason.NOT_ELIGIBLE: _("This service was not one you qualify for"),
    NotProvidedReason.NO_CAPACITY: _("They had no room to help at the time"),
    NotProvidedReason.DECLINED: _("You decided not to use this service"),
    NotProvidedReason.OTHER: _("Another reason"),
}


class Origin(models.TextChoices):
    STAFF = "staff", _("Created by staff")
    SELF = "self", _("Self-referral by the resident")
    FHIR = "fhir", _("Received through FHIR")


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="referrals")
    location = models.ForeignKey(
        "directory.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    receiving_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="referrals_received"
    )
    # None for a resident's self-referral.
    sending_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_sent"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.STAFF)
    # The resident's name as a search key ("amy brand"), copied here so that the
    # inbox's client search filters one table along its (organization, date) index
    # instead of joining every referral to residents: measured on PostgreSQL with
    # 1,000,000 referrals, the join took 1.5 s, this takes milliseconds.
    resident_search = models.CharField(max_length=200, blank=True, editable=False)
    # The same name's whole words and sound-alike keys (names.search_keys), so the
    # client search tolerates nicknames and misspellings ("Jonson" finds Johnson)
    # with the same one-table filter.
    resident_keys = models.CharField(max_length=300, blank=True, editable=False)
    # The one-time token of the form that created it (views_create): a second
    # submit of the same form (Submit, Back, Submit) finds this referral instead of
    # making another. Empty for referrals made without a form.
    form_token = models.CharField(max_length=64, blank=True, editable=False)
    note = models.TextField(blank=True)
    # The receiving organization had not onboarded when the referral was made: the
    # United Way referral specialists work it instead of an inbox.
    to_non_onboarded = models.BooleanField(default=False)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resource_provided = models.BooleanField(null=True, blank=True)
    not_provided_reason = models.CharField(max_length=32, choices=NotProvidedReason.choices, blank=True)
    not_provided_other = models.CharField(max_length=300, blank=True)
    # "How was your experience with the resident?" Required, stored, never shown
    # to anyone (docs/product.md 5.4): no template, API or export reads this field.
    experience_private = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Inbox and outbox pages: newest first, the id breaking ties, so that the
            # page is read straight off the index instead of sorting every row.
            models.Index(fields=["receiving_organization", "-created_at", "-id"], name="referral_inbox"),
            models.Index(
                fields=["receiving_organization", "status", "-created_at", "-id"], name="referral_inbox_status"
            ),
            models.Index(fields=["sending_organization", "-created_at", "-id"], name="referral_outbox"),
            models.Index(
                fields=["sending_organization", "status", "-created_at", "-id"], name="referral_outbox_status"
            ),
            models.Index(fields=["status", "created_at"], name="referral_open_age"),
            models.Index(fields=["resident", "-created_at"], name="referral_by_resident"),
            models.Index(fields=["service", "-created_at"], name="referral_by_service"),
        ]
        constraints = [
            # One referral per form and service: favorites make several from one form.
            models.UniqueConstraint(
                fields=["form_token", "service"], condition=~models.Q(form_token=""), name="referral_once_per_form"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def resident_reason(self) -> str:
        """Why it was not provided, in the resident's own words (RESIDENT_REASON_WORDS)."""
        return str(RESIDENT_REASON_WORDS.get(self.not_provided_reason, ""))


class ReferralEvent(models.Model):
    """The history of a referral: one row per change, never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        NOTE_ADDED = "note_added", _("Note added")
        CLOSED = "closed", _("Closed")
        OUTREACH = "outreach", _("Referral specialist outreach")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(help_text="The referral's version after this change")
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class ReferralNote(models.Model):
    """A note shared between the sending and the receiving organization."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note by {self.author_id} on {self.referral_id}"


class FollowUp(models.Model):
    """An item in the United Way referral specialists' queue (docs/product.md 5.5)."""

    class Kind(models.TextChoices):
        STALE_OPEN = "stale_open", _("Open more than 7 days: contact the receiving partner")
        NON_ONBOARDED = "non_onboarded", _("Sent to an organization that has not onboarded")
        CONFIRM_WITH_RESIDENT = "confirm_with_resident", _("Confirm with the resident that the need was met")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    # Non-onboarded referrals may be closed by a specialist from this moment on.
    closable_from = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["referral", "kind"], name="one_follow_up_per_kind")]
        indexes = [models.Index(fields=["state", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.state})"


class Outreach(models.Model):
    """One contact attempt by a referral specialist, and what came of it."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        TEXT = "text", _("Text message")

    class Result(models.TextChoices):
        REACHED = "reached", _("Reached")
        LEFT_MESSAGE = "left_message", _("Left a message")
        NO_ANSWER = "no_answer", _("No answer")
        NEED_MET = "need_met", _("Need was met")
        NEED_NOT_MET = "need_not_met", _("Need was not met")
        WRONG_CONTACT = "wrong_contact", _("Wrong contact details")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="outreach")
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8, choices=Method.choices)
    result = models.CharField(max_length=16, choices=Result.choices)
    notes = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_result_display()}"
