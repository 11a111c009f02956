"""A partner admin's choice of a text message for every new referral (docs/product.md 5.2)."""

from __future__ import annotations

from django.db import transaction

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from ..models import Partner


@transaction.atomic
def set_referral_sms_number(partner: Partner, number: str, actor) -> bool:
    """Save the number new-referral texts go to ("" turns them off), audited; False
    when nothing changed. The row is locked so two admins saving at once both land
    in the log in order."""
    current = Partner.objects.select_for_update().get(pk=partner.pk)
    if current.referral_sms_number == number:
        return False
    Partner.objects.filter(pk=current.pk).update(referral_sms_number=number)
    log_action(
        actor,
        names.PARTNER_REFERRAL_SMS_CHANGED,
        current,
        organization=current.organization_id,
        data={"opted_in": bool(number), "was_opted_in": bool(current.referral_sms_number)},
    )
    partner.referral_sms_number = number
    return True
