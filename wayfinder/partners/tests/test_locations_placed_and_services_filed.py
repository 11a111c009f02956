"""A partner's locations are placed on the map and its services filed under categories
and offered somewhere, so that the directory finds them (issue 14, item 2)."""

from __future__ import annotations

import pytest

from wayfinder.accounts.models import Membership
from wayfinder.directory import categories as cats
from wayfinder.directory.models import Address, Attribute, Location, Service, TaxonomyTerm
from wayfinder.lib import geo
from wayfinder.partners.models import RecordChange

from .helpers import make_service

pytestmark = pytest.mark.django_db

LOCATIONS = "/partners/workspace/organization/locations/new/"
SERVICES = "/partners/workspace/organization/services/new/"


@pytest.fixture
def organization(personas):
    return Membership.objects.get(user=personas["food_bank_admin"]).organization


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["food_bank_admin"])
    return client


def location_form(**changes) -> dict:
    data = {
        "name": "Eastside pantry",
        "address_1": "5 Oak St",
        "city": "Lexington",
        "state_province": "KY",
        "postal_code": "40505",
        "phone": "",
        "latitude": "",
        "longitude": "",
    }
    return {**data, **changes}


def service_form(location: Location | None, **changes) -> dict:
    data = {
        "name": "Saturday pantry",
        "description": "Groceries on Saturdays.",
        "status": "active",
        "categories": ["food-pantries"],
        "locations": [str(location.pk)] if location else [],
        "minimum_age": "",
        "maximum_age": "",
    }
    return {**data, **changes}


def test_a_new_location_is_placed_at_its_zip_code(admin_client, organization):
    assert admin_client.post(LOCATIONS, location_form()).status_code == 302
    location = Location.objects.get(organization=organization, name="Eastside pantry")
    assert (location.latitude, location.longitude) == geo.zip_centroid("40505")
    assert {"latitude", "longitude"} <= set(location.partner_owned_fields)  # the next import keeps them


def test_a_point_picked_on_the_map_wins_when_it_is_near_the_address(admin_client, organization):
    lat, lon = geo.zip_centroid("40505")
    admin_client.post(LOCATIONS, location_form(latitude=f"{lat + 0.01:.6f}", longitude=f"{lon - 0.01:.6f}"))
    location = Location.objects.get(organization=organization, name="Eastside pantry")
    assert (round(location.latitude, 6), round(location.longitude, 6)) == (round(lat + 0.01, 6), round(lon - 0.01, 6))


def test_a_point_far_from_the_address_is_refused(admin_client, organization):
    response = admin_client.post(LOCATIONS, location_form(latitude="38.2527", longitude="-85.7585"))  # Louisville
    assert response.status_code == 200
    assert "far from this address" in response.content.decode()
    assert not Location.objects.filter(name="Eastside pantry").exists()


def test_an_address_that_cannot_be_placed_is_refused_and_saves_nothing(admin_client, organization):
    response = admin_client.post(LOCATIONS, location_form(postal_code="00000", city="Nowhere Town"))
    assert response.status_code == 200
    assert "postal_code" in response.context["form"].errors
    assert not Location.objects.filter(name="Eastside pantry").exists()
    assert not RecordChange.objects.exists()


def test_a_zip_code_of_another_state_falls_back_to_the_city(admin_client, organization):
    admin_client.post(LOCATIONS, location_form(postal_code="90210"))  # a typo: Beverly Hills
    location = Location.objects.get(name="Eastside pantry")
    assert (location.latitude, location.longitude) == geo.city_centroid("Lexington", "KY")


def test_moving_keeps_no_stale_point_and_an_unchanged_address_keeps_a_precise_one(admin_client, organization):
    location = Location.objects.create(organization=organization, name="Main site", latitude=38.05, longitude=-84.49)
    Address.objects.create(
        location=location, address_1="1 Main St", city="Lexington", state_province="KY", postal_code="40507"
    )
    url = f"/partners/workspace/organization/locations/{location.pk}/"
    page = admin_client.get(url).content.decode()
    assert 'name="latitude" value="38.05"' in page
    kept = location_form(name="Main site", address_1="1 Main St", postal_code="40507", latitude="38.05")
    admin_client.post(url, {**kept, "longitude": "-84.49", "description": "Open daily."})
    location.refresh_from_db()
    assert (location.latitude, location.longitude) == (38.05, -84.49)  # not moved to the ZIP centre
    moved = location_form(name="Main site", address_1="9 Elm St", city="Frankfort", postal_code="40601")
    admin_client.post(url, {**moved, "latitude": "38.05", "longitude": "-84.49"})
    location.refresh_from_db()
    assert (location.latitude, location.longitude) == geo.zip_centroid("40601")


def test_a_service_needs_a_category_and_a_location(admin_client, organization):
    response = admin_client.post(SERVICES, service_form(None, categories=[]))
    assert set(response.context["form"].errors) == {"categories", "locations"}
    assert "Add a location first" in response.content.decode()
    assert not Service.objects.filter(name="Saturday pantry").exists()


def test_unknown_categories_are_refused(admin_client, organization):
    admin_client.post(LOCATIONS, location_form())
    location = Location.objects.get(name="Eastside pantry")
    response = admin_client.post(SERVICES, service_form(location, categories=["free-money"]))
    assert "categories" in response.context["form"].errors
    assert not Service.objects.filter(name="Saturday pantry").exists()


def test_categories_are_stored_as_sdoh_terms_like_imported_ones(admin_client, organization, personas):
    admin_client.post(LOCATIONS, location_form())
    location = Location.objects.get(name="Eastside pantry")
    admin_client.post(SERVICES, service_form(location, categories=["food-pantries", "snap-wic"]))
    service = Service.objects.get(name="Saturday pantry")
    assert service.categories == ["food", "food-pantries", "snap-wic"]
    terms = Attribute.objects.filter(link_id=service.pk, link_entity="service").values_list(
        "taxonomy_term__taxonomy_ref_id", "taxonomy_term__code"
    )
    assert sorted(terms) == [(cats.SDOH_TAXONOMY_ID, "food-pantries"), (cats.SDOH_TAXONOMY_ID, "snap-wic")]
    url = f"/partners/workspace/organization/services/{service.pk}/"
    page = admin_client.get(url).content.decode()
    assert 'value="snap-wic" id="id_categories_0_3" checked' in page
    admin_client.post(url, service_form(location, categories=["meals"]))
    service.refresh_from_db()
    assert service.categories == ["food", "meals"]
    first, second = RecordChange.objects.filter(record_id=service.pk, record_label__endswith=": categories")
    assert first.changes == {"categories": [["food-pantries", "snap-wic"], ["meals"]]}
    assert second.changes == {"categories": [[], ["food-pantries", "snap-wic"]]}
    change = first
    assert change.changed_by == personas["food_bank_admin"]


def test_categories_from_the_2_1_1_record_stay(admin_client, organization):
    admin_client.post(LOCATIONS, location_form())
    location = Location.objects.get(name="Eastside pantry")
    service = make_service(organization, "Imported pantry")
    airs = TaxonomyTerm.objects.create(code="BD-1800.2000", name="Food Pantries", description="")
    Attribute.objects.create(link_id=service.pk, link_entity="service", taxonomy_term=airs)
    url = f"/partners/workspace/organization/services/{service.pk}/"
    assert "From the 2-1-1 record" in admin_client.get(url).content.decode()
    response = admin_client.post(url, service_form(location, name="Imported pantry", categories=[]))
    assert response.status_code == 302  # the imported categories are enough
    admin_client.post(url, service_form(location, name="Imported pantry", categories=["meals"]))
    service.refresh_from_db()
    assert service.categories == ["food", "food-pantries", "meals"]
