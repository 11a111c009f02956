"""Which screen a launched clinician lands on (docs/product.md 8.3, the seeds' six cases).

  not_onboarded  the clinician has no role at an onboarded organization: Access
                 Denied, the directory still usable, the way to join
  not_found      no eligibility record has the patient's individual id (nor its
                 Medicaid id): "No Individual ID Found" and the directory
  multiple       several records match: search by first name, last name and date
                 of birth, then tell them apart by email and phone
  consent        one record, consent given: the resident's record
  no_sdoh        one record, consent given, no social needs data: the record, with
                 the first-assessment banner
  no_consent     one record, no consent: the limited record, with "Request
                 consent" and "Create referral"

The record itself is always opened through the consent rule
(``consent.access.record_access``): the launch never widens what an organization
may see.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from wayfinder.accounts.access import onboarded_organization
from wayfinder.consent.access import record_access
from wayfinder.residents.matching import PatientIdentity, by_identifiers
from wayfinder.residents.models import Resident

from .smart import Exchange

NOT_ONBOARDED = "not_onboarded"
NOT_FOUND = "not_found"
MULTIPLE = "multiple"
CONSENT = "consent"
NO_SDOH = "no_sdoh"
NO_CONSENT = "no_consent"


@dataclass
class PatientContext:
    """What the exchange told us about the patient (kept in the session until landing)."""

    patient_id: str
    individual_ids: list[str] = field(default_factory=list)
    medicaid_ids: list[str] = field(default_factory=list)
    first_name: str = ""
    last_name: str = ""
    birth_date: str = ""  # ISO date, "" when the exchange sent none

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def patient_context(resource: dict[str, Any], exchange: Exchange) -> PatientContext:
    """Identifiers, name and date of birth from a FHIR Patient (already validated)."""
    context = PatientContext(patient_id=str(resource["id"]))
    for identifier in resource.get("identifier") or []:
        value = str(identifier.get("value") or "").strip().upper()[:32]
        if not value:
            continue
        if identifier.get("system") == exchange.individual_id_system:
            context.individual_ids.append(value)
        elif identifier.get("system") == exchange.medicaid_id_system:
            context.medicaid_ids.append(value)
    names = resource.get("name") or []
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    context.first_name = str((official.get("given") or [""])[0])[:100]
    context.last_name = str(official.get("family") or "")[:100]
    try:
        context.birth_date = datetime.date.fromisoformat(str(resource.get("birthDate", ""))).isoformat()
    except ValueError:
        context.birth_date = ""
    return context


def matching_residents(context: PatientContext) -> list[Resident]:
    """Active records with one of the patient's individual ids; when none has, the
    records whose Medicaid case number is the patient's Medicaid id (a case covers
    a household, so this may be several people: then staff search by name). The
    rule is the residents app's, shared with inbound exchange data
    (``residents.matching``); the launch stops before the name step because the
    clinician then searches by name themselves."""
    identity = PatientIdentity(individual_ids=context.individual_ids, medicaid_ids=context.medicaid_ids)
    return by_identifiers(identity).residents


def clinician_account(claims: dict[str, Any]):
    """The Wayfinder account of the clinician the exchange vouches for: the one with
    the ID token's email address (a verified address of that account)."""
    from allauth.account.models import EmailAddress

    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    email = email.strip()
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if address is not None:
        return address.user
    return None


def is_same_person(user, claims: dict[str, Any]) -> bool:
    """Whether the signed-in ``user`` is the clinician the exchange launched."""
    account = clinician_account(claims)
    return account is not None and account.pk == user.pk


def is_onboarded(user) -> bool:
    return user is not None and user.is_active and onboarded_organization(user) is not None


@dataclass
class Landing:
    case: str
    resident: Resident | None = None
    access: Any = None
    matches: int = 0


def choose_landing(user, context: PatientContext) -> Landing:
    """The case for ``user`` (onboarded staff) and this patient (module docstring)."""
    residents = matching_residents(context)
    if len(residents) > 1:
        return Landing(MULTIPLE, matches=len(residents))
    if not residents:
        return Landing(NOT_FOUND)
    resident = residents[0]
    access = record_access(user, resident)
    if not access.visible:
        return Landing(NOT_FOUND)
    if not access.full:
        return Landing(NO_CONSENT, resident, access, 1)
    needs = resident.needs.all() if access.part2 else resident.needs.filter(part2=False)
    return Landing(CONSENT if needs.exists() else NO_SDOH, resident, access, 1)


def search_prefill(context: PatientContext) -> dict[str, str]:
    """The client search form's fields, filled from the patient."""
    return {"first_name": context.first_name, "last_name": context.last_name, "date_of_birth": context.birth_date}
