"""``GET /hie/ccda/<patient id>``: the summary CCD for an exchange client.

The patient id is our FHIR Patient id (the resident's id, as /fhir/Patient answers).
Bearer authentication as on /fhir/ (``fhir_client_required``), scope
``system/DocumentReference.read``; an unknown patient and one whose data the sharing
rule keeps from the exchange are the same 404 OperationOutcome (telling them apart
would itself disclose). Every document served is recorded as a disclosure."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from wayfinder.integrations.hie.disclosures import record_disclosure
from wayfinder.integrations.hie.fhir.auth import fhir_client_required, require
from wayfinder.integrations.hie.fhir.outcome import FhirError
from wayfinder.integrations.hie.sharing import shares_with_exchange
from wayfinder.residents.models import Resident

from .document import build_ccd


def _resident(patient_id: str) -> Resident:
    try:
        key = uuid.UUID(patient_id)
    except ValueError:
        key = None
    resident = Resident.objects.filter(pk=key, status=Resident.Status.ACTIVE).first() if key else None
    if resident is None or not shares_with_exchange(resident):
        raise FhirError(404, "not-found", f"Patient/{patient_id} is not known or not shared with the exchange")
    return resident


@require_GET
@fhir_client_required
def ccda(request: HttpRequest, patient_id: str) -> HttpResponse:
    grant = request.fhir_grant  # type: ignore[attr-defined]
    require(grant, "DocumentReference", "read")
    resident = _resident(patient_id)
    document = build_ccd(resident, grant)
    record_disclosure(grant, resident, [f"Patient/{resident.pk}/ccda"], "C-CDA summary CCD (Social History)")
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
