"""Who a ServiceRequest is for, and whom a Task is owned by: references read as our records.

A referral is never made for a guessed person: a subject that matches nobody, or
several people, is refused (422) and nothing is stored; the exchange's inbound
match queue is for observations, not for orders someone will act on.
"""

from __future__ import annotations

from django.conf import settings

from wayfinder.directory.models import Organization, Service
from wayfinder.residents.models import EligibilityCase, Resident

from ..fhir.outcome import FhirError
from .directory import HSDS_ID_SYSTEM
from .search import as_uuid


def _identifiers(reference: dict) -> list[tuple[str, str]]:
    identifier = reference.get("identifier")
    if isinstance(identifier, dict) and identifier.get("value"):
        return [(str(identifier.get("system") or ""), str(identifier["value"]))]
    return []


def resident_for_subject(subject: object, path: str = "ServiceRequest.subject") -> Resident:
    """``Patient/<our id>`` or an identifier (eligibility individual id, Medicaid id)."""
    if not isinstance(subject, dict):
        raise FhirError(400, "required", f"{path} is required (a Patient reference)", expression=[path])
    active = Resident.objects.filter(status=Resident.Status.ACTIVE)
    found: list[Resident] = []
    reference = str(subject.get("reference") or "")
    if reference:
        parts = reference.rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] != "Patient":
            raise FhirError(400, "value", f"{path}.reference must name a Patient, got {reference!r}", expression=[path])
        parsed = as_uuid(parts[-1], path)
        found = list(active.filter(pk=parsed)) if parsed is not None else []
    for system, value in _identifiers(subject):
        if system == settings.SMART_INDIVIDUAL_ID_SYSTEM:
            found = found or list(active.filter(individual_id=value))
        elif system == settings.SMART_MEDICAID_ID_SYSTEM:
            holders = EligibilityCase.objects.filter(
                program=EligibilityCase.Program.MEDICAID, case_number=value
            ).values("resident_id")
            found = found or list(active.filter(pk__in=holders))
    if not reference and not _identifiers(subject):
        raise FhirError(400, "required", f"{path} needs a reference or an identifier", expression=[path])
    if len(found) != 1:
        which = "no resident" if not found else f"{len(found)} residents"
        raise FhirError(
            422,
            "business-rule" if found else "not-found",
            f"{path}: the patient matches {which} here (by our Patient id, the individual id "
            f"{settings.SMART_INDIVIDUAL_ID_SYSTEM} or the Medicaid id {settings.SMART_MEDICAID_ID_SYSTEM}); "
            "nothing was stored",
            expression=[path],
        )
    return found[0]


def _hsds_id(reference: dict, path: str, allowed: tuple[str, ...]) -> tuple[str, object]:
    """(resource type or "", uuid) named by a reference or an HSDS identifier."""
    text = str(reference.get("reference") or "")
    if text:
        parts = text.rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] not in allowed:
            raise FhirError(
                400, "value", f"{path}.reference must name one of {', '.join(allowed)}, got {text!r}", expression=[path]
            )
        return parts[-2], as_uuid(parts[-1], path)
    for system, value in _identifiers(reference):
        if system in ("", HSDS_ID_SYSTEM):
            return str(reference.get("type") or ""), as_uuid(value, path)
    raise FhirError(
        400, "required", f"{path} needs a reference or an HSDS identifier ({HSDS_ID_SYSTEM})", expression=[path]
    )


def service_for_owner(owner: object, path: str = "Task.owner") -> Service:
    """The directory service the Task is owned by: a HealthcareService, or an
    Organization offering exactly one active service."""
    if not isinstance(owner, dict):
        raise FhirError(
            400, "required", f"{path} is required (an Organization or HealthcareService)", expression=[path]
        )
    kind, pk = _hsds_id(owner, path, ("HealthcareService", "Organization"))
    service = None
    if pk is not None and kind in ("", "HealthcareService"):
        service = Service.objects.select_related("organization").filter(pk=pk).first()
    if service is None and pk is not None and kind in ("", "Organization"):
        organization = Organization.objects.filter(pk=pk).first()
        if organization is not None:
            active = list(organization.services.filter(status="active")[:2])
            if len(active) != 1:
                raise FhirError(
                    422,
                    "business-rule",
                    f"{path}: Organization/{pk} offers {len(active) or 'no'}{'+' if len(active) == 2 else ''} "
                    "active services; name the HealthcareService",
                    expression=[path],
                )
            service = active[0]
    if service is None:
        raise FhirError(
            422, "not-found", f"{path}: no directory service or organization with that id", expression=[path]
        )
    if service.status != "active":
        raise FhirError(
            422, "business-rule", f"{path}: HealthcareService/{service.pk} is not active", expression=[path]
        )
    return service
