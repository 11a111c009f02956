# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Directory pages in a real browser: accessibility (axe-core) and phone layout."""

from __future__ import annotations

import pytest

from conftest import assert_no_horizontal_scroll

from .directory_fixture import sid
from .search_fixtures import live_directory, search_index_dir  # noqa: F401

pytestmark = pytest.mark.browser


def pages_to_check(base: str) -> dict[str, str]:
    return {
        "home": f"{base}/",
        "category": f"{base}/categories/food/",
        "results": f"{base}/search/?q=food+pantry&where=40507",
        "no results": f"{base}/search/?q=xyzzyq",
        "service": f"{base}/services/{sid('pantry-lex')}/",
        "service without address": f"{base}/services/{sid('dv-ky')}/",
        "shared list": f"{base}/shared/?s={sid('pantry-lex')},{sid('diapers-lou')}",
        "print": f"{base}/print/?s={sid('pantry-lex')}",
    }


def test_pages_have_no_serious_accessibility_violations(live_server, live_directory, page, axe_check):
    for name, url in pages_to_check(live_server.url).items():
        page.goto(url)
        assert axe_check(page) == [], name


def test_spanish_pages_have_no_serious_accessibility_violations(
    live_server, live_directory, browser_instance, axe_check
):
    context = browser_instance.new_context(locale="es-MX", extra_http_headers={"Accept-Language": "es"})
    try:
        page = context.new_page()
        for name, url in pages_to_check(live_server.url).items():
            page.goto(url)
            assert page.get_attribute("html", "lang") == "es", name
            assert axe_check(page) == [], name
    finally:
        context.close()


def test_phone_layout_has_no_horizontal_scrolling(live_server, live_directory, phone_page, tmp_path):
    for name, url in pages_to_check(live_server.url).items():
        phone_page.goto(url)
        phone_page.screenshot(path=str(tmp_path / f"{name.replace(' ', '-')}.png"), full_page=True)
        assert_no_horizontal_scroll(phone_page)


def test_search_works_without_javascript(live_server, live_directory, browser_instance):
    context = browser_instance.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        page.fill("#id_q", "fod pantry")
        page.fill("#id_where", "40507")
        page.click("button[type=submit] >> text=Search")
        assert page.locator(".result-name").first.inner_text().startswith("Community Food Pantry")
        assert page.locator("[data-geo-button]").is_hidden()
    finally:
        context.close()


def test_use_my_location_fills_the_position(live_server, live_directory, browser_instance):
    context = browser_instance.new_context(
        geolocation={"latitude": 37.0834, "longitude": -88.6}, permissions=["geolocation"]
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/search/?category=food-pantries")
        page.click("[data-geo-button]")
        page.wait_for_url("**lat=37.08340**")
        assert page.locator(".result-name").first.inner_text().startswith("Paducah Food Pantry")
    finally:
        context.close()
