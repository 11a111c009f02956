# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Referring to a full service (issue #21 item 2): the confirmation step says the
service is full, offers nearby services of the same kind that are not, and sends
the referral only when the person ticks "Refer anyway"."""

from __future__ import annotations

import pytest

from wayfinder.directory import actions as directory_actions
from wayfinder.directory import search_hooks
from wayfinder.directory.tests.search_fixtures import own_index, search_index_dir  # noqa: F401
from wayfinder.referrals.models import Referral

from .conftest import make_service, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def formula_services(personas, own_index, django_capture_on_commit_callbacks):
    full = make_service(org("family_center"), "Free infant formula")
    other = make_service(org("food_bank"), "Formula closet")
    elsewhere_full = make_service(org("food_bank"), "Formula and diapers")
    for service in (full, other, elsewhere_full):
        service.categories = ["baby-food-formula", "goods"]
        service.save()
    with django_capture_on_commit_callbacks(execute=True):
        search_hooks.after_import([full.pk, other.pk, elsewhere_full.pk])
        directory_actions.set_availability(service=full, actor=personas["family_center_staff"], status="full")
        directory_actions.set_availability(service=elsewhere_full, actor=None, status="full")
        directory_actions.set_availability(service=other, actor=None, status="accepting")
    return full, other, elsewhere_full


def _confirm_path(resident_id, service) -> str:
    return f"/referrals/new/{resident_id}/?org={service.organization_id}&service={service.pk}"


def _post(client, path: str, data: dict):
    """The confirmation form as a browser sends it: with the form's one-time token."""
    import re

    token = re.search(r'name="form_token" value="([^"]+)"', client.get(path).content.decode()).group(1)
    return client.post(path, {**data, "form_token": token})


def test_the_service_list_and_the_confirmation_say_it_is_full(client, world, personas, formula_services):
    full, other, _elsewhere_full = formula_services
    client.force_login(personas["food_bank_staff"])
    location = full.service_at_locations.get().location_id
    listing = client.get(
        f"/referrals/new/{world.resident.pk}/?org={full.organization_id}&location={location}"
    ).content.decode()
    assert 'data-availability="full"' in listing
    page = client.get(_confirm_path(world.resident.pk, full)).content.decode()
    assert "data-full-service" in page and "Refer anyway" in page
    alternatives = page[page.index("Nearby services of the same kind") :]
    assert "Formula closet" in alternatives and "Formula and diapers" not in alternatives  # full ones are not offered
    assert f"service={other.pk}" in alternatives


def test_it_refers_to_a_full_service_only_when_confirmed(client, world, personas, formula_services):
    full = formula_services[0]
    client.force_login(personas["food_bank_staff"])
    path = _confirm_path(world.resident.pk, full)
    refused = _post(client, path, {"note": "Needs formula"})
    assert refused.status_code == 400 and "This service says it is full" in refused.content.decode()
    assert not Referral.objects.filter(service=full).exists()
    assert _post(client, path, {"note": "Needs formula", "refer_anyway": "on"}).status_code == 302
    assert Referral.objects.filter(service=full).count() == 1


def test_an_accepting_service_needs_no_confirmation(client, world, personas, formula_services):
    other = formula_services[1]
    client.force_login(personas["food_bank_staff"])
    page = client.get(_confirm_path(world.resident.pk, other)).content.decode()
    assert "data-full-service" not in page and "Accepting referrals" in page
    assert _post(client, _confirm_path(world.resident.pk, other), {"note": ""}).status_code == 302
