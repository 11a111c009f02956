"""An organization's shared favorites: add (from service pages or results), remove, reorder."""

import pytest

from wayfinder.accounts.models import Membership
from wayfinder.partners.models import Favorite

from .helpers import make_organization, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(db):
    other = make_organization("Eastside Helpers")
    return [make_service(other, name) for name in ("Pantry", "Clothing closet", "Rent help")]


@pytest.fixture
def staff_client(client, personas):
    client.force_login(personas["food_bank_staff"])
    return client


def names(personas):
    organization = Membership.objects.get(user=personas["food_bank_staff"]).organization
    return [f.service.name for f in Favorite.objects.filter(organization=organization)]


def test_adding_returns_to_the_page_it_came_from_and_ignores_duplicates(staff_client, services, personas):
    response = staff_client.post(
        "/partners/workspace/favorites/add/", {"service_id": str(services[0].pk), "next": "/search/?q=food"}
    )
    assert response["Location"] == "/search/?q=food"
    staff_client.post("/partners/workspace/favorites/add/", {"service_id": str(services[0].pk)})
    assert names(personas) == ["Pantry"]


def test_next_must_stay_on_this_site(staff_client, services):
    response = staff_client.post(
        "/partners/workspace/favorites/add/", {"service_id": str(services[0].pk), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/partners/workspace/favorites/"


def test_an_unknown_service_is_a_404(staff_client, db):
    assert staff_client.post("/partners/workspace/favorites/add/", {"service_id": "nope"}).status_code == 404


def test_reorder_and_remove(staff_client, services, personas):
    for service in services:
        staff_client.post("/partners/workspace/favorites/add/", {"service_id": str(service.pk)})
    last = Favorite.objects.get(service=services[2])
    staff_client.post(f"/partners/workspace/favorites/{last.pk}/move/", {"direction": "up"})
    assert names(personas) == ["Pantry", "Rent help", "Clothing closet"]
    first = Favorite.objects.get(service=services[0])
    staff_client.post(f"/partners/workspace/favorites/{first.pk}/move/", {"direction": "up"})
    assert names(personas) == ["Pantry", "Rent help", "Clothing closet"]
    staff_client.post(f"/partners/workspace/favorites/{first.pk}/remove/")
    assert names(personas) == ["Rent help", "Clothing closet"]
    html = staff_client.get("/partners/workspace/favorites/").content.decode().split('class="favorite-list"')[1]
    assert html.index("Rent help") < html.index("Clothing closet")


def test_the_list_is_shared_within_the_organization_only(client, staff_client, services, personas):
    staff_client.post("/partners/workspace/favorites/add/", {"service_id": str(services[0].pk)})
    favorite = Favorite.objects.get()
    client.force_login(personas["food_bank_admin"])
    assert "Pantry" in client.get("/partners/workspace/favorites/").content.decode()
    client.force_login(personas["family_center_staff"])
    assert "Pantry" not in client.get("/partners/workspace/favorites/").content.decode()
    assert client.post(f"/partners/workspace/favorites/{favorite.pk}/remove/").status_code == 404
    assert Favorite.objects.exists()


def test_the_shared_button_posts_back_to_the_same_page(rf, services, personas):
    from django.template.loader import render_to_string

    from wayfinder.accounts.context_processors import roles

    request = rf.get("/search/?q=pantry")
    request.user = personas["food_bank_staff"]
    html = render_to_string(
        "partners/_favorite_button.html",
        {"service_id": services[0].pk, "service_name": "Pantry", **roles(request)},
        request=request,
    )
    assert 'action="/partners/workspace/favorites/add/"' in html
    assert 'name="next" value="/search/?q=pantry"' in html
    request.user = personas["reviewer"]
    assert "form" not in render_to_string(
        "partners/_favorite_button.html", {"service_id": services[0].pk, **roles(request)}, request=request
    )
