"""The FHIR resources of a referral, built from the referral and the stored rows.

A Task says what the referral says now (status.task_state); a completed Task's
output names the Procedure, which exists exactly while the referral is closed as
provided. What leaves here never includes the private "experience with the
resident" answer (docs/product.md 5.4): no function in this module reads it.
"""

from __future__ import annotations

from django.utils import translation

from wayfinder.referrals.models import Referral, ReferralNote

from .models import ServiceRequestRecord, TaskRecord
from .search import iso
from .status import BUSINESS_STATUS_SYSTEM, NEEDS_REASON, task_state

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare"
TASK_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-TaskForReferralManagement"
SR_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-ServiceRequest"
PROCEDURE_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-Procedure"
TEMPORARY_CODES = f"{SDOHCC}/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
TASK_CODE = {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]}
RESULTING_ACTIVITY = {
    "coding": [{"system": TEMPORARY_CODES, "code": "resulting-activity", "display": "Resulting Activity"}]
}


def service_request_resource(record: ServiceRequestRecord) -> dict:
    resource = dict(record.resource)
    resource.update(
        {
            "resourceType": "ServiceRequest",
            "id": str(record.id),
            "meta": {"versionId": str(record.version), "lastUpdated": iso(record.updated_at), "profile": [SR_PROFILE]},
        }
    )
    return resource


def current_state(record: TaskRecord):
    """The Task status of the record's referral, as of now."""
    referral = record.referral
    with translation.override("en"):
        return task_state(referral, referral.events.all(), record.withdrawn, record.withdrawn_reason)


def task_resource(record: TaskRecord) -> dict:
    """The Task: the client's own fields as it sent them, ours (status, output) from the referral."""
    referral: Referral = record.referral
    state = current_state(record)
    resource = {key: value for key, value in record.resource.items() if key not in ("text", "meta", "output")}
    resource.update(
        {
            "resourceType": "Task",
            "id": str(record.id),
            "meta": {
                "versionId": str(record.version),
                "lastUpdated": iso(record.updated_at),
                "profile": [TASK_PROFILE],
            },
            "status": state.status,
            "intent": "order",
            "code": resource.get("code") or TASK_CODE,
            "focus": {"reference": f"ServiceRequest/{record.service_request_id}"},
            "for": {"reference": f"Patient/{referral.resident_id}"},
            "authoredOn": resource.get("authoredOn") or iso(referral.created_at),
            "lastModified": iso(record.updated_at),
            "owner": {
                "reference": f"HealthcareService/{referral.service_id}",
                "display": f"{referral.service.name} ({referral.receiving_organization.name})",
            },
        }
    )
    if referral.sending_organization_id:
        resource["requester"] = {
            "reference": f"Organization/{referral.sending_organization_id}",
            "display": referral.sending_organization.name,
        }
    resource.pop("statusReason", None)
    resource.pop("businessStatus", None)
    if state.reason and (state.status in NEEDS_REASON or state.status in ("completed", "entered-in-error")):
        resource["statusReason"] = {"text": state.reason}
    if state.business_status:
        resource["businessStatus"] = {
            "coding": [{"system": BUSINESS_STATUS_SYSTEM, "code": state.business_status}],
            "text": "Closed by a referral specialist",
        }
    notes = [
        {
            "text": note.body,
            "time": iso(note.created_at),
            "authorString": note.organization.name if note.organization else "",
        }
        for note in ReferralNote.objects.filter(referral=referral).select_related("organization")
    ]
    if notes:
        resource["note"] = [{k: v for k, v in note.items() if v} for note in notes]
    else:
        resource.pop("note", None)
    if state.status == "completed":
        resource["output"] = [{"type": RESULTING_ACTIVITY, "valueReference": {"reference": f"Procedure/{record.id}"}}]
    return resource


def _sdohcc_category(service_request: dict) -> dict | None:
    for category in service_request.get("category") or []:
        for coding in (category or {}).get("coding") or []:
            if coding.get("system") == TEMPORARY_CODES:
                return {"coding": [coding]}
    return None


def procedure_resource(record: TaskRecord) -> dict:
    """What was done, for the requester (the guide's step 10): the service that provided it."""
    referral = record.referral
    requested = record.service_request.resource
    procedure: dict = {
        "resourceType": "Procedure",
        "id": str(record.id),
        "meta": {
            "versionId": str(record.version),
            "lastUpdated": iso(record.updated_at),
            "profile": [PROCEDURE_PROFILE],
        },
        "basedOn": [{"reference": f"ServiceRequest/{record.service_request_id}"}],
        "status": "completed",
        "code": requested.get("code") or {"text": referral.service.name},
        "subject": {"reference": f"Patient/{referral.resident_id}"},
        "performedDateTime": iso(referral.closed_at or record.updated_at),
        "performer": [
            {
                "actor": {
                    "reference": f"Organization/{referral.receiving_organization_id}",
                    "display": referral.receiving_organization.name,
                }
            }
        ],
        "note": [{"text": f"Provided by {referral.service.name}"}],
    }
    category = _sdohcc_category(requested)
    if category is not None:
        procedure["category"] = category
    return procedure
