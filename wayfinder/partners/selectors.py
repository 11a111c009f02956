"""Reads about partner organizations."""

from __future__ import annotations

from .models import Partner


def onboarded_organization_ids() -> set[str]:
    """Ids (as strings) of organizations that finished onboarding: they get the
    "Partner" badge in search and on service pages."""
    return {
        str(pk) for pk in Partner.objects.filter(onboarded_at__isnull=False).values_list("organization_id", flat=True)
    }


def is_onboarded(organization_id: object) -> bool:
    return Partner.objects.filter(organization_id=organization_id, onboarded_at__isnull=False).exists()
