"""Metrics' own tables: a read model of referrals and assessments, the tallies the
dashboards read, and the incentive report's snapshots.

Metrics only *reads* other apps' data (docs/metrics.md). What it keeps here:

- ``ReferralFact`` / ``AssessmentFact``: one row per referral / completed
  assessment, the figures a metric needs copied into one narrow row (creation and
  closing day in the state's time zone, outcome, who closed, category, county,
  language, organization types). Derived from the records by ``refresh``;
  rebuilding them from scratch gives the same rows.
- ``DailyTally`` / ``MonthlyTally``: counts per scope (the state, or one
  organization), day or month, measure and dimension value. A dashboard sums a
  few hundred of these rows instead of counting a million referrals.
- ``ResidentPeriod`` / ``PeriodResidents``: which residents were referred in a
  month, a year or ever (statewide), and how many: distinct counts cannot be added
  up from daily tallies.
- ``RefreshState``: the watermark of the incremental job.
- ``PublicSnapshot``: the public page's figures with small cells suppressed,
  computed by the job (counting distinct residents per cell is too slow per view).
- ``IncentiveReport`` and ``HeldItem``: the monthly report (immutable versions)
  and the activity held for review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STATE_SCOPE = ""  # the scope of statewide tallies; an organization's scope is its id


class Closer(models.TextChoices):
    """Who closed a referral (docs/metrics.md, "Referral figures": reported apart from the closure rate)."""

    RECEIVING_ORGANIZATION = "receiving_organization", _("Receiving organization")
    SPECIALIST = "specialist", _("Referral specialist")
    SYSTEM = "system", _("System")
    SENDER = "sender", _("Sender (withdrawn)")


class ReferralFact(models.Model):
    referral_id = models.UUIDField(primary_key=True)
    resident_id = models.UUIDField()
    receiving_org_id = models.UUIDField()
    sending_org_id = models.UUIDField(null=True)
    # Kept as first seen: a later change of the organization's type or the resident's
    # county does not move past referrals (docs/metrics.md).
    receiving_kind = models.CharField(max_length=32)
    sending_kind = models.CharField(max_length=32)
    category = models.CharField(max_length=40)
    county = models.CharField(max_length=100)
    language = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    created_day = models.DateField()
    first_action_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    closed_day = models.DateField(null=True)
    closer = models.CharField(max_length=24, blank=True)
    closed_by_id = models.BigIntegerField(null=True)
    provided = models.BooleanField(null=True)
    reason = models.CharField(max_length=32, blank=True)
    status_moves = models.PositiveIntegerField(default=0)
    notes = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["created_day", "resident_id"], name="rfact_created_resident"),
            models.Index(fields=["receiving_org_id", "created_day"], name="rfact_received"),
            models.Index(fields=["sending_org_id", "created_day"], name="rfact_sent"),
            models.Index(fields=["receiving_org_id", "closed_day"], name="rfact_closed_by_org"),
            models.Index(fields=["closed_day"], name="rfact_closed_day"),
        ]

    def __str__(self) -> str:
        return f"fact of referral {self.referral_id}"


class AssessmentFact(models.Model):
    assessment_id = models.UUIDField(primary_key=True)
    resident_id = models.UUIDField()
    organization_id = models.UUIDField(null=True)  # None: the resident assessed themselves
    completed_at = models.DateTimeField()
    completed_day = models.DateField()
    positive_categories = models.JSONField(default=list)

    class Meta:
        indexes = [
            models.Index(fields=["organization_id", "completed_day"], name="afact_org_day"),
            models.Index(fields=["completed_day"], name="afact_day"),
            models.Index(fields=["resident_id", "organization_id", "completed_at"], name="afact_resident_org"),
        ]

    def __str__(self) -> str:
        return f"fact of assessment {self.assessment_id}"


class _Tally(models.Model):
    scope = models.CharField(max_length=36)
    day = models.DateField()  # a month's tally is on its first day
    measure = models.CharField(max_length=24)
    dimension = models.CharField(max_length=16, blank=True)
    value = models.CharField(max_length=100, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.scope or 'state'} {self.day} {self.measure} {self.dimension}={self.value}: {self.count}"


class DailyTally(_Tally):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "day", "measure", "dimension", "value"], name="daily_tally_key")
        ]
        indexes = [
            models.Index(fields=["measure", "day"], name="daily_tally_measure"),
            # Covering: a page's sums are read from the index alone, one scope's days side by side.
            models.Index(
                fields=["scope", "day", "measure", "dimension", "value", "count"], name="daily_tally_covering"
            ),
        ]


class MonthlyTally(_Tally):
    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "day", "measure", "dimension", "value"], name="monthly_tally_key")
        ]
        indexes = [
            models.Index(fields=["measure", "day"], name="monthly_tally_measure"),
            # Covering: a page's sums are read from the index alone, one scope's days side by side.
            models.Index(
                fields=["scope", "day", "measure", "dimension", "value", "count"], name="monthly_tally_covering"
            ),
        ]


class ResidentPeriod(models.Model):
    """A resident was referred (statewide) in ``period``: "2026-03", "2026" or "all"."""

    period = models.CharField(max_length=7)
    resident_id = models.UUIDField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "resident_id"], name="one_resident_per_period")]

    def __str__(self) -> str:
        return f"{self.resident_id} in {self.period}"


class PeriodResidents(models.Model):
    period = models.CharField(max_length=7, primary_key=True)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.period}: {self.count}"


class RefreshState(models.Model):
    """How far the incremental job has read. One row (``name="metrics"``)."""

    name = models.CharField(max_length=32, primary_key=True)
    event_id = models.BigIntegerField(default=0)
    assessments_until = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name}: event {self.event_id}"


class PublicSnapshot(models.Model):
    computed_at = models.DateTimeField(default=timezone.now, db_index=True)
    figures = models.JSONField()

    def __str__(self) -> str:
        return f"public figures of {self.computed_at:%Y-%m-%d %H:%M}"


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Incentive reports are never changed: store a correction as a new version.")

    def delete(self):
        raise TypeError("Incentive reports are never deleted.")


class IncentiveReport(models.Model):
    """One version of the monthly incentive report, never changed once stored.

    ``rows`` and ``rules`` are exactly what was paid from; ``sha256`` is the hash of
    their canonical JSON, so a reprint can prove it is the same report. A correction
    is a new row with the next ``version`` and ``corrects`` pointing at the one it
    replaces.
    """

    month = models.DateField(help_text="First day of the month the report covers")
    version = models.PositiveIntegerField(default=1)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=2)
    rules = models.JSONField()
    rows = models.JSONField()
    total_cents = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-version"]
        constraints = [models.UniqueConstraint(fields=["month", "version"], name="one_incentive_report_version")]

    def __str__(self) -> str:
        return f"incentive report {self.month:%Y-%m} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Incentive reports are never changed: store a correction as a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Incentive reports are never deleted.")


class HeldItem(models.Model):
    """A closure or assessment the anti-gaming rules held back from payment."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("Closed referral")
        ASSESSMENT = "assessment", _("Completed assessment")

    class Status(models.TextChoices):
        HELD = "held", _("Held for review")
        RELEASED = "released", _("Released: paid in the next report")
        REJECTED = "rejected", _("Rejected: not paid")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    record_id = models.UUIDField()
    organization_id = models.UUIDField()
    month = models.DateField(help_text="The month of the activity")
    activity_at = models.DateTimeField()
    rules = models.JSONField(default=list)  # rule codes, e.g. ["self_closed_quickly"]
    detail = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HELD)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    paid_in_month = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month", "organization_id", "activity_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "record_id"], name="one_hold_per_record")]
        indexes = [
            models.Index(fields=["status", "paid_in_month"], name="held_release_queue"),
            models.Index(fields=["month", "organization_id"], name="held_by_month"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_id} ({self.status})"
