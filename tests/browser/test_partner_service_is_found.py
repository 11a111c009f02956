# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""A partner adds a location and a service through its own workspace pages, and a
resident then finds that service by keyword, by category and by distance, with the
Partner badge, through the public pages (issue 14, item 2)."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from wayfinder.directory.tests.search_fixtures import live_directory, search_index_dir  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERVICE = "Saturday Grocery Pantry"


@pytest.fixture
def writable_index(live_directory, settings, search_index_dir, tmp_path):
    """The partner's save re-indexes its service: into a copy, not the session's index."""
    path = tmp_path / "index"
    shutil.copytree(search_index_dir, path)
    settings.SEARCH_INDEX_DIR = path
    return path


def _add_location_and_service(page, base: str) -> None:
    page.goto(f"{base}/partners/workspace/organization/")
    page.get_by_role("link", name="Add a location").click()
    page.get_by_label("Location name").fill("Eastside distribution site")
    page.get_by_label("Street address").fill("1450 Winchester Rd")
    page.get_by_label("City").fill("Lexington")
    page.get_by_label("State").fill("KY")
    page.get_by_label("ZIP code").fill("40505")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Location saved.").wait_for()

    page.get_by_role("link", name="Add a service").click()
    page.get_by_label("Service name").fill(SERVICE)
    page.locator("#id_description").fill("Free groceries and fresh produce every Saturday morning.")
    page.get_by_role("button", name="Save").click()  # no category, no location: refused, nothing saved
    expect(page.get_by_text("Choose at least one category, so people can find this service.")).to_be_visible()
    expect(page.get_by_text("Choose at least one location where people can get this service.")).to_be_visible()
    page.locator("summary", has_text="Food").first.click()
    page.get_by_label("Food pantries").check()
    page.get_by_label("Eastside distribution site").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Service saved.").wait_for()


def _result(page):
    return page.locator("li.result", has=page.get_by_role("link", name=SERVICE))


def test_a_partner_created_service_is_found_by_keyword_category_and_distance(
    live_server, writable_index, personas, page, sign_in_as
):
    sign_in_as(page, personas["food_bank_admin"])
    _add_location_and_service(page, live_server.url)
    page.context.clear_cookies()  # a resident, not signed in

    # By keyword, near a ZIP code: on the first page, with its distance and the badge.
    page.goto(f"{live_server.url}/")
    page.get_by_label("What do you need?").fill("food pantry")
    page.get_by_label("Where? (ZIP code or city)").fill("40507")
    page.get_by_role("button", name="Search").click()
    result = _result(page)
    expect(result).to_have_count(1)
    assert result.locator(".badge-partner").inner_text() == "Partner"
    assert "mi away" in result.inner_text()

    # By category, from the home page's tiles, with the place typed in the box.
    page.goto(f"{live_server.url}/")
    page.get_by_label("Where? (ZIP code or city)").fill("40507")
    page.get_by_role("button", name="Food", exact=True).click()
    page.get_by_role("link", name="Food pantries").click()
    expect(_result(page)).to_have_count(1)
    expect(_result(page).locator(".badge-partner")).to_have_count(1)

    # By distance: within 5 miles of 40507, and not within 5 miles of Louisville.
    page.goto(f"{live_server.url}/search/?category=food-pantries&where=40507&distance=5")
    expect(_result(page)).to_have_count(1)
    page.goto(f"{live_server.url}/search/?q=food+pantry&where=40202&distance=5")
    expect(_result(page)).to_have_count(0)

    # Its own page carries the badge and the place.
    page.goto(f"{live_server.url}/search/?q=saturday+grocery&where=40505")
    page.get_by_role("link", name=SERVICE).click()
    assert page.locator("h1 .badge-partner").inner_text() == "Partner"
    assert "1450 Winchester Rd" in page.locator("main").inner_text()


def test_a_partner_picks_the_exact_point_on_the_map(live_server, writable_index, personas, page, sign_in_as, settings):
    from wayfinder.directory.models import Location
    from wayfinder.lib import geo

    settings.MAP_TILE_URL = f"{live_server.url}/static/no-tiles/{{z}}/{{x}}/{{y}}.png"  # no tiles needed to click
    sign_in_as(page, personas["food_bank_admin"])
    _add_location_and_service(page, live_server.url)
    location = Location.objects.get(name="Eastside distribution site")
    assert (location.latitude, location.longitude) == geo.zip_centroid("40505")

    page.goto(f"{live_server.url}/partners/workspace/organization/locations/{location.pk}/")
    picker = page.locator("#location-picker")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2 + 60, "y": box["height"] / 2 - 40})  # a little north-east
    expect(page.get_by_text("Point picked on the map")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Location saved.").wait_for()
    location.refresh_from_db()
    lat, lon = geo.zip_centroid("40505")
    assert location.latitude > lat and location.longitude > lon
    assert geo.haversine_m(lat, lon, location.latitude, location.longitude) < 1000


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_location_and_service_forms_are_accessible_and_fit_a_phone(
    live_server, writable_index, personas, browser_instance, sign_in_as, axe_check, settings, language
):
    from conftest import assert_no_horizontal_scroll

    settings.MAP_TILE_URL = f"{live_server.url}/static/no-tiles/{{z}}/{{x}}/{{y}}.png"
    context = browser_instance.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, extra_http_headers={"Accept-Language": language}
    )
    try:
        page = context.new_page()
        sign_in_as(page, personas["food_bank_admin"])
        for path in ("locations/new/", "services/new/"):
            page.goto(f"{live_server.url}/partners/workspace/organization/{path}")
            page.get_by_role("button").last.wait_for()
            if path == "services/new/":
                page.locator("summary").first.click()  # one category group open
            assert axe_check(page) == [], path
            assert_no_horizontal_scroll(page)
    finally:
        context.close()
