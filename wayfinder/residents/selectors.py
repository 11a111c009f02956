"""Reads of resident records, always through ``record_access``.

Client search returns only what helps staff tell people apart (masked email and
phone, city and ZIP) — never more than an organization without consent may see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Prefetch, Q
from django.utils.translation import pgettext_lazy

from wayfinder.accounts.access import NotVisible
from wayfinder.audit.log import log_action
from wayfinder.audit.names import RESIDENT_VIEWED
from wayfinder.consent.access import Access, record_access

from .extension_points import record_sections
from .models import ContactPoint, Resident
from .names import match_part, name_key

MAX_CANDIDATES = 500
MAX_RESULTS = 25

# How a name matched what staff typed (``names.match_part``), as the results page says it.
MATCH_REASONS = {
    "part": pgettext_lazy("how a name matched", "part"),
    "nickname": pgettext_lazy("how a name matched", "nickname"),
    "sounds alike": pgettext_lazy("how a name matched", "sounds alike"),
    "spelling": pgettext_lazy("how a name matched", "spelling"),
    "initial": pgettext_lazy("how a name matched", "initial"),
}


@dataclass
class SearchResult:
    resident: Resident
    score: float
    reasons: list[str] = field(default_factory=list)
    masked_email: str = ""
    masked_phone: str = ""
    place: str = ""

    @property
    def reason_labels(self) -> list:
        return [MATCH_REASONS.get(reason, reason) for reason in self.reasons]


def mask_email(value: str) -> str:
    local, _at, domain = value.partition("@")
    if not domain:
        return ""
    return f"{local[:1]}{'•' * 3}@{domain}"


def mask_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return f"•••-•••-{digits[-4:]}" if len(digits) >= 4 else ""


def visible_residents(organization) -> Q:
    """Records an organization may find: the state's (eligibility) records and the
    clients it created itself. Another organization's own clients stay hidden
    (an existence leak otherwise), unless consent links them."""
    return (
        Q(source="eligibility")
        | Q(created_by_organization=organization)
        | Q(consents__organization=organization, consents__revoked_at__isnull=True)
    )


def _swapped(date_of_birth: datetime.date) -> datetime.date | None:
    """Day and month typed the wrong way round (04/12 for 12/04)."""
    if date_of_birth.day > 12 or date_of_birth.day == date_of_birth.month:
        return None
    try:
        return date_of_birth.replace(month=date_of_birth.day, day=date_of_birth.month)
    except ValueError:
        return None


def search_clients(
    *, organization, first_name: str, last_name: str, date_of_birth: datetime.date
) -> list[SearchResult]:
    """Residents matching a first name, last name and date of birth, best first."""
    first, last = name_key(first_name), name_key(last_name)
    dates = [date_of_birth] + [d for d in [_swapped(date_of_birth)] if d]
    contacts = Prefetch(
        "contacts", queryset=ContactPoint.objects.filter(retired_at__isnull=True).order_by("created_at"), to_attr="live"
    )
    candidates = (
        Resident.objects.filter(visible_residents(organization), date_of_birth__in=dates)
        .exclude(status=Resident.Status.CLOSED)
        .prefetch_related(contacts)
        .distinct()
        .order_by("last_key", "first_key")[:MAX_CANDIDATES]
    )
    results = []
    for resident in candidates:
        last_match = match_part(last, resident.last_key, first_name=False)
        first_match = match_part(first, resident.first_key, first_name=True)
        if not (last_match and first_match):
            continue
        score = (last_match.score + first_match.score) / 2
        if resident.date_of_birth != date_of_birth:
            score -= 0.2
        results.append(_result(resident, score, [first_match.reason, last_match.reason]))
    results.sort(key=lambda r: (-r.score, r.resident.last_key, r.resident.first_key, str(r.resident.pk)))
    return results[:MAX_RESULTS]


def _result(resident: Resident, score: float, reasons: list[str]) -> SearchResult:
    live: list[ContactPoint] = cast(Any, resident).live  # prefetched by the search (to_attr="live")
    emails = [c.value for c in live if c.kind == ContactPoint.Kind.EMAIL]
    phones = [c.value for c in live if c.kind == ContactPoint.Kind.PHONE]
    place = " ".join(p for p in (resident.city, resident.zip_code) if p)
    return SearchResult(
        resident,
        score,
        [r for r in reasons if r != "exact"],
        mask_email(emails[0]) if emails else "",
        mask_phone(phones[0]) if phones else "",
        place,
    )


def find_duplicates(
    *, organization, first_name: str, last_name: str, date_of_birth: datetime.date
) -> list[SearchResult]:
    return search_clients(
        organization=organization, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth
    )


def resident_for(user, resident_id, *, purpose: str = "care_coordination") -> tuple[Resident, Access]:
    """The resident and the access the user has, with the read logged.

    A record the user's organization may not know about is a 404 (not a 403), so
    the answer never confirms that it exists."""
    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None:
        raise NotVisible("resident", resident_id)
    access = record_access(user, resident)
    if not access.visible:
        raise NotVisible("resident", resident_id, resident=resident)
    log_action(
        user,
        RESIDENT_VIEWED,
        resident,
        resident=resident,
        legal_basis=access.legal_basis,
        purpose=purpose,
        data={"level": access.level, "part2": access.part2},
    )
    return resident, access


def record_context(resident: Resident, access: Access) -> dict:
    """What the record page may show, section by section, for this access."""
    contacts = resident.contacts.filter(retired_at__isnull=True).select_related("organization")
    if not access.full:
        contacts = contacts.filter(organization=access.organization)
    context: dict[str, Any] = {"resident": resident, "access": access, "contacts": list(contacts)}
    if access.full:
        notes = resident.notes.select_related("author", "organization")
        needs = resident.needs.all()
        if not access.part2:
            notes, needs = notes.filter(part2=False), needs.filter(part2=False)
        context.update(
            household=list(resident.household.filter(left_at__isnull=True)),
            cases=list(resident.cases.all()),
            needs=list(needs),
            notes=list(notes[:50]),
        )
        context["shows_part2"] = access.part2 and (
            any(n.part2 for n in context["notes"]) or any(n.part2 for n in context["needs"])
        )
    # Sections other features own (referrals, later assessments): residents.extension_points.
    sections = record_sections(resident, access)
    context["sections"] = sections
    context["referral_section"] = sections.get("referrals")
    context["assessment_section"] = sections.get("assessments")
    return context


def record_reads(resident: Resident):
    """Audit entries of others' reads of the resident's record and referral pages,
    newest first: "who viewed my record" (docs/product.md 4.5)."""
    from wayfinder.audit import names
    from wayfinder.audit.models import AuditEvent

    return AuditEvent.objects.filter(resident_id=str(resident.pk), action__in=names.RECORD_READS).order_by("-seq")


def readers(events) -> tuple[dict, dict]:
    """The people and organizations named by ``events`` (two queries), keyed as the
    audit rows name them (user id; organization id as a string)."""
    from wayfinder.accounts.models import User
    from wayfinder.directory.models import Organization

    people = User.objects.in_bulk({e.actor_id for e in events if e.actor_id})
    org_ids = {e.actor_organization_id for e in events if e.actor_organization_id}
    organizations = {}
    for organization in Organization.objects.filter(pk__in=[_uuid_or_none(i) for i in org_ids if _uuid_or_none(i)]):
        organizations[str(organization.pk)] = organization
    return people, organizations


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def resident_for_accounting(value: str) -> Resident | None:
    """A resident by eligibility individual id or record id, for the accounting of
    disclosures (system administrators only: the view's decorator)."""
    from django.core.exceptions import ValidationError

    value = value.strip()
    by_individual = Resident.objects.filter(individual_id=value.upper()).first()
    if by_individual:
        return by_individual
    try:
        return Resident.objects.filter(pk=value).first()
    except (ValueError, ValidationError):  # not a UUID
        return None


def audit_entries_about(resident: Resident):
    """Every audit entry about the resident, oldest first (the HIPAA accounting)."""
    from wayfinder.audit.models import AuditEvent

    return AuditEvent.objects.filter(resident_id=str(resident.pk)).order_by("seq")
