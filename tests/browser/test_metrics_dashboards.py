"""The dashboards in a real browser: every chart stands beside its table, the
pages pass axe (WCAG 2.1 AA), read well at 375 px and work without JavaScript."""

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll
from wayfinder.metrics.public import compute_snapshot
from wayfinder.metrics.refresh import refresh
from wayfinder.metrics.tests.conftest import close, make_resident, move, refer
from wayfinder.referrals.tests.conftest import make_service, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def activity(personas):
    from django.utils import timezone

    service = make_service(org("family_center"), "Free infant formula")
    shelter = make_service(org("shelter"), "Emergency overnight shelter")
    today = timezone.localtime().strftime("%Y-%m-%d")
    for number in range(12):
        resident = make_resident(f"Resident{number}", "Browser", county="Fayette")
        referral = refer(
            personas, resident, service if number % 4 else shelter, "food_bank", f"{today} 00:0{number % 10}"
        )
        if number % 4 and number % 3:
            move(personas, referral, f"{today} 00:1{number % 10}")
            close(personas, referral, f"{today} 00:2{number % 10}", provided=number % 2 == 0,
                  reason="" if number % 2 == 0 else "unable_to_reach")  # fmt: skip
    refresh()
    compute_snapshot()


def charts_have_tables(page) -> int:
    figures = page.locator("section.metrics-figure:has(svg[role=img])")
    count = figures.count()
    for index in range(count):
        figure = figures.nth(index)
        title = figure.locator("svg[role=img] title").text_content()
        assert title, "every chart has a title"
        assert figure.locator("table").count() == 1, f"chart “{title}” has its table beside it"
        assert figure.locator("a[download]").count() <= 1
    return count


def test_partner_dashboard_shows_charts_with_their_tables(live_server, personas, page, sign_in_as, axe_check, activity):
    sign_in_as(page, personas["family_center_staff"])
    page.goto(f"{live_server.url}/metrics/")
    expect(page.get_by_role("heading", name="Referral dashboard")).to_be_visible()
    assert charts_have_tables(page) >= 2
    expect(page.get_by_role("heading", name="Closed referrals by outcome")).to_be_visible()
    assert axe_check(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Closed referrals by outcome” as CSV").click()
    assert download.value.suggested_filename.startswith("outcomes-")


def test_statewide_and_public_pages_pass_axe(live_server, personas, page, sign_in_as, axe_check, activity):
    sign_in_as(page, personas["reviewer"])
    page.goto(f"{live_server.url}/metrics/statewide/?period=year")
    expect(page.get_by_role("heading", name="Statewide referral metrics")).to_be_visible()
    assert charts_have_tables(page) >= 3
    assert axe_check(page) == []
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/metrics/public/?period=all")
    expect(page.get_by_role("heading", name="Referral network in numbers")).to_be_visible()
    expect(page.get_by_text("fewer than 11").first).to_be_visible()
    assert axe_check(page) == []


def test_public_page_on_a_phone_without_javascript(live_server, browser_instance, activity):
    context = browser_instance.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/metrics/public/?period=all")
        assert page.locator("svg[role=img]").count() >= 1
        assert_no_horizontal_scroll(page)
        page.emulate_media(media="print")
        assert not page.locator("nav.no-print, .no-print").first.is_visible()
    finally:
        context.close()
