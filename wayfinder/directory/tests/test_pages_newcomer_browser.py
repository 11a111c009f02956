# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""What a newcomer hit on the public pages (issue 14, items 6 and 7), in a real browser,
with and without JavaScript."""

from __future__ import annotations

from io import BytesIO

import pytest

from .directory_fixture import sid
from .search_fixtures import live_directory, search_index_dir  # noqa: F401
from .test_share_services import pdf_text

pytestmark = pytest.mark.browser


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def any_page(request, browser_instance):
    context = browser_instance.new_context(java_script_enabled=request.param, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def _miles(page) -> list[float]:
    return [float(t.split()[0]) for t in page.locator(".result-meta span", has_text="mi away").all_inner_texts()]


def test_a_situation_tile_uses_the_zip_code_typed_in_the_box(live_server, live_directory, any_page):
    any_page.goto(f"{live_server.url}/")
    any_page.fill("#id_where", "40202")
    any_page.get_by_role("button", name="I need food today").click()
    any_page.wait_for_url("**/search/**")
    assert "where=40202" in any_page.url and "situation=food-today" in any_page.url
    assert any_page.locator(".result-name").first.inner_text().startswith("Louisville Food Pantry")
    assert _miles(any_page) == sorted(_miles(any_page)) and _miles(any_page)


def test_the_category_page_has_a_location_box(live_server, live_directory, any_page):
    any_page.goto(f"{live_server.url}/")
    any_page.fill("#id_where", "42001")
    any_page.get_by_role("button", name="Food", exact=True).click()
    any_page.wait_for_url("**/categories/food/**")
    assert any_page.get_by_label("Where? (ZIP code or city)").input_value() == "42001"
    any_page.get_by_label("Where? (ZIP code or city)").fill("40202")
    any_page.get_by_role("button", name="Show services near here").click()
    any_page.get_by_role("link", name="Food pantries").click()
    assert any_page.locator(".result-name").first.inner_text().startswith("Louisville Food Pantry")
    assert "40202" in any_page.url


def test_a_place_the_category_page_cannot_find_says_so(live_server, live_directory, any_page):
    any_page.goto(f"{live_server.url}/categories/food/?where=Atlantis")
    assert any_page.get_by_text("We could not find that place").is_visible()
    assert "where=" not in any_page.get_by_role("link", name="Food pantries").get_attribute("href")


def test_report_a_problem_thanks_the_person_where_they_are(live_server, live_directory, any_page):
    any_page.goto(f"{live_server.url}/services/{sid('pantry-lex')}/")
    any_page.get_by_text("Report a problem with this information").click()
    any_page.get_by_label("The phone number is wrong").check()
    any_page.get_by_role("button", name="Send report").click()
    thanks = any_page.get_by_text("Thank you. A reviewer will check this service's information.")
    thanks.wait_for()
    assert thanks.count() == 1  # next to the form, not at the top of the page as well
    assert thanks.is_visible() and _in_view(any_page, thanks)


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.evaluate("() => window.innerHeight")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def _assert_hours_and_eligibility(text: str) -> None:
    assert "Kentucky residents." in text, text  # who can get it
    assert "Monday" in text and "9 a.m. \u2013 5 p.m." in text, text  # hours
    assert "Bring a photo ID." in text, text


def test_print_and_pdf_carry_hours_and_eligibility(live_server, live_directory, any_page):
    any_page.goto(f"{live_server.url}/services/{sid('pantry-lex')}/")
    any_page.get_by_role("link", name="Print").click()
    any_page.wait_for_url("**/print/**")
    _assert_hours_and_eligibility(any_page.locator("main").inner_text())

    any_page.goto(f"{live_server.url}/services/{sid('pantry-lex')}/")
    href = any_page.get_by_role("link", name="Download PDF").get_attribute("href")
    pdf = any_page.request.get(f"{live_server.url}{href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    _assert_hours_and_eligibility(" ".join(pdf_text(BytesIO(pdf.body())).split()))


def test_the_service_page_itself_prints_its_hours_and_eligibility(live_server, live_directory, page):
    page.goto(f"{live_server.url}/services/{sid('pantry-lex')}/")
    page.emulate_media(media="print")
    _assert_hours_and_eligibility(page.locator("main").inner_text())  # inner_text: only what is shown
    assert not page.get_by_role("button", name="Send report").is_visible()


def test_other_services_at_this_location_lists_each_once(live_server, live_directory, page):
    from .test_pages_newcomer import _copy

    for phone in ("502-555-7001", "502-555-7002"):
        _copy(live_directory["jobsearch-fra"], phone)  # the feed lists "Job Search Help" three times
    _copy(live_directory["training-fra"], "502-555-7003")  # and this page's own service twice
    page.goto(f"{live_server.url}/services/{sid('training-fra')}/")
    here = page.locator("section", has=page.get_by_role("heading", name="Other services at this location"))
    assert here.get_by_role("link").all_inner_texts() == ["Job Search Help"]
