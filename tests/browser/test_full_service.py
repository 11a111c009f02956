# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""A full service in a real browser (issue #21 item 2): the family center says in its
workspace that its formula service is full; the food bank's caseworker sees "Full"
in the search results and, referring Amy to it, gets the confirmation step with a
nearby service that has room; the referral is sent once she ticks "Refer anyway"."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.directory import search_hooks
from wayfinder.directory.tests.search_fixtures import live_directory, search_index_dir  # noqa: F401
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import make_service, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def formula(live_directory, settings, search_index_dir, tmp_path):
    path = tmp_path / "index"
    shutil.copytree(search_index_dir, path)
    settings.SEARCH_INDEX_DIR = path
    full = make_service(org("family_center"), "Infant Formula Pantry")
    room = make_service(org("food_bank"), "Formula Closet")
    for service in (full, room):
        service.categories = ["baby-food-formula", "goods"]
        service.save()
    search_hooks.after_import([full.pk, room.pk])  # indexed when this (auto)commit ends
    return full


def test_a_full_service_in_search_and_the_confirmation_when_referring(
    live_server, formula, personas, page, sign_in_as, axe_check
):
    sign_in_as(page, personas["family_center_staff"])
    page.goto(f"{live_server.url}/partners/workspace/organization/")
    page.get_by_role("link", name="Update referrals status of Infant Formula Pantry").click()
    page.get_by_label("Full: not taking referrals now").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved. Search results and referrals now show it.").wait_for()

    sign_in_as(page, personas["food_bank_staff"])
    page.goto(f"{live_server.url}/search/?q=infant+formula")
    result = page.locator("li.result", has=page.get_by_role("link", name="Infant Formula Pantry"))
    assert result.locator("[data-availability=full]").inner_text().startswith("Full: not taking referrals now")

    location = formula.service_at_locations.get().location_id
    page.goto(f"{live_server.url}/referrals/new/{AMY_RESIDENT_ID}/?org={formula.organization_id}&location={location}")
    page.get_by_role("link", name="Infant Formula Pantry").click()
    page.get_by_role("heading", name="This service says it is full").wait_for()
    alternatives = page.locator("[data-full-service]")
    expect(alternatives.get_by_role("link", name="Formula Closet", exact=True)).to_be_visible()
    assert axe_check(page) == []
    page.get_by_role("button", name="Submit referral").click()
    page.get_by_text("Tick “Refer anyway” to send the referral").wait_for()
    assert not Referral.objects.filter(service=formula).exists()
    page.get_by_label("Refer anyway: I know this service says it is full").check()
    page.get_by_role("button", name="Submit referral").click()
    page.get_by_text("Referral sent to Lexington Family Resource Center.").wait_for()
    assert Referral.objects.filter(service=formula).count() == 1
