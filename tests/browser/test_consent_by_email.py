"""Consent by email, end to end: staff request it in the browser, the message goes
through a real SMTP server, the resident opens the link in another browser and
agrees, and the staff member's next page view shows the full record."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import message_text
from wayfinder.demo.personas import persona
from wayfinder.demo.residents import AMY_RESIDENT_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_request_consent_by_email_and_the_resident_grants_it(
    live_server, personas, page, sign_in_as, browser_instance, smtp_server
):
    sign_in_as(page, personas["family_center_staff"])
    page.goto(f"{live_server.url}/clients/")
    page.get_by_label("First name").fill("amy")
    page.get_by_label("Last name").fill("BRAND")
    page.get_by_label("Date of birth").fill("1988-04-12")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="View Amy Brand").click()
    page.locator("[data-access=limited]").wait_for()
    expect(page.get_by_text("5900000001")).to_have_count(0)

    page.get_by_role("link", name="Request consent").click()
    page.get_by_label(re.compile(r"Email a•••@\S+ \(from the state's record\)")).check()
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("Consent request sent").wait_for()

    smtp_server.wait_for(1)
    message = smtp_server.to(persona("resident").email)[0]
    assert "Lexington Family Resource Center" in message["Subject"]
    link = re.search(r"https?://\S+/consent/r/\S+/", message_text(message)).group(0)

    resident_context = browser_instance.new_context()
    try:
        resident_page = resident_context.new_page()
        resident_page.goto(link)
        expect(
            resident_page.get_by_role("heading", name="Lexington Family Resource Center asks to see your record")
        ).to_be_visible()
        expect(resident_page.get_by_text("Requested by Rosa Delgado")).to_be_visible()
        resident_page.get_by_role("button", name="Yes, I agree").click()
        resident_page.get_by_role("heading", name="Consent given").wait_for()
        resident_page.goto(link)
        resident_page.get_by_role("heading", name="Consent already given").wait_for()
    finally:
        resident_context.close()

    page.goto(f"{live_server.url}/clients/{AMY_RESIDENT_ID}/")
    page.locator("[data-access=full]").wait_for()
    expect(page.get_by_text("5900000001")).to_be_visible()
