"""Setting a resident's sharing choice (docs/security.md, "Sharing with the health
information exchange"): one transaction, one audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.residents.models import Resident

from ..models import SharingChoice
from ..sharing import shares_with_exchange


@transaction.atomic
def set_sharing_choice(*, resident: Resident, actor: Any, share: bool) -> SharingChoice:
    """Record whether ``resident`` shares with the exchange, as the resident chose in My Plan.

    The row is made once (the resident is unique on it) and locked while it changes,
    so two tabs saving at once leave the last choice and two audit entries, never an
    error or a lost entry. The audit entry keeps the choice
    before and after: the resident's privacy setting is part of their record's history
    (docs/security.md, "Audit log"), and the exchange's reads are judged against it."""
    before = shares_with_exchange(resident)
    choice, created = SharingChoice.objects.get_or_create(resident=resident, defaults={"share": share})
    if not created:
        choice = SharingChoice.objects.select_for_update().get(pk=choice.pk)
        choice.share = share
        choice.save(update_fields=["share", "changed_at"])
    log_action(
        actor,
        names.HIE_SHARING_CHOICE_SET,
        choice,
        resident=resident,
        legal_basis="self",
        data={"share": share, "before": before},
    )
    return choice
