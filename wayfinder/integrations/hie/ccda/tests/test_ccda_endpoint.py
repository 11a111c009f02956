"""``GET /hie/ccda/<patient id>`` through the real token endpoint: a valid CCD, the
disclosure recorded, and 401/403/404 OperationOutcomes."""

from __future__ import annotations

import pytest
from django.test import Client

from wayfinder.assessments.tests.conftest import org
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.ccda import validation
from wayfinder.integrations.hie.models import SharingChoice
from wayfinder.integrations.hie.tests.clients import bearer, make_client, token_for

from .test_ccd_document import _need

pytestmark = pytest.mark.django_db
SCOPE = "system/DocumentReference.read"


def _headers(scopes: str = SCOPE) -> dict[str, str]:
    client, key = make_client(scopes, organization=org("hospital"))
    return bearer(token_for(client, key))


def test_it_serves_a_valid_ccd_and_records_the_disclosure(amy):
    _need(amy, "food", ["food-insecurity"], "medicaid_claims", "Medicaid claim")
    response = Client().get(f"/hie/ccda/{amy.pk}", **_headers())
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert response["Cache-Control"] == "no-store"
    assert validation.validate_bytes(response.content).failures == []
    assert b"Z59.41" in response.content
    assert AuditEvent.objects.filter(action="hie.disclosed", resident_id=str(amy.pk)).count() == 1


def test_it_refuses_without_a_token_or_scope(amy):
    http = Client()
    assert http.get(f"/hie/ccda/{amy.pk}").status_code == 401
    wrong = http.get(f"/hie/ccda/{amy.pk}", **_headers("system/Patient.read"))
    assert wrong.status_code == 403 and wrong.json()["resourceType"] == "OperationOutcome"
    assert not AuditEvent.objects.filter(action="hie.disclosed").exists()


def test_it_answers_404_for_unknown_and_not_shared_patients(amy):
    headers = _headers()
    http = Client()
    for patient_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        response = http.get(f"/hie/ccda/{patient_id}", **headers)
        assert response.status_code == 404 and response.json()["issue"][0]["code"] == "not-found"
    SharingChoice.objects.create(resident=amy, share=False)
    assert http.get(f"/hie/ccda/{amy.pk}", **headers).status_code == 404
    assert not AuditEvent.objects.filter(action="hie.disclosed").exists()
