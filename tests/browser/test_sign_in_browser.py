"""A demo partner staff member signs in with a TOTP code in a real browser."""

import pytest
from playwright.sync_api import expect

from conftest import fresh_totp_code
from wayfinder.demo.personas import DEMO_PASSWORD, demo_totp_secret, persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_staff_signs_in_with_password_and_totp(live_server, personas, page):
    staff = persona("food_bank_staff")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(fresh_totp_code(demo_totp_secret(staff.email)))
    page.get_by_role("button", name="Sign In").click()

    # Staff start on their organization's dashboard, with its inbox (seeds).
    page.wait_for_url("**/partners/workspace/")
    expect(page.get_by_role("heading", name="Bluegrass Community Food Bank")).to_be_visible()
    # The inbox part of the dashboard is the metrics summary's newest items (issue #18).
    expect(page.get_by_role("heading", name="Newest in your inbox")).to_be_visible()


def test_the_sign_in_page_fits_a_phone(live_server, phone_page):
    phone_page.goto(f"{live_server.url}/accounts/login/")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
