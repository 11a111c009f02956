"""Which resident record a patient from another system is: the one matching rule.

Used by the launch from the exchange's portal (``integrations.launch``) and by
inbound exchange data (``integrations.hie``), so the two never disagree about who a
patient is. The order is the eligibility system's authority over identity
(docs/exchange.md, "Patient matching"):

1. the eligibility system's individual id (unique on the record);
2. the Medicaid id (an eligibility case number: a case covers a household, so
   this may give several people);
3. the normalized name and date of birth (exact keys, no nicknames or typos: a
   guess that files one person's needs on another's record is worse than a
   person looking at the match queue).

The first step that finds anyone decides. Only active records match.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .models import EligibilityCase, Resident
from .names import name_key

BY_INDIVIDUAL_ID = "individual_id"
BY_MEDICAID_ID = "medicaid_id"
BY_NAME_AND_BIRTH_DATE = "name_and_birth_date"


@dataclass
class PatientIdentity:
    """What another system says about a patient (already read from its resource)."""

    individual_ids: list[str] = field(default_factory=list)
    medicaid_ids: list[str] = field(default_factory=list)
    first_name: str = ""
    last_name: str = ""
    birth_date: datetime.date | None = None


@dataclass
class Match:
    residents: list[Resident]
    rule: str  # which step found them ("" when none did)

    @property
    def resident(self) -> Resident | None:
        """The one resident, or None when none or several matched."""
        return self.residents[0] if len(self.residents) == 1 else None


def by_identifiers(identity: PatientIdentity) -> Match:
    """Steps 1 and 2: the individual id, then the Medicaid case number."""
    active = Resident.objects.filter(status=Resident.Status.ACTIVE)
    if identity.individual_ids:
        found = list(active.filter(individual_id__in=identity.individual_ids))
        if found:
            return Match(found, BY_INDIVIDUAL_ID)
    if identity.medicaid_ids:
        holders = EligibilityCase.objects.filter(
            program=EligibilityCase.Program.MEDICAID, case_number__in=identity.medicaid_ids
        ).values("resident_id")
        found = list(active.filter(pk__in=holders))
        if found:
            return Match(found, BY_MEDICAID_ID)
    return Match([], "")


def by_name_and_birth_date(identity: PatientIdentity) -> Match:
    """Step 3: the same first and last name keys (unaccented, lower case) and birth date."""
    first, last = name_key(identity.first_name), name_key(identity.last_name)
    if not (first and last and identity.birth_date):
        return Match([], "")
    found = list(
        Resident.objects.filter(
            status=Resident.Status.ACTIVE, date_of_birth=identity.birth_date, last_key=last, first_key=first
        )
    )
    return Match(found, BY_NAME_AND_BIRTH_DATE if found else "")


def match_patient(identity: PatientIdentity) -> Match:
    """All three steps in order; the first that finds anyone decides."""
    found = by_identifiers(identity)
    return found if found.residents else by_name_and_birth_date(identity)
