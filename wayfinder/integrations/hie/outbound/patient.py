"""Patient (read; search by identifier): the resident as the exchange knows them
(docs/exchange.md, "Outbound"). Identifiers are the eligibility individual id and
the Medicaid case numbers, in the systems the SMART launch reads
(SMART_INDIVIDUAL_ID_SYSTEM, SMART_MEDICAID_ID_SYSTEM). Minimum necessary: name,
birth date, gender and identifiers, no contact details or address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from wayfinder.residents.models import EligibilityCase, Resident

from ..disclosures import record_disclosure
from ..fhir.context import FhirContext, SearchPage, SearchQuery
from ..fhir.outcome import FhirError
from ..fhir.registry import ResourceHandler, SearchParam
from ..sharing import shares_with_exchange
from .common import instant, page_of, version_of, visible_resident

US_CORE_PATIENT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
GENDERS = {"f": "female", "female": "female", "m": "male", "male": "male", "u": "unknown", "unknown": "unknown"}


def as_patient(resident: Resident) -> dict[str, Any]:
    identifiers = []
    if resident.individual_id:
        identifiers.append({"system": settings.SMART_INDIVIDUAL_ID_SYSTEM, "value": resident.individual_id})
    for case in resident.cases.filter(program=EligibilityCase.Program.MEDICAID).order_by("case_number"):
        identifiers.append({"system": settings.SMART_MEDICAID_ID_SYSTEM, "value": case.case_number})
    name: dict[str, Any] = {"family": resident.last_name, "given": [resident.first_name]}
    if resident.middle_name:
        name["given"].append(resident.middle_name)
    if resident.suffix:
        name["suffix"] = [resident.suffix]
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(resident.pk),
        "meta": {"versionId": version_of(resident.updated_at), "lastUpdated": instant(resident.updated_at)},
        "active": True,
        "name": [name],
        "gender": GENDERS.get((resident.sex or "").lower(), "unknown"),
        "birthDate": resident.date_of_birth.isoformat(),
    }
    if identifiers:
        patient["identifier"] = identifiers
    if resident.preferred_language:
        patient["communication"] = [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": resident.preferred_language}]}}
        ]
    return patient


def read(ctx: FhirContext, resource_id: str) -> dict[str, Any]:
    resident = visible_resident(resource_id)
    if resident is None:
        raise FhirError(404, "not-found", f"No Patient/{resource_id} on this server.")
    record_disclosure(ctx.grant, resident, [f"Patient/{resident.pk}"], "FHIR Patient read")
    return as_patient(resident)


def search(ctx: FhirContext, query: SearchQuery) -> SearchPage:
    values = query.params.get("identifier", []) + [f"|{v}" for v in query.params.get("_id", [])]
    if not values:
        raise FhirError(400, "required", "Patient search needs identifier=<system>|<value>.", expression=["identifier"])
    found: dict[str, Resident] = {}
    for raw in values:
        for value in raw.split(","):
            for resident in _by_identifier(value):
                if shares_with_exchange(resident):
                    found[str(resident.pk)] = resident
    page = page_of([as_patient(r) for r in found.values()], query)
    for patient in page.resources:
        record_disclosure(ctx.grant, found[patient["id"]], [f"Patient/{patient['id']}"], "FHIR Patient search")
    return page


def _by_identifier(value: str) -> list[Resident]:
    system, _, code = value.rpartition("|")
    active = Resident.objects.filter(status=Resident.Status.ACTIVE)
    if system == "" and value.startswith("|"):  # _id
        try:
            return list(active.filter(pk=code))
        except (ValueError, ValidationError):  # not a UUID
            return []
    if system in ("", settings.SMART_INDIVIDUAL_ID_SYSTEM):
        by_id = list(active.filter(individual_id=code.upper()))
        if by_id or system:
            return by_id
    if system in ("", settings.SMART_MEDICAID_ID_SYSTEM):
        holders = EligibilityCase.objects.filter(program=EligibilityCase.Program.MEDICAID, case_number=code)
        return list(active.filter(pk__in=holders.values("resident_id")))
    return []


HANDLER = ResourceHandler(
    type="Patient",
    profiles=[US_CORE_PATIENT],
    read=read,
    search=search,
    search_params=[
        SearchParam("identifier", "token", "The eligibility individual id or a Medicaid id (system|value)."),
        SearchParam("_id", "token", "The record id."),
    ],
    documentation="Residents who share with the exchange: name, birth date, gender, identifiers.",
)
