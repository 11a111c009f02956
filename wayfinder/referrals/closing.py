"""Closing a referral: the outcome questions and the one Closed write every way of
closing shares (the receiving organization signed in or from its emailed link, a
referral specialist, the sender withdrawing, ``withdraw.py``). docs/product.md 5.4.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.accounts.models import User
from wayfinder.audit.log import log_action
from wayfinder.audit.names import REFERRAL_CLOSED

from . import links, notify
from .actions import ReferralChanged, apply_if_version, by_link, require_receiver
from .events import record_event
from .models import FollowUp, NotProvidedReason, Referral, ReferralEvent, ReferralLink, Status


def record_closure(
    referral: Referral,
    expected_version: int,
    *,
    actor: User | None,
    organization_id,
    now: datetime,
    outcome: dict,
    data: dict,
) -> Referral:
    """Close ``referral`` (if still at ``expected_version``) with ``outcome`` and
    write its Closed event: the one sequence every way of closing shares (the
    receiver, a specialist, the emailed link, the sender withdrawing), so a closed
    referral always has exactly one Closed event with the version it closed at."""
    updated = apply_if_version(
        referral.pk,
        expected_version,
        status=Status.CLOSED,
        status_changed_at=now,
        closed_at=now,
        closed_by=actor,
        **outcome,
    )
    record_event(
        updated,
        ReferralEvent.Kind.CLOSED,
        from_status=referral.status,
        to_status=Status.CLOSED,
        actor=actor,
        actor_organization_id=organization_id,
        version=updated.version,
        at=now,
        data=data,
    )
    return updated


def validate_outcome(provided: bool | None, reason: str, reason_other: str, experience: str) -> None:
    """The closing questions of docs/product.md 5.4: provided yes/no; a reason when no
    ("other" needs words); the experience question is always required."""
    errors: dict[str, str] = {}
    if provided is None:
        errors["provided"] = _("Say whether the resource was provided.")
    if provided is False:
        if reason not in NotProvidedReason.values:
            errors["reason"] = _("Choose why the resource was not provided.")
        elif reason == NotProvidedReason.OTHER and not reason_other.strip():
            errors["reason_other"] = _("Describe the other reason.")
    if not experience.strip():
        errors["experience"] = _("Tell us how your experience with the resident was.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def close_referral(
    *,
    actor: User | None,
    referral: Referral,
    expected_version: int,
    provided: bool | None,
    reason: str = "",
    reason_other: str = "",
    experience: str = "",
    as_specialist: bool = False,
    link: ReferralLink | None = None,
    name: str = "",
    now: datetime | None = None,
) -> Referral:
    """Close with the outcome. The receiving organization closes (signed in, or
    from its link: ``link``, no ``actor``); a referral specialist may close a
    referral to a non-onboarded organization once it is old enough."""
    now = now or timezone.now()
    organization_id = None
    via: dict = {}
    if link is not None:
        if referral.status == Status.CLOSED:
            raise ReferralChanged(referral)
        via = by_link(link, referral, name)
        organization_id = referral.receiving_organization_id
    elif as_specialist:
        follow_up = FollowUp.objects.filter(referral=referral, kind=FollowUp.Kind.NON_ONBOARDED).first()
        if follow_up is None or follow_up.closable_from is None or follow_up.closable_from > now:
            raise ValidationError(
                _("Referral specialists close only referrals to non-onboarded organizations older than 2 weeks.")
            )
    else:
        organization_id = require_receiver(actor, referral).organization_id
    if referral.status == Status.CLOSED:
        raise ReferralChanged(referral)
    validate_outcome(provided, reason, reason_other, experience)
    if link is not None:
        links.claim_step(link, "closed", now)
    updated = record_closure(
        referral,
        expected_version,
        actor=actor,
        organization_id=organization_id,
        now=now,
        outcome={
            "resource_provided": provided,
            "not_provided_reason": "" if provided else reason,
            "not_provided_other": (reason_other.strip() if not provided and reason == NotProvidedReason.OTHER else ""),
            "experience_private": experience.strip(),
        },
        data={"provided": provided, "reason": "" if provided else reason, "by_specialist": as_specialist, **via},
    )
    if as_specialist or link is not None:
        # Specialists need not chase a referral the organization closed itself.
        FollowUp.objects.filter(
            referral=referral,
            state=FollowUp.State.OPEN,
            kind__in=[FollowUp.Kind.NON_ONBOARDED, FollowUp.Kind.STALE_OPEN],
        ).update(state=FollowUp.State.DONE, resolved_at=now, resolved_by=actor)
    log_action(
        actor,
        REFERRAL_CLOSED,
        updated,
        resident=updated.resident_id,
        actor_label=links.ACTOR_LABEL if link is not None else "",
        data={"provided": provided, "reason": "" if provided else reason, "by_specialist": as_specialist, **via},
    )
    notify.referral_closed(updated)
    return updated
