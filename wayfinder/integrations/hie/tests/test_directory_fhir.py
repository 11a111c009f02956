"""The directory as FHIR: Organization, Location, HealthcareService read and search, scope-checked."""

from __future__ import annotations

import pytest
from django.test import Client

from wayfinder.directory.models import AvailabilityStatus, ServiceAvailability
from wayfinder.integrations.hie.fhir.structure import check_structure
from wayfinder.referrals.tests.conftest import make_service, org

from .clients import bearer, make_client, token_for


@pytest.fixture
def headers(personas):
    client, key = make_client("system/Organization.rs system/Location.rs system/HealthcareService.rs")
    return bearer(token_for(client, key))


@pytest.mark.django_db
def test_services_found_by_city_category_and_hsds_id_with_capacity(headers):
    service = make_service(org("family_center"), "Free infant formula", city="Paducah")
    service.categories = ["food"]
    service.save()
    ServiceAvailability.objects.create(service=service, status=AvailabilityStatus.ACCEPTING)
    http = Client()
    by_city = http.get("/fhir/HealthcareService", {"address-city": "paducah"}, **headers).json()
    assert [e["resource"]["id"] for e in by_city["entry"]] == [str(service.pk)]
    resource = by_city["entry"][0]["resource"]
    check_structure(resource)
    assert resource["extension"][0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "capacity"
    by_category = http.get("/fhir/HealthcareService", {"service-category": "food-insecurity"}, **headers).json()
    assert str(service.pk) in [e["resource"]["id"] for e in by_category["entry"]]
    by_id = http.get("/fhir/HealthcareService", {"identifier": str(service.pk)}, **headers).json()
    assert by_id["total"] == 1
    organization = http.get(f"/fhir/Organization/{service.organization_id}", **headers).json()
    check_structure(organization)
    location_ref = resource["location"][0]["reference"]
    location = http.get(f"/fhir/{location_ref}", **headers).json()
    assert location["address"]["city"] == "Paducah"
    check_structure(location)


@pytest.mark.django_db
def test_directory_needs_its_scope(personas):
    client, key = make_client("system/Patient.rs")
    answer = Client().get("/fhir/HealthcareService", **bearer(token_for(client, key)))
    assert answer.status_code == 403
    assert answer.json()["resourceType"] == "OperationOutcome"
