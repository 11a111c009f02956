"""What the referral feature adds to pages and rules owned by other features
(the resident record, My Plan, consent rules)."""

from __future__ import annotations

from .actions import resident_keys, resident_search_key
from .models import Referral
from .selectors import referrals_of_resident


def organization_has_referral(organization, resident) -> bool:
    """A referral between the organization and the resident lets it see the limited
    record (referrals never need consent, docs/product.md 4.3)."""
    if organization is None:
        return False
    return (
        Referral.objects.filter(resident=resident, receiving_organization=organization).exists()
        or Referral.objects.filter(resident=resident, sending_organization=organization).exists()
    )


def refresh_resident_search(resident) -> None:
    """A renamed resident (the eligibility feed, say) is found by the new name in the
    inbox and outbox client search: the keys copied onto each referral follow, in the
    transaction that saves the name (along the referral_by_resident index)."""
    search, keys = resident_search_key(resident), resident_keys(resident)
    Referral.objects.filter(resident=resident).exclude(resident_search=search, resident_keys=keys).update(
        resident_search=search, resident_keys=keys
    )


def resident_referral_section(resident, access) -> dict:
    """Referral activity on the resident record: all of it with full access, the
    organization's own referrals otherwise."""
    organization = None if access.full else access.organization
    return {
        "template": "referrals/_resident_section.html",
        "context": {"referrals": referrals_of_resident(resident, organization=organization), "resident": resident},
    }


def my_plan_referral_section(resident) -> dict:
    return {
        "template": "referrals/_my_plan_section.html",
        "context": {"referrals": referrals_of_resident(resident), "resident": resident},
    }


# "Frequently paired together" (docs/product.md 1.4): services referred for the same
# resident within this window of each other count as referred together.
PAIRING_WINDOW_DAYS = 30
# Enough history to rank the top few without scanning every referral of a
# popular service on each page view.
PAIRING_SAMPLE = 5000


def paired_history(service_id):
    """A history source for ``directory.service_page.paired_services``: one group
    of service ids per resident who was referred to ``service_id``, holding the
    services they were referred to within the pairing window."""
    from collections import defaultdict
    from datetime import timedelta

    def groups():
        anchors = dict(
            Referral.objects.filter(service_id=service_id)
            .order_by("-created_at")
            .values_list("resident_id", "created_at")[:PAIRING_SAMPLE]
        )
        if not anchors:
            return []
        window = timedelta(days=PAIRING_WINDOW_DAYS)
        grouped: dict = defaultdict(set)
        rows = (
            Referral.objects.filter(resident_id__in=list(anchors))
            .order_by("-created_at")
            .values_list("resident_id", "service_id", "created_at")[: PAIRING_SAMPLE * 4]
        )
        for resident_id, other_service_id, created_at in rows:
            if abs(created_at - anchors[resident_id]) <= window:
                grouped[resident_id].add(str(other_service_id))
        return list(grouped.values())

    return groups
