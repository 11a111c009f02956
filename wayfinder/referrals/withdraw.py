"""The sender withdraws a referral it made (a clinical system cancels its FHIR Task).

Kept apart from ``actions`` (the receiver's verbs): only whoever made the referral
withdraws it, and a withdrawn referral is closed with no outcome
(``resource_provided`` stays empty: neither provided nor not provided), so the
receiving organization's inbox shows it closed and its closing questions are not
asked of it.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.accounts.models import User
from wayfinder.audit.log import log_action
from wayfinder.audit.names import REFERRAL_WITHDRAWN

from . import notify
from .actions import ReferralChanged
from .closing import record_closure
from .models import FollowUp, Referral, Status


@transaction.atomic
def withdraw_referral(
    *, actor: User, referral: Referral, expected_version: int, reason: str, now: datetime | None = None
) -> Referral:
    """Close ``referral`` as withdrawn by its sender, with the sender's reason."""
    if referral.created_by_id != actor.pk:
        raise PermissionDenied(_("Only whoever made this referral can withdraw it."))
    if referral.status == Status.CLOSED:
        raise ReferralChanged(referral)
    reason = reason.strip()[:300]
    if not reason:
        raise ValidationError(_("Say why the referral is withdrawn."))
    now = now or timezone.now()
    data = {"withdrawn": True, "reason": reason}
    updated = record_closure(
        referral,
        expected_version,
        actor=actor,
        organization_id=referral.sending_organization_id,
        now=now,
        outcome={"resource_provided": None, "not_provided_reason": ""},
        data=data,
    )
    FollowUp.objects.filter(referral=referral, state=FollowUp.State.OPEN).update(
        state=FollowUp.State.DONE, resolved_at=now, resolved_by=actor
    )
    log_action(
        actor,
        REFERRAL_WITHDRAWN,
        updated,
        resident=updated.resident_id,
        organization=referral.sending_organization,
        data=data,
    )
    notify.referral_closed(updated)
    return updated
