"""Who may see which contact details to work a referral (docs/security.md,
"Contact details in the referral specialists' queue").

- The receiving organization's public contacts (the phones, email and website
  the directory shows anyone) are shown to everyone who can see the referral,
  specialists included: outreach to the partner is their job (docs/product.md 5.5).
- The resident's own contact details are shown to a referral specialist only on
  a "confirm with the resident that the need was met" follow-up, the one item that
  requires calling the resident (docs/security.md, "Contact details in the referral specialists'
  queue": confirming that the need was met is the specialists' job, and they are
  trained for contacting residents). Only the contacts on file
  from the eligibility system or the resident, and those the two organizations of
  this referral entered, never the rest of the record. Every such read is an
  audit entry the resident sees under "Who viewed my record".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from wayfinder.audit.log import log_action
from wayfinder.audit.names import RESIDENT_CONTACT_VIEWED

from .models import FollowUp, Referral

# The legal basis written with it (shown to the resident as a referral follow-up).
FOLLOW_UP_BASIS = "referral_followup"


@dataclass(frozen=True)
class PartnerContacts:
    organization: str
    phones: list[tuple[str, str]] = field(default_factory=list)  # (number, description)
    email: str = ""
    website: str = ""

    @property
    def empty(self) -> bool:
        return not (self.phones or self.email or self.website)


def partner_contacts(referral: Referral) -> PartnerContacts:
    """The receiving organization's public contacts for this referral: the
    service's phones first, then the location's, then the organization's (each
    number once). Reads prefetched ``phones`` when the caller prefetched them."""
    service, organization, location = referral.service, referral.receiving_organization, referral.location
    phones: list[tuple[str, str]] = []
    seen: set[str] = set()
    sources = [service.phones.all(), organization.phones.all()]
    if location is not None:
        sources.insert(1, location.phones.all())
    for rows in sources:
        for phone in rows:
            number = (phone.number or "").strip()
            if number and number not in seen:
                seen.add(number)
                phones.append((number, phone.description or ""))
    return PartnerContacts(
        organization=organization.name,
        phones=phones,
        email=service.email or organization.email or "",
        website=service.url or organization.website or "",
    )


def may_see_resident_contact(follow_up: FollowUp) -> bool:
    """Only the follow-up that is about calling the resident opens her contacts."""
    return follow_up.kind == FollowUp.Kind.CONFIRM_WITH_RESIDENT


def resident_contacts_for_follow_up(specialist, follow_up: FollowUp) -> list:
    """The resident's current contact details for a specialist working
    ``follow_up`` (see the module docstring), with the read audited; [] when the
    rule does not allow them."""
    if not may_see_resident_contact(follow_up):
        return []
    from wayfinder.residents.models import ContactPoint, Source

    referral = follow_up.referral
    organizations = [pk for pk in (referral.sending_organization_id, referral.receiving_organization_id) if pk]
    contacts = list(
        ContactPoint.objects.filter(resident_id=referral.resident_id, retired_at__isnull=True)
        .filter(Q(source__in=[Source.ELIGIBILITY, Source.RESIDENT]) | Q(organization_id__in=organizations))
        .order_by("kind", "-created_at")
    )
    log_action(
        specialist,
        RESIDENT_CONTACT_VIEWED,
        referral.resident,
        resident=referral.resident,
        legal_basis=FOLLOW_UP_BASIS,
        purpose="confirm_need_met",
        data={"follow_up": follow_up.pk, "referral": str(referral.pk), "contacts": len(contacts)},
    )
    return contacts
