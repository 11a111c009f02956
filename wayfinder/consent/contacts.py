"""Which of a resident's contact details may carry consent messages.

Only the resident gives consent (docs/security.md, "Consent"; docs/product.md 4.4), so a consent request
goes only where the resident will read it:

- contact details from the state's eligibility system, or entered by the resident;
- a contact an organization entered once the resident confirmed it is theirs, by a
  link sent to it (``ContactVerification``).

An address staff type at request time never receives a request (a staff member
used to type their own inbox and grant themselves the consent). A Part 2 request
goes only to the first kind: a staff-entered contact, even confirmed, never
carries the signature step of a Part 2 consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from wayfinder.residents.models import ContactPoint, Resident, Source
from wayfinder.residents.selectors import mask_email, mask_phone

from .models import ContactVerification

# Sources whose contact details the resident did not choose through staff.
RESIDENT_SOURCES = (Source.ELIGIBILITY, Source.RESIDENT)


@dataclass(frozen=True)
class Destination:
    contact: ContactPoint
    channel: str  # "email" or "text" (ConsentRequest.Channel)
    masked: str
    entered_by_organization: bool

    @property
    def value(self) -> str:
        return self.contact.value


def _current(resident: Resident) -> list[ContactPoint]:
    return list(resident.contacts.filter(retired_at__isnull=True).order_by("created_at"))


def _confirmed_ids(contacts: list[ContactPoint]) -> set[int]:
    organization_entered = [c.pk for c in contacts if c.source not in RESIDENT_SOURCES]
    if not organization_entered:
        return set()
    return set(
        ContactVerification.objects.filter(
            contact_id__in=organization_entered, status=ContactVerification.Status.CONFIRMED
        ).values_list("contact_id", flat=True)
    )


def _destination(contact: ContactPoint) -> Destination:
    email = contact.kind == ContactPoint.Kind.EMAIL
    return Destination(
        contact=contact,
        channel="email" if email else "text",
        masked=mask_email(contact.value) if email else mask_phone(contact.value),
        entered_by_organization=contact.source not in RESIDENT_SOURCES,
    )


def consent_destinations(resident: Resident, *, part2: bool = False) -> list[Destination]:
    """Where a consent request for ``resident`` may go (see module docstring)."""
    contacts = _current(resident)
    confirmed = set() if part2 else _confirmed_ids(contacts)
    return [_destination(c) for c in contacts if c.source in RESIDENT_SOURCES or c.pk in confirmed]


def destination_for(resident: Resident, contact_id, *, part2: bool = False) -> Destination | None:
    return next((d for d in consent_destinations(resident, part2=part2) if str(d.contact.pk) == str(contact_id)), None)


def notice_destination(resident: Resident, *, avoid_organization_entered: bool = False) -> Destination | None:
    """Where the resident hears about a consent recorded for them: a contact they
    control, in the channel they prefer, the state's record first."""
    candidates = consent_destinations(resident)
    if avoid_organization_entered:
        candidates = [d for d in candidates if not d.entered_by_organization]
    if not candidates:
        return None
    preferred = "text" if resident.notification_channel == "sms" else "email"
    candidates.sort(key=lambda d: (d.channel != preferred, d.entered_by_organization))
    return candidates[0]


def pending_verifications(resident: Resident, organization) -> list[ContactVerification]:
    return list(
        ContactVerification.objects.filter(
            contact__resident=resident,
            contact__retired_at__isnull=True,
            organization=organization,
            status=ContactVerification.Status.PENDING,
        ).select_related("contact")
    )
