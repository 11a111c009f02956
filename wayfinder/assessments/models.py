"""Questionnaires as data, and the answers people give to them.

A ``Questionnaire`` row holds one version of a FHIR R4 Questionnaire (SDC style)
exactly as it was loaded, next to the scoring rules that turn answers into needs.
Versions are never edited: a changed text is a new version, and the previous one
is retired (still readable, so every response keeps the version it answered).

An ``Assessment`` is one completed QuestionnaireResponse: the FHIR-shaped document
itself (``response``), the scored domains with their codes (``results``), and who
completed it for which organization and when (the incentive report counts these,
docs/product.md 7.3, through the ``(organization, completed_at)`` index).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who is offered a questionnaire."""

    EVERYONE = "everyone", _("Anyone, signed in or not, and staff with consent")
    STAFF = "staff", _("Staff with the resident's consent")
    CLINICAL = "clinical", _("Staff of hospitals and provider offices, with consent")


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Offered")
        RETIRED = "retired", _("Replaced by a newer version")

    key = models.SlugField(max_length=64)  # stable across versions: the URL names it
    url = models.CharField(max_length=500)  # the FHIR canonical URL
    version = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    title_es = models.CharField(max_length=300, blank=True)
    code = models.CharField(max_length=32, blank=True)  # the panel code (LOINC 96777-8 for the AHC HRSN)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.STAFF)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    resource = models.JSONField()  # the Questionnaire as loaded
    rules = models.JSONField(default=dict, blank=True)  # scoring rules (wayfinder-sdoh-rules/1)
    sha256 = models.CharField(max_length=64)  # of the canonical JSON of resource + rules
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["key", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["url", "version"], name="questionnaire_version_once"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(status="active"), name="one_active_questionnaire_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    def title_in(self, language: str) -> str:
        return self.title_es if language == "es" and self.title_es else self.title

    @property
    def label(self) -> str:
        """How a need's source names it: title and version."""
        return f"{self.title} {self.version}"


class Assessment(models.Model):
    """One completed questionnaire (a FHIR QuestionnaireResponse)."""

    class Completion(models.TextChoices):
        RESIDENT = "resident", _("By the resident")
        STAFF = "staff", _("By staff with the resident")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="assessments")
    completion = models.CharField(max_length=16, choices=Completion.choices)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)
    language = models.CharField(max_length=8, default="en")
    part2 = models.BooleanField(default=False, help_text="Completed by a 42 CFR Part 2 program")
    response = models.JSONField()  # the QuestionnaireResponse document (FHIR R4)
    results = models.JSONField(default=dict)  # scored domains, scores and flags with their codes
    positive_domains = models.PositiveSmallIntegerField(default=0)
    follow_up = models.BooleanField(default=False, help_text="A rule asked staff to follow up")
    # One per started assessment: a second submit of the same form is refused.
    submission_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-completed_at"]
        indexes = [
            models.Index(fields=["organization", "completed_at"], name="assessment_org_month"),
            models.Index(fields=["resident", "completed_at"], name="assessment_resident"),
            # The metrics job reads completions in time order from a watermark.
            models.Index(fields=["completed_at", "id"], name="assessment_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} for {self.resident_id} at {self.completed_at:%Y-%m-%d}"
