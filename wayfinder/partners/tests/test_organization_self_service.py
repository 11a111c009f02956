"""Partner admins edit their organization, locations and services; edited fields become
partner-owned, and reviewers see the change history."""

import pytest

from wayfinder.accounts.models import Membership
from wayfinder.directory.models import Location, Service, Source
from wayfinder.partners.models import RecordChange

from .helpers import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(personas):
    return Membership.objects.get(user=personas["food_bank_admin"]).organization


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["food_bank_admin"])
    return client


def org_form(organization, **changes):
    data = {
        "name": organization.name,
        "alternate_name": organization.alternate_name,
        "description": organization.description,
        "email": organization.email,
        "website": organization.website,
        "tax_id": organization.tax_id,
        "year_incorporated": "",
        "legal_status": organization.legal_status,
    }
    return {**data, **changes}


def test_editing_the_organization_marks_fields_partner_owned(admin_client, organization, personas):
    response = admin_client.post(
        "/partners/workspace/organization/edit/", org_form(organization, website="bgfoodbank.org", tax_id="611234567")
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.website == "https://bgfoodbank.org" and organization.tax_id == "61-1234567"
    assert set(organization.partner_owned_fields) == {"website", "tax_id"}
    assert organization.source == Source.PARTNER and organization.last_verified is not None
    change = RecordChange.objects.get(record_id=organization.pk)
    assert change.changes["website"] == ["", "https://bgfoodbank.org"]
    assert change.changed_by == personas["food_bank_admin"]


def test_invalid_input_changes_nothing(admin_client, organization):
    response = admin_client.post(
        "/partners/workspace/organization/edit/", org_form(organization, name="", tax_id="12-34")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "tax_id"}
    organization.refresh_from_db()
    assert organization.name == "Bluegrass Community Food Bank" and organization.partner_owned_fields == []
    assert not RecordChange.objects.exists()


def test_staff_may_view_but_not_edit(client, organization, personas):
    client.force_login(personas["food_bank_staff"])
    assert client.get("/partners/workspace/organization/").status_code == 200
    assert client.get("/partners/workspace/organization/edit/").status_code == 403
    assert client.post("/partners/workspace/organization/edit/", org_form(organization, name="X")).status_code == 403


def test_adding_a_location_and_a_service_offered_there(admin_client, organization):
    admin_client.post(
        "/partners/workspace/organization/locations/new/",
        {
            "name": "Eastside pantry",
            "address_1": "5 Oak St",
            "city": "Lexington",
            "state_province": "ky",
            "postal_code": "40505",
            "phone": "859-555-0199",
        },
    )
    location = Location.objects.get(organization=organization, name="Eastside pantry")
    assert location.source == Source.PARTNER and "name" in location.partner_owned_fields
    address = location.addresses.get()
    assert (address.city, address.state_province) == ("Lexington", "KY")
    assert location.phones.get().number == "859-555-0199"
    admin_client.post(
        "/partners/workspace/organization/services/new/",
        {
            "name": "Weekend meals",
            "description": "Hot meals on Saturdays.",
            "status": "active",
            "categories": ["meals"],
            "locations": [str(location.pk)],
            "minimum_age": "",
            "maximum_age": "",
        },
    )
    service = Service.objects.get(organization=organization, name="Weekend meals")
    assert list(service.service_at_locations.values_list("location_id", flat=True)) == [location.pk]
    assert service.source == Source.PARTNER and service.categories == ["food", "meals"]


def test_a_service_with_impossible_ages_is_refused(admin_client, organization):
    service = make_service(organization)
    response = admin_client.post(
        f"/partners/workspace/organization/services/{service.pk}/",
        {"name": service.name, "description": "x", "status": "active", "minimum_age": "30", "maximum_age": "10"},
    )
    assert "maximum_age" in response.context["form"].errors
    service.refresh_from_db()
    assert service.partner_owned_fields == []


def test_another_organizations_records_are_not_found(admin_client, personas):
    other = Membership.objects.get(user=personas["family_center_staff"]).organization
    service = make_service(other)
    location = Location.objects.create(organization=other, name="Elsewhere")
    assert admin_client.get(f"/partners/workspace/organization/services/{service.pk}/").status_code == 404
    assert admin_client.get(f"/partners/workspace/organization/locations/{location.pk}/").status_code == 404


def test_reviewers_see_the_change_history(admin_client, client, organization, personas):
    admin_client.post("/partners/workspace/organization/edit/", org_form(organization, alternate_name="BCFB"))
    client.force_login(personas["reviewer"])
    html = client.get("/partners/review/partner-edits/").content.decode()
    assert "BCFB" in html and "alternate_name" in html
    client.force_login(personas["food_bank_staff"])
    assert client.get("/partners/review/partner-edits/").status_code == 403
