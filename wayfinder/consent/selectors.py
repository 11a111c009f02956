"""Reads of consents, scoped to the resident they belong to."""

from __future__ import annotations

from django.utils import timezone

from wayfinder.accounts.access import NotVisible

from .models import Consent


def open_consents(resident) -> list[Consent]:
    """The resident's consents in force now (not revoked, not expired)."""
    now = timezone.now()
    return [
        consent
        for consent in Consent.objects.filter(resident=resident, revoked_at__isnull=True).select_related(
            "organization", "recorded_by"
        )
        if consent.expires_at is None or consent.expires_at > now
    ]


def resident_consent_for(resident, consent_id) -> Consent:
    """One of the resident's own consents; anyone else's is a 404."""
    consent = Consent.objects.filter(pk=consent_id, resident=resident).select_related("organization").first()
    if consent is None:
        raise NotVisible("consent", consent_id, resident=resident)
    return consent
