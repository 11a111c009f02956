"""The referral specialists' daily job (docs/product.md 5.5).

It lists, idempotently (one follow-up per referral and kind):
- referrals open more than 7 days at onboarded organizations: reach out to the partner;
- referrals to organizations that have not onboarded (listed when created; the job
  makes sure none is missing): specialists work them and close them once 14 days old;
- closed referrals: confirm with the resident that the need was met.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wayfinder.audit.log import log_action
from wayfinder.audit.names import REFERRAL_FOLLOWUPS_LISTED, REFERRAL_OUTREACH_RECORDED

from .actions import NON_ONBOARDED_CLOSABLE_AFTER
from .events import record_event
from .models import FollowUp, Outreach, Referral, ReferralEvent, Status

STALE_AFTER = timedelta(days=7)
# Residents are asked a while after closing, not the same day.
CONFIRM_AFTER_CLOSING = timedelta(days=2)


def run_followups(now: datetime | None = None) -> dict[str, int]:
    """Add what is missing to the queue; running it twice adds nothing the second time."""
    now = now or timezone.now()
    created = dict.fromkeys(FollowUp.Kind.values, 0)
    with transaction.atomic():
        stale = (
            Referral.objects.filter(to_non_onboarded=False, created_at__lt=now - STALE_AFTER)
            .exclude(status=Status.CLOSED)
            .exclude(follow_ups__kind=FollowUp.Kind.STALE_OPEN)
        )
        created[FollowUp.Kind.STALE_OPEN] = _create(stale, FollowUp.Kind.STALE_OPEN, now)

        non_onboarded = (
            Referral.objects.filter(to_non_onboarded=True)
            .exclude(status=Status.CLOSED)
            .exclude(follow_ups__kind=FollowUp.Kind.NON_ONBOARDED)
        )
        created[FollowUp.Kind.NON_ONBOARDED] = _create(non_onboarded, FollowUp.Kind.NON_ONBOARDED, now)

        closed = Referral.objects.filter(
            status=Status.CLOSED, closed_at__lt=now - CONFIRM_AFTER_CLOSING, to_non_onboarded=False
        ).exclude(follow_ups__kind=FollowUp.Kind.CONFIRM_WITH_RESIDENT)
        created[FollowUp.Kind.CONFIRM_WITH_RESIDENT] = _create(closed, FollowUp.Kind.CONFIRM_WITH_RESIDENT, now)

        # A stale-open item is done once the partner closed the referral.
        FollowUp.objects.filter(
            kind=FollowUp.Kind.STALE_OPEN, state=FollowUp.State.OPEN, referral__status=Status.CLOSED
        ).update(state=FollowUp.State.DONE, resolved_at=now)
        log_action(None, REFERRAL_FOLLOWUPS_LISTED, data={k: v for k, v in created.items() if v})
    return created


def _create(referrals, kind: str, now: datetime) -> int:
    rows = [
        FollowUp(
            referral_id=referral_id,
            kind=kind,
            created_at=now,
            closable_from=(created_at + NON_ONBOARDED_CLOSABLE_AFTER) if kind == FollowUp.Kind.NON_ONBOARDED else None,
        )
        for referral_id, created_at in referrals.values_list("pk", "created_at").iterator()
    ]
    FollowUp.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def record_outreach(
    *, specialist, follow_up: FollowUp, method: str, result: str, notes: str = "", done: bool = False
) -> Outreach:
    """Write down one contact attempt; ``done`` takes the item off the queue."""
    outreach = Outreach.objects.create(
        follow_up=follow_up, specialist=specialist, method=method, result=result, notes=notes.strip()
    )
    referral = follow_up.referral
    record_event(
        referral,
        ReferralEvent.Kind.OUTREACH,
        actor=specialist,
        version=referral.version,
        data={"follow_up": follow_up.kind, "method": method, "result": result},
    )
    if done:
        FollowUp.objects.filter(pk=follow_up.pk).update(
            state=FollowUp.State.DONE, resolved_at=timezone.now(), resolved_by=specialist
        )
    log_action(
        specialist,
        REFERRAL_OUTREACH_RECORDED,
        referral,
        resident=referral.resident_id,
        purpose="referral follow-up",
        data={"kind": follow_up.kind, "method": method, "result": result, "done": done},
    )
    return outreach
