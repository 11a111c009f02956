"""Making, checking and correcting the monthly report; deciding held items.

A report is stored once (``IncentiveReport``, never changed); its hash covers the
month, the state, the rules and the rows. ``verify`` recomputes the month from
the records and says whether it still gives the same hash. ``generate`` with
``correction_reason`` stores a new version linked to the one it corrects.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from ..definitions import local_day, month_start
from ..models import HeldItem, IncentiveReport
from ..refresh import refresh
from .compute import Draft, compute
from .rules import rules_for_state


def canonical(month: date, state: str, rules: dict, rows: list[dict]) -> bytes:
    document = {"month": month.isoformat(), "state": state, "rules": rules, "rows": rows}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(month: date, state: str, rules: dict, rows: list[dict]) -> str:
    return hashlib.sha256(canonical(month, state, rules, rows)).hexdigest()


def parse_month(text: str) -> date:
    """ "2026-11" → 1 November 2026; anything else is a clear error."""
    try:
        year, month = text.strip().split("-")
        value = date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise ValidationError(_("Give the month as YYYY-MM, for example 2026-11.")) from None
    if value.year < 2000:
        raise ValidationError(_("Give the month as YYYY-MM, for example 2026-11."))
    return value


def previous_month(today: date) -> date:
    return month_start(month_start(today) - timedelta(days=1))


def latest_version(month: date) -> IncentiveReport | None:
    return IncentiveReport.objects.filter(month=month).order_by("-version").first()


@transaction.atomic
def generate(month: date, *, actor=None, correction_reason: str = "", now=None) -> IncentiveReport:
    """Store the report of ``month`` (which must be over). Without
    ``correction_reason`` an existing report is returned unchanged (the monthly job
    can run twice); with it, a new version corrects the latest one."""
    now = now or timezone.now()
    if month >= month_start(local_day(now)):
        raise ValidationError(_("A month can be reported only once it is over."))
    existing = latest_version(month)
    if existing is not None and not correction_reason.strip():
        return existing
    refresh(now)
    rules = rules_for_state()
    if existing is None:
        released = list(
            HeldItem.objects.select_for_update().filter(status=HeldItem.Status.RELEASED, paid_in_month__isnull=True)
        )
    else:
        released = list(HeldItem.objects.filter(paid_in_month=month))
    draft = compute(month, rules, released)
    _hold(draft)
    paid_orgs = {row["organization_id"] for row in draft.rows if row["eligible"]}
    if existing is None:
        pay_now = [item.pk for item in released if str(item.organization_id) in paid_orgs]
        HeldItem.objects.filter(pk__in=pay_now).update(paid_in_month=month)
    state = settings.WAYFINDER_STATE
    rules_json = rules.as_json()
    report = IncentiveReport.objects.create(
        month=month,
        version=(existing.version + 1) if existing else 1,
        corrects=existing,
        state=state,
        rules=rules_json,
        rows=draft.rows,
        total_cents=draft.total_cents,
        sha256=digest(month, state, rules_json, draft.rows),
        reason=correction_reason.strip(),
        created_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_action(
        actor if getattr(actor, "is_authenticated", False) else None,
        names.INCENTIVE_REPORT_CORRECTED if existing else names.INCENTIVE_REPORT_CREATED,
        report,
        data={"month": f"{month:%Y-%m}", "version": report.version, "total_cents": report.total_cents,
              "organizations": len(draft.rows), "held": len(draft.held), "sha256": report.sha256},
    )  # fmt: skip
    return report


def _hold(draft: Draft) -> None:
    """Store the month's flagged items (once per record)."""
    if not draft.held:
        return
    known = set(
        HeldItem.objects.filter(record_id__in=[i.record_id for i in draft.held]).values_list("kind", "record_id")
    )
    HeldItem.objects.bulk_create(
        [
            HeldItem(
                kind=item.kind,
                record_id=item.record_id,
                organization_id=item.organization_id,
                month=draft.month,
                activity_at=item.at,
                rules=item.rules,
                detail=item.detail,
            )
            for item in draft.held
            if (item.kind, item.record_id) not in known
        ],
        batch_size=1000,
    )


@dataclass(frozen=True)
class Verification:
    report: IncentiveReport
    recomputed_sha256: str
    differences: list[str]

    @property
    def matches(self) -> bool:
        return self.recomputed_sha256 == self.report.sha256


def verify(report: IncentiveReport) -> Verification:
    """Recompute ``report``'s month from the records with its stored rules and compare."""
    from .rules import IncentiveRules

    stored = dict(report.rules)
    rules = IncentiveRules(**{k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()})
    refresh()
    released = list(HeldItem.objects.filter(paid_in_month=report.month))
    draft = compute(report.month, rules, released)
    recomputed = digest(report.month, report.state, report.rules, draft.rows)
    differences = []
    before = {row["organization_id"]: row for row in report.rows}
    after = {row["organization_id"]: row for row in draft.rows}
    for org in sorted(set(before) | set(after)):
        if before.get(org) != after.get(org):
            differences.append(f"{org}: stored {before.get(org)} recomputed {after.get(org)}")
    return Verification(report, recomputed, differences)


@transaction.atomic
def decide(actor, item_ids: list[int], decision: str, note: str = "") -> int:
    """Release (paid in the next report) or reject held items; audited one by one."""
    if decision not in (HeldItem.Status.RELEASED, HeldItem.Status.REJECTED):
        raise ValidationError(_("Choose to release or to reject."))
    if decision == HeldItem.Status.REJECTED and not note.strip():
        raise ValidationError(_("Say why the items are rejected."))
    items = list(HeldItem.objects.select_for_update().filter(pk__in=item_ids, status=HeldItem.Status.HELD))
    if not items:
        raise ValidationError(_("Choose at least one held item that is still waiting for review."))
    now = timezone.now()
    for item in items:
        HeldItem.objects.filter(pk=item.pk, status=HeldItem.Status.HELD).update(
            status=decision, decided_by=actor, decided_at=now, decision_note=note.strip()
        )
        log_action(
            actor,
            names.INCENTIVE_HOLD_RELEASED if decision == HeldItem.Status.RELEASED else names.INCENTIVE_HOLD_REJECTED,
            item,
            data={"kind": item.kind, "record": str(item.record_id), "organization": str(item.organization_id),
                  "month": f"{item.month:%Y-%m}", "rules": item.rules, "note": note.strip()},
        )  # fmt: skip
    return len(items)


def monthly_job() -> str:
    """Scheduled on the 1st: the report of the month before (once; idempotent)."""
    month = previous_month(local_day(timezone.now()))
    report = generate(month)
    return f"incentive report {month:%Y-%m} v{report.version}: {report.total_cents / 100:.2f}, {report.sha256[:12]}"
