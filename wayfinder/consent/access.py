"""The one decision of what a person may see of a resident's record.

``record_access(user, resident)`` is called by every view that shows resident
data (and by the referral and assessment features): it reads the consents from
the database on every call, never from a cache, so a revocation applies to the
very next request (docs/security.md, "Access control").

Levels:
  none     the organization may not know this record exists (answer 404)
  limited  what the organization needs to refer: the name, the contact details it
           entered itself, its own referrals (docs/product.md 4.3)
  full     the whole record under a general consent; Part 2 items only when a
           separate Part 2 consent is active too (``part2``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from wayfinder.accounts.access import onboarded_organization

from .extension_points import LIMITED_ACCESS_LINKS
from .models import Consent, Scope

LIMITED = "limited"
FULL = "full"
NONE = "none"

# The short form of 42 CFR 2.32(a)(1). Kept in English here (the legal text); pages
# show it in the reader's language with gettext(REDISCLOSURE_NOTICE).
REDISCLOSURE_NOTICE = gettext_noop("42 CFR part 2 prohibits unauthorized use or disclosure of these records.")


@dataclass(frozen=True)
class Access:
    level: str
    organization: Any = None
    consent: Consent | None = None
    part2_consent: Consent | None = None
    is_self: bool = False
    # The link that gave limited access without consent (a provider's label, e.g. "referral").
    link: str = ""

    @property
    def full(self) -> bool:
        return self.level == FULL

    @property
    def visible(self) -> bool:
        return self.level != NONE

    @property
    def part2(self) -> bool:
        return self.is_self or self.part2_consent is not None

    @property
    def legal_basis(self) -> str:
        """What goes into the audit log's legal-basis column."""
        if self.is_self:
            return "self"
        if self.consent is not None:
            return f"consent:{self.consent.pk}"
        return self.link or "none"


def active_consents(resident, organization, at=None) -> dict[str, Consent]:
    """Active consents of ``organization`` for ``resident`` keyed by scope (one query)."""
    moment = at or timezone.now()
    consents = Consent.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=moment),
        resident=resident,
        organization=organization,
        revoked_at__isnull=True,
        given_at__lte=moment,
    )
    return {consent.scope: consent for consent in consents}


def record_access(user, resident) -> Access:
    """What ``user`` may see of ``resident`` right now (see module docstring)."""
    if getattr(resident, "user_id", None) and resident.user_id == getattr(user, "pk", None):
        return Access(FULL, is_self=True)
    # The one rule for who a person acts for (accounts.access); only an onboarded
    # organization sees records (docs/product.md 3.2: "not onboarded" gets Access Denied).
    organization = onboarded_organization(user)
    if organization is None:
        return Access(NONE)
    consents = active_consents(resident, organization)
    general = consents.get(Scope.GENERAL)
    if general is not None:
        # A Part 2 consent never stands alone: it adds to a general consent.
        return Access(FULL, organization, general, consents.get(Scope.PART2))
    link = limited_access_link(organization, resident)
    own_client = resident.created_by_organization_id == organization.pk
    if resident.source == "eligibility" or own_client or link:
        return Access(LIMITED, organization, link=link)
    return Access(NONE, organization)


def limited_access_link(organization, resident) -> str:
    """The first link (a referral between them, docs/product.md 4.3) that lets the
    organization see the limited record without consent, as its audit label; "" for none.
    The links come from ``LIMITED_ACCESS_LINKS`` (the referrals app provides one)."""
    for provider in LIMITED_ACCESS_LINKS.providers():
        if provider.function(organization, resident):
            return provider.label or provider.key
    return ""
